"""Sponsored listings in real browsers, as a new merchant would try them: top up the ads balance at the
sandbox cashier, create a campaign in the console (keyword and feed bids) and start it; it waits for the
operator's review, who approves it from the phone (/ops/ads/); a shopper sees the product on the home
page marked Ad with the shop's name, taps it and lands on the product; the
merchant's campaign report shows the click and its spend, and the ledger agrees."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

TITLE = "西湖龙井 明前绿茶 Longjing green tea"
PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.4 Mobile/15E148 Safari/604.1")


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    shop = make_shop(owner=make_user(phone="13900000071", nickname="茶庄老板"))
    product = create_product(shop=shop, category=category, title=TITLE, price=6800, stock=20)
    return {"shop": shop, "product": product, "shopper": make_shopper(phone="13700007101", nickname="喝茶的人"),
            "operator": make_user(phone="13600007102", nickname="运营小王", is_staff=True)}


@pytest.mark.browser
def test_create_a_campaign_top_up_see_it_served_click_and_see_the_spend(open_page, world, ledger_balanced):
    from quanzi.ads import accounts as acct
    from quanzi.ads.testing import campaigns, clicks
    from quanzi.ledger.selectors import balance

    shop, product = world["shop"], world["product"]
    m = open_page("merchant")
    login(m, shop.owner.phone, next_path="/merchant/ads/")
    expect(m.get_by_test_id("ads-balance-amount")).to_have_text(yuan(0))

    # -------------------------------------------------------------- top up ¥100 at the cashier
    m.get_by_test_id("ads-topup-amount").fill("100")
    m.get_by_test_id("ads-topup").click()
    expect(m).to_have_url(re.compile(r"/sandbox/pay/"))
    expect(m.get_by_test_id("sandbox-amount")).to_have_text(yuan(10_000))
    m.get_by_test_id("sandbox-pay").click()
    expect(m).to_have_url(re.compile(r"/merchant/ads/$"))
    expect(m.get_by_test_id("ads-balance-amount")).to_have_text(yuan(10_000))

    # -------------------------------------------------------------- a campaign, started at once
    m.get_by_test_id("ads-name").fill("春茶推广")
    m.get_by_test_id("ads-product").first.check()
    m.get_by_test_id("ads-keywords").fill("绿茶, 龙井")
    m.get_by_test_id("ads-max-cpc").fill("0.80")
    m.locator("input[name=feed_cpc]").fill("0.30")
    m.get_by_test_id("ads-daily").fill("50")
    m.get_by_test_id("ads-total").fill("500")
    snap(m, "17-01-ads-new-campaign")
    m.get_by_test_id("ads-create").click()
    [campaign] = campaigns(shop_id=shop.pk)
    expect(m).to_have_url(re.compile(rf"/merchant/ads/{campaign.number}/$"))
    expect(m.get_by_test_id("ads-status")).to_have_text("Running")
    expect(m.get_by_test_id("ads-review")).to_have_text("In review")
    expect(m.get_by_test_id("ads-review-note")).to_contain_text("not shown to shoppers until then")
    expect(m.get_by_test_id("ads-targets")).to_contain_text("龙井")

    # -------------------------------------------------------------- the operator approves it from the Me page
    o = open_page("operator")
    login(o, world["operator"].phone, next_path="/me/")
    o.get_by_test_id("me-ops-ads-review").click()
    item = o.get_by_test_id("ads-review-item").filter(has_text="春茶推广")
    expect(item.get_by_test_id("ads-review-targets")).to_contain_text("绿茶")
    expect(item).to_contain_text(TITLE)
    snap(o, "17-04-ops-review")
    item.get_by_test_id("ads-review-approve").click()
    expect(o.get_by_test_id("ads-review-item")).to_have_count(0)
    m.reload()
    expect(m.get_by_test_id("ads-review")).to_have_count(0)

    # -------------------------------------------------------------- a shopper sees it marked Ad and taps it
    s = open_page("shopper")
    # headless Chromium says "HeadlessChrome" in its user agent, which the invalid-traffic rules treat as a
    # bot (not billed); this shopper's phone says what a real phone's browser says
    s.set_extra_http_headers({"User-Agent": PHONE_AGENT})
    login(s, world["shopper"].phone, next_path="/")
    card = s.get_by_test_id("sponsored-card")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("sponsored-label")).to_have_text("Ad")
    expect(card).to_contain_text(shop.name)
    snap(s, "17-02-home-sponsored")
    card.click()
    expect(s).to_have_url(re.compile(rf"/p/{product.pk}/$"))
    [click] = clicks(campaign_id=campaign.pk)
    assert (click.billed, click.reason, click.price) == (True, "", 10)  # alone in the feed: the reserve price

    # -------------------------------------------------------------- the merchant sees the click and the spend
    m.reload()
    expect(m.get_by_test_id("ads-clicks")).to_have_text("1")
    expect(m.get_by_test_id("ads-spend")).to_have_text(yuan(10))
    snap(m, "17-03-ads-report")
    assert -balance(code=acct.ads_prepaid(shop.pk)) == 10_000 - 10
    assert -balance(code=acct.ADS_REVENUE) == 10
    ledger_balanced()
