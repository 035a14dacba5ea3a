"""Merchants build products from options (colour × size); shoppers find them in Chinese or English."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from quanzi.catalog.constants import ProductStatus
from quanzi.catalog.models import Sku
from quanzi.catalog.selectors import low_stock_skus, product_detail, product_list, product_search
from quanzi.catalog.services import (
    product_add_image,
    product_create,
    product_set_status,
    product_update,
    sku_update,
)
from quanzi.core.errors import BusinessRuleViolation, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db

COLOUR_SIZE = [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M", "L"]}]


def test_options_make_one_sku_per_colour_and_size_combination(shop, category):
    product = product_create(shop=shop, data={"title": "卫衣 Hoodie", "category_id": category.pk, "price": 9900,
                                              "stock": 5}, options=COLOUR_SIZE)

    skus = list(product.skus.order_by("id"))
    assert len(skus) == 6
    assert [s.label for s in skus] == ["红 / S", "红 / M", "红 / L", "蓝 / S", "蓝 / M", "蓝 / L"]
    assert skus[0].option_values == {"颜色": "红", "尺码": "S"}
    assert {s.price for s in skus} == {9900}
    assert {s.stock for s in skus} == {5}
    assert product.status == ProductStatus.DRAFT
    assert list(product.options.values_list("name", flat=True)) == ["颜色", "尺码"]


def test_each_combination_can_have_its_own_price_and_stock_and_min_price_follows(shop, category):
    product = product_create(
        shop=shop, data={"title": "卫衣 Hoodie", "category_id": category.pk, "price": 9900, "stock": 5},
        options=COLOUR_SIZE,
        skus=[{"options": {"颜色": "蓝", "尺码": "L"}, "price": 12900, "stock": 1, "code": "HD-BL-L"},
              {"options": {"尺码": "S", "颜色": "红"}, "price": 7900, "stock": 0}])

    blue_l = product.skus.get(label="蓝 / L")
    red_s = product.skus.get(label="红 / S")
    assert (blue_l.price, blue_l.stock, blue_l.code) == (12900, 1, "HD-BL-L")
    assert (red_s.price, red_s.stock) == (7900, 0)
    assert product.min_price == 7900

    sku_update(product=product, sku_id=red_s.pk, price=15000)
    product.refresh_from_db()
    assert product.min_price == 9900


def test_a_product_without_options_has_one_sku(shop, category):
    product = product_create(shop=shop, data={"title": "马克杯 Mug", "category_id": category.pk, "price": 3900,
                                              "stock": 12})
    sku = product.skus.get()
    assert (sku.label, sku.option_values, sku.price, sku.stock) == ("", {}, 3900, 12)


@pytest.mark.parametrize("data,options,field", [
    ({"title": "", "price": 100}, [], "title"),
    ({"title": "x", "price": 0}, [], "skus.0.price"),
    ({"title": "x", "price": -5}, [], "skus.0.price"),
    ({"title": "x", "price": 100, "stock": -1}, [], "skus.0.stock"),
    ({"title": "x", "price": 100}, [{"name": "颜色", "values": ["红", "红"]}], "options.0"),
    ({"title": "x", "price": 100}, [{"name": "颜色", "values": []}], "options.0"),
    ({"title": "x", "price": 100}, [{"name": "a", "values": ["1"]}, {"name": "a", "values": ["2"]}], "options"),
    ({"title": "x", "price": 100}, [{"name": str(i), "values": ["1"]} for i in range(4)], "options"),
])
def test_invalid_products_are_refused_and_nothing_is_created(shop, category, data, options, field):
    with pytest.raises(ValidationFailed) as exc:
        product_create(shop=shop, data={"category_id": category.pk, **data}, options=options)
    assert field in exc.value.fields
    assert not shop.products.exists()
    assert not Sku.objects.exists()


def test_an_unknown_category_is_refused(shop):
    with pytest.raises(ValidationFailed) as exc:
        product_create(shop=shop, data={"title": "x", "category_id": 999999, "price": 100})
    assert "category_id" in exc.value.fields


def test_only_an_approved_shop_can_put_goods_on_the_shelf(make_shop, category):
    applying = make_shop(approved=False)
    product = product_create(shop=applying, data={"title": "x", "category_id": category.pk, "price": 100})
    with pytest.raises(BusinessRuleViolation) as exc:
        product_set_status(product=product, status="on_shelf")
    assert exc.value.code == "shop_not_approved"
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_draft_and_off_shelf_products_are_not_listed(make_product, shop):
    on = make_product(shop=shop, title="在售商品")
    draft = make_product(shop=shop, title="草稿商品", on_shelf=False)
    off = make_product(shop=shop, title="下架商品")
    product_set_status(product=off, status="off_shelf")

    listed = product_list(shop_id=shop.pk)
    assert [p.pk for p in listed] == [on.pk]
    assert product_detail(product_id=draft.pk) is None
    assert product_detail(product_id=draft.pk, include_unlisted_for_shop_id=shop.pk).pk == draft.pk


def test_search_finds_a_product_by_chinese_and_english_words(make_product, shop):
    tee = make_product(shop=shop, title="纯棉短袖T恤 Cotton tee")
    make_product(shop=shop, title="不锈钢保温杯 Steel flask")

    for query in ("T恤", "纯棉", "短袖", "纯棉T恤", "cotton", "Cotton Tee", "TEE"):
        assert [p.pk for p in product_search(query=query)] == [tee.pk], query
    assert [p.title for p in product_search(query="保温杯")] == ["不锈钢保温杯 Steel flask"]
    assert product_search(query="cotton flask") == []  # every word must match
    assert product_search(query="   ") == []


def test_search_finds_by_category_name_and_skips_off_shelf_products(make_product, shop, category):
    tee = make_product(shop=shop, title="纯棉短袖T恤 Cotton tee")
    assert [p.pk for p in product_search(query="apparel")] == [tee.pk]  # category English name
    assert [p.pk for p in product_search(query="服饰")] == [tee.pk]

    product_set_status(product=tee, status="off_shelf")
    assert product_search(query="T恤") == []


def test_renaming_a_product_reindexes_it(make_product, shop):
    product = make_product(shop=shop, title="纯棉T恤")
    product_update(product=product, data={"title": "羊毛围巾 Wool scarf"})
    assert product_search(query="T恤") == []
    assert [p.pk for p in product_search(query="围巾")] == [product.pk]
    assert [p.pk for p in product_search(query="wool")] == [product.pk]


def test_title_matches_rank_above_category_matches(make_product, shop, category):
    by_category = make_product(shop=shop, title="帽子 Hat")  # category 服饰 / Apparel
    by_title = make_product(shop=shop, title="服饰配件 accessories")
    assert [p.pk for p in product_search(query="服饰")] == [by_title.pk, by_category.pk]


def test_low_stock_lists_skus_at_or_below_the_threshold(make_product, shop):
    product = make_product(shop=shop, title="x", stock=3)
    make_product(shop=shop, title="y", stock=50)
    assert [s.product_id for s in low_stock_skus(shop_id=shop.pk, threshold=5)] == [product.pk]


def test_sku_update_validates_and_only_touches_its_own_product(make_product, shop):
    product = make_product(shop=shop)
    other = make_product(shop=shop, title="other")
    with pytest.raises(NotFound):
        sku_update(product=product, sku_id=other.skus.get().pk, stock=1)
    with pytest.raises(ValidationFailed):
        sku_update(product=product, sku_id=product.skus.get().pk, stock=-3)
    assert other.skus.get().stock == 10


def _png(size=(800, 600)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (255, 36, 66)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def test_an_uploaded_image_is_re_encoded_with_a_square_thumbnail_and_becomes_the_cover(media, product):
    img = product_add_image(product=product, upload=SimpleUploadedFile("a.png", _png(), content_type="image/png"))

    product.refresh_from_db()
    assert product.cover == img.image and product.cover_thumb == img.thumb
    with Image.open(media / img.thumb) as thumb:
        assert thumb.size == (360, 360)
        assert thumb.format == "JPEG"
    with Image.open(media / img.image) as full:
        assert full.size == (800, 600)


@pytest.mark.parametrize("content,code", [
    (b"%PDF-1.4 not an image at all", "not_an_image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not_an_image"),
])
def test_non_images_are_refused(media, product, content, code):
    with pytest.raises(ValidationFailed) as exc:
        product_add_image(product=product, upload=SimpleUploadedFile("x.png", content, content_type="image/png"))
    assert exc.value.code == code
    assert not product.images.exists()


def test_oversized_uploads_are_refused(media, product, settings):
    settings.QUANZI = {**settings.QUANZI, "MAX_UPLOAD_BYTES": 1000}
    with pytest.raises(ValidationFailed) as exc:
        product_add_image(product=product, upload=SimpleUploadedFile("x.png", _png(), content_type="image/png"))
    assert exc.value.code == "upload_too_large"
    assert not product.images.exists()
