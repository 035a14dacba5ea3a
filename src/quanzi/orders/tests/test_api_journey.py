"""The whole journey over the HTTP API only: register, browse, cart, checkout across two shops,
pay through the sandbox provider, ship, carrier tracking to delivery, a return, the refund, and
the merchant's balance."""

import pytest
from django.test import Client

from quanzi.orders.models import Order
from quanzi.payments import testing as payments_testing
from quanzi.payments.constants import RefundStatus
from quanzi.payments.providers.sandbox import SandboxProvider

pytestmark = pytest.mark.django_db

JSON = "application/json"


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:800])
    return response.json()


@pytest.fixture
def two_shops(make_shop, make_product, category):
    tea_shop, cup_shop = make_shop(), make_shop()
    tea = make_product(shop=tea_shop, title="西湖龙井绿茶 Longjing green tea", price=6800, stock=20)
    cup = make_product(shop=cup_shop, title="陶瓷茶杯 Ceramic tea cup", price=2500, stock=30,
                       options=[{"name": "颜色", "values": ["白", "青"]}])
    return tea_shop, cup_shop, tea, cup


def test_full_journey_over_the_api(two_shops, notify_sandbox, carrier_deliver, submit_refunds, ledger_balanced):
    tea_shop, cup_shop, tea, cup = two_shops

    # register and add an address
    registered = ok(Client().post("/api/v1/accounts/register",
                                  {"identifier": "13912340000", "password": "Qz-tea-garden-2024", "nickname": "茶友"},
                                  content_type=JSON), 201)
    me = Client(HTTP_AUTHORIZATION=f"Bearer {registered['token']}")
    address = ok(me.post("/api/v1/accounts/addresses",
                         {"recipient": "张三", "phone": "13800138000", "province": "上海", "city": "上海",
                          "district": "黄浦区", "detail": "人民路 1 号"}, content_type=JSON), 201)

    # browse and search (Chinese and English words)
    listed = ok(Client().get("/api/v1/catalog/products"))
    assert {p["id"] for p in listed["items"]} == {tea.pk, cup.pk}
    assert {p["id"] for p in ok(Client().get("/api/v1/catalog/search", {"q": "茶杯"}))["items"]} == {cup.pk}
    assert {p["id"] for p in ok(Client().get("/api/v1/catalog/search", {"q": "龙井"}))["items"]} == {tea.pk}
    assert {p["id"] for p in ok(Client().get("/api/v1/catalog/search", {"q": "Ceramic"}))["items"]} == {cup.pk}
    assert {p["id"] for p in ok(Client().get("/api/v1/catalog/search", {"q": "tea"}))["items"]} == {tea.pk, cup.pk}
    assert ok(Client().get("/api/v1/catalog/search", {"q": "bicycle"}))["items"] == []
    detail = ok(Client().get(f"/api/v1/catalog/products/{cup.pk}"))
    assert detail["options"] == [{"name": "颜色", "values": ["白", "青"]}]
    cup_sku = next(s for s in detail["skus"] if s["options"] == {"颜色": "青"})
    tea_sku = ok(Client().get(f"/api/v1/catalog/products/{tea.pk}"))["skus"][0]

    # cart: add, update, remove
    ok(me.post("/api/v1/cart/lines", {"sku_id": tea_sku["id"], "quantity": 1}, content_type=JSON), 201)
    cart = ok(me.post("/api/v1/cart/lines", {"sku_id": cup_sku["id"], "quantity": 1}, content_type=JSON), 201)
    cup_line = next(ln for ln in cart["lines"] if ln["sku_id"] == cup_sku["id"])
    cart = ok(me.patch(f"/api/v1/cart/lines/{cup_line['id']}", {"quantity": 2}, content_type=JSON))
    assert cart["selected_total"]["amount"] == 6800 + 2 * 2500
    white = next(s for s in detail["skus"] if s["options"] == {"颜色": "白"})
    cart = ok(me.post("/api/v1/cart/lines", {"sku_id": white["id"], "quantity": 1}, content_type=JSON), 201)
    white_line = next(ln for ln in cart["lines"] if ln["sku_id"] == white["id"])
    cart = ok(me.delete(f"/api/v1/cart/lines/{white_line['id']}"))
    assert len(cart["lines"]) == 2

    # preview, then place: two shops → two orders, one payment
    preview = ok(me.post("/api/v1/checkout/preview", {}, content_type=JSON))
    assert len(preview["groups"]) == 2
    placed = ok(me.post("/api/v1/checkout", {"address_id": address["id"], "notes": {str(tea_shop.pk): "请轻放"}},
                        content_type=JSON, HTTP_IDEMPOTENCY_KEY="journey-1"), 201)
    assert len(placed["orders"]) == 2
    assert placed["payment"]["amount"]["amount"] == preview["total"]["amount"] == \
        sum(o["total"]["amount"] for o in placed["orders"])
    assert placed["payment"]["pay_url"]
    assert ok(me.get("/api/v1/cart"))["lines"] == []
    by_shop = {o["shop_id"]: o for o in placed["orders"]}
    tea_order, cup_order = by_shop[tea_shop.pk], by_shop[cup_shop.pk]
    assert {o["status"] for o in placed["orders"]} == {"pending_payment"}
    assert ok(me.get(f"/api/v1/orders/{tea_order['number']}"))["note"] == "请轻放"

    # pay on the sandbox cashier; the provider notifies the platform
    payment_number = placed["payment"]["payment_number"]
    SandboxProvider().pay(out_trade_no=payment_number)
    assert notify_sandbox(payment_number) == "success"
    assert ok(me.get(f"/api/v1/payments/{payment_number}"))["status"] == "paid"
    for order in placed["orders"]:
        assert ok(me.get(f"/api/v1/orders/{order['number']}"))["status"] == "paid"
    assert len(ok(me.get("/api/v1/orders", {"tab": "to_ship"}))["items"]) == 2

    # the cup merchant ships with the sandbox carrier; the carrier reports through to delivery
    merchant = Client(HTTP_AUTHORIZATION=f"Bearer {_token(cup_shop.owner)}")
    assert [o["number"] for o in ok(merchant.get("/api/v1/merchant/orders", {"tab": "to_ship"}))["items"]] == \
        [cup_order["number"]]
    shipped = ok(merchant.post(f"/api/v1/merchant/orders/{cup_order['number']}/ship", {"carrier": "sandbox"},
                               content_type=JSON))
    assert shipped["status"] == "shipped"
    tracking = ok(me.get(f"/api/v1/shipping/orders/{cup_order['number']}"))
    assert tracking["tracking_number"].startswith("QZ")
    responses = carrier_deliver(tracking["tracking_number"])
    assert [ok(r) for r in responses] == [{"ok": True, "duplicate": False}] * 4
    tracking = ok(me.get(f"/api/v1/shipping/orders/{cup_order['number']}"))
    assert tracking["status"] == "delivered"
    assert [e["status"] for e in tracking["events"]] == ["picked_up", "in_transit", "out_for_delivery", "delivered"]
    delivered = ok(me.get(f"/api/v1/orders/{cup_order['number']}"))
    assert delivered["status"] == "delivered"
    assert delivered["return_window_closes_at"]
    # a replayed carrier event is acknowledged as a duplicate and changes nothing
    assert ok(carrier_deliver(tracking["tracking_number"], until="picked_up")[0]) == {"ok": True, "duplicate": True}

    # the shopper returns one cup; the merchant approves; it goes back; the merchant confirms → refund
    line = delivered["lines"][0]
    assert line["quantity"] == 2
    request = ok(me.post(f"/api/v1/orders/{cup_order['number']}/after-sales",
                         {"line_id": line["id"], "kind": "return_refund", "quantity": 1, "reason": "no_reason",
                          "description": "颜色不喜欢"}, content_type=JSON), 201)
    assert request["amount"]["amount"] == 2500
    assert [a["number"] for a in ok(merchant.get("/api/v1/merchant/after-sales"))] == [request["number"]]
    approved = ok(merchant.post(f"/api/v1/merchant/after-sales/{request['number']}/approve", {"note": "好的"},
                                content_type=JSON))
    assert approved["status"] == "awaiting_return"
    sent_back = ok(me.post(f"/api/v1/after-sales/{request['number']}/ship-return",
                           {"carrier": "sf", "tracking_number": "SF1000000001"}, content_type=JSON))
    assert sent_back["status"] == "return_shipped"
    refunded = ok(merchant.post(f"/api/v1/merchant/after-sales/{request['number']}/confirm-return", {},
                                content_type=JSON))
    assert refunded["status"] == "refunded"
    submit_refunds()
    refund = payments_testing.refund_get()
    assert (refund.amount, refund.status) == (2500, RefundStatus.SUCCEEDED)
    assert payments_testing.sandbox_refund_count(payment_number=payment_number) == 1
    after = ok(me.get(f"/api/v1/orders/{cup_order['number']}"))
    assert after["refunded_total"]["amount"] == 2500
    assert after["lines"][0]["refunded_quantity"] == 1
    assert after["after_sales"][0]["status"] == "refunded"

    # the merchant's money is pending (in the return window), net of the refund
    balance = ok(merchant.get("/api/v1/merchant/balance"))
    assert balance == {"pending": cup_order["total"]["amount"] - 2500, "available": 0, "payout_in_progress": 0,
                       "paid_out": 0, "currency": "CNY"}
    assert ok(merchant.get("/api/v1/merchant/payouts")) == []
    ledger_balanced()


