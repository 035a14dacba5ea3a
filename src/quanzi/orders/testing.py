"""Test helpers of orders (never imported by application code): set up what a test needs about
orders without other apps reaching into the orders tables."""

from __future__ import annotations

from quanzi.orders.models import AfterSale, Order, OrderEvent, OrderLine


def place_order(*, user, items, address_id: int | None = None, pay: bool = False):
    """Place (and with `pay=True` pay through the sandbox) one checkout of `items` = [(sku, quantity), …]
    for `user`, delivered to `address_id` (default: the user's default address). Returns
    (orders, payment), the orders fresh after paying."""
    from quanzi.accounts.selectors import address_default
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    if address_id is None:
        address_id = address_default(user=user).pk
    orders, payment = checkout_and_pay(user=user, items=[CheckoutItem(sku.pk, qty) for sku, qty in items],
                                       address_id=address_id, clear_cart=False)
    if pay:
        from quanzi.payments.testing import sandbox_pay

        sandbox_pay(payment.number)
        for order in orders:
            order.refresh_from_db()
    return orders, payment


def order_get(*, order_id: int | None = None, number: str | None = None, payment_number: str | None = None,
              user=None) -> Order:
    """The one order matching every given criterion, fresh from the database (DoesNotExist or
    MultipleObjectsReturned otherwise)."""
    lookup = {k: v for k, v in {"pk": order_id, "number": number, "payment_number": payment_number,
                                "user": user}.items() if v is not None}
    return Order.objects.get(**lookup)


def orders(*, user=None, shop=None, status: str | None = None, order_ids=None) -> list[Order]:
    """Orders in id order, narrowed by any of the criteria given."""
    qs = Order.objects.order_by("id")
    if user is not None:
        qs = qs.filter(user=user)
    if shop is not None:
        qs = qs.filter(shop=shop)
    if status is not None:
        qs = qs.filter(status=status)
    if order_ids is not None:
        qs = qs.filter(pk__in=list(order_ids))
    return list(qs)


def order_events(*, order_id: int, kind: str | None = None) -> list[OrderEvent]:
    """The order's timeline entries, oldest first (of one kind when given)."""
    qs = OrderEvent.objects.filter(order_id=order_id).order_by("created_at", "id")
    return list(qs.filter(kind=kind) if kind is not None else qs)


def aftersale_get(*, after_sale_id: int | None = None) -> AfterSale:
    """The after-sales request, fresh from the database (without an id: the only one there is)."""
    return AfterSale.objects.get(pk=after_sale_id) if after_sale_id is not None else AfterSale.objects.get()


# ---- public interface used by commission

def order_lines_set_attribution(*, order_id: int, attribution: dict) -> int:
    """Give every line of an order this attribution snapshot, as an attribution provider would have at
    checkout (a share, a live room); returns how many lines changed."""
    return OrderLine.objects.filter(order_id=order_id).update(attribution=attribution)


# ---- public interface used by social, content, reviews, feed, circle, notifications

def order_line_force_refunded(*, line_id: int) -> None:
    """Mark one line fully refunded (quantity and amount) and nothing else — the order keeps its
    status — as a partial after-sale refund of just that line leaves it."""
    from django.db.models import F

    OrderLine.objects.filter(pk=line_id).update(refunded_quantity=F("quantity"), refunded_amount=F("line_total"))


# ---- public interface used by demo, bench/ and the project's tests

def aftersales(*, user=None, statuses=None) -> list[AfterSale]:
    """After-sales requests in id order, of one buyer's orders and/or in these statuses."""
    qs = AfterSale.objects.order_by("id")
    if user is not None:
        qs = qs.filter(order__user=user)
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    return list(qs)


