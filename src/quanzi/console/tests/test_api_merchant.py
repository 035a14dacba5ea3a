"""The merchant API: a merchant sees and changes only their own shop's products, orders and
after-sales (anyone else's answer 404), uploads are verified images with their metadata stripped."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quanzi.catalog import testing as catalog_testing
from quanzi.orders import testing as orders_testing
from quanzi.orders.constants import AfterSaleStatus, OrderStatus

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rival(make_shop):
    return make_shop()


def jpeg_bytes(size=(64, 48), colour=(200, 30, 60), exif=None) -> bytes:
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, colour).save(buffer, "JPEG", **kwargs)
    return buffer.getvalue()


def upload(client, product_id, content: bytes, name="photo.jpg", content_type="image/jpeg"):
    return client.post(f"/api/v1/merchant/products/{product_id}/images",
                       {"image": SimpleUploadedFile(name, content, content_type=content_type)})


# ---------------------------------------------------------------- no shop

@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/merchant/shop"), ("get", "/api/v1/merchant/products"), ("post", "/api/v1/merchant/products"),
    ("get", "/api/v1/merchant/orders"), ("get", "/api/v1/merchant/after-sales"),
    ("get", "/api/v1/merchant/balance"), ("get", "/api/v1/merchant/payouts"), ("get", "/api/v1/merchant/low-stock"),
    ("post", "/api/v1/merchant/payouts"), ("post", "/api/v1/merchant/orders/2024010100000001/ship"),
])
def test_a_user_without_a_shop_gets_403_no_shop(api, shopper, expect_error, method, path):
    body = {"title": "x", "category_id": 1, "price": 100} if "products" in path else \
        {"amount": 100, "bank_account": "6222"} if "payouts" in path else {"carrier": "sandbox"}
    kwargs = {"data": body, "content_type": JSON} if method == "post" else {}

    expect_error(getattr(api(shopper), method)(path, **kwargs), 403, "no_shop")


def test_a_shop_applicant_can_read_its_shop_but_not_sell(api, make_user, category, expect_error):
    user = make_user()
    client = api(user)

    applied = client.post("/api/v1/merchant/shop", {"name": "小店 Tiny", "licence_number": "91310000MA1FL00000",
                                                    "contact_name": "Li", "contact_phone": "13800000000"},
                          content_type=JSON)
    assert applied.status_code == 201, applied.content
    assert applied.json()["status"] == "applied"
    created = client.post("/api/v1/merchant/products", {"title": "T", "category_id": category.pk, "price": 100,
                                                        "stock": 1}, content_type=JSON)
    assert created.status_code == 201
    expect_error(client.post(f"/api/v1/merchant/products/{created.json()['id']}/status", {"status": "on_shelf"},
                             content_type=JSON), 422, "shop_not_approved")


# ---------------------------------------------------------------- another merchant's objects → 404

def test_another_merchants_product_is_404(api, shop, rival, product, sku, expect_error):
    client = api(rival.owner)
    base = f"/api/v1/merchant/products/{product.pk}"

    expect_error(client.get(base), 404)
    expect_error(client.patch(base, {"title": "hijacked"}, content_type=JSON), 404)
    expect_error(client.post(f"{base}/status", {"status": "off_shelf"}, content_type=JSON), 404)
    expect_error(client.patch(f"{base}/skus/{sku.pk}", {"price": 1, "stock": 0}, content_type=JSON), 404)
    expect_error(upload(client, product.pk, jpeg_bytes()), 404)
    assert product.pk not in [p["id"] for p in client.get("/api/v1/merchant/products").json()]
    product.refresh_from_db()
    sku.refresh_from_db()
    assert (product.title, product.status, sku.price, sku.stock) == ("纯棉T恤 Cotton tee", "on_shelf", 5900, 10)
    assert catalog_testing.product_images() == []


def test_a_sku_of_another_product_cannot_be_edited_through_mine(api, shop, rival, make_product, product, sku,
                                                                 expect_error):
    mine = make_product(shop=rival)

    response = api(rival.owner).patch(f"/api/v1/merchant/products/{mine.pk}/skus/{sku.pk}", {"price": 1},
                                      content_type=JSON)

    expect_error(response, 404)
    sku.refresh_from_db()
    assert sku.price == 5900


def test_another_merchants_order_is_404(api, rival, place_order, sku, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)
    number = orders[0].number
    client = api(rival.owner)

    expect_error(client.get(f"/api/v1/merchant/orders/{number}"), 404)
    expect_error(client.post(f"/api/v1/merchant/orders/{number}/ship", {"carrier": "sandbox"}, content_type=JSON),
                 404)
    assert client.get("/api/v1/merchant/orders").json()["items"] == []
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.PAID


def test_another_merchants_after_sale_is_404(api, shopper, rival, place_order, sku, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)
    created = api(shopper).post(f"/api/v1/orders/{orders[0].number}/after-sales",
                                {"line_id": orders[0].lines.get().pk, "kind": "refund_only", "quantity": 1,
                                 "reason": "changed_mind"}, content_type=JSON)
    number = created.json()["number"]
    client = api(rival.owner)

    expect_error(client.post(f"/api/v1/merchant/after-sales/{number}/approve", {}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/merchant/after-sales/{number}/reject", {"note": "no"}, content_type=JSON), 404)
    expect_error(client.post(f"/api/v1/merchant/after-sales/{number}/confirm-return", {}, content_type=JSON), 404)
    assert client.get("/api/v1/merchant/after-sales").json() == []
    assert orders_testing.aftersale_get().status == AfterSaleStatus.REQUESTED


def test_a_shopper_cannot_use_the_merchant_api_on_their_own_order(api, shopper, place_order, sku, make_shop,
                                                                  expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)
    make_shop(owner=shopper)  # the shopper has a shop of their own, but the order is not its order

    expect_error(api(shopper).post(f"/api/v1/merchant/orders/{orders[0].number}/ship", {"carrier": "sandbox"},
                                   content_type=JSON), 404)


# ---------------------------------------------------------------- the merchant's own work

def test_merchant_creates_a_product_with_options_and_puts_it_on_the_shelf(api, shop, category):
    client = api(shop.owner)

    created = client.post("/api/v1/merchant/products", {
        "title": "连衣裙 Summer dress", "category_id": category.pk, "price": 12900, "stock": 3,
        "options": [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M"]}],
        "skus": [{"options": {"颜色": "红", "尺码": "S"}, "price": 9900, "stock": 1}]}, content_type=JSON)
    assert created.status_code == 201, created.content
    product_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert len(created.json()["skus"]) == 4
    assert sorted(s["price"]["amount"] for s in created.json()["skus"]) == [9900, 12900, 12900, 12900]

    on = client.post(f"/api/v1/merchant/products/{product_id}/status", {"status": "on_shelf"}, content_type=JSON)
    assert on.json()["status"] == "on_shelf"
    public = client.get(f"/api/v1/catalog/products/{product_id}").json()
    assert public["price"]["amount"] == 9900


@pytest.mark.parametrize("patch,field", [
    ({"price": 0}, "skus.0.price"), ({"price": -5}, "skus.0.price"), ({"stock": -1}, "skus.0.stock"),
    ({"title": ""}, "title"), ({"title": "x" * 121}, "title"), ({"category_id": 999_999}, "category_id"),
    ({"max_per_order": -1}, "max_per_order"),
])
def test_invalid_product_fields_are_400_with_fields(api, shop, category, expect_error, patch, field):
    body = {"title": "好物 Good thing", "category_id": category.pk, "price": 100, "stock": 1, **patch}

    error = expect_error(api(shop.owner).post("/api/v1/merchant/products", body, content_type=JSON), 400)

    assert field in error["fields"], error
    assert catalog_testing.products() == []


def test_merchant_cannot_set_negative_stock_or_zero_price(api, shop, product, sku, expect_error):
    client = api(shop.owner)

    expect_error(client.patch(f"/api/v1/merchant/products/{product.pk}/skus/{sku.pk}", {"stock": -3},
                              content_type=JSON), 400)
    expect_error(client.patch(f"/api/v1/merchant/products/{product.pk}/skus/{sku.pk}", {"price": 0},
                              content_type=JSON), 400)
    sku.refresh_from_db()
    assert (sku.stock, sku.price) == (10, 5900)


def test_an_unknown_status_is_400(api, shop, product, expect_error):
    expect_error(api(shop.owner).post(f"/api/v1/merchant/products/{product.pk}/status", {"status": "deleted"},
                                      content_type=JSON), 400)


def test_shipping_needs_a_known_carrier_and_a_sane_tracking_number(api, shop, place_order, sku, expect_error):
    orders, _payment = place_order([(sku, 1)], pay=True)
    client = api(shop.owner)
    url = f"/api/v1/merchant/orders/{orders[0].number}/ship"

    expect_error(client.post(url, {"carrier": "pigeon", "tracking_number": "1"}, content_type=JSON), 400)
    expect_error(client.post(url, {"carrier": "sf", "tracking_number": ""}, content_type=JSON), 400)
    expect_error(client.post(url, {"carrier": "sf", "tracking_number": "<script>"}, content_type=JSON), 400)
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.PAID

    shipped = client.post(url, {"carrier": "sf", "tracking_number": "SF1234567890"}, content_type=JSON)
    assert shipped.status_code == 200
    assert shipped.json()["status"] == "shipped"
    expect_error(client.post(url, {"carrier": "sf", "tracking_number": "SF1234567890"}, content_type=JSON), 409,
                 "invalid_order_state")


def test_payout_more_than_available_is_422(api, shop, place_order, sku, expect_error):
    place_order([(sku, 1)], pay=True)  # pending, not yet available

    response = api(shop.owner).post("/api/v1/merchant/payouts", {"amount": 5000, "bank_account": "6222 0000"},
                                    content_type=JSON)

    expect_error(response, 422, "insufficient_balance")
    balance = api(shop.owner).get("/api/v1/merchant/balance").json()
    assert balance["available"] == 0
    assert balance["pending"] > 0


# ---------------------------------------------------------------- uploads

def test_a_jpeg_upload_is_stored_re_encoded_and_thumbnailed(api, shop, product):
    response = upload(api(shop.owner), product.pk, jpeg_bytes(size=(2000, 1000)))

    assert response.status_code == 201, response.content
    assert len(response.json()["images"]) == 1
    (image,) = catalog_testing.product_images()
    with default_storage.open(image.image) as f, Image.open(f) as full:
        assert full.format == "JPEG"
        assert max(full.size) <= 1200
    with default_storage.open(image.thumb) as f, Image.open(f) as thumb:
        assert thumb.size == (360, 360)
    product.refresh_from_db()
    assert product.cover == image.image


def test_a_png_upload_becomes_a_jpeg(api, shop, product):
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(buffer, "PNG")

    response = upload(api(shop.owner), product.pk, buffer.getvalue(), name="a.png", content_type="image/png")

    assert response.status_code == 201
    assert catalog_testing.product_images()[0].image.endswith(".jpg")


def test_gps_exif_is_stripped_from_uploads(api, shop, product):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPS IFD: Shanghai
    original = jpeg_bytes(exif=exif)
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825), "the test image must carry GPS data"

    response = upload(api(shop.owner), product.pk, original)

    assert response.status_code == 201, response.content
    (image,) = catalog_testing.product_images()
    for name in (image.image, image.thumb):
        with default_storage.open(name) as f:
            raw = f.read()
        with Image.open(io.BytesIO(raw)) as stored:
            assert dict(stored.getexif()) == {}
            assert not stored.getexif().get_ifd(0x8825)
            assert "exif" not in stored.info
        assert b"SpyCam" not in raw
        assert b"Exif\x00\x00" not in raw


@pytest.mark.parametrize("content,name,content_type", [
    (b"hello, I am text", "notes.txt", "text/plain"),
    (b"hello, I pretend to be a jpeg", "photo.jpg", "image/jpeg"),
    (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "doc.pdf", "application/pdf"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "image/svg+xml"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "truncated.jpg", "image/jpeg"),
    (b"", "empty.jpg", "image/jpeg"),
])
def test_a_non_image_upload_is_400_not_an_image(api, shop, product, expect_error, content, name, content_type):
    response = upload(api(shop.owner), product.pk, content, name=name, content_type=content_type)

    expect_error(response, 400, "not_an_image")
    assert catalog_testing.product_images() == []


def test_an_image_in_a_format_we_do_not_accept_is_400(api, shop, product, expect_error):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")

    expect_error(upload(api(shop.owner), product.pk, buffer.getvalue(), name="a.bmp", content_type="image/bmp"),
                 400, "not_an_image")


def test_an_oversized_upload_is_400_upload_too_large(api, shop, product, settings, expect_error):
    limit = settings.QUANZI["MAX_UPLOAD_BYTES"]
    content = jpeg_bytes()
    content += b"\x00" * (limit + 1 - len(content))

    response = upload(api(shop.owner), product.pk, content)

    expect_error(response, 400, "upload_too_large")
    assert catalog_testing.product_images() == []


def test_an_upload_without_a_file_is_400_naming_the_field(api, shop, product, expect_error):
    response = api(shop.owner).post(f"/api/v1/merchant/products/{product.pk}/images", {})

    error = expect_error(response, 400, "validation_error")
    assert "image" in error["fields"]


def test_a_decompression_bomb_is_rejected(api, shop, product, settings, expect_error):
    settings.QUANZI = {**settings.QUANZI, "MAX_IMAGE_PIXELS": 10_000}
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 1000)).save(buffer, "PNG")  # tiny file, a million pixels

    expect_error(upload(api(shop.owner), product.pk, buffer.getvalue(), name="bomb.png", content_type="image/png"),
                 400, "image_too_large")  # refused by its declared size, before decoding (core.images)


def test_the_sku_image_can_be_set_by_upload(api, shop, product, sku):
    response = api(shop.owner).post(f"/api/v1/merchant/products/{product.pk}/images",
                                    {"image": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
                                     "sku_id": str(sku.pk)})

    assert response.status_code == 201, response.content
    assert catalog_testing.sku_get(sku_id=sku.pk).image == catalog_testing.product_images()[0].thumb
