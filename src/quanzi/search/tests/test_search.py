"""The product search: words, pinyin, synonyms, typo correction, facets, sorts, freshness, query budget."""

import pytest
from django.utils import translation

from quanzi.search import selectors, services


def ids(result):
    return set(result.product_ids)


def test_products_are_indexed_when_put_on_the_shelf_and_found_by_words(goods):
    result = selectors.product_search(query="卫衣")

    assert ids(result) == {goods["hoodie"].pk, goods["hoodie2"].pk}
    assert result.total == 2 and result.corrected_query == ""


def test_every_word_must_match_and_english_titles_are_found(goods):
    assert ids(selectors.product_search(query="纯棉 卫衣")) == {goods["hoodie2"].pk}
    assert ids(selectors.product_search(query="Silk dress")) == {goods["dress"].pk}
    assert ids(selectors.product_search(query="HOODIE")) == {goods["hoodie"].pk}


@pytest.mark.parametrize("query", ["weiyi", "wy", "WeiYi"])
def test_pinyin_and_initials_find_chinese_titles(goods, query):
    assert ids(selectors.product_search(query=query)) == {goods["hoodie"].pk, goods["hoodie2"].pk}


def test_a_platform_synonym_expands_the_query_both_ways(goods):
    assert ids(selectors.product_search(query="手机")) == {goods["phone"].pk}

    services.synonym_add(term="手机", synonym="移动电话")

    assert ids(selectors.product_search(query="手机")) == {goods["phone"].pk, goods["case"].pk}
    assert ids(selectors.product_search(query="移动电话")) == {goods["phone"].pk, goods["case"].pk}


def test_a_shops_synonym_finds_only_that_shops_goods(goods, shop):
    services.synonym_add(shop=shop, term="卫衣", synonym="sweatshirt")
    services.synonym_add(shop=goods["other_shop"], term="t恤", synonym="tshirt")

    assert ids(selectors.product_search(query="sweatshirt")) == {goods["hoodie"].pk}  # not the other shop's 卫衣
    assert ids(selectors.product_search(query="tshirt")) == {goods["tee"].pk}


@pytest.mark.parametrize("typo, fixed", [("weiyii", "卫衣"), ("为衣", "卫衣"), ("hoodei", "hoodie")])
def test_a_query_that_finds_nothing_is_corrected_to_the_nearest_word(goods, typo, fixed):
    services.vocabulary_rebuild()

    result = selectors.product_search(query=typo)

    assert result.corrected_query == fixed
    assert goods["hoodie"].pk in ids(result)


def test_one_syllable_of_pinyin_finds_its_character(goods):
    services.vocabulary_rebuild()
    result = selectors.product_search(query="mian")  # 棉, a character of 纯棉 (no word of its own)
    assert result.corrected_query == "棉"
    assert ids(result) == {goods["hoodie2"].pk, goods["tee"].pk}


def test_nonsense_is_not_corrected_into_something_unrelated(goods):
    services.vocabulary_rebuild()
    result = selectors.product_search(query="zzzqqq")
    assert result.total == 0 and result.product_ids == [] and result.corrected_query == ""


def test_facets_count_with_the_other_filters_and_the_filters_narrow(goods, shop):
    result = selectors.product_search(query="纯棉")  # the other shop's 卫衣 (¥69) and T恤 (¥39)
    assert result.total == 2
    assert [(f["key"], f["count"]) for f in result.facets["shop"]] == [(goods["other_shop"].pk, 2)]
    assert [(f["label"], f["count"]) for f in result.facets["price"]] == [("¥0–50", 1), ("¥50–100", 1)]

    everything = selectors.product_search(query="卫衣")
    assert {f["key"]: f["count"] for f in everything.facets["shop"]} == {shop.pk: 1, goods["other_shop"].pk: 1}

    narrowed = selectors.product_search(query="卫衣", shop=shop.pk)
    assert ids(narrowed) == {goods["hoodie"].pk} and narrowed.total == 1
    # the shop facet still offers the other shop (its count ignores the shop filter)
    assert {f["key"]: f["count"] for f in narrowed.facets["shop"]} == {shop.pk: 1, goods["other_shop"].pk: 1}
    cheap = selectors.product_search(query="卫衣", price_min=0, price_max=9999)
    assert ids(cheap) == {goods["hoodie2"].pk}


