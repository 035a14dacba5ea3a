"""A new merchant applies for a shop, the operator approves it in the admin, the merchant lists a
product with options, prices, stock and a photo, and an anonymous visitor finds it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import exact, flash, login, snap, yuan  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

SHOP_NAME = "山野草帽工坊"
TITLE = "手工编织草帽 Straw hat"


@pytest.fixture
def png_file(tmp_path):
    from PIL import Image, ImageDraw

    path = tmp_path / "straw-hat.png"
    image = Image.new("RGB", (480, 480), (245, 222, 179))
    ImageDraw.Draw(image).ellipse((60, 140, 420, 340), fill=(205, 170, 110), outline=(120, 80, 40), width=8)
    image.save(path, format="PNG")
    return path


@pytest.mark.browser
def test_merchant_lists_a_product_and_operator_approves_a_shop(open_page, make_user, category, png_file):
    from quanzi.catalog.selectors import shop_products_for_console
    from quanzi.shops.selectors import shop_for_owner

    applicant = make_user(phone="13700000009", nickname="山野")
    operator = make_user(phone="13600000001", nickname="运营小王", is_staff=True)

    # -------------------------------------------------------------- the applicant asks for a shop
    merchant = open_page("merchant")
    login(merchant, applicant.phone, next_path="/merchant/")
    expect(merchant).to_have_url(re.compile(r"/merchant/apply/$"))
    expect(merchant.get_by_role("heading", name="Open a shop on Quanzi", level=1)).to_be_visible()
    form = merchant.get_by_test_id("apply-form")
    merchant.get_by_test_id("shop-name").fill(SHOP_NAME)
    form.get_by_label("What do you sell?").fill("手工编织的草帽和篮子")
    merchant.get_by_test_id("licence-number").fill("91330100MA2H3XYZ7K")
    form.get_by_label("Contact name").fill("山野")
    form.get_by_label("Contact phone").fill("13700000009")
    snap(merchant, "2-01-apply")
    merchant.get_by_test_id("apply-submit").click()
    expect(flash(merchant)).to_contain_text("Application sent.")
    expect(merchant.get_by_test_id("application-status")).to_contain_text("Your application is under review")
    expect(merchant.get_by_test_id("shop-status")).to_have_text("Under review")
    shop = shop_for_owner(user=applicant)
    assert shop.status == "applied"

    # -------------------------------------------------------------- the operator approves it in the admin
    admin = open_page("operator", width=1280, height=900)
    admin.goto("/admin/")
    admin.locator("#id_username").fill(operator.phone)
    admin.locator("#id_password").fill("Str0ngPass!x")
    admin.locator("#login-form [type=submit]").click()
    todo = admin.get_by_test_id("todo-shops")
    expect(todo.locator("b")).to_have_text("1")
    todo.click()
    admin.get_by_role("link", name=SHOP_NAME).click()
    expect(admin.locator(".qz-pill")).to_have_text("Under review")
    admin.locator("[data-testid^=decide-]", has_text=exact("Approve")).click()
    expect(admin.locator(".qz-objects")).to_contain_text(SHOP_NAME)
    snap(admin, "2-02-admin-decision")
    admin.get_by_test_id("decision-submit").click()
    expect(admin.locator(".messagelist .success")).to_contain_text("Approve: 1 done.")
    expect(admin.locator(".qz-pill")).to_have_text("Approved")
    admin.goto("/admin/")
    expect(admin.get_by_test_id("todo-shops").locator("b")).to_have_text("0")

    # -------------------------------------------------------------- the merchant lists a product
    merchant.reload()
    expect(merchant.get_by_test_id("application-status")).to_contain_text("Your shop is approved")
    expect(merchant.get_by_test_id("shop-status")).to_have_text("Approved")
    merchant.get_by_test_id("go-dashboard").click()
    merchant.get_by_test_id("new-product").first.click()
    merchant.get_by_test_id("product-title").fill(TITLE)
    merchant.get_by_test_id("product-category").select_option(str(category.pk))
    merchant.get_by_test_id("product-price").fill("88")
    merchant.get_by_test_id("product-stock").fill("20")
    merchant.get_by_test_id("product-options").fill("颜色：米白，咖啡\nSize: M, L")
    merchant.get_by_test_id("product-form").get_by_label("Description").fill("夏天戴的草帽，透气轻便。")
    snap(merchant, "2-03-new-product")
    merchant.get_by_test_id("save-product").click()
    expect(flash(merchant)).to_contain_text("Draft saved with 4 SKUs.")
    expect(merchant.get_by_test_id("product-status")).to_have_text("Draft")
    rows = merchant.get_by_test_id("sku-row")
    expect(rows).to_have_count(4)
    expect(rows.locator("td:first-child")).to_have_text(["米白 / M", "米白 / L", "咖啡 / M", "咖啡 / L"])
    for i in range(4):
        expect(rows.nth(i).get_by_test_id("sku-price")).to_have_value("88.00")
        expect(rows.nth(i).get_by_test_id("sku-stock")).to_have_value("20")

    # the large coffee hat costs more, the medium one sells out
    rows.nth(3).get_by_test_id("sku-price").fill("98.50")
    rows.nth(2).get_by_test_id("sku-stock").fill("0")
    merchant.get_by_test_id("save-skus").click()
    expect(flash(merchant)).to_contain_text("2 SKUs updated.")
    expect(rows.nth(3).get_by_test_id("sku-price")).to_have_value("98.50")
    expect(rows.nth(2)).to_contain_text("Sold out")

    # a photo
    merchant.get_by_test_id("image-input").set_input_files(str(png_file))
    merchant.get_by_test_id("upload-images").click()
    expect(flash(merchant)).to_contain_text("1 images added.")
    tiles = merchant.get_by_test_id("images").locator(".img-tile")
    expect(tiles).to_have_count(1)
    expect(tiles.first).to_contain_text("Cover")
    assert_image_loaded(tiles.first.locator("img"))

    # on the shelf
    merchant.get_by_test_id("on-shelf").click()
    expect(flash(merchant)).to_contain_text("It is on the shelf: shoppers can buy it now.")
    expect(merchant.get_by_test_id("product-status")).to_have_text("On shelf")
    expect(merchant.get_by_test_id("off-shelf")).to_be_visible()
    snap(merchant, "2-04-product-edit")
    [product] = shop_products_for_console(shop_id=shop.pk)
    assert (product.status, product.min_price, bool(product.cover)) == ("on_shelf", 8800, True)

    # -------------------------------------------------------------- an anonymous visitor finds it
    visitor = open_page("visitor")
    visitor.goto("/")
    visitor.get_by_test_id("search-input").fill("草帽")
    visitor.get_by_test_id("search-input").press("Enter")
    card = visitor.get_by_test_id("product-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(TITLE)
    expect(card).to_contain_text(yuan(8800))
    expect(card).to_contain_text(SHOP_NAME)
    assert_image_loaded(card.locator("img"))
    card.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_test_id("price-range")).to_contain_text(f"{yuan(8800)} – {yuan(9850)}")
    assert_image_loaded(visitor.locator("[data-gallery-track] img").first)
    visitor.locator("label.chip-radio", has_text="咖啡").click()
    visitor.locator("label.chip-radio", has_text=exact("M")).click()
    expect(visitor.get_by_test_id("stock")).to_have_text("Sold out")
    expect(visitor.get_by_test_id("add-to-cart")).to_be_disabled()
    visitor.locator("label.chip-radio", has_text=exact("L")).click()
    expect(visitor.locator("[data-price]")).to_have_text(yuan(9850))
    expect(visitor.get_by_test_id("stock")).to_have_text("20 in stock")
    expect(visitor.get_by_test_id("add-to-cart")).to_be_enabled()
    snap(visitor, "2-05-visitor-product")

    visitor.get_by_test_id("shop-link").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(SHOP_NAME)
    expect(visitor.get_by_test_id("product-card")).to_have_count(1)
    expect(visitor.get_by_test_id("product-card")).to_contain_text(TITLE)


def assert_image_loaded(img) -> None:
    expect(img).to_have_attribute("src", re.compile(r"/media/"))
    img.scroll_into_view_if_needed()
    img.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
