"""The main pages fit the screen and pass axe-core, on a phone (390×844) and a desktop (1280×800).

For a shopper and a merchant, every page here must be no wider than the viewport
(`document.documentElement.scrollWidth`, the sideways scroll a phone user hates), log no console error,
and show axe-core (vendored in tests/e2e/vendor/axe.min.js, run inside the page through DevTools so the
page's Content-Security-Policy stays on) no critical or serious violation. `bench/crawl.py` does the same
over every page a crawl reaches on a running demo; this test keeps the main ones honest in CI.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import create_product, login  # noqa: E402

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENS = ((390, 844), (1280, 800))
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '))"""


@pytest.fixture
def world(make_user, make_shop, make_shopper, category):
    from quanzi.core import clock
    from quanzi.flashsale.services import sale_create, sale_publish
    from quanzi.groupbuy.services import campaign_activate, campaign_create, group_open
    from quanzi.live.services import room_create

    now = clock.now()
    merchant = make_user(phone="13900000077", nickname="山野茶舍")
    shop = make_shop(owner=merchant)
    tea = create_product(shop=shop, category=category, title="武夷山大红袍 Da Hong Pao 岩茶 传统炭焙",
                         price=8800, stock=50)
    cup = create_product(shop=shop, category=category, title="手作粗陶茶杯 Ceramic Tea Cup 柴烧", price=4500, stock=50)
    campaign = campaign_create(shop=shop, product_id=tea.pk, group_size=3, fill_seconds=24 * 3600,
                               skus=[{"sku_id": tea.skus.get().pk, "group_price": 6600, "stock": 20}],
                               starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=3))
    campaign_activate(campaign_id=campaign.pk, shop=shop)
    leader = make_shopper(phone="13700007701", nickname="团长")
    group, _order, _payment = group_open(user=leader, campaign_id=campaign.pk, sku_id=tea.skus.get().pk,
                                         address_id=leader.addresses.get().pk)
    sale = sale_create(shop=shop, title="整点秒杀", starts_at=now - dt.timedelta(minutes=5),
                       ends_at=now + dt.timedelta(hours=1), reservation_seconds=300,
                       items=[{"sku_id": cup.skus.get().pk, "price": 990, "stock": 5, "per_user_limit": 1}])
    sale_publish(sale_id=sale.pk, shop=shop)
    room_create(host=merchant, title="春茶直播", scheduled_at=now + dt.timedelta(hours=2), product_ids=[tea.pk])
    shopper = make_shopper(phone="13700007702", nickname="小圈")
    note = _note(author=make_user(phone="13700007703", nickname="茶友"), product=tea)
    return {"shopper": shopper, "merchant": merchant, "tea": tea, "group": group, "sale": sale, "note": note}


def _note(*, author, product):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from quanzi.content import services

    note = services.note_create_draft(author=author, title="春茶开箱", body="今年的大红袍，炭焙味很足 #喝茶")
    for size in ((800, 600), (600, 800)):  # a landscape and a portrait picture: no letterbox bars either way
        buffer = io.BytesIO()
        Image.new("RGB", size, (120, 160, 90)).save(buffer, "PNG")
        services.note_add_image(user=author, note_id=note.pk,
                                upload=SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png"))
    services.note_tag_product(user=author, note_id=note.pk, product_id=product.pk)
    return services.note_publish(user=author, note_id=note.pk)


def check(page, path: str, width: int, problems: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if wider > 0:
        problems.append(f"{width}px {path}: {wider}px wider than the screen")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    for violation in page.evaluate(AXE_RUN):
        problems.append(f"{width}px {path}: axe {violation}")


def test_main_pages_fit_the_screen_and_pass_axe(open_page, world):
    shopper_pages = ["/", f"/p/{world['tea'].pk}/", "/groupbuy/", f"/g/{world['group'].number}/", "/flash/",
                     f"/flash/{world['sale'].pk}/", "/bargain/", "/live/", "/cart/", "/me/", "/feed/",
                     f"/me/addresses/?next=/g/{world['group'].number}/", f"/n/{world['note'].pk}/"]
    merchant_pages = ["/merchant/", "/merchant/products/", "/merchant/orders/", "/merchant/groupbuy/",
                      "/merchant/flash/", "/merchant/bargain/", "/merchant/live/", "/merchant/distribution/"]
    problems: list[str] = []
    for width, height in SCREENS:
        for who, identifier, pages in (("shopper", world["shopper"].phone, shopper_pages),
                                       ("merchant", world["merchant"].phone, merchant_pages)):
            page = open_page(f"{who}-{width}", width=width, height=height)
            console_errors: list[str] = []
            page.on("console", lambda msg, errors=console_errors: msg.type == "error" and errors.append(msg.text))
            login(page, identifier)
            for path in pages:
                check(page, path, width, problems)
                if path.startswith("/n/"):  # the tagged product's buy button is on screen, not clipped
                    box = page.locator("[data-testid=note-product] .btn").first.bounding_box()
                    if box is None or box["x"] + box["width"] > width:
                        problems.append(f"{width}px {path}: the tagged product's buy button is off screen: {box}")
            problems += [f"{width}px {who}: console error: {text}" for text in console_errors]
    assert problems == [], "\n".join(problems)
