"""Campaign ROI: what each kind of campaign sold (its lines, by price source and attribution), against the
equal period before, and what it cost — discounts below list price from the rollups, commissions and ad
spend from the ledger. Hand-computed golden figures; a merchant sees only their own shop's; the API's
merchant reports are the data plan's."""

import datetime as dt
from types import SimpleNamespace

import pytest

from quanzi.analytics import constants as names
from quanzi.analytics import handlers, selectors
from quanzi.analytics.models import Event
from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.analytics.services import SHANGHAI, Fact, record, report_day
from quanzi.core import clock
from quanzi.ledger.services import Entry, ledger_post

pytestmark = pytest.mark.django_db


def line(total, *, list_price, quantity=1, source="list", attribution=None):
    return SimpleNamespace(line_total=total, list_price=list_price, quantity=quantity, price_source=source,
                           attribution=attribution or {})


def test_an_orders_lines_become_one_sale_per_campaign_and_its_discount():
    lines = [line(5000, list_price=3000, quantity=2, source="group", attribution={"share": {"sharer_id": 7}}),
             line(1000, list_price=1000, attribution={"share": {"sharer_id": 7}}),
             line(900, list_price=1200, source="flash"),
             line(500, list_price=500)]  # organic: no campaign
    facts = handlers.campaign_facts(lines, order_id=42, shop_id=3, when=clock.now(), actor="u")
    got = {(f.name, f.channel): f.amount for f in facts}
    assert got == {(names.CAMPAIGN_SALE, "group"): 5000, (names.CAMPAIGN_DISCOUNT, "group"): 1000,
                   (names.CAMPAIGN_SALE, "share"): 6000, (names.CAMPAIGN_DISCOUNT, "share"): 1000,
                   (names.CAMPAIGN_SALE, "flash"): 900, (names.CAMPAIGN_DISCOUNT, "flash"): 300}
    assert {f.key for f in facts} >= {"campaign.sale:42:group", "campaign.discount:42:flash"}
    assert all(f.shop_id == 3 and f.object_id == 42 for f in facts)


def test_a_sponsored_sale_delivered_twice_counts_once():
    from quanzi.ads.events import AdOrderAttributed

    event = AdOrderAttributed(order_id=9, shop_id=3, user_id=5, lines=[{"line_id": 11, "campaign_id": 2, "amount": 800},
                                                                       {"line_id": 12, "campaign_id": 2, "amount": 200}])
    handlers.ad_order_attributed(event)
    handlers.ad_order_attributed(event)
    sale = Event.objects.get(name=names.CAMPAIGN_SALE)
    assert (sale.channel, sale.amount, sale.shop_id, sale.props) == ("ads", 1000, 3, {"campaigns": [2]})


@pytest.fixture
def campaigns(make_shop):
    """Two shops. Shop A: this week a group buy sold ¥100 (¥30 below list) and ¥50 through shared links
    (¥6 commission, then ¥1 of it reversed), ads sold ¥80 for ¥20 of clicks; the week before, the group
    buy sold ¥40. Shop B: a flash sale sold ¥999 (¥111 below list) and paid ¥5 of commission."""
    a, b = make_shop(), make_shop()
    today = report_day(clock.now())
    now = dt.datetime.now(SHANGHAI)
    week_ago = now - dt.timedelta(days=7)

    def sale(key, shop, campaign, amount, discount=0, when=now):
        facts = [Fact(key=f"s{key}", name=names.CAMPAIGN_SALE, occurred_at=when, actor=f"u{key}", shop_id=shop.pk,
                      amount=amount, channel=campaign)]
        if discount:
            facts.append(Fact(key=f"d{key}", name=names.CAMPAIGN_DISCOUNT, occurred_at=when, actor=f"u{key}",
                              shop_id=shop.pk, amount=discount, channel=campaign))
        return facts

    record([*sale(1, a, "group", 6000, 1800), *sale(2, a, "group", 4000, 1200), *sale(3, a, "share", 5000),
            *sale(4, a, "ads", 8000), *sale(5, a, "group", 4000, 999, when=week_ago),
            *sale(6, b, "flash", 99900, 11100)])
    rollup_dirty_days()

    def post(key, kind, debit, credit, amount):
        ledger_post(key=key, kind=kind, entries=[Entry(debit, amount), Entry(credit, -amount)])

    post("c1", "commission.accrue", f"merchant:{a.pk}:pending", "user:7:earnings_pending", 600)
    post("c2", "commission.reverse", "user:7:earnings_pending", f"merchant:{a.pk}:pending", 100)
    post("c3", "commission.accrue", f"merchant:{b.pk}:pending", "user:7:earnings_pending", 500)
    post("k1", "ads.click", f"shop:{a.pk}:ads_prepaid", "revenue:ads", 2000)
    post("t1", "ads.topup", "platform:clearing", f"shop:{a.pk}:ads_prepaid", 10000)  # not a cost
    return SimpleNamespace(a=a, b=b, since=today - dt.timedelta(days=6), until=today)


