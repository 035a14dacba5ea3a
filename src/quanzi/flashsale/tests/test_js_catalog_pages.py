"""The flash-sale page and the ASGI fast path speak the language of the JavaScript catalog (web/jsi18n.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from quanzi.core import clock
from quanzi.core.language import language_of_scope
from quanzi.web.testing import WORD_ATTRIBUTES, assert_catalog_first


def _asgi(requests):
    """Requests through the ASGI stack the server runs: the flash-sale fast path in front of Django."""
    import httpx
    from django.core.asgi import get_asgi_application

    from quanzi.flashsale.asgi import FlashFastPath

    async def run():
        transport = httpx.ASGITransport(app=FlashFastPath(get_asgi_application()))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return [await client.request(method, url, content=body, headers=headers)
                    for method, url, body, headers in requests]

    return asyncio.run(run())


@pytest.mark.parametrize(("cookie", "accept", "expected"), [
    ("en", "zh-CN,zh;q=0.9", "en"),          # the switch wins over the browser
    ("zh-hans", "en-US,en;q=0.9", "zh-hans"),
    ("", "en-US,en;q=0.9", "en"),             # a first visit follows the browser
    ("", "zh-TW", "zh-hans"),
    ("", "fr-FR,de;q=0.8", "zh-hans"),        # nothing we speak: the site default
    ("klingon", "", "zh-hans"),               # a forged cookie: the default
])
def test_the_catalog_speaks_the_language_the_flash_fast_path_speaks(cookie, accept, expected, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default (the test settings use English)
    headers = {"accept-language": accept} if accept else {}
    if cookie:
        headers["cookie"] = f"{settings.LANGUAGE_COOKIE_NAME}={cookie}"
    scope = {"headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    assert language_of_scope(scope) == expected
    script, refusal = _asgi([
        ("GET", f"/jsi18n/?l={expected}", b"", headers),
        ("POST", "/api/v1/flash/purchase", b"{not json", {**headers, "content-type": "application/json"}),
    ])
    assert script.status_code == 200 and script.headers["content-language"] == expected
    if not cookie:
        assert "accept-language" in script.headers.get("vary", "").lower()  # shared caches keep one per language
    assert refusal.status_code == 400 and refusal.json()["error"]["code"] == "invalid_json"
    with translation.override(expected):
        assert refusal.json()["error"]["message"] == translation.gettext("The request body is not valid JSON.")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_flash_sale_page_and_its_countdowns_load_the_catalog_first(lang, shop, make_product, shopper):
    from quanzi.flashsale.services import sale_create, sale_publish

    sku = make_product(shop=shop, stock=50).skus.get()
    now = clock.now()
    sale = sale_create(shop=shop, title="整点秒杀", starts_at=now + dt.timedelta(days=2, hours=1),
                       ends_at=now + dt.timedelta(days=3), reservation_seconds=300,
                       items=[{"sku_id": sku.pk, "price": 990, "stock": 5, "per_user_limit": 1}])
    sale_publish(sale_id=sale.pk, shop=shop)
    client = Client()
    client.force_login(shopper)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/flash/{sale.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="fs-starts-in"' in html
    sources = assert_catalog_first(html, lang)
    later = [src for src in sources if src.endswith(("quanzi/js/countdown.js", "flashsale/flashsale.js"))]
    assert len(later) == 2  # both after the catalog (deferred scripts run in document order)
    assert not WORD_ATTRIBUTES.search(html)
    # more than a day to go: the server writes the days as the script will (gettext("%(days)sd %(time)s"))
    assert re.search(r'data-testid="fs-starts-in">2天 \d\d:\d\d:\d\d<' if lang == "zh-hans"
                     else r'data-testid="fs-starts-in">2d \d\d:\d\d:\d\d<', html)
