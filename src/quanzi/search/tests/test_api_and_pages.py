"""The search API, the storefront's search page with facets, the suggestion partial, the merchant's and the
operator's pages; hostile input answers 4xx in the one error shape, never 500."""

import pytest

from quanzi.search import services


def test_api_products_returns_items_facets_and_total(api, goods):
    body = api().get("/api/v1/search/products", {"q": "卫衣", "sort": "price_asc"}).json()

    assert body["total"] == 2 and body["corrected_query"] == "" and body["query"] == "卫衣"
    assert [i["product_id"] for i in body["items"]] == [goods["hoodie2"].pk, goods["hoodie"].pk]
    assert body["items"][0]["price"] == 6900 and body["items"][0]["currency"] == "CNY"
    assert {f["key"] for f in body["facets"]["shop"]} == {goods["hoodie"].shop_id, goods["hoodie2"].shop_id}
    assert set(body["facets"]) == {"category", "shop", "price", "rating"}


def test_api_products_says_which_words_it_searched_instead(api, goods):
    services.vocabulary_rebuild()
    body = api().get("/api/v1/search/products", {"q": "weiyii"}).json()
    assert body["corrected_query"] == "卫衣" and body["total"] == 2


def test_api_filters(api, goods, shop):
    body = api().get("/api/v1/search/products", {"q": "卫衣", "shop": shop.pk, "price_max": 20000}).json()
    assert [i["product_id"] for i in body["items"]] == [goods["hoodie"].pk]


@pytest.mark.parametrize("params", [
    {"q": "卫衣", "price_min": -1}, {"q": "卫衣", "price_max": "1e400"}, {"q": "卫衣", "limit": 0},
    {"q": "卫衣", "limit": 10**40}, {"q": "卫衣", "offset": -3}, {"q": "卫衣", "sort": "random()"},
    {"q": "卫衣", "rating_min": 6}, {"q": "卫衣", "category": 0}, {"q": "卫衣", "shop": "x"},
    {"q": "卫" * 10_000},
])
def test_api_products_refuses_bad_parameters_in_the_error_shape(api, goods, params):
    response = api().get("/api/v1/search/products", params)
    assert response.status_code in (400, 422)
    assert "error" in response.json()


@pytest.mark.parametrize("q", ['"卫衣', "卫衣*", "NEAR(卫衣", "卫衣 OR", ":*", "&|!", "卫\x00衣", "%ED%A0%80", "%00",
                               "%FF%FE", "卫衣" + "%22" * 20])
def test_api_hostile_queries_never_500(api, client, goods, q):
    for path in ("/api/v1/search/products", "/api/v1/search/suggest", "/search/", "/search/suggest/"):
        response = client.get(f"{path}?q={q}") if "%" in q else api().get(path, {"q": q})
        assert response.status_code < 500
        if path.startswith("/api/"):
            assert response.status_code == 200 or "error" in response.json()


def test_api_suggest_gives_at_most_eight(api, goods):
    services.vocabulary_rebuild()
    for n in range(12):
        services.query_log(query=f"卫衣 {n}", results=1)
    body = api().get("/api/v1/search/suggest", {"q": "卫衣"}).json()
    assert len(body["suggestions"]) == 8
    assert "卫衣" in api().get("/api/v1/search/suggest", {"q": "weiy"}).json()["suggestions"]


