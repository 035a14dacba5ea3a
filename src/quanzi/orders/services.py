"""Order use cases: cart, checkout, the order state machine, after-sales.

Every state change is one function here, under `transaction.atomic`, locking the order row
(`select_for_update`) before checking its state, so concurrent calls serialise per order and a
repeated call fails cleanly with `invalid_order_state` instead of acting twice.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.accounts.selectors import address_get
from quanzi.catalog.selectors import product_is_sellable, skus_for_purchase
from quanzi.catalog.services import StockItem, stock_return, stock_take
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.core.translated_columns import texts_per_language
from quanzi.orders import events as ev
from quanzi.orders import pricing
from quanzi.orders.constants import OPEN_AFTERSALE, AfterSaleKind, AfterSaleStatus, OrderStatus
from quanzi.orders.models import AfterSale, CartLine, Order, OrderEvent, OrderLine
from quanzi.orders.states import AFTERSALE, ORDER

S = OrderStatus
A = AfterSaleStatus
MERCHANT_RESPONSE_HOURS = 48
AFTERSALE_REASONS = {"no_reason", "quality", "wrong_item", "damaged", "not_as_described", "not_received",
                     "changed_mind", "other"}


def _conf(name: str) -> int:
    return settings.QUANZI[name]


def _max_qty(product) -> int:
    return min(product.max_per_order or _conf("MAX_QUANTITY_PER_LINE"), _conf("MAX_QUANTITY_PER_LINE"))


def _check_quantity(quantity, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationFailed(_("Quantity must be a whole number of at least 1."), code="invalid_quantity",
                               fields={field: "must be ≥ 1"})
    return quantity


def _sellable(sku, *, field: str = "sku_id"):
    if sku is None or not sku.is_active:
        raise NotFound(_("This item does not exist or is no longer sold."), code="sku_not_found", fields={field: "unknown"})
    if not product_is_sellable(product=sku.product):
        raise BusinessRuleViolation(_("“%(t)s” is off the shelf.") % {"t": sku.product.title}, code="off_shelf",
                                    fields={field: "off shelf"})
    return sku


# ---------------------------------------------------------------- cart

@transaction.atomic
def cart_add(*, user, sku_id: int, quantity: int = 1) -> CartLine:
    _check_quantity(quantity)
    sku = _sellable(skus_for_purchase(sku_ids=[sku_id]).get(sku_id))
    line = CartLine.objects.select_for_update().filter(user=user, sku_id=sku_id).first()
    new_qty = quantity + (line.quantity if line else 0)
    _check_line_limits(sku, new_qty)
    if line is None:
        if CartLine.objects.filter(user=user).count() >= _conf("MAX_CART_LINES"):
            raise BusinessRuleViolation(_("Your cart is full."), code="cart_full")
        line = CartLine.objects.create(user=user, sku=sku, quantity=new_qty)
    else:
        line.quantity, line.selected = new_qty, True
        line.save(update_fields=["quantity", "selected"])
    publish(ev.CartItemAdded(user_id=user.pk, sku_id=sku.pk, product_id=sku.product_id, shop_id=sku.product.shop_id,
                          quantity=quantity))
    return line


def _check_line_limits(sku, quantity: int) -> None:
    limit = _max_qty(sku.product)
    if quantity > limit:
        raise BusinessRuleViolation(_("At most %(n)d per order.") % {"n": limit}, code="quantity_limit",
                                    fields={"quantity": f"max {limit}"})
    if quantity > sku.stock:
        raise BusinessRuleViolation(_("Only %(n)d left in stock.") % {"n": sku.stock}, code="out_of_stock",
                                    fields={"quantity": f"stock {sku.stock}"})


@transaction.atomic
def cart_update(*, user, line_id: int, quantity: int | None = None, selected: bool | None = None) -> CartLine:
    line = CartLine.objects.select_for_update().filter(user=user, pk=line_id).first()
    if line is None:
        raise NotFound(_("Cart line not found."))
    if quantity is not None:
        _check_quantity(quantity)
        sku = skus_for_purchase(sku_ids=[line.sku_id]).get(line.sku_id)
        _check_line_limits(_sellable(sku), quantity)
        line.quantity = quantity
    if selected is not None:
        line.selected = bool(selected)
    line.save(update_fields=["quantity", "selected"])
    return line


@transaction.atomic
def cart_remove(*, user, line_id: int) -> None:
    deleted, _rows = CartLine.objects.filter(user=user, pk=line_id).delete()
    if not deleted:
        raise NotFound(_("Cart line not found."))


# ---------------------------------------------------------------- checkout

@dataclass(frozen=True)
class CheckoutItem:
    sku_id: int
    quantity: int
    price_source: str = "list"
    price_ref: str = ""


@dataclass
class ShopGroup:
    """One shop's part of a checkout: its priced lines and the discounts the pipeline took off
    (`applied`: the snapshot `Adjustment.record` gives, with the amounts actually taken)."""

    shop: object
    lines: list[pricing.PricedLine]
    applied: list[dict] = field(default_factory=list)

    @property
    def items_total(self) -> int:
        return sum(line.subtotal for line in self.lines)

    @property
    def items_discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def shipping_fee(self) -> int:
        """The fee before any free-shipping benefit, decided on what the goods cost after discounts."""
        return pricing.shipping_fee(self.items_total - self.items_discount)

    @property
    def shipping_discount(self) -> int:
        waived = sum(a["amount"] for a in self.applied if a["target"] == pricing.SHIPPING)
        return min(waived, self.shipping_fee)

    @property
    def discount_total(self) -> int:
        return self.items_discount + self.shipping_discount

    @property
    def total(self) -> int:
        return self.items_total - self.discount_total + self.shipping_fee

    def apply(self, adjustment: pricing.Adjustment) -> int:
        """Take one adjustment off this order (cut to what is left); returns the amount taken."""
        if adjustment.target == pricing.SHIPPING:
            taken = max(0, min(adjustment.amount, self.shipping_fee - self.shipping_discount))
        else:
            taken = pricing.apply_adjustment(self.lines, adjustment)  # every unit keeps at least 1 fen
        if taken:
            self.applied.append(adjustment.record(taken))
        return taken


@dataclass
class CheckoutQuote:
    groups: list[ShopGroup]

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    @property
    def items_total(self) -> int:
        return sum(g.items_total for g in self.groups)

    @property
    def shipping_total(self) -> int:
        return sum(g.shipping_fee for g in self.groups)

    @property
    def discount_total(self) -> int:
        return sum(g.discount_total for g in self.groups)


def checkout_quote(*, user, items: list[CheckoutItem], context: dict | None = None) -> CheckoutQuote:
    """Price a checkout on the server: validate every line, group by shop. Reads only."""
    if not items:
        raise ValidationFailed(_("Choose at least one item."), code="empty_checkout", fields={"items": "empty"})
    if len(items) > _conf("MAX_CART_LINES"):
        raise ValidationFailed(_("Too many lines in one checkout."), fields={"items": "too many"})
    merged: dict[tuple[int, str, str], int] = defaultdict(int)
    for i, item in enumerate(items):
        _check_quantity(item.quantity, f"items.{i}.quantity")
        merged[(item.sku_id, item.price_source or "list", item.price_ref or "")] += item.quantity
    skus = skus_for_purchase(sku_ids=[k[0] for k in merged])
    groups: dict[int, ShopGroup] = {}
    for i, ((sku_id, source, ref), qty) in enumerate(merged.items()):
        sku = _sellable(skus.get(sku_id), field=f"items.{i}.sku_id")
        quote = pricing.quote_line(user=user, sku=sku, quantity=qty, source=source, ref=ref)
        limit = min(_max_qty(sku.product), quote.max_quantity or 10**9)
        if qty > limit:
            raise BusinessRuleViolation(_("At most %(n)d of “%(t)s” per order.") % {"n": limit, "t": sku.product.title},
                                        code="quantity_limit", fields={f"items.{i}.quantity": f"max {limit}"})
        if not quote.campaign_key and qty > sku.stock:
            raise BusinessRuleViolation(_("Only %(n)d of “%(t)s” left.") % {"n": sku.stock, "t": sku.product.title},
                                        code="out_of_stock", fields={f"items.{i}.quantity": f"stock {sku.stock}"})
        attribution = pricing.attribution_snapshot(user=user, sku=sku, context=context or {})
        group = groups.setdefault(sku.product.shop_id, ShopGroup(shop=sku.product.shop, lines=[]))
        group.lines.append(pricing.PricedLine(sku=sku, quantity=qty, quote=quote, attribution=attribution))
    ordered = list(groups.values())
    working = {**(context or {})}  # the steps' own copy: they may keep per-checkout data in it ("_…" keys)
    for adjuster in pricing.order_adjusters:  # the pipeline's discount steps, in their fixed order
        for adjustment in adjuster(user=user, groups=ordered, context=working):
            if adjustment.shop_id in groups:
                groups[adjustment.shop_id].apply(adjustment)
    return CheckoutQuote(groups=ordered)


def _address_for(user, address_id: int):
    address = address_get(user=user, address_id=address_id)
    if address is None:
        raise NotFound(_("Address not found."), code="address_not_found", fields={"address_id": "unknown"})
    return address


@transaction.atomic
def checkout_place(*, user, items: list[CheckoutItem], address_id: int, notes: dict[int, str] | None = None,
                   context: dict | None = None, clear_cart: bool = True, payment_number: str = "") -> list[Order]:
    """Place one order per shop: price on the server, take stock atomically, clear the cart lines.

    Raises `out_of_stock` (nothing is taken) if any line cannot be filled. Stock is taken after the
    orders are written, so the SKU row locks are held only until commit. The query count does not
    grow with the number of lines beyond a constant per shop (orders/tests/test_checkout_queries.py).
    """
    return place_orders(user=user, items=items, address_id=address_id, notes=notes, context=context,
                        clear_cart=clear_cart, payment_number=payment_number)


def place_orders(*, user, items: list[CheckoutItem], address_id: int, notes: dict[int, str] | None = None,
                 context: dict | None = None, clear_cart: bool = True, payment_number: str = "") -> list[Order]:
    """`checkout_place` without its own savepoint, for use cases that already run in a transaction
    and let every error abort it (orders.checkout.checkout_and_pay)."""
    quote = checkout_quote(user=user, items=items, context=context)
    address = _address_for(user, address_id).snapshot()
    now, checkout_id = clock.now(), secrets.token_hex(8)
    windows = [_conf("PAYMENT_TIMEOUT_SECONDS")] + [line.quote.pay_within_seconds for g in quote.groups
                                                    for line in g.lines if line.quote.pay_within_seconds]
    deadline = now + dt.timedelta(seconds=max(1, min(windows)))
    orders = [_create_order(user, group, address, (notes or {}).get(group.shop.pk, ""), checkout_id, now, deadline,
                            payment_number) for group in quote.groups]
    stock_take(items=[StockItem(line.sku.pk, line.quantity, line.quote.campaign_key or None)
                      for group in quote.groups for line in group.lines if not line.quote.stock_reserved])
    if clear_cart:
        CartLine.objects.filter(user=user, sku_id__in=[line.sku.pk for g in quote.groups for line in g.lines]).delete()
    for order in orders:
        publish(ev.OrderCreated(order_id=order.pk, checkout_id=checkout_id, user_id=user.pk, shop_id=order.shop_id,
                                price_sources=_price_sources(order), adjustments=order.adjustments))
    return orders


def _create_order(user, group: ShopGroup, address: dict, note: str, checkout_id: str, now, deadline,
                  payment_number: str = "") -> Order:
    holds = {line.quote.hold_key for line in group.lines if line.quote.hold_key}
    if len(holds) > 1:
        raise BusinessRuleViolation(_("These items must be bought separately."), code="mixed_holds")
    order = Order.objects.create(
        user=user, shop=group.shop, checkout_id=checkout_id, items_total=group.items_total,
        shipping_fee=group.shipping_fee, discount_total=group.discount_total, total=group.total, address=address,
        note=str(note or "")[:200], hold_key=holds.pop() if holds else "", created_at=now, pay_deadline=deadline,
        payment_number=payment_number, adjustments=group.applied)
    lines = OrderLine.objects.bulk_create([
        OrderLine(order=order, sku=line.sku, product_id=line.sku.product_id, category_id=line.sku.product.category_id,
                  **texts_per_language(line.sku.product, "title"), **texts_per_language(line.sku, "label", into="sku_label"),
                  image=line.sku.image or line.sku.product.cover_thumb, list_price=line.sku.price,
                  unit_price=line.quote.unit_price, price_source=line.quote.source, price_source_ref=line.quote.ref,
                  campaign_key=line.quote.campaign_key, quantity=line.quantity,
                  line_total=line.net, discounts=line.discounts, returnable_7day=line.sku.product.returnable_7day,
                  attribution=line.attribution)
        for line in group.lines])
    _cache_lines(order, lines)
    OrderEvent.objects.create(order=order, kind="created", actor="shopper", created_at=now,
                              message=gettext_noop("Order placed"))
    return order


def _cache_lines(order: Order, lines: list[OrderLine]) -> None:
    """Seed `order.lines.all()` with the rows just written, as prefetch_related would (no re-read)."""
    cached = OrderLine.objects.filter(order=order)
    cached._result_cache, cached._prefetch_done = lines, True
    order._prefetched_objects_cache = {"lines": cached}


# ---------------------------------------------------------------- state changes

def _lock(**lookup) -> Order:
    order = Order.objects.select_for_update().filter(**lookup).first()
    if order is None:
        raise NotFound(_("Order not found."), code="order_not_found")
    return order


def _lock_payment_first(lookup: dict) -> None:
    """Lock order: Payment, then Order — the order a capture takes (payment_capture → order_mark_paid).
    A cancel that closes the payment must not take them the other way round, or the two deadlock."""
    from quanzi.payments.services import payment_lock

    number = Order.objects.filter(**lookup).values_list("payment_number", flat=True).first()
    if number:
        payment_lock(payment_number=number)


def _move(order: Order, target: str, *, kind: str, message: str, actor: str, data: dict | None = None,
          params: dict | None = None, **stamps) -> None:
    """Check the transition, set the status and timestamps, and record it on the timeline.
    `message` is an untranslated msgid (gettext_noop) with `params`; it is translated when shown."""
    ORDER.check(order.status, target)
    order.status = target
    for name, value in stamps.items():
        setattr(order, name, value)
    order.save(update_fields=["status", *stamps])
    OrderEvent.objects.create(order=order, kind=kind, message=message, actor=actor,
                              data={**(data or {}), **({"params": params} if params else {})}, created_at=clock.now())


def _price_sources(order: Order) -> list[str]:
    return sorted({line.price_source for line in order.lines.all()})


def _adjustment_sources(order: Order) -> list[str]:
    """Which pipeline steps took money off the order ("coupon", "points"): lets their subscribers skip
    every other order without a query."""
    return sorted({a["source"] for a in order.adjustments or ()})


def _attribution_kinds(order: Order) -> list[str]:
    return sorted({key for line in order.lines.all() for key, value in (line.attribution or {}).items()
                   if value or isinstance(value, dict)})


def _stock_items(order: Order, *, only_unrefunded: bool = True) -> list[StockItem]:
    return [StockItem(line.sku_id, line.quantity - (line.refunded_quantity if only_unrefunded else 0),
                      line.campaign_key or None) for line in order.lines.all()]


@transaction.atomic
def order_cancel(*, order_id: int, reason: str, actor: str = "shopper", user=None) -> Order:
    """Cancel an unpaid order and return its stock (the shopper, or the payment-timeout sweep)."""
    lookup = {"pk": order_id} if user is None else {"pk": order_id, "user": user}
    _lock_payment_first(lookup)
    order = _lock(**lookup)
    if order.status != S.PENDING_PAYMENT:
        raise Conflict(_("Only an unpaid order can be cancelled; ask for a refund instead."),
                       code="invalid_order_state", fields={"status": order.status})
    now = clock.now()
    _move(order, S.CANCELLED, kind="cancelled", message=reason[:300], actor=actor, cancelled_at=now,
          cancel_reason=reason[:200])
    stock_return(items=_stock_items(order))
    publish(ev.OrderCancelled(order_id=order.pk, reason=reason, payment_number=order.payment_number or "",
                              price_sources=_price_sources(order), adjustment_sources=_adjustment_sources(order)))
    return order


@transaction.atomic(savepoint=False)
def order_attach_payment(*, order_ids: list[int], payment_number: str) -> None:
    Order.objects.filter(pk__in=order_ids, status=S.PENDING_PAYMENT).update(payment_number=payment_number)


@transaction.atomic(savepoint=False)  # never raises: returns False when the order cannot take the money
def order_mark_paid(*, order_number: str, payment_number: str, amount: int) -> bool:
    """Record that money for this order arrived. Returns False when the order cannot take it
    (cancelled meanwhile, already paid by another payment, amount differs): the caller refunds."""
    order = Order.objects.select_for_update().filter(number=order_number).first()
    if order is None or order.status != S.PENDING_PAYMENT or order.total != amount:
        return False
    if order.payment_number and order.payment_number != payment_number:
        return False
    now = clock.now()
    held = bool(order.hold_key)
    target = S.AWAITING_RELEASE if held else S.PAID
    _move(order, target, kind="paid", message=gettext_noop("Payment received"), actor="system", paid_at=now,
          payment_number=payment_number)
    # Sold counts are shown, not owed: orders.handlers.record_sales adds them after the commit (outbox).
    _cache_lines(order, list(order.lines.all()))  # one read for both summaries below
    publish(ev.OrderPaid(order_id=order.pk, held=held, shop_id=order.shop_id, total=order.total,
                         payment_number=payment_number, price_sources=_price_sources(order),
                         attributions=_attribution_kinds(order), adjustment_sources=_adjustment_sources(order)))
    return True


@transaction.atomic
def order_release_hold(*, order_id: int) -> Order:
    """The holder (e.g. a filled group) lets a paid order go on to fulfilment."""
    order = _lock(pk=order_id)
    _move(order, S.PAID, kind="released", message=gettext_noop("Ready to ship"), actor="system")
    publish(ev.OrderReleased(order_id=order.pk))
    return order


@transaction.atomic
def order_mark_shipped(*, order_id: int, carrier: str, tracking_number: str, carrier_name: str = "") -> Order:
    order = _lock(pk=order_id)
    if order.status != S.PAID:
        raise Conflict(_("Only a paid order that is not yet shipped can be shipped."), code="invalid_order_state",
                       fields={"status": order.status})
    if order.after_sales.filter(status=AfterSaleStatus.REQUESTED, kind=AfterSaleKind.REFUND_ONLY).exists():
        # The merchant decides on a waiting refund request first; a rejected or escalated one no
        # longer blocks shipping (the platform can still refund after it ships).
        raise Conflict(_("Handle the open refund request before shipping."), code="refund_pending")
    _move(order, S.SHIPPED, kind="shipped", message=gettext_noop("Shipped by %(c)s, tracking %(t)s"),
          params={"c": carrier_name or carrier, "t": tracking_number}, actor="merchant", shipped_at=clock.now(),
          data={"carrier": carrier, "tracking_number": tracking_number})
    publish(ev.OrderShipped(order_id=order.pk, carrier=carrier, tracking_number=tracking_number))
    return order


@transaction.atomic
def order_mark_delivered(*, order_id: int) -> Order:
    """Delivery starts the return window and the auto-confirm clock (idempotent)."""
    order = _lock(pk=order_id)
    if order.status in (S.DELIVERED, S.COMPLETED):
        return order
    now = clock.now()
    _move(order, S.DELIVERED, kind="delivered", message=gettext_noop("Delivered"), actor="carrier", delivered_at=now,
          auto_confirm_at=now + dt.timedelta(days=_conf("AUTO_CONFIRM_DAYS")),
          return_window_closes_at=now + dt.timedelta(days=_conf("RETURN_WINDOW_DAYS")))
    publish(ev.OrderDelivered(order_id=order.pk))
    return order


@transaction.atomic
def order_confirm_receipt(*, order_id: int, user=None, actor: str = "shopper") -> Order:
    lookup = {"pk": order_id} if user is None else {"pk": order_id, "user": user}
    order = _lock(**lookup)
    if order.status == S.SHIPPED:  # the shopper has it even if the carrier has not said so yet
        order_mark_delivered(order_id=order.pk)
        order.refresh_from_db()
    message = gettext_noop("Receipt confirmed") if actor == "shopper" else gettext_noop("Receipt confirmed automatically")
    _move(order, S.COMPLETED, kind="completed", message=message, actor=actor, completed_at=clock.now())
    publish(ev.OrderCompleted(order_id=order.pk))
    return order


@transaction.atomic
def order_mark_settled(*, order_id: int) -> bool:
    """Settlement marks the order once its merchant has been paid out of clearing (idempotent)."""
    updated = Order.objects.filter(pk=order_id, settled_at__isnull=True).update(settled_at=clock.now())
    if updated:
        OrderEvent.objects.create(order_id=order_id, kind="settled", message=gettext_noop("Settled with the merchant"),
                                  created_at=clock.now())
    return bool(updated)


def orders_lock(*, order_ids) -> list[Order]:
    """Lock these orders (their rows only, in id order, so concurrent batches queue instead of
    deadlocking) in the caller's transaction and return them: settlement settles under these locks."""
    return list(Order.objects.select_for_update(of=("self",)).filter(pk__in=set(order_ids)).order_by("id"))


