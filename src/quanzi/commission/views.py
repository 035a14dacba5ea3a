"""Pages: the distributor's earnings (/me/earnings/), the merchant's distribution console
(/merchant/distribution/), the operator's programme totals (/ops/distribution/, staff only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.commission import dashboards, selectors, services
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.shops.access import merchant_required
from quanzi.web.forms import field_errors_for
from quanzi.web.helpers import login_required


@login_required
def earnings(request):
    return TemplateResponse(request, "commission/earnings.html", dashboards.distributor(user=request.user))


def _int_field(value, field: str) -> int | None:
    value = str(value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(_("Enter a whole number."), fields={field: _("Enter a whole number.")}) from None


def _percent_to_bps(value) -> int:
    """"12.5" (%) → 1250 bps; the form speaks percent, the model basis points."""
    text = str(value or "").strip().rstrip("%").strip()
    try:
        bps = round(float(text) * 100)
    except ValueError:
        raise ValidationFailed(_("Enter a percentage, like 10 or 12.5."),
                               fields={"rate": _("Enter a percentage, like 10 or 12.5.")}) from None
    if abs(float(text) * 100 - bps) > 1e-6:
        raise ValidationFailed(_("At most two decimals."), fields={"rate": _("At most two decimals.")})
    return bps


def _plans_context(request, **extra) -> dict:
    shop = request.shop
    return {"shop": shop, "console_tab": "distribution", "plans": list(selectors.plans_for_shop(shop_id=shop.pk)),
            "stats": selectors.shop_distribution(shop_id=shop.pk),
            "products": list(shop.products.order_by("-id").only("id", "title")[:200]),
            "categories": dashboards.categories(), "cap_pct": selectors.commission_settings().cap_bps / 100,
            "form": {}, **extra}


@merchant_required
def merchant_plans(request):
    if request.method != "POST":
        return TemplateResponse(request, "commission/merchant_plans.html", _plans_context(request))
    form = {k: request.POST.get(k, "") for k in ("target", "product_id", "category_id", "rate")}
    try:
        target = form["target"]
        services.plan_create(shop=request.shop, rate_bps=_percent_to_bps(form["rate"]),
                             product_id=_int_field(form["product_id"], "product_id") if target == "product" else None,
                             category_id=_int_field(form["category_id"], "category_id") if target != "product" else None)
    except DomainError as exc:
        context = _plans_context(request, form=form, error=exc.message, field_errors=field_errors_for(exc, {"rate_bps": "rate"}))
        return TemplateResponse(request, "commission/merchant_plans.html", context, status=400)
    messages.success(request, _("Distribution plan saved."))
    return HttpResponseRedirect(reverse("commission:merchant_plans"))


@merchant_required
@require_POST
def merchant_plan_update(request, plan_id: int):
    """Change a plan's rate, or switch it on or off (another shop's plan → 404)."""
    if selectors.plan_for_shop(shop_id=request.shop.pk, plan_id=plan_id) is None:
        raise Http404
    try:
        rate = request.POST.get("rate")
        enabled = request.POST.get("enabled")
        services.plan_update(shop=request.shop, plan_id=plan_id,
                             rate_bps=_percent_to_bps(rate) if rate not in (None, "") else None,
                             enabled=None if enabled is None else enabled == "1")
    except DomainError as exc:
        context = _plans_context(request, error=exc.message, field_errors=field_errors_for(exc, {"rate_bps": "rate"}))
        return TemplateResponse(request, "commission/merchant_plans.html", context, status=400)
    messages.success(request, _("Distribution plan saved."))
    return HttpResponseRedirect(reverse("commission:merchant_plans"))


@login_required
def ops(request):
    if not request.user.is_staff:
        raise Http404
    return TemplateResponse(request, "commission/ops.html", {"totals": selectors.programme_totals(),
                                                             "held": selectors.held_commissions()})
