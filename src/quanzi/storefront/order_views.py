"""Order list and detail, order actions (pay, cancel, confirm, sandbox parcel), after-sales."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from quanzi.core import clock
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.core.money import yuan_to_fen
from quanzi.orders import aftersales, selectors, services
from quanzi.orders.checkout import order_payment_start
from quanzi.orders.constants import OPEN_AFTERSALE, AfterSaleKind, AfterSaleStatus, OrderStatus
from quanzi.orders.services import AFTERSALE_REASONS
from quanzi.payments.services import payment_pay_url
from quanzi.shipping.constants import CARRIERS, TrackingStatus
from quanzi.shipping.selectors import shipment_for_order
from quanzi.shipping.services import sandbox_carrier_advance
from quanzi.web.helpers import error_context, int_or_none, is_htmx, login_required, next_url

S = OrderStatus
TABS = [("all", gettext_lazy("All")), ("unpaid", gettext_lazy("To pay")), ("to_ship", gettext_lazy("To ship")),
        ("shipped", gettext_lazy("Shipped")), ("delivered", gettext_lazy("Delivered")),
        ("completed", gettext_lazy("Completed")), ("aftersale", gettext_lazy("After-sales")),
        ("closed", gettext_lazy("Closed"))]
REASONS = [(code, label) for code, label in [
    ("no_reason", gettext_lazy("No reason (7-day return)")), ("changed_mind", gettext_lazy("Changed my mind")),
    ("quality", gettext_lazy("Quality problem")), ("damaged", gettext_lazy("Arrived damaged")),
    ("wrong_item", gettext_lazy("Wrong item sent")), ("not_as_described", gettext_lazy("Not as described")),
    ("not_received", gettext_lazy("Not received")), ("other", gettext_lazy("Other")),
] if code in AFTERSALE_REASONS]
JUST_PAID = dt.timedelta(minutes=10)


def _own_order(request, number: str):
    order = selectors.order_for_user(user=request.user, number=number)
    if order is None:
        raise Http404
    return order


def _decorate(order, now) -> None:
    """Flags the templates use: which buttons to show, and the "payment received" state."""
    order.can_pay = order.status == S.PENDING_PAYMENT and order.pay_deadline > now
    order.can_cancel = order.status == S.PENDING_PAYMENT
    order.can_confirm = order.status in (S.SHIPPED, S.DELIVERED)
    order.just_paid = bool(order.paid_at and now - order.paid_at < JUST_PAID)
    order.item_count = sum(line.quantity for line in order.lines.all())


# ---------------------------------------------------------------- list


@login_required
def order_list(request):
    tab = request.GET.get("tab") or "all"
    tab = tab if tab in dict(TABS) else "all"
    try:
        orders, cursor = selectors.order_page_for_user(user=request.user, tab=None if tab == "all" else tab,
                                                       cursor=request.GET.get("cursor"), limit=10)
    except ValidationFailed:
        orders, cursor = selectors.order_page_for_user(user=request.user, tab=None if tab == "all" else tab,
                                                       limit=10)
    now = clock.now()
    for order in orders:
        _decorate(order, now)
    context = {"orders": orders, "next_cursor": cursor, "tab": tab, "tabs": TABS,
               "just_paid": any(o.just_paid for o in orders)}
    template = "storefront/orders.html#order_cards" if is_htmx(request) and request.GET.get("cursor") \
        else "storefront/orders.html"
    return TemplateResponse(request, template, context)


# ---------------------------------------------------------------- detail


def _line_actions(order, now) -> None:
    returnable = order.status in (S.DELIVERED, S.COMPLETED) and bool(order.return_window_closes_at) \
        and now <= order.return_window_closes_at
    for line in order.lines.all():
        line.aftersale_list = [a for a in order.after_sales.all() if a.line_id == line.pk]
        line.open_aftersale = next((a for a in line.aftersale_list if a.status in OPEN_AFTERSALE), None)
        left = line.quantity > line.refunded_quantity
        line.can_refund = left and not line.open_aftersale and order.status == S.PAID
        line.can_return = left and not line.open_aftersale and returnable


@login_required
def order_detail(request, number: str):
    order = _own_order(request, number)
    now = clock.now()
    _decorate(order, now)
    _line_actions(order, now)
    shipment = shipment_for_order(order_id=order.pk) if order.shipped_at else None
    return TemplateResponse(request, "storefront/order_detail.html", {
        "order": order, "shipment": shipment, "events": list(order.events.all())[::-1],
        "tracking": list(shipment.events.all())[::-1] if shipment else [],
        "sandbox_parcel": bool(shipment and shipment.carrier == "sandbox"
                               and shipment.status != TrackingStatus.DELIVERED),
        "after_sales": list(order.after_sales.all()),
    })


def _back(request, order) -> str:
    return next_url(request, reverse("storefront:order_detail", args=[order.number]))


@login_required
@require_POST
def order_pay(request, number: str):
    order = _own_order(request, number)
    try:
        payment = order_payment_start(user=request.user, order_number=order.number)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(_back(request, order))
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@login_required
@require_POST
def order_cancel(request, number: str):
    order = _own_order(request, number)
    try:
        services.order_cancel(order_id=order.pk, user=request.user, reason=gettext_noop("Cancelled by the shopper"))
        messages.success(request, _("Order cancelled. The items are back in stock."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_back(request, order))


@login_required
@require_POST
def order_confirm(request, number: str):
    order = _own_order(request, number)
    try:
        services.order_confirm_receipt(order_id=order.pk, user=request.user)
        messages.success(request, _("Thanks! Receipt confirmed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(_back(request, order))


@login_required
@require_POST
def order_advance_parcel(request, number: str):
    """Sandbox only: ask the sandbox carrier to report the parcel's next step now."""
    order = _own_order(request, number)
    shipment = shipment_for_order(order_id=order.pk)
    if shipment is None or shipment.carrier != "sandbox":
        raise Http404
    if sandbox_carrier_advance(tracking_number=shipment.tracking_number):
        messages.success(request, _("The sandbox carrier reported the parcel's next step."))
    else:
        messages.info(request, _("The parcel has already arrived."))
    return HttpResponseRedirect(_back(request, order))