def _by_campaign(rows):
    return {r["campaign"]: r for r in rows}


def test_golden_roi_of_one_shop(campaigns):
    rows = _by_campaign(selectors.campaign_roi(since=campaigns.since, until=campaigns.until, shop_id=campaigns.a.pk))
    assert list(rows) == ["group", "share", "ads"]  # in CampaignType order; shop B's flash sale is not here
    group = rows["group"]
    assert (group["sales"], group["orders"], group["previous_sales"], group["incremental_sales"]) == (10000, 2, 4000, 6000)
    assert (group["discount"], group["paid_cost"], group["cost"]) == (3000, 0, 3000)
    assert (group["return_per_yuan"], group["incremental_per_yuan"]) == (3.33, 2.0)
    share = rows["share"]
    assert (share["sales"], share["discount"], share["paid_cost"], share["return_per_yuan"]) == (5000, 0, 500, 10.0)
    ads = rows["ads"]
    assert (ads["sales"], ads["cost"], ads["return_per_yuan"], ads["incremental_per_yuan"]) == (8000, 2000, 4.0, 4.0)


def test_golden_roi_of_the_platform(campaigns):
    rows = _by_campaign(selectors.campaign_roi(since=campaigns.since, until=campaigns.until))
    assert rows["flash"]["sales"] == 99900 and rows["flash"]["cost"] == 11100
    assert rows["share"]["paid_cost"] == 500 + 500  # both shops' commissions
    assert rows["group"]["previous_sales"] == 4000


def test_a_campaign_with_sales_only_before_shows_its_drop(campaigns):
    since = campaigns.since + dt.timedelta(days=7)  # next week: nothing sold yet
    rows = _by_campaign(selectors.campaign_roi(since=since, until=since + dt.timedelta(days=6), shop_id=campaigns.a.pk))
    assert rows["group"]["incremental_sales"] == -10000 and rows["group"]["return_per_yuan"] is None


def test_roi_over_the_api_is_the_operators_and_the_subscribed_merchants(api, make_user, campaigns, expect_error):
    staff = api(make_user(is_staff=True))
    body = staff.get("/api/v1/analytics/roi", {"since": campaigns.since, "until": campaigns.until}).json()
    assert body["previous_until"] == str(campaigns.since - dt.timedelta(days=1))
    assert {r["campaign"] for r in body["campaigns"]} == {"group", "share", "ads", "flash"}
    merchant = api(campaigns.a.owner)
    expect_error(merchant.get("/api/v1/analytics/roi"), 403, "staff_only")
    expect_error(merchant.get("/api/v1/analytics/merchant/roi"), 403, "plan_required")
    expect_error(merchant.get("/api/v1/analytics/merchant/funnel"), 403, "plan_required")
    expect_error(merchant.get("/api/v1/analytics/merchant/overview", {"since": campaigns.since - dt.timedelta(days=30)}),
                 400, "range_too_long")  # the free tier reaches back 7 days
    assert merchant.get("/api/v1/analytics/merchant/plan").json()["full_days"] == names.FREE_DAYS

    from quanzi.analytics.plans import plan_activate, plan_start

    plan, payment = plan_start(user=campaigns.a.owner, period="month")
    plan_activate(plan_number=plan.number, payment_number=payment.number, amount=plan.amount)  # as the capture does
    mine = merchant.get("/api/v1/analytics/merchant/roi", {"since": campaigns.since, "until": campaigns.until}).json()
    assert {r["campaign"] for r in mine["campaigns"]} == {"group", "share", "ads"}
    assert merchant.get("/api/v1/analytics/merchant/plan").json()["active"] is True


def test_a_plan_is_bought_over_the_api_at_the_cashier(api, make_user, product, expect_error):
    merchant = api(product.shop.owner)
    r = merchant.post("/api/v1/analytics/merchant/plans", {"period": "year"}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["amount"] == names.PLANS["year"][0] and body["pay_url"] and body["payment_number"]
    assert merchant.get("/api/v1/analytics/merchant/plan").json()["active"] is False  # not until it is paid
    expect_error(merchant.post("/api/v1/analytics/merchant/plans", {"period": "forever"}, content_type="application/json"),
                 400, "invalid_plan")
    expect_error(api(make_user()).post("/api/v1/analytics/merchant/plans", {"period": "month"},
                                       content_type="application/json"), 404, "shop_not_found")


def test_a_spot_taken_in_a_group_is_a_fact_of_the_groups_product():
    from quanzi.groupbuy.events import GroupJoined

    handlers.group_joined(GroupJoined(group_number="G1", member_id=3, user_id=5, shop_id=2, product_id=8,
                                      campaign_id=1, leader=True))
    fact = Event.objects.get(name=names.GROUP_JOINED)
    assert (fact.shop_id, fact.object_type, fact.object_id, fact.channel) == (2, "product", 8, "group")
    assert fact.props == {"group": "G1", "leader": True}
