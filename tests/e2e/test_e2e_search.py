"""Search on a phone: the shopper types pinyin "weiyi" in the search box, sees 卫衣 suggested, submits, sees the
卫衣 products of two shops with facet chips, taps one shop's chip and the results narrow to that shop."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def world(make_shop, make_product):
    from quanzi.search.services import vocabulary_rebuild

    shops = [make_shop(), make_shop()]
    hoodies = [make_product(shop=shops[0], title="卫衣 连帽 Hoodie", price=12900),
               make_product(shop=shops[1], title="纯棉卫衣 Cotton hoodie", price=6900)]
    make_product(shop=shops[1], title="真丝连衣裙 Silk dress", price=29900)
    vocabulary_rebuild()
    return {"shops": shops, "hoodies": hoodies}


@pytest.mark.browser
def test_pinyin_suggestions_results_and_a_facet_that_narrows(open_page, world):
    page = open_page("shopper")
    page.goto("/search/")
    form = page.locator("form.searchbox-page")  # the page's own box, not the top bar's
    box = form.get_by_test_id("search-input")
    box.click()
    box.press_sequentially("weiyi", delay=30)
    suggestion = page.get_by_test_id("search-suggestion").filter(has_text="卫衣").first
    expect(suggestion).to_be_visible()
    snap(page, "search-01-suggestions")

    form.get_by_test_id("search-submit").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=weiyi"))
    cards = page.get_by_test_id("product-card")
    expect(cards).to_have_count(2)
    expect(cards.filter(has_text="卫衣 连帽 Hoodie")).to_be_visible()
    expect(page.get_by_test_id("product-card").filter(has_text="Silk dress")).to_have_count(0)
    snap(page, "search-02-results")

    first_shop = world["shops"][0]
    page.locator(f'[data-testid="facet-shop"][data-key="{first_shop.pk}"]').click()
    expect(page).to_have_url(re.compile(rf"shop={first_shop.pk}"))
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(page.get_by_test_id("product-card")).to_contain_text("卫衣 连帽 Hoodie")
    snap(page, "search-03-narrowed")
