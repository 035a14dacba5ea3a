"""Flash-sale pages render for every visitor and phase; the no-JavaScript buy button works."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from quanzi.core import clock
from quanzi.flashsale.models import FlashSale, Reservation

pytestmark = pytest.mark.django_db


def test_sessions_and_sale_page_for_visitors_and_shoppers(client, item, sale, shopper):
    assert "整点秒杀" in client.get("/flash/").content.decode()
    page = client.get(f"/flash/{sale.pk}/").content.decode()
    assert 'data-testid="fs-login"' in page and "¥9.90" in page
    client.force_login(shopper)
    page = client.get(f"/flash/{sale.pk}/").content.decode()
    assert 'data-token="' in page and 'data-token=""' not in page and 'data-testid="fs-buy"' in page


def test_no_address_asks_for_one(client, sale, make_user):
    client.force_login(make_user())
    page = client.get(f"/flash/{sale.pk}/").content.decode()
    assert 'data-testid="fs-address"' in page and f"/me/addresses/?next=/flash/{sale.pk}/" in page
    assert "Add a delivery address to take part." in page  # the sale is on: not "before the sale starts"


def test_no_address_before_the_start_asks_for_one_before_it(client, make_sale, make_user):
    sale = make_sale(starts_in=600)
    client.force_login(make_user())
    assert "Add a delivery address before the sale starts." in client.get(f"/flash/{sale.pk}/").content.decode()


def test_buy_without_an_address_goes_to_the_address_form_and_back(client, item, make_user):
    buyer = make_user()
    client.force_login(buyer)
    r = client.post(reverse("flashsale:buy", args=[item.pk]), {"quantity": "1"})
    assert r.status_code == 302 and r["Location"] == f"/me/addresses/?next=/flash/{item.sale_id}/"
    assert not Reservation.objects.filter(user=buyer).exists()
    r = client.post(reverse("flashsale:buy", args=[item.pk]), {"quantity": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 204 and r["HX-Redirect"] == f"/me/addresses/?next=/flash/{item.sale_id}/"


def test_upcoming_sale_has_a_countdown_and_a_sleeping_button(client, make_sale, shopper):
    sale = make_sale(starts_in=600)
    client.force_login(shopper)
    page = client.get(f"/flash/{sale.pk}/").content.decode()
    assert "data-start-countdown" in page and "data-enable-at-start" in page


def test_buy_without_javascript_goes_to_the_cashier(client, item, shopper):
    client.force_login(shopper)
    r = client.post(reverse("flashsale:buy", args=[item.pk]), {"quantity": "1"})
    assert r.status_code == 302 and r["Location"].startswith("/sandbox/pay/")
    assert Reservation.objects.filter(user=shopper).count() == 1
    r = client.post(reverse("flashsale:buy", args=[item.pk]), {"quantity": "1"}, follow=True)
    assert "at most 1" in r.content.decode()


def test_token_endpoint_for_the_script(client, item, shopper):
    r = client.get(reverse("flashsale:item_token", args=[item.pk]))
    assert r.status_code == 401 and r.json()["error"]["code"] == "not_authenticated"
    client.force_login(shopper)
    assert client.get(reverse("flashsale:item_token", args=[item.pk])).json()["token"]


def test_my_reservations_and_product_banner(client, item, shopper, buy):
    buy(shopper, item)
    client.force_login(shopper)
    assert 'data-status="ordered"' in client.get("/me/flash/").content.decode()
    assert 'data-testid="fs-banner"' in client.get(reverse("storefront:product", args=[item.product_id])).content.decode()


def test_merchant_pages(client, shop, product, make_shop):
    client.force_login(shop.owner)
    sku = product.skus.get()
    r = client.post("/merchant/flash/", {"title": "午间秒杀", "sku_id": str(sku.pk), "price": "19.90", "stock": "3",
                                         "per_user_limit": "1", "starts_in_minutes": "0", "minutes": "60"})
    assert r.status_code == 302
    detail = client.get(r["Location"])
    assert detail.status_code == 200 and 'data-testid="fs-stats"' in detail.content.decode()
    bad = client.post("/merchant/flash/", {"sku_id": str(sku.pk), "price": "999", "stock": "3"})
    assert bad.status_code == 400 and 'data-testid="form-error"' in bad.content.decode()
    client.force_login(make_shop().owner)
    assert client.get(r["Location"]).status_code == 404


def test_operator_ends_a_session_from_the_admin(client, make_user, sale, item):
    from quanzi.flashsale.models import FlashSale

    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/flashsale/flashsale/").status_code == 200
    assert client.get(f"/admin/flashsale/flashsale/{sale.pk}/change/").status_code == 200
    assert client.get("/admin/flashsale/reservation/").status_code == 200
    client.post("/admin/flashsale/flashsale/", {"action": "end_now", "_selected_action": [sale.pk]})
    assert FlashSale.objects.get(pk=sale.pk).status == "ended"


def test_home_shows_the_flash_entry_and_the_session_on_now_with_its_countdown(make_sale, django_assert_max_num_queries):
    sale = make_sale(starts_in=-60)
    with django_assert_max_num_queries(14):  # the home page's 11 + the strip's items and units left
        html = Client().get("/").content.decode()
    assert 'data-testid="entry-flash"' in html and 'href="/flash/"' in html
    assert 'data-testid="home-flash"' in html and 'data-running="1"' in html
    assert 'data-testid="home-flash-countdown"' in html and f'href="/flash/{sale.pk}/"' in html
    assert "¥9.90" in html


def test_home_announces_the_next_session_and_hides_a_finished_one(make_sale):
    make_sale(starts_in=1800)
    html = Client().get("/").content.decode()
    assert 'data-running="0"' in html
    # a session that ended is not shown; none at all leaves only the entry
    FlashSale.objects.update(starts_at=clock.now() - dt.timedelta(hours=2), ends_at=clock.now() - dt.timedelta(hours=1))
    html = Client().get("/").content.decode()
    assert 'data-testid="home-flash"' not in html and 'data-testid="entry-flash"' in html


def _field_html(html: str, name: str) -> str:
    """The markup of the form field `name`: from its input to the end of its label."""
    start = html.index(f'name="{name}"')
    return html[start:html.index("</label>", start)]


def test_a_bad_flash_sale_shows_the_message_under_its_field_and_keeps_the_input(client, shop, product):
    client.force_login(shop.owner)
    sku = product.skus.get()
    r = client.post("/merchant/flash/", {"title": "晚八点", "sku_id": str(sku.pk), "price": "abc", "stock": "3",
                                         "starts_in_minutes": "5", "minutes": "30"})
    assert r.status_code == 400
    html = r.content.decode()
    price = _field_html(html, "price")
    assert 'value="abc"' in price and 'data-testid="field-error-price"' in price and 'aria-invalid="true"' in price
    assert 'value="晚八点"' in _field_html(html, "title") and 'value="30"' in _field_html(html, "minutes")
    # the service's own checks (a sale lasts at most 7 days) land under the field they are about
    r = client.post("/merchant/flash/", {"sku_id": str(sku.pk), "price": "9.90", "stock": "3", "minutes": "20000"})
    assert r.status_code == 400
    minutes = _field_html(r.content.decode(), "minutes")
    assert 'data-testid="field-error-minutes"' in minutes and 'value="20000"' in minutes
    assert not FlashSale.objects.filter(shop=shop).exists()