def _token(user) -> str:
    from quanzi.accounts.services import api_token_create

    return api_token_create(user=user)


def test_pay_by_syncing_with_the_provider(api, shopper, address, sku):
    client = api(shopper)
    placed = ok(client.post("/api/v1/checkout", {"items": [{"sku_id": sku.pk, "quantity": 1}],
                                                 "address_id": address.pk}, content_type=JSON), 201)
    number = placed["payment"]["payment_number"]
    SandboxProvider().pay(out_trade_no=number)

    synced = ok(client.post(f"/api/v1/payments/{number}/sync", {}, content_type=JSON))

    assert synced["status"] == "paid"
    assert ok(client.get(f"/api/v1/orders/{placed['orders'][0]['number']}"))["status"] == "paid"


def test_confirm_receipt_completes_the_order(api, shopper, shop, place_order, sku, carrier_deliver):
    orders, _payment = place_order([(sku, 1)], pay=True)
    number = orders[0].number
    ok(api(shop.owner).post(f"/api/v1/merchant/orders/{number}/ship", {"carrier": "sandbox"}, content_type=JSON))

    done = ok(api(shopper).post(f"/api/v1/orders/{number}/confirm", {}, content_type=JSON))

    assert done["status"] == "completed"
    assert [e["kind"] for e in done["events"]][:4] == ["created", "paid", "shipped", "delivered"]


