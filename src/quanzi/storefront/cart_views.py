"""Cart (HTMX partial updates) and checkout pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.accounts.selectors import address_list
from quanzi.catalog.selectors import product_is_sellable
from quanzi.core.errors import DomainError, NotFound
from quanzi.core.http import client_fingerprint
from quanzi.orders import services
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.selectors import cart_count, cart_lines
from quanzi.orders.services import CheckoutItem
from quanzi.payments.services import payment_pay_url
from quanzi.web import page_hooks
from quanzi.web.helpers import (
    error_context,
    int_or_none,
    is_htmx,
    login_required,
    next_url,
    redirect,
    trigger,
)

# ---------------------------------------------------------------- cart


def _purchasable(line) -> bool:
    sku, product = line.sku, line.sku.product
    return sku.is_active and product_is_sellable(product=product)


def _problem(line) -> str:
    """Why a line cannot be bought as it is ("" when it can)."""
    if not _purchasable(line):
        return _("No longer sold")
    if line.sku.stock <= 0:
        return _("Sold out")
    if line.sku.stock < line.quantity:
        return _("Only %(n)d left") % {"n": line.sku.stock}
    return ""


@dataclass
class CartGroup:
    shop: object
    rows: list = field(default_factory=list)


def cart_context(user, errors: dict | None = None) -> dict:
    groups: dict[int, CartGroup] = {}
    total = selected = 0
    lines = cart_lines(user=user)
    for line in lines:
        line.problem = _problem(line)
        line.greyed = not _purchasable(line) or line.sku.stock <= 0
        line.subtotal = line.sku.price * line.quantity
        line.error = (errors or {}).get(line.pk, "")
        if line.selected and not line.problem:
            total += line.subtotal
            selected += line.quantity
        groups.setdefault(line.sku.product.shop_id, CartGroup(shop=line.sku.product.shop)).rows.append(line)
    return {"groups": list(groups.values()), "selected_total": total, "selected_count": selected,
            "line_count": len(lines)}


def _cart_response(request, errors: dict | None = None):
    if not is_htmx(request):
        for message in (errors or {}).values():
            messages.error(request, message)
        return HttpResponseRedirect(reverse("storefront:cart"))
    context = cart_context(request.user, errors)
    response = TemplateResponse(request, "storefront/cart.html#cart", context)
    return trigger(response, **{"qz:cart": {"count": context["line_count"]}})


@login_required
def cart(request):
    return TemplateResponse(request, "storefront/cart.html", cart_context(request.user))


def _posted_quantity(request) -> int:
    value = int_or_none(request.POST.get("qty", request.POST.get("quantity", "1")))
    return value if value is not None else 0


@require_POST
def cart_add(request):
    """Add to cart (HTMX or plain form) or, with action=buy, go straight to checkout."""
    sku_id, qty = int_or_none(request.POST.get("sku")) or 0, _posted_quantity(request)
    back = next_url(request, reverse("storefront:home"))
    if request.POST.get("action") == "buy":
        target = f"{reverse('storefront:checkout')}?{urlencode({'sku': sku_id, 'qty': qty})}"
        if not request.user.is_authenticated:
            target = f"{reverse('accounts:login')}?{urlencode({'next': target}, safe='/')}"
        return redirect(request, target)
    if not request.user.is_authenticated:
        messages.info(request, _("Log in to add items to your cart."))
        return redirect(request, f"{reverse('accounts:login')}?{urlencode({'next': back}, safe='/')}")
    try:
        services.cart_add(user=request.user, sku_id=sku_id, quantity=qty)
    except DomainError as exc:
        return _add_result(request, back, error=exc.message)
    return _add_result(request, back, ok=_("Added to cart"))


def _add_result(request, back: str, *, ok: str = "", error: str = ""):
    if not is_htmx(request):
        (messages.error if error else messages.success)(request, error or ok)
        return HttpResponseRedirect(back)
    response = TemplateResponse(request, "storefront/partials/add_result.html", {"ok": ok, "error": error})
    events = {"qz:toast": {"message": error or ok, "kind": "error" if error else "ok"}}
    if ok:
        events["qz:cart"] = {"count": cart_count(user=request.user)}
    return trigger(response, **events)


@login_required
@require_POST
def cart_line_update(request, line_id: int):
    quantity = selected = None
    if "quantity" in request.POST:
        quantity = int_or_none(request.POST["quantity"])
        quantity = 0 if quantity is None else quantity
    if "selected" in request.POST:
        selected = request.POST.get("selected") in ("1", "on", "true")
    errors = {}
    try:
        services.cart_update(user=request.user, line_id=line_id, quantity=quantity, selected=selected)
    except NotFound:
        raise Http404
    except DomainError as exc:
        errors[line_id] = exc.message
    return _cart_response(request, errors)


@login_required
@require_POST
def cart_line_remove(request, line_id: int):
    try:
        services.cart_remove(user=request.user, line_id=line_id)
    except NotFound:
        raise Http404
    return _cart_response(request)


# ---------------------------------------------------------------- checkout


def _checkout_items(request, data) -> tuple[list[CheckoutItem], str]:
    """Either one "buy now" item (?sku=&qty=) or the selected, still-sold cart lines."""
    if data.get("sku"):
        qty = int_or_none(data.get("qty", "1"))
        return [CheckoutItem(int_or_none(data.get("sku")) or 0, qty if qty is not None else 0)], "buy"
    lines = cart_lines(user=request.user)
    return [CheckoutItem(ln.sku_id, ln.quantity) for ln in lines if ln.selected and _purchasable(ln)], "cart"


def _chosen_address(addresses: list, wanted) -> object | None:
    wanted = int_or_none(wanted)
    return next((a for a in addresses if a.pk == wanted), None) or next(iter(addresses), None)


def _checkout_page(request, items, mode, *, error_ctx: dict | None = None, address_id=None, notes=None):
    context = {"mode": mode, "items": items, "notes": notes or {}, **(error_ctx or {}),
               "pay_minutes": settings.QUANZI["PAYMENT_TIMEOUT_SECONDS"] // 60}
    choices = page_hooks.checkout_context(request)  # the offers the shopper picked (coupons…)
    try:
        context["quote"] = services.checkout_quote(user=request.user, items=items, context=choices)
    except DomainError as exc:
        context.setdefault("error", exc.message)
        if choices:  # a choice that cannot be used: say why, and price the page as checkout would choose
            try:
                context["quote"] = services.checkout_quote(user=request.user, items=items)
            except DomainError:
                pass
    addresses = address_list(user=request.user)
    context.update(addresses=addresses, address=_chosen_address(addresses, address_id),
                   self_url=request.get_full_path())
    return TemplateResponse(request, "storefront/checkout.html", context)


@login_required
def checkout(request):
    if request.method == "POST":
        return _checkout_place(request)
    items, mode = _checkout_items(request, request.GET)
    if mode == "cart" and not items:
        messages.info(request, _("Select the items you want in your cart first."))
        return HttpResponseRedirect(reverse("storefront:cart"))
    return _checkout_page(request, items, mode, address_id=request.GET.get("address"))


def _checkout_place(request):
    items, mode = _checkout_items(request, request.POST)
    notes = {}
    for key, value in request.POST.items():
        shop_id = int_or_none(key.removeprefix("note_")) if key.startswith("note_") else None
        if shop_id:
            notes[shop_id] = value.strip()[:200]
    address_id = int_or_none(request.POST.get("address_id"))
    if address_id is None:
        error = {"error": _("Add a delivery address first."), "field_errors": {"address_id": "required"}}
        return _checkout_page(request, items, mode, error_ctx=error, notes=notes)
    try:
        _orders, payment = checkout_and_pay(user=request.user, items=items, address_id=address_id, notes=notes,
                                            clear_cart=mode == "cart",
                                            context={**page_hooks.checkout_context(request),
                                                     "client": client_fingerprint(request)})
    except DomainError as exc:
        return _checkout_page(request, items, mode, error_ctx=error_context(exc), address_id=address_id,
                              notes=notes)
    return HttpResponseRedirect(payment_pay_url(payment=payment))
