import re

from django.test import Client

from quanzi.catalog.services import sku_update

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(client, product):
    response = client.get(f"/p/{product.pk}/")
    assert response.status_code == 200
    return response


def test_anonymous_visitors_share_one_rendering_but_each_gets_their_own_csrf_token(product):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    page_one, page_two = _page(first, product), _page(second, product)

    assert page_one["X-Page-Cache"] == "miss" and page_two["X-Page-Cache"] == "hit"
    assert product.title in page_two.content.decode()
    token_one = TOKEN.search(page_one.content.decode()).group(1)
    token_two = TOKEN.search(page_two.content.decode()).group(1)
    assert token_one != token_two
    assert second.cookies["csrftoken"].value  # the visitor got a cookie matching the swapped-in token


def test_a_form_from_a_cached_page_passes_the_csrf_check(product, sku):
    _page(Client(), product)  # someone else warms the cache
    visitor = Client(enforce_csrf_checks=True)
    page = _page(visitor, product)
    token = TOKEN.search(page.content.decode()).group(1)

    response = visitor.post("/cart/add/", {"sku_id": sku.pk, "quantity": 1, "csrfmiddlewaretoken": token})

    assert response.status_code in (302, 200)  # sent to log in, not refused with 403
    assert response.status_code != 403


def test_a_price_change_shows_at_once(product, sku, django_capture_on_commit_callbacks):
    _page(Client(), product)

    with django_capture_on_commit_callbacks(execute=True):
        sku_update(product=product, sku_id=sku.pk, price=12345)

    assert "123.45" in _page(Client(), product).content.decode()


def test_logged_in_shoppers_are_never_served_the_shared_page(product, shopper):
    _page(Client(), product)
    client = Client()
    client.force_login(shopper)

    response = _page(client, product)

    assert "X-Page-Cache" not in response
