"""A merchant edits the shop's name and description, and writes them in the other language."""

import pytest
from django.test import Client
from django.utils.translation import override

pytestmark = pytest.mark.django_db


def _merchant(shop) -> Client:
    client = Client()
    client.force_login(shop.owner)
    return client


def test_the_merchant_names_the_shop_in_both_languages_and_shoppers_read_their_own(shop, make_product):
    client = _merchant(shop)
    page = client.get("/merchant/shop/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200 and 'data-testid="shop-settings-form"' in page.content.decode()
    saved = client.post("/merchant/shop/", {"name": "山野茶舍", "description": "三代茶人", "tr_name": "Shanye Tea House",
                                            "tr_description": "Three generations of tea makers"},
                        HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert saved.status_code == 302
    shop.refresh_from_db()
    with override("zh-hans"):
        assert (shop.name, shop.description) == ("山野茶舍", "三代茶人")
    with override("en"):
        assert (shop.name, shop.description) == ("Shanye Tea House", "Three generations of tea makers")
    english_page = Client().get(f"/shop/{shop.pk}/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Shanye Tea House" in english_page and "山野茶舍" not in english_page


def test_a_refused_translation_changes_nothing_and_says_which_field(shop, make_shop):
    other = make_shop()
    with override("en"):
        taken = other.name
    client = _merchant(shop)
    before = shop.name
    refused = client.post("/merchant/shop/", {"name": "新名字", "description": "", "tr_name": "x",
                                              "tr_description": ""}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'name="tr_name"' in html and 'aria-invalid="true" data-testid="shop-tr-name"' in html
    shop.refresh_from_db()
    assert shop.name == before  # the shop's own name was not saved either
    api = _merchant(shop)
    answer = api.put("/api/v1/merchant/shop/translations/en", data={"name": taken}, content_type="application/json")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "shop_name_taken"
    assert api.put("/api/v1/merchant/shop/translations/fr", data={"name": "Boutique"},
                   content_type="application/json").status_code == 400
    ok = api.put("/api/v1/merchant/shop/translations/en", data={"name": "Tea House"}, content_type="application/json")
    assert ok.status_code == 200
