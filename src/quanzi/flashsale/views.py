"""Flash-sale pages: the sessions (/flash/), a session with its countdown and buy buttons
(/flash/<id>/), my reservations (/me/flash/), the product-page banner, and the merchant's session
pages (/merchant/flash/).

Buying from the page: the page carries a purchase token per item; the button posts it to the API
(the ASGI fast path under uvicorn) and goes to the cashier, or shows why not and fetches a fresh token.
Without JavaScript the button's form posts here and the same pipeline runs.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.catalog.selectors import shop_skus
from quanzi.core import clock
from quanzi.core.errors import DomainError, NotAuthenticated, ValidationFailed
from quanzi.core.http import client_fingerprint, error_response
from quanzi.flashsale import purchase as pipeline
from quanzi.flashsale import selectors, services
from quanzi.flashsale.models import FlashSale
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for, parse_int, parse_yuan
from quanzi.web.helpers import address_first, login_required


def sales_page(request):
    sales = selectors.sales_for_shoppers()
    return TemplateResponse(request, "flashsale/sales.html", {"sales": [{"sale": s, "phase": s.phase()} for s in sales]})


def _tokens(request, sale) -> tuple[dict[int, str], str]:
    """{item id: token} for a signed-in shopper with an address; else why not ("login" / "address")."""
    if not request.user.is_authenticated:
        return {}, "login"
    tokens = {}
    for item in sale.items.all():
        try:
            tokens[item.pk] = services.token_for(user=request.user, item_id=item.pk)[0]
        except DomainError as exc:
            return {}, "address" if exc.code == "address_required" else ""
    return tokens, ""


def sale_page(request, sale_id: int):
    sale = selectors.sale_for_shoppers(sale_id=sale_id)
    if sale is None:
        raise Http404
    phase = sale.phase()
    tokens, missing = _tokens(request, sale) if phase in ("upcoming", "running") else ({}, "")
    items = [{"item": i, "token": tokens.get(i.pk, ""),
              "sold_pct": min(100, (i.stock - i.left) * 100 // i.stock) if i.stock else 100} for i in sale.items.all()]
    return TemplateResponse(request, "flashsale/sale.html", {
        "sale": sale, "phase": phase, "items": items, "missing": missing,
        "pay_minutes": max(1, sale.reservation_seconds // 60)})


def item_token(request, item_id: int):
    """A fresh purchase token for the page's script (GET: issuing one changes nothing)."""
    from django.http import JsonResponse

    try:
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Log in first."), code="not_authenticated")
        value, _item = services.token_for(user=request.user, item_id=item_id)
    except DomainError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.fields)
    return JsonResponse({"token": value})


@login_required
def buy(request, item_id: int):
    """The buy button without JavaScript: a fresh token through the same pipeline, then the cashier."""
    from quanzi.flashsale.models import FlashItem

    sale_id = FlashItem.objects.filter(pk=item_id).values_list("sale_id", flat=True).first()
    if sale_id is None:
        raise Http404
    sale_path = reverse("flashsale:sale", args=[sale_id])
    back = HttpResponseRedirect(sale_path)
    if request.method != "POST":
        return back
    try:
        token, _item = services.token_for(user=request.user, item_id=item_id)
        quantity = parse_int(request.POST.get("quantity"), "quantity", default=1, minimum=1)
        result = pipeline.purchase(token=token, quantity=quantity, ip=client_fingerprint(request)["ip"],
                                   user_id=request.user.pk)
    except DomainError as exc:
        if exc.code == "address_required":  # the address form, then straight back to the sale
            return address_first(request, back_to=sale_path)
        messages.error(request, exc.message)
        return back
    return HttpResponseRedirect(result.as_dict()["pay_url"])


