"""Recommendation on a phone: a shopper who looked at tea sees 猜你喜欢 on the home page with "because you
looked at …" and "1 friend bought it", opens a product and sees 看了又看, then turns personalisation off and
gets the popular list without social proof. A new shopper is asked for their interests and gets them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import login, snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def world(make_user, make_shop, make_product, shopper, place_order):
    from quanzi.analytics import constants as names
    from quanzi.analytics.services import SHANGHAI, Fact, actor_of_user, record
    from quanzi.recommend.services import train

    shops = [make_shop(), make_shop()]
    tea = [make_product(shop=shops[i % 2], title=f"龙井茶 {i}") for i in range(4)]
    me = make_user(phone="13900000211", nickname="爱喝茶")
    now = dt.datetime.now(SHANGHAI)
    facts = [Fact(key=f"v{n}-{p.pk}", name=names.PRODUCT_VIEW, actor=f"a{n}", object_type="product", object_id=p.pk,
                  shop_id=p.shop_id, occurred_at=now - dt.timedelta(hours=3, minutes=i))
             for n in range(8) for i, p in enumerate(tea)]
    facts.append(Fact(key="me", name=names.PRODUCT_VIEW, actor=actor_of_user(me.pk), object_type="product",
                      object_id=tea[0].pk, shop_id=tea[0].shop_id, occurred_at=now - dt.timedelta(hours=1)))
    record(facts)
    train()
    from quanzi.social.testing import befriend

    befriend(me, shopper)
    place_order([(tea[1].skus.get(), 1)], pay=True)  # a friend bought 龙井茶 1 (and shares what they buy)
    return {"me": me, "tea": tea}


@pytest.mark.browser
def test_guess_you_like_with_reasons_and_switching_personalisation_off(open_page, world):
    page = open_page("shopper")
    login(page, world["me"].phone, next_path="/")
    rail = page.get_by_test_id("for-you")
    expect(rail).to_be_visible()
    first = rail.get_by_test_id("rec-item").first
    expect(first).to_have_attribute("data-reason", "because")
    expect(first.get_by_test_id("rec-why")).to_contain_text("龙井茶 0")
    expect(rail.get_by_test_id("rec-proof")).to_have_count(1)
    expect(rail.get_by_test_id("rec-proof")).to_contain_text("1 friend bought it")
    snap(page, "18-01-guess-you-like")
    first.get_by_test_id("product-card").click()
    expect(page).to_have_url(re.compile(r"/p/\d+/\?rec=p$"))  # the pick's A/B arm rides along
    page.get_by_test_id("also-viewed-slot").scroll_into_view_if_needed()
    expect(page.get_by_test_id("also-viewed").get_by_test_id("rec-item").first).to_be_visible()
    page.goto("/me/recommendations/")
    expect(page.get_by_test_id("rec-interest")).to_have_count(1)
    page.get_by_test_id("rec-off").click()
    expect(page.get_by_test_id("rec-is-off")).to_be_visible()
    snap(page, "18-02-recommendation-settings")
    page.goto("/")
    expect(page.get_by_test_id("for-you").get_by_test_id("rec-item").first).to_have_attribute("data-reason", "trending")
    expect(page.get_by_test_id("for-you").get_by_test_id("rec-proof")).to_have_count(0)


@pytest.mark.browser
def test_a_new_shopper_picks_interests_and_gets_them(open_page, world, make_user):
    newcomer = make_user(phone="13900000212", nickname="新来的")
    tea = world["tea"][0]
    page = open_page("shopper")
    login(page, newcomer.phone, next_path="/")
    ask = page.get_by_test_id("rec-ask-interests")
    expect(ask).to_be_visible()
    ask.locator(f'label:has([data-testid="rec-pick-{tea.category_id}"])').click()
    ask.get_by_test_id("rec-interests-save").click()
    expect(page.get_by_test_id("rec-ask-interests")).to_have_count(0)
    expect(page.get_by_test_id("for-you").get_by_test_id("rec-item").first).to_have_attribute("data-reason", "interest")
    snap(page, "18-03-picked-interests")