def test_merchant_synonyms_crud_and_another_merchants_row_is_404(api, goods, shop):
    owner = api(shop.owner)
    created = owner.post("/api/v1/search/merchant/synonyms", {"term": "卫衣", "synonym": "sweatshirt"},
                         content_type="application/json")
    assert created.status_code == 201
    row = created.json()
    assert owner.get("/api/v1/search/merchant/synonyms").json() == [row]
    assert api().get("/api/v1/search/products", {"q": "sweatshirt"}).json()["total"] == 1

    again = owner.post("/api/v1/search/merchant/synonyms", {"term": "sweatshirt", "synonym": "卫衣"},
                       content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "synonym_exists"
    other = api(goods["other_shop"].owner)
    assert other.delete(f"/api/v1/search/merchant/synonyms/{row['id']}").status_code == 404
    assert other.get("/api/v1/search/merchant/synonyms").json() == []

    assert owner.delete(f"/api/v1/search/merchant/synonyms/{row['id']}").status_code == 204
    assert api().get("/api/v1/search/products", {"q": "sweatshirt"}).json()["total"] == 0


@pytest.mark.parametrize("payload", [{"term": "", "synonym": "x"}, {"term": "卫衣", "synonym": "卫衣"},
                                     {"term": "a" * 41, "synonym": "b"}, {"term": "!!!", "synonym": "b"},
                                     {"term": "卫衣", "synonym": "\ud800"}, {"term": "卫\x00衣", "synonym": "b"}])
def test_merchant_synonym_bad_words_are_400(api, shop, payload):
    response = api(shop.owner).post("/api/v1/search/merchant/synonyms", payload, content_type="application/json")
    assert response.status_code == 400 and "error" in response.json()


def test_merchant_synonyms_need_a_shop_and_a_login(api, make_user):
    assert api().get("/api/v1/search/merchant/synonyms").status_code == 401
    response = api(make_user()).get("/api/v1/search/merchant/synonyms")
    assert response.status_code == 403 and response.json()["error"]["code"] == "no_shop"


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_search_page_shows_facets_sorts_and_narrows_by_a_facet(client, goods, shop):
    page = text(client.get("/search/", {"q": "卫衣"}))
    assert 'data-testid="search-facets"' in page and 'data-testid="sort-price_asc"' in page
    assert "加绒卫衣男冬季" in page and "纯棉卫衣女" in page
    assert f'?q=%E5%8D%AB%E8%A1%A3&amp;shop={shop.pk}' in page

    narrowed = text(client.get("/search/", {"q": "卫衣", "shop": shop.pk}))
    assert "加绒卫衣男冬季" in narrowed and "纯棉卫衣女" not in narrowed
    assert "chip active" in narrowed


def test_search_page_says_what_it_searched_instead(client, goods):
    services.vocabulary_rebuild()
    page = text(client.get("/search/", {"q": "weiyii"}))
    assert "Showing results for “卫衣”" in page and "纯棉卫衣女" in page


def test_search_page_logs_the_query_and_keeps_its_query_budget(client, goods, django_assert_max_num_queries):
    from quanzi.search.models import QueryStat

    client.get("/search/", {"q": "卫衣"})  # warm the caches (synonyms)
    with django_assert_max_num_queries(12):
        text(client.get("/search/", {"q": "卫衣", "sort": "sales", "price_min": 0}))
    assert QueryStat.objects.get(query="卫衣").searches == 2


def test_suggestion_partial(client, goods):
    services.vocabulary_rebuild()
    page = text(client.get("/search/suggest/", {"q": "weiyi"}, HTTP_HX_REQUEST="true"))
    assert 'data-testid="search-suggestion"' in page and "卫衣" in page
    assert text(client.get("/search/suggest/", {"q": "zzzqqq"})).strip() == ""


def test_merchant_synonyms_page(client, goods, shop):
    client.force_login(shop.owner)
    page = text(client.get("/merchant/search/synonyms/"))
    assert 'data-testid="synonym-form"' in page and 'data-testid="console-nav-search"' in page

    client.post("/merchant/search/synonyms/", {"term": "卫衣", "synonym": "sweatshirt"})
    assert "卫衣 ⇄ sweatshirt" in text(client.get("/merchant/search/synonyms/"))
    from quanzi.search.models import Synonym

    row = Synonym.objects.get()
    client.force_login(goods["other_shop"].owner)
    client.post(f"/merchant/search/synonyms/{row.pk}/delete/")
    assert Synonym.objects.filter(pk=row.pk).exists()  # not theirs


def test_operator_page_is_for_staff(client, make_user, goods):
    services.query_log(query="独角兽", results=0)
    services.query_log(query="卫衣", results=2)
    client.force_login(make_user())
    assert client.get("/ops/search/").status_code == 404

    client.force_login(make_user(is_staff=True))
    page = text(client.get("/ops/search/"))
    assert "独角兽" in page and "卫衣" in page
    client.post("/ops/search/", {"term": "手机", "synonym": "移动电话"})
    assert "手机 ⇄ 移动电话" in text(client.get("/ops/search/"))
    assert len(text(client.get("/search/", {"q": "手机"})).split('data-testid="product-card"')) == 3
