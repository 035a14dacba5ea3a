"""The ASGI fast path answers the purchase endpoint like the API does, before Django."""

import asyncio
import json

import httpx
import pytest

from quanzi.flashsale import services
from quanzi.flashsale.models import Reservation
from quanzi.flashsale.tests.conftest import pool_left

pytestmark = pytest.mark.django_db(transaction=True)  # the fast path's worker threads need committed rows


def app():
    from django.core.asgi import get_asgi_application

    from quanzi.flashsale.asgi import FlashFastPath

    return FlashFastPath(get_asgi_application())


def call(requests: list[tuple[str, str, object, dict]]) -> list[httpx.Response]:
    async def run():
        transport = httpx.ASGITransport(app=app(), client=("10.1.2.3", 1234))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            out = []
            for method, url, body, headers in requests:
                content = body if isinstance(body, bytes) else json.dumps(body).encode()
                out.append(await client.request(method, url, content=content,
                                                headers={"content-type": "application/json", **headers}))
            return out

    return asyncio.run(run())


def test_the_fast_path_wins_refuses_and_speaks_the_error_shape(make_sale, shopper, make_shopper, token_for):
    item = make_sale(stock=1).items.get()
    token = token_for(shopper, item)
    late = token_for(make_shopper(), item)
    won, reused, sold_out, forged, not_json, too_big = call([
        ("POST", "/api/v1/flash/purchase", {"token": token, "quantity": 1}, {}),
        ("POST", "/api/v1/flash/purchase", {"token": token, "quantity": 1}, {}),
        ("POST", "/api/v1/flash/purchase", {"token": late, "quantity": 1}, {"accept-language": "zh-CN"}),
        ("POST", "/api/v1/flash/purchase", {"token": "forged", "quantity": 1}, {}),
        ("POST", "/api/v1/flash/purchase", b"{not json", {}),
        ("POST", "/api/v1/flash/purchase", b"x" * 5000, {}),
    ])
    assert won.status_code == 201, won.text
    body = won.json()
    assert body["pay_url"] == f"/flash/r/{body['reservation']}/pay/"  # the order is being written meanwhile
    reservation = Reservation.objects.get(number=body["reservation"])
    assert reservation.status == "reserved" and reservation.address_id == shopper.addresses.get().pk
    assert services.write_missing_orders(older_than_seconds=0) == 1  # the order sweep (or the pay page)
    reservation.refresh_from_db()
    assert reservation.status == "ordered" and reservation.order_number
    assert (reused.status_code, reused.json()["error"]["code"]) == (409, "token_used")
    assert (sold_out.status_code, sold_out.json()["error"]["code"]) == (409, "sold_out")
    assert sold_out.json()["error"]["message"] == "已抢光。"
    assert (forged.status_code, forged.json()["error"]["code"]) == (403, "invalid_token")
    assert (not_json.status_code, not_json.json()["error"]["code"]) == (400, "invalid_json")
    assert too_big.status_code == 413 and set(too_big.json()["error"]) == {"code", "message", "fields"}
    assert pool_left(item) == 0 and Reservation.objects.filter(item=item).count() == 1
    assert Reservation.objects.get(item=item).ip == "10.1.2.3"


def test_the_pay_page_writes_the_order_if_the_writers_have_not(client, item, shopper, make_shopper, settings):
    from quanzi.flashsale import gate

    meta = gate.cached_meta(item.pk)
    reservation = services.reservation_create(meta=meta, user_id=shopper.pk, quantity=1, nonce="queued-1")
    client.force_login(make_shopper())
    assert client.get(f"/flash/r/{reservation.number}/pay/").status_code == 404  # not yours
    client.force_login(shopper)
    r = client.get(f"/flash/r/{reservation.number}/pay/")
    assert r.status_code == 302 and "/sandbox/pay/" in r["Location"]
    again = client.get(f"/flash/r/{reservation.number}/pay/")  # the same payment, not a second order
    assert again["Location"] == r["Location"]
    reservation.refresh_from_db()
    assert reservation.status == "ordered"
    from quanzi.orders.testing import orders

    assert len(orders(user=shopper)) == 1


def test_everything_else_goes_to_django(sale):
    listed, purchase_get = call([("GET", "/api/v1/flash/sales", b"", {}), ("GET", "/api/v1/flash/purchase", b"", {})])
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == sale.pk
    assert purchase_get.status_code == 405  # Django's answer: only POST is routed to the fast path


def test_the_fast_path_can_be_switched_off(settings, item, shopper, token_for):
    settings.QUANZI = {**settings.QUANZI, "FLASH_FAST_PATH": False}
    (r,) = call([("POST", "/api/v1/flash/purchase", {"token": token_for(shopper, item)}, {})])
    assert r.status_code == 201 and Reservation.objects.filter(user=shopper).count() == 1
