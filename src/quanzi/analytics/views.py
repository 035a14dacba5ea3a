"""Pages of analytics: the operator's dashboard (/ops/analytics/, staff only; anyone else gets a 404) and
a merchant's data centre (/merchant/data/: the free tier, or the full reports with a data plan, and buying
one). Thin: parse the range, call the selectors, render; `?format=csv` exports the daily figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.analytics import constants as names
from quanzi.analytics import plans, selectors
from quanzi.analytics.constants import FREE_DAYS, PLANS, CampaignType, Channel
from quanzi.analytics.services import report_day
from quanzi.core import clock
from quanzi.core.errors import DomainError, ValidationFailed
from quanzi.payments.services import payment_pay_url
from quanzi.shops.access import merchant_required

FUNNEL_STEPS = [names.PRODUCT_VIEW, names.ORDER_CREATED, names.ORDER_PAID]
PRESETS = (7, 30, 90)


def _segment_labels() -> dict[str, str]:
    return {"champions": _("Champions: recent and frequent"), "loyal": _("Loyal: frequent"),
            "promising": _("Promising: two recent orders"), "new": _("New: one recent order"),
            "at_risk": _("At risk: frequent, then stopped"), "lost": _("Lost: one old order"), "others": _("Others")}


def _step_labels() -> dict[str, str]:
    return {names.PRODUCT_VIEW: _("Viewed a product"), names.ORDER_CREATED: _("Placed an order"),
            names.ORDER_PAID: _("Paid")}


def _csv(overview: selectors.Overview, filename: str) -> HttpResponse:
    from quanzi.analytics.reports import daily_csv

    response = HttpResponse(daily_csv(overview), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{overview.since}-{overview.until}.csv"'
    return response


def _presets(base: str, today: dt.date, since: dt.date, until: dt.date, allowed: int) -> list[dict]:
    links = []
    for days in PRESETS:
        if days > allowed:
            continue
        start = today - dt.timedelta(days=days - 1)
        links.append({"url": f"{base}?{urlencode({'since': start, 'until': today})}",
                      "label": _("%(n)d days") % {"n": days}, "active": (since, until) == (start, today),
                      "testid": f"range-{days}"})
    return links


def _report(request, *, shop_id: int | None, max_days: int, full: bool) -> dict:
    """What both pages show, for the range in the query string (default: the last 30 days, or the free
    tier's 7); raises ValidationFailed for a bad range."""
    raw = {k: str(request.GET.get(k, ""))[:10] for k in ("since", "until")}
    since, until = selectors.parse_range(**raw, max_days=max_days, default_days=min(30, max_days))
    overview = selectors.overview(since=since, until=until, shop_id=shop_id)
    context = {"overview": overview, "form": {"since": since.isoformat(), "until": until.isoformat()},
               "max_days": max_days, "full": full, "channel_labels": dict(Channel.choices),
               "channel_max": max([c["gmv"] for c in overview.channels] or [1]) or 1,
               "chart": {"days": [d["day"].isoformat() for d in overview.days],
                         "gmv": [d["gmv"] for d in overview.days], "orders": [d["orders"] for d in overview.days],
                         "labels": {"gmv": _("GMV (¥)"), "orders": _("Paid orders")}}}
    if full:
        raw_since = max(since, until - dt.timedelta(days=selectors.MAX_RAW_DAYS - 1))
        labels = _step_labels()
        context["funnel"] = [{"label": labels[s.name], **vars(s)} for s in selectors.funnel(
            steps=FUNNEL_STEPS, since=raw_since, until=until, window=dt.timedelta(hours=72), shop_id=shop_id)]
        context["cohorts"] = selectors.cohorts(since=max(raw_since, until - dt.timedelta(days=8 * 7 - 1)), until=until,
                                               shop_id=shop_id)
        context["cohort_weeks"] = range(max([len(c.active) for c in context["cohorts"]] or [0]))
        context["repurchase"] = selectors.repurchase(since=raw_since, until=until, shop_id=shop_id)
        context["top_products"] = selectors.top_products(since=raw_since, until=until, shop_id=shop_id)
        labels = _segment_labels()
        context["rfm"] = [{**row, "label": labels[row["segment"]]}
                          for row in selectors.rfm(since=raw_since, until=until, shop_id=shop_id)]
        context["raw_since"] = raw_since
        context["roi"] = selectors.campaign_roi(since=since, until=until, shop_id=shop_id)
        before_until = since - dt.timedelta(days=1)
        context["roi_previous"] = (before_until - (until - since), before_until)
        context["campaign_labels"] = dict(CampaignType.choices)
    return context


@login_required
def ops_dashboard(request):
    if not request.user.is_staff:
        raise Http404
    base = reverse("analytics:ops_dashboard")
    try:
        context = _report(request, shop_id=None, max_days=selectors.MAX_DASHBOARD_DAYS, full=True)
    except ValidationFailed as exc:
        return TemplateResponse(request, "analytics/ops_dashboard.html", {"error": exc.message, "base": base},
                                status=400)
    overview = context["overview"]
    if request.GET.get("format") == "csv":
        return _csv(overview, "quanzi-platform")
    context["sharing"] = selectors.sharing(since=context["raw_since"], until=overview.until)
    context["top_shops"] = selectors.top_shops(since=overview.since, until=overview.until)
    context["notes"] = selectors.content_effect(since=context["raw_since"], until=overview.until)
    context["rooms"] = selectors.top_rooms(since=context["raw_since"], until=overview.until)
    context.update(base=base, presets=_presets(base, report_day(clock.now()), overview.since, overview.until, 366),
                   csv_url=f"{base}?{urlencode({**context['form'], 'format': 'csv'})}")
    return TemplateResponse(request, "analytics/ops_dashboard.html", context)


def _benchmark(shop_id: int, since: dt.date, until: dt.date) -> dict | None:
    from quanzi.catalog.selectors import category_list

    found = selectors.category_benchmark(shop_id=shop_id, since=since, until=until)
    if found is None:
        return None
    names_by_id = {c.pk: c.name for c in category_list(top_level_only=False)}
    return {**found, "category": names_by_id.get(found["category_id"], "")}


@merchant_required
def merchant_data(request):
    """The data centre: the free tier (last 7 days of basic sales) or, with a plan, the full reports."""
    plan = plans.active_plan(shop_id=request.shop.pk)
    full = plan is not None
    base = reverse("analytics:merchant_data")
    page = {"shop": request.shop, "console_tab": "data", "plan": plan, "base": base,
            "plan_prices": [{"period": k, "price": v[0], "days": v[1]} for k, v in PLANS.items()],
            "history": plans.plans_of(shop_id=request.shop.pk),
            "report_email": (request.shop.owner.email or "").strip()}
    try:
        context = _report(request, shop_id=request.shop.pk, max_days=selectors.MAX_DASHBOARD_DAYS if full else FREE_DAYS,
                          full=full)
    except ValidationFailed as exc:
        return TemplateResponse(request, "analytics/merchant_data.html", {**page, "error": exc.message}, status=400)
    overview = context["overview"]
    if request.GET.get("format") == "csv":
        if not full:
            raise Http404
        return _csv(overview, f"quanzi-shop-{request.shop.pk}")
    if full:
        context["benchmark"] = _benchmark(request.shop.pk, context["raw_since"], overview.until)
    context.update(page, presets=_presets(base, report_day(clock.now()), overview.since, overview.until,
                                          366 if full else FREE_DAYS),
                   csv_url=f"{base}?{urlencode({**context['form'], 'format': 'csv'})}")
    return TemplateResponse(request, "analytics/merchant_data.html", context)


@merchant_required
@require_POST
def merchant_plan_buy(request):
    try:
        _plan, payment = plans.plan_start(user=request.user, period=str(request.POST.get("period", ""))[:10])
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("analytics:merchant_data"))
    return HttpResponseRedirect(payment_pay_url(payment=payment))
