"""The analytics demo data (analytics/demo.py): 90 days of history behind every report; once."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from quanzi.analytics import constants as names
from quanzi.analytics import selectors
from quanzi.analytics.demo import DAYS, KEY_PREFIX, analytics_present
from quanzi.analytics.models import ALL_CHANNELS, PLATFORM, DailyRollup, DirtyMark, Event
from quanzi.analytics.services import report_day
from quanzi.core import clock

pytestmark = pytest.mark.django_db


def test_the_demo_has_90_days_of_history_behind_every_report_and_seeds_it_once():
    call_command("seed_demo", "--small", stdout=io.StringIO())
    assert analytics_present(None)
    yesterday = report_day(clock.now()) - dt.timedelta(days=1)
    first = yesterday - dt.timedelta(days=DAYS - 1)
    demo = Event.objects.filter(key__startswith=KEY_PREFIX)
    assert 5_000 < demo.count() <= 15_000  # alive, and small enough to seed in seconds
    days = set(demo.values_list("day", flat=True).distinct())
    assert days == {first + dt.timedelta(days=i) for i in range(DAYS)}  # 90 days, ending yesterday

    # rolled up at once: every day has its platform rows, and they equal the raw log
    assert not DirtyMark.objects.exists()
    rolled = DailyRollup.objects.filter(shop_id=PLATFORM, channel=ALL_CHANNELS, day__in=days)
    assert set(rolled.values_list("day", flat=True).distinct()) == days
    views = rolled.filter(name=names.PRODUCT_VIEW)
    assert sum(views.values_list("count", flat=True)) == Event.objects.filter(
        name=names.PRODUCT_VIEW, day__in=days).count()

    # a believable shape: growth, weekends above weekdays, a promotion
    report = selectors.overview(since=first, until=yesterday)
    visits = [d["product_views"] for d in report.days]
    assert sum(visits[-14:]) > 1.3 * sum(visits[:14])
    weekend = [d["product_views"] for d in report.days if d["day"].weekday() >= 5]
    weekday = [d["product_views"] for d in report.days if d["day"].weekday() < 5]
    assert sum(weekend) / len(weekend) > sum(weekday) / len(weekday)
    assert report.totals["gmv"] > 0 and report.totals["refunds"] > 0 and report.totals["follows"] > 0
    assert {"organic", "share", "flash"} <= {c["channel"] for c in report.channels}
    assert report.channels[0]["channel"] == "organic"

    # the funnel view → created → paid narrows and converts a few percent
    steps = selectors.funnel(steps=[names.PRODUCT_VIEW, names.ORDER_CREATED, names.ORDER_PAID],
                             since=yesterday - dt.timedelta(days=29), until=yesterday, window=dt.timedelta(hours=24))
    viewed, created, paid = (s.actors for s in steps)
    assert viewed > created > paid > 0
    assert 100 <= steps[-1].rate_bps <= 2_000

    # repurchase: at least 8 weekly first-purchase cohorts keep buyers in week 1, fading later
    cohorts = selectors.cohorts(since=first, until=yesterday, by="first_purchase")
    assert len(cohorts) >= 12
    assert sum(1 for c in cohorts if len(c.active) > 1 and c.active[1] > 0) >= 8
    assert retention(cohorts, 1) > retention(cohorts, 6) > 0
    assert selectors.repurchase(since=first, until=yesterday)["repeat_buyers"] > 0

    # sharing brings buyers: K > 0
    assert selectors.sharing(since=first, until=yesterday)["k_factor"] > 0

    # campaign ROI: group buys, flash sales and live rooms sold below list price; shared links at list
    roi = {r["campaign"]: r for r in selectors.campaign_roi(since=yesterday - dt.timedelta(days=29), until=yesterday)}
    assert {"group", "flash", "live", "share", "note"} <= set(roi)
    assert all(roi[c]["discount"] > 0 and roi[c]["return_per_yuan"] > 1 for c in ("group", "flash", "live"))
    assert roi["share"]["discount"] == 0 and roi["share"]["sales"] > 0

    # a merchant's data centre: each seeded shop with traffic has its own overview, never another's
    shop_id = demo.filter(name=names.ORDER_PAID).values_list("shop_id", flat=True).first()
    mine = selectors.overview(since=first, until=yesterday, shop_id=shop_id)
    assert 0 < mine.totals["gmv"] < report.totals["gmv"]
    assert mine.totals["product_views"] > 0

    # the tea shop bought the yearly data plan at the cashier (booked as platform revenue); others are free
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.analytics import accounts as acct
    from quanzi.analytics.plans import active_plan
    from quanzi.ledger.selectors import balance
    from quanzi.shops.selectors import shop_for_owner

    tea = shop_for_owner(user=user_get_by_email(email="merchant1@quanzi.demo"))
    apparel = shop_for_owner(user=user_get_by_email(email="merchant2@quanzi.demo"))
    assert active_plan(shop_id=tea.pk).period == "year" and active_plan(shop_id=apparel.pk) is None
    assert -balance(code=acct.SERVICES_REVENUE) == 99_900

    # a second run adds nothing
    count = Event.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    assert Event.objects.count() == count


def retention(cohorts, week: int) -> float:
    """The share of buyers who bought again in their `week`-th week, over the cohorts that reached it."""
    reached = [c for c in cohorts if len(c.active) > week]
    return sum(c.active[week] for c in reached) / sum(c.size for c in reached)
