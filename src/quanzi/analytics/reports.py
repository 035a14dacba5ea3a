"""The weekly data report: every Monday, each shop with a data plan gets last week's daily figures by
e-mail (a PDF of the week — figures, days, campaign ROI, best sellers — the daily CSV, and a short summary), sent to the owner's e-mail address (an owner who signed up
with a phone only gets none until they add one; the data centre says so).

Exactly once per shop and week: the `ReportDelivery` row is inserted before the message is sent, in the
same transaction — a second sweep waits on that row and skips; a failed send rolls the row back and the
next run tries again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from quanzi.analytics import selectors
from quanzi.analytics.models import DataPlan, ReportDelivery
from quanzi.analytics.services import report_day
from quanzi.core import clock
from quanzi.core.money import format_yuan

CSV_COLUMNS = ("day", "gmv", "orders", "buyers", "refunds", "product_views", "visitors", "shares", "share_clicks",
               "follows")


def daily_csv(overview: selectors.Overview) -> str:
    """The overview's days as CSV (money in fen), with a BOM so spreadsheet apps read the UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for day in overview.days:
        writer.writerow([day["day"].isoformat(), *(day[c] for c in CSV_COLUMNS[1:])])
    return "\ufeff" + out.getvalue()


def last_week(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """Monday … Sunday of the last complete week (China days)."""
    today = report_day(now)
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return monday, monday + dt.timedelta(days=6)


def _subscribed_shops(now: dt.datetime) -> list:
    from quanzi.shops.selectors import shops_by_id

    ids = set(DataPlan.objects.filter(status="paid", starts_at__lte=now, ends_at__gt=now)
              .values_list("shop_id", flat=True))
    return list(shops_by_id(shop_ids=ids).values())


def _send(shop, week: dt.date, until: dt.date, now: dt.datetime) -> bool:
    email = (getattr(shop.owner, "email", "") or "").strip()
    if not email:
        return False
    try:
        with transaction.atomic():
            ReportDelivery.objects.create(shop=shop, week=week, to=email, sent_at=now)
            overview = selectors.overview(since=week, until=until, shop_id=shop.pk)
            with translation.override("zh-hans"):
                subject = _("%(shop)s: your weekly data report %(since)s – %(until)s") % {
                    "shop": shop.name, "since": week.isoformat(), "until": until.isoformat()}
                body = _("GMV ¥%(gmv)s · paid orders %(orders)d · buyers %(buyers)d · refunds ¥%(refunds)s.\n"
                         "The week's report (PDF) and the daily figures (CSV) are attached; the data centre has the rest.") % {
                    "gmv": format_yuan(overview.totals["gmv"]), "orders": overview.totals["orders"],
                    "buyers": overview.totals["buyers"], "refunds": format_yuan(overview.totals["refunds"])}
                pdf = _pdf(shop, overview)  # the shop's language would be better; its owner's is not stored
            message = EmailMessage(subject=subject, body=body, to=[email])
            message.attach(f"quanzi-{shop.pk}-{week.isoformat()}.pdf", pdf, "application/pdf")
            message.attach(f"quanzi-{shop.pk}-{week.isoformat()}.csv", daily_csv(overview), "text/csv")
            message.send(fail_silently=False)
    except IntegrityError:  # sent already (or being sent by another run)
        return False
    return True


def _pdf(shop, overview: selectors.Overview) -> bytes:
    from quanzi.analytics.constants import CampaignType
    from quanzi.analytics.pdf import weekly_pdf

    since, until = overview.since, overview.until
    return weekly_pdf(shop_name=shop.name, overview=overview,
                      roi=selectors.campaign_roi(since=since, until=until, shop_id=shop.pk),
                      products=selectors.top_products(since=since, until=until, shop_id=shop.pk),
                      campaign_labels=dict(CampaignType.choices))


def send_weekly_reports(*, now: dt.datetime | None = None) -> int:
    """The sweep: last week's report to every subscribed shop that has not had it. Returns how many went."""
    now = now or clock.now()
    week, until = last_week(now)
    done = set(ReportDelivery.objects.filter(week=week).values_list("shop_id", flat=True))
    return sum(_send(shop, week, until, now) for shop in _subscribed_shops(now) if shop.pk not in done)
