"""After-sales services: refund only (before shipping), return and refund (7-day window),
partial refunds per line, merchant review, escalation to the operator, and timeouts.

State table: orders/states.py AFTERSALE. Money moves only in `_refund`, through
payments.refund_create, keyed by the after-sale so it can never be paid twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.catalog.services import StockItem, stock_return
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.orders import events as ev
from quanzi.orders.constants import OPEN_AFTERSALE, AfterSaleKind, AfterSaleStatus, OrderStatus
from quanzi.orders.models import AfterSale, Order, OrderEvent, OrderLine
from quanzi.orders.services import AFTERSALE_REASONS, MERCHANT_RESPONSE_HOURS, _lock, _move, _refund_money
from quanzi.orders.states import AFTERSALE

A, S = AfterSaleStatus, OrderStatus
RETURN_SHIP_DAYS = 7  # the shopper sends the goods back within this, or the request closes
ESCALATE_DAYS = 7  # after a rejection the shopper may escalate within this, or the request closes
NO_REASON = {"no_reason", "changed_mind"}


def _max_amount(line: OrderLine, quantity: int) -> int:
    remaining_qty = line.quantity - line.refunded_quantity
    if quantity >= remaining_qty:
        return line.refundable_amount
    return min(line.line_total * quantity // line.quantity, line.refundable_amount)


def _check_eligible(order: Order, line: OrderLine, kind: str, reason: str) -> None:
    now = clock.now()
    if kind == AfterSaleKind.REFUND_ONLY:
        if order.status != S.PAID:
            raise BusinessRuleViolation(_("Refund only is for paid orders that have not shipped; ask for a return."),
                                        code="not_refundable", fields={"kind": order.status})
        return
    if order.status not in (S.DELIVERED, S.COMPLETED) or not order.return_window_closes_at:
        raise BusinessRuleViolation(_("Returns open once the order is delivered."), code="not_returnable")
    if now > order.return_window_closes_at:
        raise BusinessRuleViolation(_("The 7-day return window has closed."), code="return_window_closed")
    if reason in NO_REASON and not line.returnable_7day:
        raise BusinessRuleViolation(_("This item is exempt from 7-day no-reason returns."), code="not_returnable",
                                    fields={"reason": "no-reason returns not allowed"})


@transaction.atomic
def aftersale_request(*, user, order_id: int, line_id: int, kind: str, quantity: int, reason: str,
                      description: str = "", amount: int | None = None) -> AfterSale:
    order = _lock(pk=order_id, user=user)
    line = OrderLine.objects.filter(order=order, pk=line_id).first()
    if line is None:
        raise NotFound(_("Order line not found."), fields={"line_id": "unknown"})
    if kind not in AfterSaleKind.values:
        raise ValidationFailed(_("Choose refund only or return and refund."), fields={"kind": "invalid"})
    if reason not in AFTERSALE_REASONS:
        raise ValidationFailed(_("Choose a reason."), fields={"reason": "invalid"})
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationFailed(_("Quantity must be at least 1."), code="invalid_quantity", fields={"quantity": "≥ 1"})
    _check_eligible(order, line, kind, reason)
    if AfterSale.objects.filter(line=line, status__in=OPEN_AFTERSALE).exists():
        raise Conflict(_("There is already an open request for this item."), code="aftersale_open")
    if quantity > line.quantity - line.refunded_quantity:
        raise BusinessRuleViolation(_("You cannot return more than you bought."), code="quantity_limit",
                                    fields={"quantity": f"max {line.quantity - line.refunded_quantity}"})
    max_amount = _max_amount(line, quantity)
    amount = max_amount if amount is None else amount
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= max_amount:
        raise BusinessRuleViolation(_("The refund can be at most %(m)s.") % {"m": f"{max_amount / 100:.2f}"},
                                    code="refund_exceeds_paid", fields={"amount": f"max {max_amount}"})
    now = clock.now()
    after_sale = AfterSale.objects.create(
        order=order, line=line, kind=kind, quantity=quantity, amount=amount, reason=reason,
        description=(description or "")[:500], restock=kind == AfterSaleKind.REFUND_ONLY,
        merchant_respond_by=now + dt.timedelta(hours=MERCHANT_RESPONSE_HOURS), created_at=now)
    _log(after_sale, "aftersale_requested", gettext_noop("Refund requested: %(a)s"), "shopper", a=f"¥{amount / 100:.2f}")
    publish(ev.AfterSaleRequested(after_sale_id=after_sale.pk, order_id=order.pk, shop_id=order.shop_id))
    return after_sale


def _log(after_sale: AfterSale, kind: str, message: str, actor: str, **params) -> None:
    """A timeline entry for the request: `message` is an untranslated msgid (gettext_noop) with `params`."""
    OrderEvent.objects.create(order_id=after_sale.order_id, kind=kind, message=message[:300], actor=actor,
                              data={"after_sale": after_sale.number, "params": params}, created_at=clock.now())


def _lock_aftersale(**lookup) -> AfterSale:
    after_sale = AfterSale.objects.select_for_update().filter(**lookup).first()
    if after_sale is None:
        raise NotFound(_("After-sales request not found."))
    return after_sale


def _set(after_sale: AfterSale, target: str, **fields) -> None:
    AFTERSALE.check(after_sale.status, target)
    after_sale.status = target
    for k, v in fields.items():
        setattr(after_sale, k, v)
    if target in (A.REFUNDED, A.CLOSED, A.CANCELLED):
        after_sale.resolved_at = clock.now()
        fields["resolved_at"] = after_sale.resolved_at
    after_sale.save(update_fields=["status", *fields])


def _refund(after_sale: AfterSale, *, actor: str, message: str, **params) -> None:
    """Pay the refund once: lines and order totals, stock if unshipped, ledger via payments."""
    order = _lock(pk=after_sale.order_id)
    line = OrderLine.objects.select_for_update().get(pk=after_sale.line_id)
    if after_sale.quantity > line.quantity - line.refunded_quantity or line.refundable_amount <= 0:
        raise Conflict(_("This item was already refunded."), code="already_refunded")
    amount = min(after_sale.amount, line.refundable_amount)
    OrderLine.objects.filter(pk=line.pk).update(refunded_amount=F("refunded_amount") + amount,
                                                refunded_quantity=F("refunded_quantity") + after_sale.quantity)
    if after_sale.restock and order.status == S.PAID:
        stock_return(items=[StockItem(line.sku_id, after_sale.quantity, line.campaign_key or None)])
    agg = order.lines.aggregate(q=Sum("quantity"), rq=Sum("refunded_quantity"))
    everything_back = agg["q"] == agg["rq"]
    extra_shipping = order.shipping_paid if everything_back and order.status == S.PAID else 0
    total_refund = amount + extra_shipping
    order.refunded_total = F("refunded_total") + total_refund
    order.save(update_fields=["refunded_total"])
    order.refresh_from_db()
    _set(after_sale, A.REFUNDED, amount=amount)
    _log(after_sale, "refunded", message, actor, **params)
    _refund_money(order=order, amount=total_refund, key=f"aftersale:{after_sale.pk}",
                  reason=f"after-sale {after_sale.number}")
    if everything_back and order.status not in (S.CLOSED, S.CANCELLED):
        _move(order, S.CLOSED, kind="closed", message=gettext_noop("Everything refunded"), actor="system")
    publish(ev.OrderRefunded(order_id=order.pk, line_id=line.pk, amount=total_refund,
                             after_sale_id=after_sale.pk, key=f"aftersale:{after_sale.pk}",
                             adjustment_sources=sorted({a["source"] for a in order.adjustments or ()})))


@transaction.atomic
def aftersale_approve(*, shop, after_sale_id: int, note: str = "", actor: str = "merchant") -> AfterSale:
    after_sale = _lock_aftersale(pk=after_sale_id, order__shop=shop)
    if after_sale.status != A.REQUESTED:
        raise Conflict(_("This request was already handled."), code="invalid_aftersale_state")
    after_sale.merchant_note = note[:300]
    if after_sale.kind == AfterSaleKind.REFUND_ONLY:
        _refund(after_sale, actor=actor, message=gettext_noop("Refund approved"))
    else:
        _set(after_sale, A.APPROVED_AWAITING_RETURN, merchant_note=note[:300],
             merchant_respond_by=clock.now() + dt.timedelta(days=RETURN_SHIP_DAYS))
        _log(after_sale, "return_approved", gettext_noop("Return approved: send the goods back"), actor)
    return after_sale


@transaction.atomic
def aftersale_reject(*, shop, after_sale_id: int, note: str) -> AfterSale:
    if not (note or "").strip():
        raise ValidationFailed(_("Tell the shopper why."), fields={"note": "required"})
    after_sale = _lock_aftersale(pk=after_sale_id, order__shop=shop)
    _set(after_sale, A.REJECTED, merchant_note=note[:300],
         merchant_respond_by=clock.now() + dt.timedelta(days=ESCALATE_DAYS))
    _log(after_sale, "aftersale_rejected", gettext_noop("Merchant rejected: %(n)s"), "merchant", n=note[:200])
    return after_sale


@transaction.atomic
def aftersale_ship_return(*, user, after_sale_id: int, carrier: str, tracking_number: str) -> AfterSale:
    if not carrier.strip() or not tracking_number.strip():
        raise ValidationFailed(_("Enter the carrier and tracking number."),
                               fields={"carrier": "required", "tracking_number": "required"})
    after_sale = _lock_aftersale(pk=after_sale_id, order__user=user)
    _set(after_sale, A.RETURN_SHIPPED, return_carrier=carrier[:40], return_tracking=tracking_number[:40],
         merchant_respond_by=clock.now() + dt.timedelta(days=RETURN_SHIP_DAYS))
    _log(after_sale, "return_shipped", gettext_noop("Goods sent back (%(t)s)"), "shopper", t=tracking_number[:40])
    return after_sale


@transaction.atomic
def aftersale_confirm_return(*, shop, after_sale_id: int, actor: str = "merchant") -> AfterSale:
    after_sale = _lock_aftersale(pk=after_sale_id, order__shop=shop)
    if after_sale.status != A.RETURN_SHIPPED:
        raise Conflict(_("The goods have not been sent back yet."), code="invalid_aftersale_state")
    _refund(after_sale, actor=actor, message=gettext_noop("Return received, refund issued"))
    return after_sale


@transaction.atomic
def aftersale_escalate(*, user, after_sale_id: int, note: str = "") -> AfterSale:
    after_sale = _lock_aftersale(pk=after_sale_id, order__user=user)
    _set(after_sale, A.ESCALATED, operator_note="")
    _log(after_sale, "escalated", gettext_noop("Shopper asked the platform to decide: %(n)s"), "shopper", n=note[:200])
    return after_sale


@transaction.atomic
def aftersale_decide(*, after_sale_id: int, refund: bool, note: str) -> AfterSale:
    """The operator's final decision on an escalated request."""
    if not (note or "").strip():
        raise ValidationFailed(_("Record the reason for the decision."), fields={"note": "required"})
    after_sale = _lock_aftersale(pk=after_sale_id)
    if after_sale.status != A.ESCALATED:
        raise Conflict(_("Only escalated requests wait for the platform."), code="invalid_aftersale_state")
    after_sale.operator_note = note[:300]
    after_sale.save(update_fields=["operator_note"])
    if refund:
        _refund(after_sale, actor="operator", message=gettext_noop("Platform decided: refund. %(n)s"), n=note[:200])
    else:
        _set(after_sale, A.CLOSED)
        _log(after_sale, "aftersale_closed", gettext_noop("Platform decided: no refund. %(n)s"), "operator", n=note[:200])
    return after_sale


