"""The bargain page's invite sheet in a real browser, on a phone: the starter's page and its sheet fit
the screen (390 and 320 px) and pass axe-core; the "Share to an app" button appears only where the
browser has the Web Share API, and hands it the starter's share link and the copy-text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login, snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))"""
# a stand-in Web Share API that remembers what it was asked to share
FAKE_SHARE = "navigator.share = (data) => { window.__shared = data; return Promise.resolve(); };"


@pytest.fixture
def started(make_user, make_shop, make_shopper, category):
    from quanzi.bargain.services import (
        bargain_help,
        bargain_share_link,
        bargain_start,
        campaign_activate,
        campaign_create,
    )
    from quanzi.core import clock
    from quanzi.sharing import selectors as share_selectors

    shop = make_shop(owner=make_user(phone="13900000088", nickname="杯老板"))
    product = create_product(shop=shop, category=category, title="保温杯 Insulated mug with a rather long name",
                             price=12900, stock=10)
    now = clock.now()
    campaign = campaign_create(shop=shop, sku_id=product.skus.get().pk, floor_price=1900, expected_helps=3, stock=5,
                               starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=3))
    campaign_activate(campaign_id=campaign.pk, shop=shop)
    starter = make_shopper(phone="13700008801", nickname="发起人小杯")
    bargain = bargain_start(user=starter, campaign_id=campaign.pk)
    bargain_help(user=make_shopper(phone="13700008802", nickname="帮砍的朋友"), number=bargain.number)
    link = bargain_share_link(user=starter, bargain=bargain)
    return {"starter": starter, "bargain": bargain, "short_path": share_selectors.short_path(link=link)}


def _fits_and_passes_axe(page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, f"wider than {width}px"
    page.evaluate(AXE.read_text(encoding="utf-8"))
    assert page.evaluate(AXE_RUN) == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 320])
def test_the_invite_sheet_fits_a_phone_and_passes_axe(open_page, started, site, width):
    page = open_page(f"starter-{width}", width=width, height=800)
    path = f"/b/{started['bargain'].number}/"
    login(page, started["starter"].phone, next_path=path)
    expect(page.get_by_test_id("bargain-helper")).to_contain_text("帮砍的朋友")
    expect(page.get_by_test_id("bargain-native-share")).to_be_hidden()  # headless Chromium has no Web Share
    _fits_and_passes_axe(page, width)
    snap(page, f"bargain-invite-page-{width}")
    page.get_by_test_id("bargain-invite-open").click()
    expect(page.get_by_test_id("bargain-invite")).to_be_visible()
    expect(page.get_by_test_id("bargain-share-url")).to_have_value(site + started["short_path"])
    expect(page.get_by_test_id("bargain-poster-img")).to_be_visible()
    _fits_and_passes_axe(page, width)
    snap(page, f"bargain-invite-sheet-{width}")


@pytest.mark.browser
def test_share_to_an_app_hands_over_the_starters_link_where_the_browser_can_share(open_page, started, site):
    page = open_page("starter")
    page.context.add_init_script(FAKE_SHARE)
    path = f"/b/{started['bargain'].number}/"
    login(page, started["starter"].phone, next_path=path)
    page.get_by_test_id("bargain-invite-open").click()
    button = page.get_by_test_id("bargain-native-share")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_function("() => window.__shared !== undefined")
    shared = page.evaluate("() => window.__shared")
    assert shared["url"] == site + started["short_path"]
    assert shared["title"].startswith("保温杯") and "Give it a cut for me!" in shared["text"]
