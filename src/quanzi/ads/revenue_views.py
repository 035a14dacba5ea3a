"""The operator's platform revenue report page (/ops/revenue/, staff only; anyone else signed in gets a
404, like the other /ops/ pages) and its API (GET /api/v1/ads/revenue, staff only). Thin: parse the range,
call `ads.revenue`, render. The report itself: quanzi.ads.revenue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Router

from quanzi.accounts.auth import auth
from quanzi.ads import revenue
from quanzi.core.errors import Forbidden, ValidationFailed

router = Router(tags=["ads"])

TEMPLATE = "ads/ops_revenue.html"


def _links(*, since, until, by) -> dict:
    base = reverse("ads:ops_revenue")

    def url(**params):
        return f"{base}?{urlencode({k: v for k, v in params.items() if v})}"

    return {"day": url(since=since, until=until, by="day"), "month": url(since=since, until=until, by="month"),
            "csv": url(since=since, until=until, by=by, format="csv")}


@login_required
def ops_revenue(request):
    if not request.user.is_staff:
        raise Http404
    raw = {k: str(request.GET.get(k, ""))[:40] for k in ("since", "until", "by")}
    try:
        since, until, by = revenue.parse_range(**raw)
    except ValidationFailed as exc:
        return TemplateResponse(request, TEMPLATE, {"form": raw, "error": exc.message, "error_fields": exc.fields,
                                                    "max_days": revenue.MAX_DAYS}, status=400)
    report = revenue.revenue_report(since=since, until=until, by=by)
    if request.GET.get("format") == "csv":
        response = HttpResponse(revenue.report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{revenue.csv_filename(report)}"'
        return response
    form = {"since": since.isoformat(), "until": until.isoformat(), "by": by}
    links = _links(**form)
    bars = [{"label": p.label, "net": p.net, "width": abs(p.net)} for p in report.periods]
    return TemplateResponse(request, TEMPLATE, {
        "form": form, "report": report, "bars": bars, "bar_max": max(report.max_abs_net, 1),
        "links": links, "max_days": revenue.MAX_DAYS,
        "tab_links": [{"url": links["day"], "label": _("By day"), "active": by == revenue.BY_DAY, "testid": "rev-tab-day"},
                      {"url": links["month"], "label": _("By month"), "active": by == revenue.BY_MONTH,
                       "testid": "rev-tab-month"}],
        "commissions_total": sum(report.totals[k] for k, _kinds, _label in revenue.COMMISSIONS),
    })


@router.get("/revenue", auth=auth, summary="Operator: the platform revenue report by day or month, from the ledger")
def revenue_api(request, since: str = "", until: str = "", by: str = "day"):
    """Income (take rate, ads, tips share, withdrawal fees, other `revenue:` accounts), platform costs
    (`expense:` accounts), net, and for reference the commissions merchants paid to sharers and hosts, per
    Asia/Shanghai day or month over `since` … `until` (YYYY-MM-DD, inclusive; default the last 30 days; at
    most 366 days). Amounts are integer fen."""
    if not request.auth.is_staff:
        raise Forbidden(_("Operators only."), code="staff_only")
    since_day, until_day, by = revenue.parse_range(since=since[:40], until=until[:40], by=by[:10])
    return revenue.report_json(revenue.revenue_report(since=since_day, until=until_day, by=by))