# ---------------------------------------------------------------- after-sales


def _kinds(order) -> list[tuple[str, str]]:
    if order.status == S.PAID:
        return [(AfterSaleKind.REFUND_ONLY, AfterSaleKind.REFUND_ONLY.label)]
    if order.status in (S.DELIVERED, S.COMPLETED):
        return [(AfterSaleKind.RETURN_REFUND, AfterSaleKind.RETURN_REFUND.label)]
    return []


def _amount_fen(text: str) -> int | None:
    text = (text or "").strip().lstrip("¥").strip()
    if not text:
        return None
    try:
        return yuan_to_fen(text)
    except ValueError:
        raise ValidationFailed(_("Enter an amount in yuan, like 12.50."), fields={"amount": "invalid"})


@login_required
def aftersale_new(request, number: str):
    order = _own_order(request, number)
    line_id = int_or_none(request.POST.get("line") or request.GET.get("line"))
    line = next((ln for ln in order.lines.all() if ln.pk == line_id), None)
    if line is None:
        raise Http404
    open_request = next((a for a in order.after_sales.all() if a.line_id == line.pk and a.status in OPEN_AFTERSALE),
                        None)
    if open_request is not None:
        messages.info(request, _("There is already an open request for this item."))
        return HttpResponseRedirect(reverse("storefront:aftersale_detail", args=[open_request.number]))
    left = line.quantity - line.refunded_quantity
    context = {"order": order, "line": line, "kinds": _kinds(order) if left > 0 else [], "reasons": REASONS,
               "quantities": range(1, left + 1), "form": request.POST}
    if request.method == "POST":
        try:
            after_sale = aftersales.aftersale_request(
                user=request.user, order_id=order.pk, line_id=line.pk, kind=request.POST.get("kind", ""),
                quantity=int_or_none(request.POST.get("quantity")) or 0, reason=request.POST.get("reason", ""),
                description=request.POST.get("description", "")[:500],
                amount=_amount_fen(request.POST.get("amount", "")))
        except DomainError as exc:
            context.update(error_context(exc))
            return TemplateResponse(request, "storefront/aftersale_new.html", context)
        messages.success(request, _("Request sent. The shop answers within 48 hours."))
        return HttpResponseRedirect(reverse("storefront:aftersale_detail", args=[after_sale.number]))
    return TemplateResponse(request, "storefront/aftersale_new.html", context)


def _aftersale_act(request, after_sale) -> None:
    action, user = request.POST.get("action"), request.user
    if action == "ship":
        aftersales.aftersale_ship_return(user=user, after_sale_id=after_sale.pk,
                                         carrier=request.POST.get("carrier", "")[:40],
                                         tracking_number=request.POST.get("tracking_number", "")[:40])
        messages.success(request, _("Thanks. The shop refunds you once the parcel arrives."))
    elif action == "escalate":
        aftersales.aftersale_escalate(user=user, after_sale_id=after_sale.pk,
                                      note=request.POST.get("note", "")[:200])
        messages.success(request, _("The platform will look at your request and decide."))
    elif action == "withdraw":
        aftersales.aftersale_cancel(user=user, after_sale_id=after_sale.pk)
        messages.success(request, _("Request withdrawn."))
    else:
        raise ValidationFailed(_("Unknown action."))


@login_required
def aftersale_detail(request, number: str):
    after_sale = selectors.aftersale_for_user(user=request.user, number=number)
    if after_sale is None:
        raise Http404
    context = {"after_sale": after_sale, "order": after_sale.order, "line": after_sale.line,
               "carriers": [(code, label) for code, label in CARRIERS.items() if code != "sandbox"],
               "reason_label": dict(REASONS).get(after_sale.reason, after_sale.reason), "form": request.POST}
    if request.method == "POST":
        try:
            _aftersale_act(request, after_sale)
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            context.update(error_context(exc))
    A = AfterSaleStatus
    context.update(
        can_ship=after_sale.status == A.APPROVED_AWAITING_RETURN,
        can_escalate=after_sale.status == A.REJECTED,
        can_withdraw=after_sale.status in (A.REQUESTED, A.APPROVED_AWAITING_RETURN, A.REJECTED),
        events=[e for e in after_sale.order.events.all() if (e.data or {}).get("after_sale") == after_sale.number][::-1],
    )
    return TemplateResponse(request, "storefront/aftersale_detail.html", context)
