"""What pages report by themselves: product views (server-side, bots excluded) and the beacon script."""

import pytest
from django.test import Client

from quanzi.analytics import constants as names
from quanzi.analytics.models import Event

pytestmark = pytest.mark.django_db
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


def test_a_product_page_view_is_a_product_view_of_its_shop(product):
    page = Client(HTTP_USER_AGENT=PHONE).get(f"/p/{product.pk}/")
    assert page.status_code == 200
    [view] = Event.objects.filter(name=names.PRODUCT_VIEW)
    assert (view.shop_id, view.object_id, view.actor[0]) == (product.shop_id, product.pk, "d")  # a device
    Client(HTTP_USER_AGENT=PHONE).get(f"/p/{product.pk}/")  # a second view (from the page cache) counts too
    assert Event.objects.filter(name=names.PRODUCT_VIEW).count() == 2


def test_crawlers_are_not_counted(product):
    Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; bingbot/2.0)").get(f"/p/{product.pk}/")
    Client().get(f"/p/{product.pk}/")  # no user agent at all
    assert not Event.objects.exists()


def test_every_page_loads_the_beacon_script():
    html = Client(HTTP_USER_AGENT=PHONE).get("/").content.decode()
    assert 'src="/static/analytics/js/beacon.js"' in html and 'data-beacon-url="/api/v1/analytics/beacon"' in html
