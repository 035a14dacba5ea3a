"""The public catalog API: listing, filtering, search in Chinese and English, product detail, and a
fixed number of queries however many products there are."""

import pytest
from django.test import Client

from quanzi.catalog.models import Category

pytestmark = pytest.mark.django_db


def get(path, params=None):
    response = Client().get(path, params or {})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def many_products(make_product, make_shop, category):
    shops = [make_shop() for _ in range(3)]
    return [make_product(shop=shops[i % 3], title=f"商品{i} Item {i}", price=1000 + i,
                         options=[{"name": "尺码", "values": ["S", "M", "L"]}])
            for i in range(30)]


def test_list_shows_only_what_is_on_sale(make_product, make_shop, shop):
    on = make_product(shop=shop)
    make_product(shop=shop, title="草稿 Draft", on_shelf=False)
    pending_shop = make_shop(approved=False)
    make_product(shop=pending_shop, on_shelf=False)

    assert [p["id"] for p in get("/api/v1/catalog/products")["items"]] == [on.pk]


def test_product_card_shape(product):
    card = get("/api/v1/catalog/products")["items"][0]

    assert card["price"] == {"amount": 5900, "currency": "CNY"}
    assert card["shop_name"] == product.shop.name
    assert set(card) == {"id", "title", "subtitle", "price", "sold_count", "image", "shop_id", "shop_name"}


def test_offset_paging(many_products):
    first = get("/api/v1/catalog/products", {"limit": 20})
    second = get("/api/v1/catalog/products", {"limit": 20, "offset": first["next_offset"]})

    assert len(first["items"]) == 20
    assert len(second["items"]) == 10
    assert second["next_offset"] is None
    assert {p["id"] for p in first["items"] + second["items"]} == {p.pk for p in many_products}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": -5}, {"limit": 10**6}, {"offset": -3},
                                    {"order": "nonsense"}, {"order": "price_desc"}, {"shop_id": 999_999}])
def test_odd_list_parameters_are_clamped_not_errors(many_products, params):
    body = get("/api/v1/catalog/products", params)

    assert len(body["items"]) <= 100


def test_sort_by_price(many_products):
    prices = [p["price"]["amount"] for p in get("/api/v1/catalog/products", {"order": "price_asc"})["items"]]

    assert prices == sorted(prices)


def test_filter_by_category_and_shop(make_product, shop, make_shop, category):
    other_cat = Category.objects.create(name="食品", name_en="Food", slug="food")
    food = make_product(shop=shop, title="零食 Snack", cat=other_cat)
    make_product(shop=make_shop(), title="衬衫 Shirt")

    assert [p["id"] for p in get("/api/v1/catalog/products", {"category": "food"})["items"]] == [food.pk]
    assert len(get("/api/v1/catalog/products", {"shop_id": shop.pk})["items"]) == 1


def test_unknown_category_is_404(expect_error, db):
    expect_error(Client().get("/api/v1/catalog/products", {"category": "nope"}), 404)


def test_categories(category):
    assert get("/api/v1/catalog/categories") == [{"id": category.pk, "name": "Apparel", "name_en": "Apparel",
                                                  "slug": category.slug, "icon": ""}]  # name: the request's language
    chinese = Client().get("/api/v1/catalog/categories", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert [c["name"] for c in chinese] == ["服饰"]


@pytest.mark.parametrize("query,expected", [("连衣裙", {"dress"}), ("真丝", {"dress"}), ("dress", {"dress"}),
                                            ("Silk", {"dress"}), ("保温杯", {"cup"}), ("保温", {"cup"}),
                                            ("mug", set()), ("", set()), ("!!!", set())])
def test_search_in_chinese_and_english(make_product, shop, query, expected):
    products = {"dress": make_product(shop=shop, title="真丝连衣裙 Silk dress"),
                "cup": make_product(shop=shop, title="保温杯 Thermos cup")}

    found = {p["id"] for p in get("/api/v1/catalog/search", {"q": query})["items"]}

    assert found == {products[k].pk for k in expected}


def test_a_single_chinese_character_finds_products(make_product, shop):
    cup = make_product(shop=shop, title="保温杯 Thermos cup")

    assert [p["id"] for p in get("/api/v1/catalog/search", {"q": "杯"})["items"]] == [cup.pk]


def test_search_ignores_off_shelf_products(make_product, shop):
    make_product(shop=shop, title="真丝连衣裙 Silk dress", on_shelf=False)

    assert get("/api/v1/catalog/search", {"q": "连衣裙"})["items"] == []


def test_search_without_q_is_400(expect_error, db):
    error = expect_error(Client().get("/api/v1/catalog/search"), 400)

    assert "q" in error["fields"]


def test_a_very_long_query_is_fine(product):
    assert get("/api/v1/catalog/search", {"q": "纯棉 " * 2000})["items"] is not None


def test_product_detail(make_product, shop):
    product = make_product(shop=shop, options=[{"name": "颜色", "values": ["黑", "白"]},
                                               {"name": "尺码", "values": ["M", "L"]}])

    body = get(f"/api/v1/catalog/products/{product.pk}")

    assert body["title"] == "纯棉T恤 Cotton tee"
    assert len(body["skus"]) == 4
    assert {s["label"] for s in body["skus"]} == {"黑 / M", "黑 / L", "白 / M", "白 / L"}
    assert body["category"]["slug"] == product.category.slug
    assert body["returnable_7day"] is True


def test_draft_and_unknown_products_are_404(make_product, shop, expect_error):
    draft = make_product(shop=shop, on_shelf=False)

    expect_error(Client().get(f"/api/v1/catalog/products/{draft.pk}"), 404)
    expect_error(Client().get("/api/v1/catalog/products/999999"), 404)
    expect_error(Client().get("/api/v1/catalog/products/abc"), 400)


def test_shops_list_and_detail_hide_private_fields(shop, make_shop, product, expect_error):
    pending = make_shop(approved=False)

    shops = get("/api/v1/shops")
    detail = get(f"/api/v1/shops/{shop.pk}")

    assert [s["id"] for s in shops] == [shop.pk]
    assert set(detail) == {"id", "name", "description", "logo"}
    expect_error(Client().get(f"/api/v1/shops/{pending.pk}"), 404)


# ---------------------------------------------------------------- query counts (no N+1)

def test_product_list_queries_do_not_grow_with_the_list(many_products, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = get("/api/v1/catalog/products", {"limit": 30})
    assert len(body["items"]) == 30


def test_product_list_by_category_queries(many_products, category, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = get("/api/v1/catalog/products", {"category": category.slug, "limit": 30})
    assert len(body["items"]) == 30


def test_search_queries_do_not_grow_with_the_results(many_products, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        body = get("/api/v1/catalog/search", {"q": "商品", "limit": 30})
    assert len(body["items"]) == 30


def test_product_detail_queries_do_not_grow_with_skus(make_product, shop, django_assert_max_num_queries):
    big = make_product(shop=shop, options=[{"name": "颜色", "values": [f"c{i}" for i in range(10)]},
                                           {"name": "尺码", "values": ["S", "M", "L", "XL"]}])

    with django_assert_max_num_queries(4):
        body = get(f"/api/v1/catalog/products/{big.pk}")
    assert len(body["skus"]) == 40