def order_mark_settled_many(*, order_ids: list[int]) -> list[int]:
    """`order_mark_settled` for a batch (the caller holds the orders' locks): two statements plus the
    read, whatever the batch size. Returns the ids that were not settled before."""
    now = clock.now()
    fresh = list(Order.objects.filter(pk__in=order_ids, settled_at__isnull=True).values_list("pk", flat=True))
    if fresh:
        Order.objects.filter(pk__in=fresh).update(settled_at=now)
        OrderEvent.objects.bulk_create([OrderEvent(order_id=pk, kind="settled", created_at=now,
                                                   message=gettext_noop("Settled with the merchant"))
                                        for pk in fresh])
    return fresh


def order_add_event(*, order_id: int, kind: str, message: str, actor: str = "system", data: dict | None = None,
                    params: dict | None = None, when=None) -> None:
    """Add a timeline entry; `message` is an untranslated msgid (gettext_noop) or free text, see OrderEvent."""
    OrderEvent.objects.create(order_id=order_id, kind=kind, message=message[:300], actor=actor,
                              data={**(data or {}), **({"params": params} if params else {})},
                              created_at=when or clock.now())


# ---------------------------------------------------------------- refunds (shared by after-sales and holders)

def _close_open_aftersales(order: Order, reason: str) -> None:
    """A full refund settles every open request on the order: nothing is left to pay twice."""
    for after_sale in AfterSale.objects.select_for_update().filter(order=order, status__in=OPEN_AFTERSALE):
        AFTERSALE.check(after_sale.status, AfterSaleStatus.CLOSED)
        after_sale.status, after_sale.resolved_at = AfterSaleStatus.CLOSED, clock.now()
        after_sale.save(update_fields=["status", "resolved_at"])
        OrderEvent.objects.create(order=order, kind="aftersale_closed", actor="system", created_at=clock.now(),
                                  message=gettext_noop("Request %(n)s closed: the order was refunded in full (%(r)s)"),
                                  data={"params": {"n": after_sale.number, "r": reason[:100]}})


