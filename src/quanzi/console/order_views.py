"""Merchant console: orders by status, order detail with shipping, after-sales requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quanzi.accounts.masking import mask_phone
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.orders import aftersales
from quanzi.orders import selectors as orders
from quanzi.orders.constants import OPEN_AFTERSALE, AfterSaleKind, AfterSaleStatus, OrderStatus
from quanzi.shipping.constants import CARRIERS
from quanzi.shipping.selectors import shipment_for_order
from quanzi.shipping.services import shipment_create
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for

TABS = [("all", gettext_lazy("All")), ("to_ship", gettext_lazy("To ship")), ("unpaid", gettext_lazy("To pay")),
        ("shipped", gettext_lazy("Shipped")), ("delivered", gettext_lazy("Delivered")),
        ("completed", gettext_lazy("Completed")), ("aftersale", gettext_lazy("After-sales")),
        ("closed", gettext_lazy("Closed"))]
REASONS = {"no_reason": gettext_lazy("No reason (7-day return)"), "changed_mind": gettext_lazy("Changed mind"),
           "quality": gettext_lazy("Quality problem"), "damaged": gettext_lazy("Arrived damaged"),
           "wrong_item": gettext_lazy("Wrong item sent"), "not_as_described": gettext_lazy("Not as described"),
           "not_received": gettext_lazy("Not received"), "other": gettext_lazy("Other")}


def _own_order(request, number: str):
    order = orders.order_for_shop(shop=request.shop, number=number)
    if order is None:
        raise Http404
    return order


def _own_aftersale(request, number: str):
    after_sale = orders.aftersale_for_shop(shop=request.shop, number=number)
    if after_sale is None:
        raise Http404
    after_sale.reason_label = REASONS.get(after_sale.reason, after_sale.reason)
    return after_sale


@merchant_required
def order_list(request):
    tab = request.GET.get("tab") or "all"
    tab = tab if tab in dict(TABS) else "all"
    try:
        items, cursor = orders.order_page_for_shop(shop=request.shop, tab=None if tab == "all" else tab,
                                                   cursor=request.GET.get("cursor"), limit=20)
    except ValidationFailed:  # a tampered cursor: start from the top
        items, cursor = orders.order_page_for_shop(shop=request.shop, tab=None if tab == "all" else tab, limit=20)
    for order in items:
        order.item_count = sum(line.quantity for line in order.lines.all())
        order.recipient = (order.address or {}).get("recipient", "")
    counts = orders.shop_order_counts(shop=request.shop)
    tabs = [(key, label, counts.get(key, 0) if key in ("to_ship", "aftersale") else 0) for key, label in TABS]
    return TemplateResponse(request, "console/orders.html", {
        "shop": request.shop, "orders": items, "next_cursor": cursor, "tab": tab, "tabs": tabs,
        "console_tab": "orders"})


@merchant_required
def order_detail(request, number: str):
    order = _own_order(request, number)
    context: dict = {"form": {"carrier": "sandbox"}}
    status = 200
    if request.method == "POST":
        context["form"] = {"carrier": request.POST.get("carrier", ""),
                           "tracking_number": request.POST.get("tracking_number", "")}
        try:
            shipment = shipment_create(shop=request.shop, order_number=order.number,
                                       carrier=context["form"]["carrier"],
                                       tracking_number=context["form"]["tracking_number"])
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc))
            status = 400
            order = _own_order(request, number)
        else:
            messages.success(request, _("Shipped with %(c)s, tracking number %(t)s.") %
                             {"c": shipment.carrier_name, "t": shipment.tracking_number})
            return HttpResponseRedirect(reverse("console:order_detail", args=[order.number]))
    shipment = shipment_for_order(order_id=order.pk) if order.shipped_at else None
    address = dict(order.address or {})
    address["phone_masked"] = mask_phone(address.get("phone", ""))
    after_sales = list(order.after_sales.all())
    context.update({
        "shop": request.shop, "order": order, "address": address, "lines": list(order.lines.all()),
        "events": list(order.events.all())[::-1], "shipment": shipment,
        "tracking": list(shipment.events.all())[::-1] if shipment else [],
        "after_sales": after_sales,
        "can_ship": order.status == OrderStatus.PAID,
        "refund_pending": any(a.status in OPEN_AFTERSALE and a.kind == AfterSaleKind.REFUND_ONLY
                              for a in after_sales),
        "carriers": [(code, label) for code, label in CARRIERS.items()  # the sandbox carrier only where it is on
                     if code != "sandbox" or settings.QUANZI.get("SANDBOX_CARRIER", True)],
        "console_tab": "orders"})
    return TemplateResponse(request, "console/order_detail.html", context, status=status)


@merchant_required
def aftersale_list(request):
    show = request.GET.get("show") or "open"
    items = orders.aftersales_for_shop(shop=request.shop, open_only=show != "all")
    for a in items:
        a.reason_label = REASONS.get(a.reason, a.reason)
        a.needs_action = a.status in (AfterSaleStatus.REQUESTED, AfterSaleStatus.RETURN_SHIPPED)
    return TemplateResponse(request, "console/aftersales.html", {
        "shop": request.shop, "after_sales": items, "show": show, "console_tab": "aftersales"})


ACTIONS = {
    "approve": lambda request, a: aftersales.aftersale_approve(shop=request.shop, after_sale_id=a.pk,
                                                               note=request.POST.get("note", "")),
    "reject": lambda request, a: aftersales.aftersale_reject(shop=request.shop, after_sale_id=a.pk,
                                                             note=request.POST.get("note", "")),
    "confirm_return": lambda request, a: aftersales.aftersale_confirm_return(shop=request.shop, after_sale_id=a.pk),
}
DONE = {"approve": gettext_lazy("Approved."), "reject": gettext_lazy("Rejected. The shopper sees your reason."),
        "confirm_return": gettext_lazy("Return received: the shopper is being refunded.")}


@merchant_required
def aftersale_detail(request, number: str):
    after_sale = _own_aftersale(request, number)
    return _aftersale_page(request, after_sale)


def _aftersale_page(request, after_sale, *, status: int = 200, **extra):
    A = AfterSaleStatus
    return TemplateResponse(request, "console/aftersale_detail.html", {
        "shop": request.shop, "a": after_sale, "order": after_sale.order, "line": after_sale.line,
        "can_review": after_sale.status == A.REQUESTED,
        "can_confirm_return": after_sale.status == A.RETURN_SHIPPED,
        "is_return": after_sale.kind == AfterSaleKind.RETURN_REFUND,
        "console_tab": "aftersales", **extra}, status=status)


@merchant_required
@require_POST
def aftersale_act(request, number: str, action: str):
    after_sale = _own_aftersale(request, number)
    act = ACTIONS.get(action)
    if act is None:
        raise Http404
    try:
        act(request, after_sale)
    except DomainError as exc:
        after_sale = _own_aftersale(request, number)
        return _aftersale_page(request, after_sale, status=400, error=exc.message, error_form=action,
                               field_errors=field_errors_for(exc), note=request.POST.get("note", ""))
    messages.success(request, DONE[action])
    return HttpResponseRedirect(reverse("console:aftersale_detail", args=[after_sale.number]))
