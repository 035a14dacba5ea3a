"""Issue 13: the live room laid out like the shopping apps' live rooms, on a phone (390×844) and on a desktop
(1280×800): the stage fills the phone's width, nothing scrolls sideways, the chat is an overlay on the stage,
the pinned product's card has its picture and a buy button that buys, a gift sent by a viewer shows a banner
to everyone in the room, and the host's console fits a phone. The WebSockets come from the real ASGI app
(the `ws_server` fixture of test_e2e_live.py); any JavaScript error or CSP violation fails the test
(conftest's `open_page`)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api")
pytest.importorskip("uvicorn")

from e2e_ui import create_product, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from test_e2e_live import ws_server  # noqa: E402,F401 - the fixture (uvicorn serving config.asgi)

pytestmark = pytest.mark.browser
TITLE = "直播专享 羊绒围巾 Cashmere scarf"
PRICE = 19900


def _cover(product, folder: Path) -> None:
    """Give the product a real picture (the catalog keeps media paths)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 120), (200, 30, 60)).save(folder / f"p{product.pk}.png")
    product.cover = product.cover_thumb = f"{folder.name}/p{product.pk}.png"
    product.save(update_fields=["cover", "cover_thumb"])


@pytest.fixture
def world(make_user, make_shop, make_shopper, category, pay, settings):
    from quanzi.live.testing import make_room, pin_put
    from quanzi.livesales.services import declaration_submit, topup_start
    from quanzi.livesales.testing import gift_ensure

    shop = make_shop(owner=make_user(phone="13900000066", nickname="围巾铺"))
    product = create_product(shop=shop, category=category, title=TITLE, price=PRICE, stock=20)
    other = create_product(shop=shop, category=category, title="手套 Gloves", price=5900, stock=20)
    folder = Path(settings.MEDIA_ROOT) / "e2e-live-layout"
    _cover(product, folder)
    host = make_user(phone="13900000067", nickname="主播小美")
    room = make_room(host=host, shop=shop, title="冬季围巾专场 · Winter scarves live", live=True, products=[product, other])
    pin_put(room=room, product_id=product.pk)
    viewer = make_shopper(phone="13700006601", nickname="小圈")
    declaration_submit(user=viewer, real_name="陈小圈", birth_date=dt.date(1995, 4, 4))
    _topup, payment = topup_start(user=viewer, amount=5000)
    pay(payment.number)
    gift = gift_ensure(name="玫瑰", name_en="Rose", icon="🌹", price=100)
    yield {"room": room, "product": product, "host": host, "viewer": viewer, "gift": gift,
           "watcher": make_shopper(phone="13700006602", nickname="Watcher Wu")}
    shutil.rmtree(folder, ignore_errors=True)


def fits(page) -> None:
    """No horizontal overflow: the document is never wider than the window."""
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page is {width}px wide in a {inner}px window"


def box(page, testid: str) -> dict:
    found = page.get_by_test_id(testid).first.bounding_box()
    assert found, f"{testid} is not laid out"
    return found


def inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - 1 and inner["y"] >= outer["y"] - 1
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1)