def test_refund_only_before_shipping_returns_the_stock(api, shopper, shop, place_order, sku, submit_refunds,
                                                        ledger_balanced):
    orders, _payment = place_order([(sku, 3)], pay=True)
    order = orders[0]
    line = order.lines.get()
    request = ok(api(shopper).post(f"/api/v1/orders/{order.number}/after-sales",
                                   {"line_id": line.pk, "kind": "refund_only", "quantity": 3, "reason": "changed_mind"},
                                   content_type=JSON), 201)

    refunded = ok(api(shop.owner).post(f"/api/v1/merchant/after-sales/{request['number']}/approve", {},
                                       content_type=JSON))
    submit_refunds()

    assert refunded["status"] == "refunded"
    sku.refresh_from_db()
    assert sku.stock == 10
    detail = ok(api(shopper).get(f"/api/v1/orders/{order.number}"))
    assert detail["status"] == "closed"
    assert detail["refunded_total"]["amount"] == detail["total"]["amount"]
    ledger_balanced()


def test_order_list_cursor_pagination(api, shopper, place_order, sku, make_product, shop):
    plenty = make_product(shop=shop, title="纸巾 Tissues", price=100, stock=100).skus.get()
    numbers = [place_order([(plenty, 1)])[0][0].number for _ in range(7)]
    client = api(shopper)

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = ok(client.get("/api/v1/orders", params))
        pages += 1
        seen += [o["number"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert len(page["items"]) == 3

    assert pages == 3
    assert seen == list(reversed(numbers))  # newest first, each exactly once
    assert ok(client.get("/api/v1/orders", {"limit": 7}))["next_cursor"] is None
    assert len(ok(client.get("/api/v1/orders", {"limit": 1000}))["items"]) == 7  # capped, not an error
    assert Order.objects.count() == 7


def test_order_list_tabs(api, shopper, place_order, sku):
    place_order([(sku, 1)])
    place_order([(sku, 1)], pay=True)
    client = api(shopper)

    assert len(ok(client.get("/api/v1/orders", {"tab": "unpaid"}))["items"]) == 1
    assert len(ok(client.get("/api/v1/orders", {"tab": "to_ship"}))["items"]) == 1
    assert len(ok(client.get("/api/v1/orders", {"tab": "completed"}))["items"]) == 0
    assert len(ok(client.get("/api/v1/orders"))["items"]) == 2