def test_category_facet_and_filter(goods, category):
    result = selectors.product_search(query="手机", category=goods["phones"].pk)
    assert ids(result) == {goods["phone"].pk}
    assert selectors.product_search(query="手机", category=category.pk).total == 0
    assert [f["label"] for f in result.facets["category"]] == ["Phones"]  # the tests speak English
    with translation.override("zh-hans"):
        assert [f["label"] for f in selectors.product_search(query="手机").facets["category"]] == ["手机数码"]


def test_ratings_from_reviews_feed_the_rating_facet_and_filter(goods):
    from quanzi.reviews.events import ReviewCreated
    from quanzi.search.handlers import count_review_stars

    for stars in (5, 4):
        count_review_stars(ReviewCreated(review_id=1, product_id=goods["hoodie"].pk, author_id=1, rating=stars))
    count_review_stars(ReviewCreated(review_id=3, product_id=goods["hoodie2"].pk, author_id=1, rating=3))
    count_review_stars(ReviewCreated(review_id=4, product_id=goods["hoodie2"].pk, author_id=1))  # an old event: no stars

    result = selectors.product_search(query="卫衣")
    assert {f["stars"]: f["count"] for f in result.facets["rating"]} == {"4.5": 1, "4": 1}
    assert ids(selectors.product_search(query="卫衣", rating_min=4.5)) == {goods["hoodie"].pk}
    assert selectors.product_search(query="卫衣", rating_min="4.5").product_ids == [goods["hoodie"].pk]

    services.reindex_all()  # the reindex keeps the stars
    assert ids(selectors.product_search(query="卫衣", rating_min=4)) == {goods["hoodie"].pk}


def test_sorts(goods):
    from quanzi.catalog.services import product_record_sales

    product_record_sales(quantities={goods["tee"].pk: 50})
    services.reindex_all()
    query = "纯棉"
    tee, hoodie2 = goods["tee"].pk, goods["hoodie2"].pk
    assert selectors.product_search(query=query, sort="price_asc").product_ids == [tee, hoodie2]
    assert selectors.product_search(query=query, sort="price_desc").product_ids == [hoodie2, tee]
    assert selectors.product_search(query=query, sort="sales").product_ids == [tee, hoodie2]
    assert selectors.product_search(query=query, sort="new").product_ids == [tee, hoodie2]
    assert selectors.product_search(query=query, sort="relevance").product_ids[0] == tee  # sales break the tie
    assert selectors.product_search(query=query, sort="bogus").total == 2


def test_paging(goods):
    first = selectors.product_search(query="卫衣", sort="price_asc", limit=1)
    second = selectors.product_search(query="卫衣", sort="price_asc", limit=1, offset=1)
    assert first.product_ids == [goods["hoodie2"].pk] and second.product_ids == [goods["hoodie"].pk]
    assert first.total == second.total == 2


def test_goods_off_the_shelf_or_of_a_suspended_shop_leave_the_results(goods, shop):
    from quanzi.catalog.services import product_set_status, product_update
    from quanzi.shops.services import shop_suspend

    product_set_status(product=goods["hoodie2"], status="off_shelf")
    assert ids(selectors.product_search(query="卫衣")) == {goods["hoodie"].pk}

    product_update(product=goods["hoodie"], data={"title": "羽绒服 Down jacket"})
    assert selectors.product_search(query="卫衣").total == 0
    assert ids(selectors.product_search(query="羽绒服")) == {goods["hoodie"].pk}

    shop_suspend(shop_id=shop.pk, note="test")
    assert selectors.product_search(query="羽绒服").total == 0


def test_the_reindex_command_rebuilds_the_index_and_vocabulary(goods, capsys):
    from django.core.management import call_command

    from quanzi.search.models import SearchDocument, VocabularyTerm

    SearchDocument.objects.all().delete()
    assert selectors.product_search(query="卫衣").total == 0

    call_command("search_reindex")

    assert "6 products indexed" in capsys.readouterr().out
    assert selectors.product_search(query="卫衣").total == 2
    assert VocabularyTerm.objects.filter(term="卫衣", pinyin="weiyi", initials="wy").exists()


