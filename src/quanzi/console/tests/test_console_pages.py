"""Merchant console pages: what a merchant sees and can do."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from quanzi.catalog import testing as catalog_testing
from quanzi.orders import aftersales
from quanzi.orders.constants import AfterSaleStatus, OrderStatus
from quanzi.shops.constants import ShopStatus
from quanzi.shops.selectors import shop_for_owner


@pytest.fixture
def merchant(client, shop):
    client.force_login(shop.owner)
    return client


def png(name="photo.png", size=(40, 30), *, noise: bool = False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)) if noise else Image.new("RGB", size, "red")
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- access


def test_anonymous_visitor_goes_to_the_login(client):
    response = client.get(reverse("console:dashboard"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("name", ["console:dashboard", "console:products", "console:orders", "console:balance"])
def test_user_without_a_shop_is_sent_to_apply(client, make_user, name):
    client.force_login(make_user())

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == reverse("console:apply")


def test_another_merchants_order_is_not_found(merchant, make_shop, make_product, place_order):
    other = make_shop()
    (order,), _ = place_order([(make_product(shop=other).skus.get(), 1)], pay=True)

    assert merchant.get(reverse("console:order_detail", args=[order.number])).status_code == 404
    assert merchant.post(reverse("console:order_detail", args=[order.number]),
                         {"carrier": "sandbox"}).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_another_merchants_product_and_aftersale_are_not_found(merchant, make_shop, make_product, place_order,
                                                               shopper):
    other = make_shop()
    product = make_product(shop=other)
    (order,), _ = place_order([(product.skus.get(), 1)], pay=True)
    request = aftersales.aftersale_request(user=shopper, order_id=order.pk, line_id=order.lines.get().pk,
                                           kind="refund_only", quantity=1, reason="quality")

    assert merchant.get(reverse("console:product_edit", args=[product.pk])).status_code == 404
    assert merchant.get(reverse("console:aftersale_detail", args=[request.number])).status_code == 404
    assert merchant.post(reverse("console:aftersale_act", args=[request.number, "approve"])).status_code == 404


# ---------------------------------------------------------------- apply


def test_apply_flow_from_form_to_review_to_approved(client, make_user):
    from quanzi.shops.services import shop_approve

    user = make_user()
    client.force_login(user)

    form = client.get(reverse("console:apply"))
    bad = client.post(reverse("console:apply"), {"name": "Tea House", "licence_number": "x",
                                                 "contact_name": "Li", "contact_phone": "13800000000"})
    sent = client.post(reverse("console:apply"), {
        "name": "Tea House", "description": "Pu'er and oolong", "licence_number": "91310000MA1FL0001X",
        "contact_name": "Li", "contact_phone": "13800000000", "logo": png("logo.png")}, follow=True)

    assert 'data-testid="apply-form"' in text(form)
    assert bad.status_code == 400
    assert "unified social credit code" in text(bad)
    shop = shop_for_owner(user=user)
    assert shop.status == ShopStatus.APPLIED and shop.logo
    assert "under review" in text(sent)

    shop_approve(shop_id=shop.pk)
    approved = client.get(reverse("console:apply"))
    dashboard = client.get(reverse("console:dashboard"))

    assert "Your shop is approved" in text(approved)
    assert dashboard.status_code == 200 and "Tea House" in text(dashboard)


def test_rejected_application_shows_the_operator_note(client, make_shop):
    from quanzi.shops.services import shop_reject

    shop = make_shop(approved=False)
    shop_reject(shop_id=shop.pk, note="Licence photo unreadable")
    client.force_login(shop.owner)

    page = text(client.get(reverse("console:apply")))

    assert "Licence photo unreadable" in page
    assert 'data-testid="apply-form"' in page


# ---------------------------------------------------------------- dashboard


def test_dashboard_shows_counts_balance_and_low_stock(merchant, shop, make_product, place_order):
    sku = make_product(shop=shop, stock=3).skus.get()
    place_order([(sku, 1)], pay=True)

    page = text(merchant.get(reverse("console:dashboard")))

    assert 'data-testid="count-to_ship"' in page
    assert '<b>1</b><span>To ship</span>' in page
    assert "2 left" in page  # 3 − 1 sold, at or below the threshold of 5
    assert 'data-testid="balances"' in page


def test_the_overview_lists_every_selling_tool_so_a_phone_reaches_each_section(merchant):
    from quanzi.web.slots import entries

    page = text(merchant.get(reverse("console:dashboard")))
    assert 'data-testid="console-tools"' in page
    for entry in entries("console.nav"):  # group buy, bargain, flash sale, live, distribution, reviews…
        assert f'data-testid="tool-{entry.testid}"' in page, entry.key


def test_dashboard_of_a_shop_under_review_says_so(client, make_shop):
    shop = make_shop(approved=False)
    client.force_login(shop.owner)

    page = text(client.get(reverse("console:dashboard")))

    assert "under review" in page


# ---------------------------------------------------------------- products


def test_create_product_with_options_creates_every_sku_combination(merchant, shop, category):
    response = merchant.post(reverse("console:product_new"), {
        "title": "Linen shirt", "subtitle": "Breathes", "category": category.pk, "description": "Soft.",
        "returnable_7day": "1", "max_per_order": "5", "price": "129.90", "stock": "8",
        "options": "颜色：白，蓝\nSize: S, M, L"})

    (product,) = [p for p in catalog_testing.products() if p.shop_id == shop.pk and p.title == "Linen shirt"]
    assert response.status_code == 302
    assert response["Location"] == reverse("console:product_edit", args=[product.pk])
    skus = list(product.skus.order_by("id"))
    assert len(skus) == 6
    assert {s.label for s in skus} == {"白 / S", "白 / M", "白 / L", "蓝 / S", "蓝 / M", "蓝 / L"}
    assert all(s.price == 12990 and s.stock == 8 for s in skus)
    assert product.max_per_order == 5 and product.returnable_7day
    page = text(merchant.get(response["Location"]))
    assert "Draft saved with 6 SKUs" in page
    assert page.count('data-testid="sku-row"') == 6


@pytest.mark.parametrize("price", ["12.345", "abc", "-3", ""])
def test_bad_price_is_a_field_error_and_nothing_is_created(merchant, shop, category, price):
    response = merchant.post(reverse("console:product_new"), {
        "title": "Mug", "category": category.pk, "price": price, "stock": "1"})

    assert response.status_code == 400
    assert 'data-testid="field-error-price"' in text(response)
    assert 'value="Mug"' in text(response)  # what was typed stays
    assert [p for p in catalog_testing.products() if p.shop_id == shop.pk] == []


def test_bad_options_line_is_a_field_error(merchant, shop, category):
    response = merchant.post(reverse("console:product_new"), {
        "title": "Mug", "category": category.pk, "price": "9.90", "stock": "1", "options": "colour red blue"})

    assert response.status_code == 400
    assert "needs a colon" in text(response)


def test_edit_sku_price_and_stock(merchant, shop, make_product):
    product = make_product(shop=shop, price=5900, stock=10, options=[{"name": "Size", "values": ["S", "M"]}])
    s, m = product.skus.order_by("id")

    response = merchant.post(reverse("console:product_edit", args=[product.pk]), {
        "action": "skus", f"sku-{s.pk}-price": "49.50", f"sku-{s.pk}-stock": "3", f"sku-{s.pk}-active": "1",
        f"sku-{m.pk}-price": "59.00", f"sku-{m.pk}-stock": "10"}, follow=True)

    s.refresh_from_db()
    m.refresh_from_db()
    product.refresh_from_db()
    assert (s.price, s.stock, s.is_active) == (4950, 3, True)
    assert (m.price, m.stock, m.is_active) == (5900, 10, False)
    assert product.min_price == 4950
    assert "2 SKUs updated." in text(response)


def test_bad_sku_price_changes_nothing_and_marks_the_row(merchant, shop, product, sku):
    response = merchant.post(reverse("console:product_edit", args=[product.pk]), {
        "action": "skus", f"sku-{sku.pk}-price": "1.001", f"sku-{sku.pk}-stock": "2", f"sku-{sku.pk}-active": "1"})

    sku.refresh_from_db()
    assert response.status_code == 400
    assert 'class="field-error"' in text(response)
    assert 'value="1.001"' in text(response)
    assert (sku.price, sku.stock) == (5900, 10)


def test_upload_images_and_reject_a_non_image(merchant, shop, product):
    url = reverse("console:product_edit", args=[product.pk])

    ok = merchant.post(url, {"action": "upload", "images": [png("a.png"), png("b.png")]}, follow=True)
    bad = merchant.post(url, {"action": "upload",
                              "images": [SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")]})

    assert "2 images added." in text(ok)
    assert product.images.count() == 2
    assert bad.status_code == 400
    assert "notes.png: This file is not an image we can read." in text(bad)


def test_an_oversized_image_is_refused_with_the_limit(merchant, shop, product, settings):
    settings.QUANZI = {**settings.QUANZI, "MAX_UPLOAD_BYTES": 1024 * 1024}

    response = merchant.post(reverse("console:product_edit", args=[product.pk]), {
        "action": "upload", "images": [png("huge.png", size=(800, 800), noise=True), png("small.png")]})

    assert response.status_code == 400
    assert "huge.png: The image is larger than 1 MB." in text(response)
    assert "1 images added." in text(response)
    assert product.images.count() == 1


def test_delete_image(merchant, shop, product):
    from quanzi.catalog.services import product_add_image

    image = product_add_image(product=product, upload=png())

    merchant.post(reverse("console:product_edit", args=[product.pk]), {"action": "delete_image", "image_id": image.pk})

    product.refresh_from_db()
    assert product.images.count() == 0 and product.cover == ""


def test_put_on_shelf_while_the_shop_is_under_review_shows_why_not(client, make_shop, make_product):
    shop = make_shop(approved=False)
    product = make_product(shop=shop, on_shelf=False)
    client.force_login(shop.owner)

    response = client.post(reverse("console:product_edit", args=[product.pk]), {"action": "status",
                                                                               "status": "on_shelf"})

    assert response.status_code == 400
    assert "Your shop is not approved yet, so it cannot sell." in text(response)
    product.refresh_from_db()
    assert product.status == "draft"


def test_on_and_off_the_shelf(merchant, shop, make_product):
    product = make_product(shop=shop, on_shelf=False)
    url = reverse("console:product_edit", args=[product.pk])

    merchant.post(url, {"action": "status", "status": "on_shelf"})
    product.refresh_from_db()
    assert product.status == "on_shelf"
    merchant.post(url, {"action": "status", "status": "off_shelf"})
    product.refresh_from_db()
    assert product.status == "off_shelf"


def test_product_list_filters_by_status(merchant, shop, make_product):
    make_product(shop=shop, title="Shelf tea")
    make_product(shop=shop, title="Draft tea", on_shelf=False)

    page = text(merchant.get(reverse("console:products"), {"status": "draft"}))

    assert "Draft tea" in page and "Shelf tea" not in page


def test_edit_product_details(merchant, shop, product, category):
    response = merchant.post(reverse("console:product_edit", args=[product.pk]), {
        "action": "fields", "title": "Organic cotton tee", "category": category.pk, "max_per_order": "2"})

    product.refresh_from_db()
    assert response.status_code == 302
    assert product.title == "Organic cotton tee" and product.max_per_order == 2
    assert product.returnable_7day is False  # the box was left unticked


# ---------------------------------------------------------------- orders


def test_ship_an_order(merchant, shop, sku, place_order):
    (order,), _ = place_order([(sku, 2)], pay=True)
    url = reverse("console:order_detail", args=[order.number])

    page = text(merchant.get(url))
    response = merchant.post(url, {"carrier": "sandbox", "tracking_number": ""}, follow=True)

    assert 'data-testid="ship-button"' in page
    assert "138****8000" in page and "13800138000" not in page
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert "Shipped with" in text(response)
    assert 'data-testid="ship-button"' not in text(response)


def test_shipping_without_a_tracking_number_for_a_real_carrier_is_a_field_error(merchant, sku, place_order):
    (order,), _ = place_order([(sku, 1)], pay=True)

    response = merchant.post(reverse("console:order_detail", args=[order.number]), {"carrier": "sf"})

    assert response.status_code == 400
    assert "Enter the tracking number." in text(response)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


def test_order_tabs(merchant, sku, place_order):
    (paid,), _ = place_order([(sku, 1)], pay=True)
    (unpaid,), _ = place_order([(sku, 1)])

    to_ship = text(merchant.get(reverse("console:orders"), {"tab": "to_ship"}))

    assert paid.number in to_ship and unpaid.number not in to_ship


# ---------------------------------------------------------------- after-sales


def test_approve_a_refund_only_request(merchant, shop, sku, shopper, place_order, submit_refunds):
    (order,), _ = place_order([(sku, 1)], pay=True)
    line = order.lines.get()
    request = aftersales.aftersale_request(user=shopper, order_id=order.pk, line_id=line.pk, kind="refund_only",
                                           quantity=1, reason="changed_mind")

    listing = text(merchant.get(reverse("console:aftersales")))
    page = text(merchant.get(reverse("console:aftersale_detail", args=[request.number])))
    response = merchant.post(reverse("console:aftersale_act", args=[request.number, "approve"]), follow=True)
    submit_refunds()

    assert request.number in listing
    assert 'data-testid="approve-aftersale"' in page and 'data-testid="reject-aftersale"' in page
    request.refresh_from_db()
    line.refresh_from_db()
    assert request.status == AfterSaleStatus.REFUNDED
    assert line.refunded_amount == line.line_total and line.refunded_quantity == 1
    assert "Approved." in text(response)


def test_reject_needs_a_reason(merchant, sku, shopper, place_order):
    (order,), _ = place_order([(sku, 1)], pay=True)
    request = aftersales.aftersale_request(user=shopper, order_id=order.pk, line_id=order.lines.get().pk,
                                           kind="refund_only", quantity=1, reason="changed_mind")
    url = reverse("console:aftersale_act", args=[request.number, "reject"])

    empty = merchant.post(url, {"note": "  "})
    done = merchant.post(url, {"note": "Already handed to the carrier"})

    assert empty.status_code == 400 and "Tell the shopper why." in text(empty)
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == AfterSaleStatus.REJECTED
    assert request.merchant_note == "Already handed to the carrier"


def test_confirm_a_returned_parcel_refunds(merchant, shop, sku, shopper, place_order, submit_refunds):
    from quanzi.orders.services import order_confirm_receipt
    from quanzi.shipping.services import shipment_create

    (order,), _ = place_order([(sku, 1)], pay=True)
    shipment_create(shop=shop, order_number=order.number, carrier="sandbox")
    order_confirm_receipt(order_id=order.pk)
    request = aftersales.aftersale_request(user=shopper, order_id=order.pk, line_id=order.lines.get().pk,
                                           kind="return_refund", quantity=1, reason="no_reason")
    merchant.post(reverse("console:aftersale_act", args=[request.number, "approve"]))
    aftersales.aftersale_ship_return(user=shopper, after_sale_id=request.pk, carrier="sf", tracking_number="SF1")

    page = text(merchant.get(reverse("console:aftersale_detail", args=[request.number])))
    merchant.post(reverse("console:aftersale_act", args=[request.number, "confirm_return"]))
    submit_refunds()

    assert 'data-testid="confirm-return"' in page
    request.refresh_from_db()
    assert request.status == AfterSaleStatus.REFUNDED


# ---------------------------------------------------------------- balance


def test_payout_request_over_the_balance_shows_the_error(merchant, shop):
    response = merchant.post(reverse("console:balance"), {"amount": "100.00", "bank_account": "ICBC 6222 0000"})

    assert response.status_code == 400
    assert "You can withdraw at most ¥0.00." in text(response)
    assert shop.payouts.count() == 0


def test_payout_request_from_the_available_balance(merchant, shop, sku, place_order):
    from quanzi.console.tests.test_admin import settle_order

    (order,), _ = place_order([(sku, 1)], pay=True)
    settle_order(order)

    page = text(merchant.get(reverse("console:balance")))
    response = merchant.post(reverse("console:balance"), {"amount": "20.50", "bank_account": "ICBC 6222 0000"},
                             follow=True)

    assert 'data-testid="payout-form"' in page
    payout = shop.payouts.get()
    assert payout.amount == 2050
    assert payout.number in text(response) and "¥20.50" in text(response)


def test_payout_amount_must_be_yuan(merchant, shop):
    response = merchant.post(reverse("console:balance"), {"amount": "lots", "bank_account": "ICBC"})

    assert response.status_code == 400
    assert 'data-testid="field-error-amount"' in text(response)