@login_required
def reservation_pay(request, number: str):
    """Where a won attempt goes: to the cashier for its order (written now if it is not yet)."""
    from quanzi.payments.services import payment_pay_url

    try:
        payment = services.reservation_checkout(user=request.user, number=number)
    except DomainError as exc:
        if exc.code == "reservation_not_found":
            raise Http404
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("flashsale:my_reservations"))
    if payment.status != "created":
        return HttpResponseRedirect(reverse("flashsale:my_reservations"))
    return HttpResponseRedirect(payment_pay_url(payment=payment))


@login_required
def my_reservations(request):
    return TemplateResponse(request, "flashsale/my_reservations.html",
                            {"reservations": selectors.reservations_of(user=request.user), "now": clock.now()})


# ---------------------------------------------------------------- merchant

SALE_FIELDS = ("title", "sku_id", "price", "stock", "per_user_limit", "starts_in_minutes", "minutes")
# The services' field names → the form's, so each message shows under the input it is about.
SALE_ERROR_FIELDS = {"items": "sku_id", "items.0.sku_id": "sku_id", "items.0.price": "price",
                     "items.0.stock": "stock", "items.0.per_user_limit": "per_user_limit",
                     "starts_at": "starts_in_minutes", "ends_at": "minutes"}


def _parse_sale(form) -> dict:
    try:
        sku_id = int(str(form.get("sku_id")))
    except (TypeError, ValueError):
        raise ValidationFailed(_("Choose a SKU."), fields={"sku_id": _("Required.")})
    starts = clock.now() + dt.timedelta(minutes=parse_int(form.get("starts_in_minutes"), "starts_in_minutes", default=0))
    minutes = parse_int(form.get("minutes"), "minutes", default=60, minimum=1)
    return {"title": form.get("title", ""), "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=minutes),
            "items": [{"sku_id": sku_id, "price": parse_yuan(form.get("price"), "price"),
                       "stock": parse_int(form.get("stock"), "stock", minimum=1),
                       "per_user_limit": parse_int(form.get("per_user_limit"), "per_user_limit", default=1, minimum=1)}]}


@merchant_required
def merchant_sales(request):
    shop = request.shop
    form = {k: request.POST.get(k, "") for k in SALE_FIELDS} if request.method == "POST" else {}
    context: dict = {"shop": shop, "console_tab": "flashsale", "form": form,
                     "skus": shop_skus(shop_id=shop.pk)}
    if request.method == "POST":
        try:
            sale = services.sale_create(shop=shop, **_parse_sale(form))
            services.sale_publish(sale_id=sale.pk, shop=shop)
            messages.success(request, _("Flash sale scheduled."))
            return HttpResponseRedirect(reverse("flashsale:merchant_sale", args=[sale.pk]))
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc, SALE_ERROR_FIELDS))
            context["sales"] = [{"sale": s, "phase": s.phase()} for s in selectors.sales_of_shop(shop=shop)]
            return TemplateResponse(request, "flashsale/merchant_sales.html", context, status=400)
    context["sales"] = [{"sale": s, "phase": s.phase()} for s in selectors.sales_of_shop(shop=shop)]
    return TemplateResponse(request, "flashsale/merchant_sales.html", context)


@merchant_required
def merchant_sale(request, sale_id: int):
    sale = FlashSale.objects.filter(pk=sale_id, shop=request.shop).prefetch_related("items__product", "items__sku").first()
    if sale is None:
        raise Http404
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "end":
                services.sale_end(sale_id=sale.pk, shop=request.shop)
                messages.success(request, _("Flash sale ended; the units left went back to the product."))
            elif action == "publish":
                services.sale_publish(sale_id=sale.pk, shop=request.shop)
                messages.success(request, _("Flash sale scheduled."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("flashsale:merchant_sale", args=[sale.pk]))
    stats = selectors.sale_stats(sale=sale)
    return TemplateResponse(request, "flashsale/merchant_sale.html", {
        "shop": request.shop, "console_tab": "flashsale", "sale": sale, "phase": sale.phase(),
        "rows": [{"item": i, **stats[i.pk]} for i in sale.items.all()]})
