"""Analytics in real browsers at phone size, as its users would try it: the operator opens the data
dashboard from the Me page, sees the chart and the cohort table, switches to the last 7 days and downloads
the CSV; a merchant opens the data centre (the free tier: 7 days), buys the yearly data plan at the
sandbox cashier, comes back to the full reports (funnel, cohorts) of their own shop only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def world(make_user, make_shop):
    from quanzi.analytics import constants as names
    from quanzi.analytics.rollups import rollup_dirty_days
    from quanzi.analytics.services import SHANGHAI, Fact, record

    shop = make_shop(owner=make_user(phone="13900000191", nickname="数据店主"))
    other = make_shop(owner=make_user(phone="13900000192", nickname="别家店主"))
    now = dt.datetime.now(SHANGHAI).replace(hour=12)
    facts = []
    for d in range(1, 40):  # 39 days of a small shop: views, orders, payments, some returning buyers
        day = now - dt.timedelta(days=d)
        for i in range(3):
            actor = f"u{(d * 3 + i) % 17}"
            facts += [Fact(key=f"v{d}-{i}", name=names.PRODUCT_VIEW, occurred_at=day, actor=actor, shop_id=shop.pk),
                      Fact(key=f"c{d}-{i}", name=names.ORDER_CREATED, occurred_at=day + dt.timedelta(minutes=5),
                           actor=actor, shop_id=shop.pk)]
            if i < 2:
                facts.append(Fact(key=f"p{d}-{i}", name=names.ORDER_PAID, occurred_at=day + dt.timedelta(minutes=9),
                                  actor=actor, shop_id=shop.pk, amount=3900, channel="share" if i else "organic"))
            if i == 1:  # the shared-link order is the share campaign's sale (campaign ROI)
                facts.append(Fact(key=f"s{d}", name=names.CAMPAIGN_SALE, occurred_at=day + dt.timedelta(minutes=9),
                                  actor=actor, shop_id=shop.pk, amount=3900, channel="share"))
    facts.append(Fact(key="other", name=names.ORDER_PAID, occurred_at=now - dt.timedelta(days=1), actor="x",
                      shop_id=other.pk, amount=8_888_800, channel="organic"))
    record(facts)
    rollup_dirty_days()
    return {"shop": shop, "operator": make_user(phone="13600000193", nickname="运营", is_staff=True)}


@pytest.mark.browser
def test_operator_dashboard_and_a_merchant_buying_the_data_plan(open_page, world, ledger_balanced):
    o = open_page("operator")
    login(o, world["operator"].phone, next_path="/me/")
    o.get_by_test_id("me-ops-analytics").click()
    expect(o).to_have_url(re.compile(r"/ops/analytics/$"))
    expect(o.locator("[data-testid=an-chart] canvas").first).to_be_visible()  # uPlot drew the trend
    expect(o.get_by_test_id("an-cohort-row").first).to_be_visible()
    expect(o.get_by_test_id("an-funnel-step")).to_have_count(3)
    expect(o.locator("[data-testid=an-roi-row][data-campaign=share]")).to_be_visible()
    expect(o.get_by_test_id("an-top-shop")).to_have_count(2)  # both shops, the bigger first
    expect(o.get_by_test_id("an-top-shop").nth(1)).to_contain_text(world["shop"].name)
    snap(o, "19-01-ops-dashboard")
    o.get_by_test_id("an-presets").get_by_text(re.compile("7")).click()
    expect(o.get_by_test_id("an-range-shown")).to_contain_text(
        (dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date() - dt.timedelta(days=6)).isoformat())
    with o.expect_download() as download:
        o.get_by_test_id("an-csv").click()
    assert download.value.suggested_filename.startswith("quanzi-platform-")

    m = open_page("merchant")
    login(m, world["shop"].owner.phone, next_path="/merchant/")
    m.get_by_test_id("console-nav-data").click()
    expect(m).to_have_url(re.compile(r"/merchant/data/$"))
    expect(m.get_by_test_id("an-plan-badge")).to_have_text("Free")
    expect(m.get_by_test_id("an-funnel")).to_have_count(0)
    expect(m.get_by_test_id("an-roi")).to_have_count(0)  # campaign ROI is the data plan's
    expect(m.get_by_test_id("an-gmv")).not_to_contain_text("88,888")  # never another shop's sales
    snap(m, "19-02-data-centre-free")
    m.get_by_test_id("an-buy-year").click()
    expect(m).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(m.get_by_test_id("sandbox-amount")).to_have_text(yuan(99_900))
    m.get_by_test_id("sandbox-pay").click()
    expect(m).to_have_url(re.compile(r"/merchant/data/$"))
    expect(m.get_by_test_id("an-plan-badge")).to_have_text("Data plan")
    expect(m.get_by_test_id("an-funnel-step")).to_have_count(3)
    expect(m.get_by_test_id("an-cohort-row").first).to_be_visible()
    expect(m.get_by_test_id("an-rfm-row")).to_have_count(7)
    expect(m.locator("[data-testid=an-roi-row][data-campaign=share]")).to_contain_text(yuan(3900 * 29))  # days 1 … 29 of the last 30
    expect(m.locator("[data-testid=an-chart] canvas").first).to_be_visible()
    snap(m, "19-03-data-centre-plan")
    ledger_balanced()
