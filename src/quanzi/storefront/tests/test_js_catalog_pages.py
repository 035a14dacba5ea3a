"""The cart page loads the JavaScript catalog first (web/jsi18n.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from quanzi.web.testing import WORD_ATTRIBUTES, assert_catalog_first


@pytest.mark.django_db
def test_the_cart_page_loads_the_catalog_first(shopper, sku):
    from quanzi.orders.services import cart_add

    cart_add(user=shopper, sku_id=sku.pk, quantity=2)
    client = Client()
    client.force_login(shopper)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/cart/")
    html = response.content.decode()
    assert response.status_code == 200 and sku.product.title in html
    assert_catalog_first(html, "en")
    assert not WORD_ATTRIBUTES.search(html)