def _refund_money(*, order: Order, amount: int, key: str, reason: str) -> None:
    from quanzi.payments.services import refund_create

    refund_create(payment_number=order.payment_number, amount=amount, key=key, reason=reason,
                  reference=order.number)


@transaction.atomic
def order_refund_all(*, order_id: int, reason: str, actor: str = "system") -> Order:
    """Refund every unrefunded fen of a paid, unshipped order and close it (a failed group, an
    operator decision). Stock returns. Idempotent: a closed order is returned unchanged."""
    order = _lock(pk=order_id)
    if order.status == S.CLOSED:
        return order
    if order.status not in (S.AWAITING_RELEASE, S.PAID):
        raise Conflict(_("Only a paid, unshipped order can be refunded in full."), code="invalid_order_state",
                       fields={"status": order.status})
    stock_return(items=_stock_items(order))  # before the lines are marked refunded: what is still held
    for line in order.lines.all():
        remaining = line.refundable_amount
        qty = line.quantity - line.refunded_quantity
        if remaining or qty:
            OrderLine.objects.filter(pk=line.pk).update(refunded_amount=F("refunded_amount") + remaining,
                                                        refunded_quantity=F("refunded_quantity") + qty)
    _close_open_aftersales(order, reason)
    amount = order.total - order.refunded_total
    order.refunded_total = order.total
    order.save(update_fields=["refunded_total"])
    _move(order, S.CLOSED, kind="refunded", message=reason[:300], actor=actor, data={"amount": amount})
    if amount:
        _refund_money(order=order, amount=amount, key=f"order-full:{order.pk}", reason=reason)
    publish(ev.OrderRefunded(order_id=order.pk, line_id=None, amount=amount, after_sale_id=None,
                             key=f"order-full:{order.pk}", adjustment_sources=_adjustment_sources(order)))
    return order


# ---- public interface used by commission

def order_lock(*, order_id: int, with_shop: bool = False) -> Order:
    """Lock one order row (SELECT … FOR UPDATE) in the caller's transaction and return it, for an app
    that changes its own rows about an order under the lock settlement and refunds take (commission
    holds). NotFound (404) for an unknown id. `with_shop` reads (and on PostgreSQL locks) its shop row
    in the same statement, as settlement does."""
    if not with_shop:
        return _lock(pk=order_id)
    order = Order.objects.select_for_update().select_related("shop").filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Order not found."), code="order_not_found")
    return order