def test_a_search_costs_three_statements(goods, django_assert_max_num_queries):
    services.synonym_add(term="手机", synonym="移动电话")
    selectors.platform_synonyms()  # cached, as on any server after its first search
    with django_assert_max_num_queries(3):  # the search (facets, totals, the page), the facets' names, the products
        result = selectors.product_search(query="移动电话", price_max=10**6, sort="sales", shop=goods["other_shop"].pk)
        products = selectors.products_in_order(product_ids=result.product_ids)
    assert [p.pk for p in products] == [goods["case"].pk]


def test_suggestions_complete_by_characters_pinyin_initials_and_past_queries(goods):
    services.vocabulary_rebuild()
    for _ in range(3):
        services.query_log(query="卫衣 加绒", results=1)
    services.query_log(query="卫衣 zzz", results=0)  # found nothing: never suggested

    assert selectors.suggest(query="卫")[:1] == ["卫衣 加绒"]
    assert "卫衣" in selectors.suggest(query="卫")
    assert "卫衣" in selectors.suggest(query="weiy") and "卫衣" in selectors.suggest(query="wy")
    assert "卫衣 zzz" not in selectors.suggest(query="卫衣")
    assert len(selectors.suggest(query="")) <= 8 and len(selectors.suggest(query="c")) <= 8


def test_the_query_log_counts_normalised_queries_without_people(goods):
    from quanzi.search.models import QueryStat

    services.query_log(query="  Silk   DRESS ", results=1)
    services.query_log(query="silk dress", results=0)
    row = QueryStat.objects.get()
    assert (row.query, row.searches, row.zero_results, row.last_results) == ("silk dress", 2, 1, 0)
    assert [q.query for q in selectors.zero_result_queries()] == ["silk dress"]


HOSTILE = ['"', '"卫衣', "卫衣*", "NEAR(卫衣 纯棉)", "卫衣 OR 纯棉", "卫衣:*", "&|!", "!卫衣 & (纯棉 |", "\\'; DROP TABLE x",
           "\ud800卫衣", "卫\x00衣", "卫衣" * 5000, "-1", "^卫衣", "卫衣 AND NOT 纯棉", "{卫衣}", "''", "col:卫衣",
           "a" * 41, "\u200b\u202e", "😀卫衣"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_reach_the_full_text_parser_raw(goods, query):
    services.vocabulary_rebuild()
    for sort in ("relevance", "sales"):
        result = selectors.product_search(query=query, sort=sort, price_min=-5, rating_min="nan", category="x")
        assert result.total >= 0
    assert isinstance(selectors.suggest(query=query), list)


def test_hostile_query_operators_are_plain_words(goods):
    assert ids(selectors.product_search(query='"卫衣"')) == {goods["hoodie"].pk, goods["hoodie2"].pk}
    assert ids(selectors.product_search(query="卫衣 OR 真丝")) == set()  # OR is a word that nothing has


def test_results_are_cached_until_the_index_changes(goods, django_assert_num_queries):
    from quanzi.catalog.services import product_set_status

    selectors.product_search(query="卫衣")
    with django_assert_num_queries(0):
        assert selectors.product_search(query="卫衣").total == 2

    product_set_status(product=goods["hoodie2"], status="off_shelf")

    assert ids(selectors.product_search(query="卫衣")) == {goods["hoodie"].pk}


def test_the_result_cache_can_be_turned_off(goods, settings, django_assert_num_queries):
    settings.QUANZI = {**settings.QUANZI, "SEARCH_CACHE_SECONDS": 0}
    selectors.product_search(query="卫衣")
    with django_assert_num_queries(2):  # the results with their facets' counts, then the facets' names
        selectors.product_search(query="卫衣")


def test_the_sales_sweep_brings_sold_counts_into_the_index(goods):
    from quanzi.catalog.testing import product_force_fields
    from quanzi.core.sweeps import sweeps
    from quanzi.search.models import SearchDocument

    product = goods["hoodie"]
    product_force_fields(product_id=product.pk, sold_count=777)  # a paid order counts units without an event
    assert SearchDocument.objects.get(product_id=product.pk).sold_count != 777
    assert services.sales_refresh() == 1
    assert SearchDocument.objects.get(product_id=product.pk).sold_count == 777
    assert services.sales_refresh() == 0  # nothing moved since
    assert "search_sales_refresh" in sweeps  # run by the sweep loop (Celery beat in production)