def test_the_live_room_on_a_phone(open_page, ws_server, world, ledger_balanced):  # noqa: F811
    from quanzi.orders.testing import order_get

    room, viewer = world["room"], world["viewer"]
    page = open_page("viewer", width=390, height=844)
    login(page, viewer.phone, next_path=f"/live/{room.number}/")
    expect(page.get_by_test_id("live-room")).to_have_attribute("data-connected", "1")

    # -------------------------------------------------------------- the stage: full width, 9:16-ish, the overlays on it
    stage = box(page, "live-stage")
    assert stage["x"] == 0 and stage["width"] == 390
    assert stage["height"] >= 1.5 * stage["width"]
    for testid in ("live-host", "live-status", "live-chat", "live-bar", "ls-pinned"):
        expect(page.get_by_test_id(testid)).to_be_visible()
        assert inside(box(page, testid), stage), f"{testid} is not on the stage"
    chat, bar = box(page, "live-chat"), box(page, "live-bar")
    assert chat["y"] + chat["height"] <= bar["y"] + 1 and chat["width"] < stage["width"]  # bottom left, above the bar
    pinned = box(page, "ls-pinned")
    assert pinned["y"] + pinned["height"] <= chat["y"] + 1  # the pinned card floats above the chat
    expect(page.get_by_test_id("live-shelf")).to_be_hidden()  # the products are a sheet on a phone
    assert "{#" not in page.inner_text("main") and "{%" not in page.inner_text("main")  # no template text leaks
    fits(page)

    # the chat scrolls over the video
    page.get_by_test_id("live-chat-input").fill("这条围巾好看！")
    page.get_by_test_id("live-chat-send").click()
    line = page.get_by_test_id("live-chat").locator("li", has_text="这条围巾好看")
    expect(line).to_be_visible()
    assert inside(line.bounding_box(), stage)

    # -------------------------------------------------------------- the pinned card: picture, price, a buy button that buys
    card = page.get_by_test_id("ls-pinned")
    expect(card).to_contain_text(TITLE)
    expect(card).to_contain_text(yuan(PRICE))
    assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    card.get_by_test_id("ls-pinned-buy").click()
    sheet = page.get_by_test_id("ls-buy-sheet")
    expect(sheet).to_be_visible()
    form = sheet.locator(f"#ls-buy-{world['product'].pk}").get_by_test_id("ls-buy-form")
    expect(form).to_be_visible()
    fits(page)
    snap(page, "13-live-phone-buy")
    form.get_by_test_id("ls-buy-submit").click()
    expect(page.get_by_test_id("ls-order-placed")).to_contain_text(yuan(PRICE))
    order = order_get(user=viewer)
    assert order.lines.get().product_id == world["product"].pk
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()

    # -------------------------------------------------------------- the bag opens the products sheet
    page.get_by_test_id("live-shelf-toggle").click()
    expect(page.get_by_test_id("live-shelf")).to_be_visible()
    expect(page.get_by_test_id("live-shelf-item")).to_have_count(2)
    fits(page)
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("live-shelf")).to_be_hidden()

    # -------------------------------------------------------------- a gift: the banner reaches everyone
    watcher = open_page("watcher", width=390, height=844)
    login(watcher, world["watcher"].phone, next_path=f"/live/{room.number}/")
    expect(watcher.get_by_test_id("live-room")).to_have_attribute("data-connected", "1")
    page.get_by_test_id("ls-gift-open").click()
    gifts = page.get_by_test_id("ls-tips")
    expect(gifts).to_be_visible()
    gifts.locator(".ls-gift", has_text="Rose").click()
    gifts.get_by_test_id("ls-tip-submit").click()
    expect(page.get_by_test_id("ls-tip-sent")).to_be_visible()
    page.keyboard.press("Escape")
    for someone in (page, watcher):
        banner = someone.get_by_test_id("ls-gift-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("小圈")
        expect(banner).to_contain_text("Rose")
        expect(banner).to_contain_text("×1")
        someone.wait_for_function("() => { const b = document.querySelector('[data-testid=ls-gift-banner]');"
                                  " return b && b.getBoundingClientRect().left >= 0; }")  # slid in
        assert inside(banner.bounding_box(), box(someone, "live-stage"))
    snap(watcher, "13-live-phone-gift")
    fits(watcher)
    ledger_balanced()


def test_the_live_room_on_a_desktop_and_the_console_on_a_phone(open_page, ws_server, world):  # noqa: F811
    room = world["room"]
    page = open_page("watcher", width=1280, height=800)
    login(page, world["watcher"].phone, next_path=f"/live/{room.number}/")
    expect(page.get_by_test_id("live-room")).to_have_attribute("data-connected", "1")
    stage = box(page, "live-stage")
    assert stage["width"] <= 480 and stage["height"] > stage["width"]  # a phone-shaped stage, not stretched
    shelf = box(page, "live-shelf")
    expect(page.get_by_test_id("live-shelf")).to_be_visible()  # the products beside the stage
    assert shelf["x"] >= stage["x"] + stage["width"] and abs(shelf["y"] - stage["y"]) < 40
    centre = stage["x"] + (shelf["x"] + shelf["width"] - stage["x"]) / 2
    assert abs(centre - 640) < 60  # stage and products centred together
    expect(page.get_by_test_id("live-chat")).to_be_visible()
    assert inside(box(page, "live-chat"), stage) and inside(box(page, "ls-pinned"), stage)
    fits(page)
    # the products list's buy button opens the buy sheet on that product
    page.get_by_test_id("live-shelf").get_by_test_id("live-shelf-buy").first.click()
    expect(page.get_by_test_id("ls-buy-sheet").locator(f"#ls-buy-{world['product'].pk}")
           .get_by_test_id("ls-buy-form")).to_be_visible()
    snap(page, "13-live-desktop")

    host = open_page("host", width=390, height=844)
    login(host, world["host"].phone, next_path=f"/live/{room.number}/console/")
    expect(host.get_by_test_id("live-console")).to_have_attribute("data-connected", "1")
    expect(host.get_by_test_id("ls-console")).to_be_visible()
    fits(host)
    host.get_by_test_id("live-push-url").locator("xpath=ancestor::details").locator("summary").click()
    fits(host)
    snap(host, "13-live-console-phone")
