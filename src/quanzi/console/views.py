"""Merchant console: apply for a shop, the dashboard, the balance and payouts.

Products live in product_views.py, orders and after-sales in order_views.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.catalog.selectors import low_stock_skus
from quanzi.core.errors import DomainError
from quanzi.core.language import reading_language
from quanzi.orders.selectors import shop_order_counts
from quanzi.settlement import services as settlement
from quanzi.settlement.selectors import payouts_for_shop
from quanzi.shops import services as shops
from quanzi.shops.access import merchant_required
from quanzi.shops.constants import ShopStatus
from quanzi.shops.selectors import shop_for_owner
from quanzi.web.forms import field_errors_for, parse_yuan
from quanzi.web.helpers import login_required

SHOP_FIELDS = ("name", "description", "licence_number", "contact_name", "contact_phone")


@login_required
def apply(request):
    """No shop yet: the application form. Otherwise: where the application stands (and, when
    rejected, the operator's note and a form to correct the details)."""
    shop = shop_for_owner(user=request.user)
    form = {k: request.POST.get(k, "") for k in SHOP_FIELDS} if request.method == "POST" else {}
    context: dict = {"shop": shop, "form": form}
    if shop is None and request.method == "POST":
        try:
            shops.shop_apply(owner=request.user, data=form, logo=request.FILES.get("logo"))
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc, {"image": "logo"}))
            return TemplateResponse(request, "console/apply.html", context, status=400)
        messages.success(request, _("Application sent. We usually review it within one working day."))
        return HttpResponseRedirect(reverse("console:apply"))
    if shop is not None and shop.status == ShopStatus.REJECTED:
        if request.method == "POST":
            try:
                shops.shop_resubmit(shop=shop, data=form)
            except DomainError as exc:
                context.update(error=exc.message, field_errors=field_errors_for(exc))
                return TemplateResponse(request, "console/apply.html", context, status=400)
            messages.success(request, _("Details saved. The operator will look at them again."))
            return HttpResponseRedirect(reverse("console:apply"))
        context["form"] = {k: getattr(shop, k) for k in SHOP_FIELDS}
    return TemplateResponse(request, "console/apply.html", context)


@merchant_required
def dashboard(request):
    shop = request.shop
    threshold = settings.QUANZI["LOW_STOCK_THRESHOLD"]
    counts = shop_order_counts(shop=shop)
    return TemplateResponse(request, "console/dashboard.html", {
        "shop": shop,
        "counts": counts,
        "count_tiles": [("unpaid", _("To pay"), counts.get("unpaid", 0)),
                        ("to_ship", _("To ship"), counts.get("to_ship", 0)),
                        ("shipped", _("Shipped"), counts.get("shipped", 0)),
                        ("aftersale", _("After-sales"), counts.get("aftersale", 0))],
        "balances": settlement.merchant_balances(shop_id=shop.pk),
        "low_stock": low_stock_skus(shop_id=shop.pk, threshold=threshold),
        "threshold": threshold,
        "console_tab": "dashboard",
    })


@merchant_required
def balance(request):
    shop = request.shop
    context: dict = {"shop": shop, "form": {}, "console_tab": "balance",
                     "min_payout": settings.QUANZI.get("MIN_PAYOUT", settlement.MIN_PAYOUT_DEFAULT)}
    status = 200
    if request.method == "POST":
        context["form"] = {"amount": request.POST.get("amount", ""),
                           "bank_account": request.POST.get("bank_account", "")}
        try:
            amount = parse_yuan(context["form"]["amount"], "amount")
            payout = settlement.payout_request(shop=shop, amount=amount,
                                               bank_account=context["form"]["bank_account"])
        except DomainError as exc:
            context.update(error=exc.message, field_errors=field_errors_for(exc))
            status = 400
        else:
            messages.success(request, _("Payout %(n)s requested. The operator reviews it shortly.") %
                             {"n": payout.number})
            return HttpResponseRedirect(reverse("console:balance"))
    context["balances"] = settlement.merchant_balances(shop_id=shop.pk)
    context["payouts"] = payouts_for_shop(shop=shop)
    return TemplateResponse(request, "console/balance.html", context, status=status)


LANGUAGE_NAMES = {"en": gettext_lazy("English"), "zh-hans": gettext_lazy("Chinese")}
TRANSLATION_ALIASES = {"name": "tr_name", "description": "tr_description"}


@merchant_required
def shop_settings(request):
    """The shop's name and description as shoppers see them, and in the other language (a shopper who
    reads it sees those instead). The licence and contact details change through the operator."""
    shop = request.shop
    other = next(c for c in LANGUAGE_NAMES if c != reading_language())
    suffix = other.replace("-", "_")
    form = {"name": shop.name, "description": shop.description,
            "tr_name": getattr(shop, f"name_{suffix}") or "", "tr_description": getattr(shop, f"description_{suffix}") or ""}
    context: dict = {"shop": shop, "console_tab": "shop", "other_language": other,
                     "other_language_name": LANGUAGE_NAMES[other]}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        aliases: dict[str, str] = {}
        try:
            with transaction.atomic():
                shops.shop_update(shop=shop, data={"name": form["name"], "description": form["description"]})
                aliases = TRANSLATION_ALIASES  # from here on a refusal is about the other language's texts
                shops.shop_translate(shop=shop, language=other,
                                     data={"name": form["tr_name"], "description": form["tr_description"]})
        except DomainError as exc:
            shop.refresh_from_db()
            context.update(form=form, error=exc.message, field_errors=field_errors_for(exc, aliases))
            return TemplateResponse(request, "console/shop_settings.html", context, status=400)
        messages.success(request, _("Shop details saved."))
        return HttpResponseRedirect(reverse("console:shop_settings"))
    context["form"] = form
    return TemplateResponse(request, "console/shop_settings.html", context)