def units_in_orders(*, order_ids=None, statuses=None, sku_ids=None, campaign_key: str | None = None,
                    exclude_statuses=None, by_sku: bool = False):
    """Units on order lines, narrowed by the orders, their statuses, SKUs or campaign pool: the total, or
    with `by_sku` {sku id: units} (stock checks: what was sold must match what left the shelf)."""
    from django.db.models import Sum

    qs = OrderLine.objects.all()
    if order_ids is not None:
        qs = qs.filter(order_id__in=list(order_ids))
    if statuses is not None:
        qs = qs.filter(order__status__in=list(statuses))
    if exclude_statuses is not None:
        qs = qs.exclude(order__status__in=list(exclude_statuses))
    if sku_ids is not None:
        qs = qs.filter(sku_id__in=list(sku_ids))
    if campaign_key is not None:
        qs = qs.filter(campaign_key=campaign_key)
    if by_sku:
        return dict(qs.values_list("sku_id").annotate(q=Sum("quantity")).order_by())
    return qs.aggregate(s=Sum("quantity"))["s"] or 0


# ---- public interface used by groupbuy, bargain, flashsale, livesales

def units_kept_in_orders(*, statuses, sku_ids) -> int:
    """Units the buyers still hold on order lines of these statuses and SKUs (quantity − refunded
    quantity): with the SKU's free stock and its campaign pools, what must add up to the stock there was."""
    from django.db.models import F, Sum

    return OrderLine.objects.filter(order__status__in=list(statuses), sku_id__in=list(sku_ids)) \
        .aggregate(s=Sum(F("quantity") - F("refunded_quantity")))["s"] or 0


def order_lines_of_price(*, price_source: str, price_source_ref: str | None = None,
                         campaign_key: str | None = None) -> list[OrderLine]:
    """Order lines priced by one price source (one price of it when `price_source_ref` is given, or
    taken from one campaign pool), in id order, each with its order."""
    qs = OrderLine.objects.select_related("order").filter(price_source=price_source).order_by("id")
    if price_source_ref is not None:
        qs = qs.filter(price_source_ref=str(price_source_ref))
    if campaign_key is not None:
        qs = qs.filter(campaign_key=campaign_key)
    return list(qs)


def orders_of_payment(*, payment_number: str) -> list[Order]:
    """The orders one payment pays (one checkout across shops), in id order."""
    return list(Order.objects.filter(payment_number=payment_number).order_by("pk"))


def order_values(*, fields, user_ids=None, hold_keys=None, order_ids=None, shop=None, paid: bool | None = None) -> list:
    """Columns of many orders as tuples, in id order (bench checks over thousands of orders): `fields`
    names the columns ("pk", "status", "total", …); the rest narrow the orders."""
    qs = Order.objects.order_by("pk")
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    if hold_keys is not None:
        qs = qs.filter(hold_key__in=list(hold_keys))
    if order_ids is not None:
        qs = qs.filter(pk__in=list(order_ids))
    if shop is not None:
        qs = qs.filter(shop=shop)
    if paid is not None:
        qs = qs.filter(paid_at__isnull=not paid)
    return list(qs.values_list(*fields))


def orders_force_refunded(*, order_ids) -> dict[int, int]:
    """What `order_refund_all` does to the orders themselves — lines and orders refunded in full, orders
    closed — in three statements, without its events (bench/commission.py times the event handlers
    separately). Locks the orders in id order; returns {order id: total}."""
    from django.db.models import F

    totals = dict(Order.objects.select_for_update().filter(pk__in=list(order_ids)).order_by("id")
                  .values_list("id", "total"))
    OrderLine.objects.filter(order_id__in=list(order_ids)).update(refunded_amount=F("line_total"),
                                                                  refunded_quantity=F("quantity"))
    Order.objects.filter(pk__in=list(order_ids)).update(refunded_total=F("total"), status="closed")
    return totals


def order_creation_span(*, order_ids) -> tuple[int, float]:
    """(how many of these orders exist, seconds between the first and the last one's creation)."""
    from django.db.models import Max, Min

    qs = Order.objects.filter(pk__in=list(order_ids))
    span = qs.aggregate(a=Min("created_at"), b=Max("created_at"))
    n = qs.count()
    return n, ((span["b"] - span["a"]).total_seconds() if n > 1 else 0.0)


def order_force_fields(*, order_id: int, **fields) -> None:
    """Set fields of an order directly (a deadline already past, a timestamp): for tests of what other apps do
    around an order's clock, without their reaching into the orders table."""
    Order.objects.filter(pk=order_id).update(**fields)
