"""Bargain pages render and act: the bargain page for starter, friend and visitor; help (plain and HTMX);
buy; start from the product block; my bargains; the merchant pages."""

import pytest
from django.test import Client

from quanzi.bargain.models import Bargain, BargainCampaign, BargainHelp, BargainStatus
from quanzi.bargain.tests.conftest import FLOOR, ORIGINAL, text_of_testid

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_bargain_page_for_the_starter_shows_price_countdown_share_and_buy(bargain, starter):
    r = client_for(starter).get(f"/b/{bargain.number}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert text_of_testid(html, "bargain-current-price") == "¥59.00"
    assert text_of_testid(html, "bargain-floor-price") == "¥9.90"
    assert 'data-testid="bargain-countdown"' in html and 'data-testid="bargain-buy"' in html
    assert 'data-testid="bargain-share-url"' in html and "/s/" in html  # the starter's share link
    assert 'data-testid="bargain-help"' not in html


def test_bargain_page_for_an_anonymous_visitor_asks_to_sign_in(bargain):
    html = Client().get(f"/b/{bargain.number}/").content.decode()
    assert 'data-testid="bargain-login"' in html and f"next=/b/{bargain.number}/" in html
    assert 'data-testid="bargain-buy"' not in html and 'data-testid="bargain-help"' not in html


def test_a_friend_helps_and_sees_the_cut(bargain, make_user):
    friend = make_user(nickname="阿砍")
    c = client_for(friend)
    assert 'data-testid="bargain-help"' in c.get(f"/b/{bargain.number}/").content.decode()
    r = c.post(f"/b/{bargain.number}/help/")
    assert r.status_code == 302 and r["Location"] == f"/b/{bargain.number}/"
    help_ = BargainHelp.objects.get(helper=friend)
    html = c.get(f"/b/{bargain.number}/").content.decode()
    assert "You cut" in html and 'data-testid="bargain-helped"' in html and "阿砍" in html
    assert f"−¥{help_.amount // 100}.{help_.amount % 100:02d}" in html


def test_help_through_htmx_returns_the_card(bargain, make_user):
    c = client_for(make_user())
    r = c.post(f"/b/{bargain.number}/help/", HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and html.startswith('<section class="card bg-card" id="bargain-card"')
    assert 'data-testid="bargain-cut-result"' in html and "You cut" in html
    r = c.post(f"/b/{bargain.number}/help/", HTTP_HX_REQUEST="true")  # twice: refused, shown in place
    assert "You already helped this bargain." in r.content.decode()
    assert BargainHelp.objects.count() == 1


def test_helping_your_own_bargain_on_the_page_is_refused(bargain, starter):
    r = client_for(starter).post(f"/b/{bargain.number}/help/", follow=True)
    assert "you cannot cut your own bargain" in r.content.decode()
    assert not BargainHelp.objects.exists()


def test_help_needs_a_login_and_unknown_bargains_are_404(bargain, make_user):
    r = Client().post(f"/b/{bargain.number}/help/")
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert Client().get("/b/nope/").status_code == 404
    assert client_for(make_user()).post("/b/nope/help/").status_code == 404


def test_buy_redirects_to_the_cashier(bargain, starter):
    r = client_for(starter).post(f"/b/{bargain.number}/buy/")
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.BOUGHT
    html = client_for(starter).get(f"/b/{bargain.number}/").content.decode()
    assert 'data-testid="bargain-order"' in html and 'data-testid="bargain-buy"' not in html


def test_buying_another_users_bargain_is_404(bargain, make_shopper):
    assert client_for(make_shopper()).post(f"/b/{bargain.number}/buy/").status_code == 404
    assert Bargain.objects.get(pk=bargain.pk).status == BargainStatus.OPEN


def test_product_block_and_start(campaign, make_shopper, django_assert_max_num_queries):
    from django.template import engines

    tpl = engines["django"].from_string('{% include "bargain/partials/product_bargain.html" %}')
    product = campaign.product
    with django_assert_max_num_queries(1):
        html = tpl.render({"product": product})
    assert "Bargain it down to ¥9.90 with 5 friends" in html and 'data-testid="bargain-start"' in html
    assert tpl.render({"product": {"pk": 999999}}).strip() == ""
    page = Client().get(f"/bargain/products/{campaign.product_id}/")
    assert page.status_code == 200 and "Bargain it down to" in page.content.decode()

    shopper = make_shopper()
    c = client_for(shopper)
    r = c.post(f"/bargain/campaigns/{campaign.pk}/start/")
    bargain = Bargain.objects.get(starter=shopper)
    assert r.status_code == 302 and r["Location"] == f"/b/{bargain.number}/"
    r = c.post(f"/bargain/campaigns/{campaign.pk}/start/")  # again: back to the running one
    assert r["Location"] == f"/b/{bargain.number}/" and Bargain.objects.filter(starter=shopper).count() == 1


def test_my_bargains_lists_mine(bargain, starter, make_user):
    html = client_for(starter).get("/me/bargains/").content.decode()
    assert 'data-testid="my-bargain"' in html and bargain.number in html
    other = client_for(make_user()).get("/me/bargains/").content.decode()
    assert 'data-testid="my-bargains-empty"' in other and bargain.number not in other


def test_merchant_pages(shop, make_product, make_shopper):
    product = make_product(shop=shop, price=ORIGINAL, stock=30)
    c = client_for(shop.owner)
    r = c.get("/merchant/bargain/")
    assert r.status_code == 200 and 'data-testid="bargain-campaign-form"' in r.content.decode()
    bad = c.post("/merchant/bargain/", {"sku_id": product.skus.get().pk, "floor_price": "60", "stock": "5",
                                        "expected_helps": "5", "activate": "1"})
    assert bad.status_code == 400 and 'data-testid="form-error"' in bad.content.decode()
    assert not BargainCampaign.objects.exists()
    r = c.post("/merchant/bargain/", {"sku_id": product.skus.get().pk, "floor_price": "9.90", "stock": "5",
                                      "expected_helps": "5", "time_limit_hours": "24", "days": "7",
                                      "new_user_bonus": "1", "activate": "1"})
    campaign = BargainCampaign.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/merchant/bargain/{campaign.pk}/"
    assert campaign.status == "active" and campaign.floor_price == FLOOR and campaign.new_user_bonus
    html = c.get(f"/merchant/bargain/{campaign.pk}/").content.decode()
    assert 'data-testid="bargain-started">0<' in html and 'data-testid="bargain-end"' in html
    assert campaign.title in c.get("/merchant/bargain/").content.decode()
    c.post(f"/merchant/bargain/{campaign.pk}/", {"action": "end"})
    assert BargainCampaign.objects.get().status == "ended"
    assert client_for(make_shopper()).get(f"/merchant/bargain/{campaign.pk}/").status_code == 302  # no shop


def test_another_merchants_campaign_page_is_404(campaign, make_shop):
    assert client_for(make_shop().owner).get(f"/merchant/bargain/{campaign.pk}/").status_code == 404


def test_merchant_draft_then_activate(shop, make_product):
    product = make_product(shop=shop, price=ORIGINAL, stock=30)
    c = client_for(shop.owner)
    c.post("/merchant/bargain/", {"sku_id": product.skus.get().pk, "floor_price": "9.90", "stock": "5",
                                  "expected_helps": "5"})
    campaign = BargainCampaign.objects.get()
    assert campaign.status == "draft" and not campaign.new_user_bonus
    assert 'data-testid="bargain-activate"' in c.get(f"/merchant/bargain/{campaign.pk}/").content.decode()
    c.post(f"/merchant/bargain/{campaign.pk}/", {"action": "activate"})
    assert BargainCampaign.objects.get().status == "active"


def test_bargain_page_queries_do_not_grow_with_helpers(bargain, helpers, django_assert_max_num_queries):
    from quanzi.bargain.services import bargain_help

    for user in helpers(4):
        bargain_help(user=user, number=bargain.number)
    client = Client()
    client.get(f"/b/{bargain.number}/")
    with django_assert_max_num_queries(2):  # the bargain (with campaign, product, starter) and its helps
        html = client.get(f"/b/{bargain.number}/").content.decode()
    assert html.count('data-testid="bargain-helper"') == 4


def test_buying_without_an_address_comes_back_to_the_bargain_once_one_is_saved(bargain, starter):
    from quanzi.accounts.selectors import address_list
    from quanzi.accounts.services import address_delete

    for address in address_list(user=starter):
        address_delete(user=starter, address_id=address.pk)
    client = client_for(starter)
    r = client.post(f"/b/{bargain.number}/buy/")
    assert r.status_code == 302 and r["Location"] == f"/me/addresses/?next=/b/{bargain.number}/"
    r = client.post("/me/addresses/new/", {"recipient": "张三", "phone": "13800138000", "province": "上海",
                                           "city": "上海", "district": "黄浦区", "detail": "人民路 1 号",
                                           "next": f"/b/{bargain.number}/"})
    assert r["Location"] == f"/b/{bargain.number}/"
    assert "/pay/" in client.post(f"/b/{bargain.number}/buy/")["Location"]


def test_the_bargain_page_lists_running_campaigns_from_the_floor_price(campaign, client):
    html = client.get("/bargain/").content.decode()
    assert html.count('data-testid="bargain-campaign"') == 1
    assert f'href="/bargain/products/{campaign.product_id}/"' in html
    assert 'data-testid="entry-bargain"' in client.get("/").content.decode()


def _field_html(html: str, name: str) -> str:
    """The markup of the form field `name`: from its input to the end of its label."""
    start = html.index(f'name="{name}"')
    return html[start:html.index("</label>", start)]


def test_a_bad_bargain_campaign_shows_the_message_under_its_field_and_keeps_the_input(shop, make_product):
    product = make_product(shop=shop, price=ORIGINAL, stock=30)
    sku = product.skus.get()
    c = client_for(shop.owner)
    r = c.post("/merchant/bargain/", {"sku_id": sku.pk, "floor_price": "60", "stock": "6", "expected_helps": "4",
                                      "title": "半价砍", "activate": "1"})
    assert r.status_code == 400
    html = r.content.decode()
    floor = _field_html(html, "floor_price")
    assert 'value="60"' in floor and 'data-testid="field-error-floor_price"' in floor
    assert 'aria-invalid="true"' in floor
    assert 'value="6"' in _field_html(html, "stock") and 'value="4"' in _field_html(html, "expected_helps")
    assert 'value="半价砍"' in _field_html(html, "title")
    assert 'name="activate" value="1" checked' in html and 'name="new_user_bonus" value="1" checked' not in html
    r = c.post("/merchant/bargain/", {"sku_id": sku.pk, "floor_price": "9.90", "stock": "5", "time_limit_hours": "x"})
    assert r.status_code == 400
    assert 'data-testid="field-error-time_limit_hours"' in _field_html(r.content.decode(), "time_limit_hours")
    assert not BargainCampaign.objects.exists()