@transaction.atomic
def aftersale_cancel(*, user, after_sale_id: int) -> AfterSale:
    after_sale = _lock_aftersale(pk=after_sale_id, order__user=user)
    _set(after_sale, A.CANCELLED)
    _log(after_sale, "aftersale_cancelled", gettext_noop("Request withdrawn"), "shopper")
    return after_sale


def aftersale_sweep_timeouts() -> int:
    """Merchant silent past the deadline → approved (or refunded for a returned parcel);
    shopper never shipped the return, or never escalated a rejection → closed.
    (`merchant_respond_by` is the request's current deadline, whoever must act.)"""
    now, acted = clock.now(), 0
    due = AfterSale.objects.filter(merchant_respond_by__lte=now,
                                   status__in=[A.REQUESTED, A.APPROVED_AWAITING_RETURN, A.RETURN_SHIPPED,
                                               A.REJECTED])
    for after_sale_id, status in list(due.values_list("pk", "status")[:500]):
        try:
            with transaction.atomic():
                acted += _timeout_one(after_sale_id, status, now)
        except Conflict:
            continue
    return acted


def _timeout_one(after_sale_id: int, status: str, now) -> int:
    after_sale = _lock_aftersale(pk=after_sale_id)
    if after_sale.status != status or not after_sale.merchant_respond_by or after_sale.merchant_respond_by > now:
        return 0
    shop = after_sale.order.shop
    if status == A.REQUESTED:
        aftersale_approve(shop=shop, after_sale_id=after_sale.pk, note="auto", actor="system")
    elif status == A.RETURN_SHIPPED:
        aftersale_confirm_return(shop=shop, after_sale_id=after_sale.pk, actor="system")
    elif status == A.REJECTED:
        _set(after_sale, A.CLOSED)
        _log(after_sale, "aftersale_closed", gettext_noop("Closed: not taken to the platform in time"), "system")
    else:
        _set(after_sale, A.CLOSED)
        _log(after_sale, "aftersale_closed", gettext_noop("Closed: the goods were not sent back in time"), "system")
    return 1
