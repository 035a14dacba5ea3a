"""A product written in Chinese with an English version: each reader sees one language, the option
buttons keep matching their SKUs, search finds it by either language's words, and a missing
translation falls back to the text that exists."""

import pytest
from django.utils.translation import override

from quanzi.catalog.selectors import product_search
from quanzi.catalog.services import product_create, product_set_status, product_translate
from quanzi.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

COLOUR_SIZE = [{"name": "颜色", "values": ["白", "黑"]}, {"name": "尺码", "values": ["S", "M"]}]
ENGLISH_OPTIONS = [{"name": "Colour", "values": ["White", "Black"]}, {"name": "Size", "values": ["S", "M"]}]


@pytest.fixture
def tee(shop, category):
    with override("zh-hans"):
        product = product_create(shop=shop, options=COLOUR_SIZE, data={
            "title": "重磅纯棉T恤", "subtitle": "不透不变形", "description": "260 克精梳棉。",
            "category_id": category.pk, "price": 7900, "stock": 5})
    return product


def test_each_language_reads_its_own_texts_and_option_values(tee):
    product_translate(product=tee, language="en", options=ENGLISH_OPTIONS, data={
        "title": "Heavyweight Cotton Tee", "subtitle": "Thick, holds its shape", "description": "260 g combed cotton."})
    tee.refresh_from_db()
    white_s = tee.skus.order_by("id").first()
    with override("en"):
        assert (tee.title, tee.subtitle) == ("Heavyweight Cotton Tee", "Thick, holds its shape")
        assert [(o.name, o.values) for o in tee.options.all()] == [("Colour", ["White", "Black"]), ("Size", ["S", "M"])]
        white_s.refresh_from_db()
        assert white_s.option_values == {"Colour": "White", "Size": "S"} and white_s.label == "White / S"
    with override("zh-hans"):
        assert tee.title == "重磅纯棉T恤"
        white_s.refresh_from_db()
        assert white_s.option_values == {"颜色": "白", "尺码": "S"} and white_s.label == "白 / S"


def test_a_missing_translation_falls_back_to_the_text_that_exists(tee):
    with override("en"):
        assert tee.title == "重磅纯棉T恤"
        assert tee.skus.order_by("id").first().label == "白 / S"
    product_translate(product=tee, language="en", data={"title": "Heavyweight Cotton Tee"})
    tee.refresh_from_db()
    with override("en"):
        assert tee.title == "Heavyweight Cotton Tee"
        assert tee.subtitle == ""  # the English version has no subtitle: never the Chinese one on an English page
    product_translate(product=tee, language="en", data={})  # all empty: the English version is removed
    tee.refresh_from_db()
    with override("en"):
        assert tee.title == "重磅纯棉T恤"


def test_search_finds_the_product_by_either_languages_words(tee):
    product_set_status(product=tee, status="on_shelf")
    product_translate(product=tee, language="en", options=ENGLISH_OPTIONS, data={"title": "Heavyweight Cotton Tee"})
    assert [p.pk for p in product_search(query="cotton")] == [tee.pk]
    assert [p.pk for p in product_search(query="纯棉")] == [tee.pk]


@pytest.mark.parametrize("options, language", [
    ([{"name": "Colour", "values": ["White"]}, {"name": "Size", "values": ["S", "M"]}], "en"),  # a value missing
    ([{"name": "Colour", "values": ["White", "Black"]}], "en"),  # an option missing
    (ENGLISH_OPTIONS, "fr"),  # a language the shop cannot write
])
def test_a_translation_that_does_not_match_the_product_is_refused_and_changes_nothing(tee, options, language):
    with pytest.raises(ValidationFailed):
        product_translate(product=tee, language=language, options=options, data={"title": "Tee"})
    tee.refresh_from_db()
    assert tee.title_en is None
    assert set(tee.skus.values_list("label_en", flat=True)) == {None}


def test_the_merchant_writes_the_english_version_in_the_console_and_the_api(client, shop, tee):
    client.force_login(shop.owner)
    url = f"/merchant/products/{tee.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'data-testid="translation-form"' in page.content.decode()
    bad = client.post(url, {"action": "translation", "tr_title": "Tee", "tr_options": "Colour: White"},
                      HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert bad.status_code == 400 and 'name="tr_options"' in bad.content.decode()
    ok = client.post(url, {"action": "translation", "tr_title": "Heavyweight Cotton Tee",
                           "tr_options": "Colour: White, Black\nSize: S, M"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert ok.status_code == 302
    tee.refresh_from_db()
    assert tee.title_en == "Heavyweight Cotton Tee"
    answer = client.put(f"/api/v1/merchant/products/{tee.pk}/translations/en", content_type="application/json",
                        data={"title": "Cotton Tee", "options": ENGLISH_OPTIONS})
    assert answer.status_code == 200, answer.content
    tee.refresh_from_db()
    assert tee.title_en == "Cotton Tee"
    refused = client.put(f"/api/v1/merchant/products/{tee.pk}/translations/xx", content_type="application/json",
                         data={"title": "Tee"})
    assert refused.status_code == 400 and refused.json()["error"]["fields"] == {"language": "invalid"}


def test_another_shops_product_cannot_be_translated(client, make_shop, tee):
    other = make_shop()
    client.force_login(other.owner)
    answer = client.put(f"/api/v1/merchant/products/{tee.pk}/translations/en", content_type="application/json",
                        data={"title": "Mine now"})
    assert answer.status_code == 404
