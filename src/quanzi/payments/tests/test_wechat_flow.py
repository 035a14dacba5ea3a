"""WeChat Pay with the platform: an order paid by WeChat Pay (Native, H5, JSAPI with WeChat OAuth),
its notifications through the notify URL (captured once; forged, stale, replayed or wrong ones logged
and changing nothing), refunds and their notifications, polling, closing — the double on 127.0.0.1
answering the adapter over real HTTP, and, once, the double delivering to a live server.
"""

# ruff: noqa: F811 - the double's fixtures are imported from wechat_double and used as arguments

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
import urllib.request
from html import unescape

import pytest

from quanzi.ledger.testing import assert_books_balance, transaction_count
from quanzi.orders.testing import order_get
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.providers import Client
from quanzi.payments.services import payment_close, payment_start, payment_sync, refund_create
from quanzi.payments.testing import notifications, payment_get, refund_get, submit_refunds
from quanzi.payments.tests.wechat_double import wechat, wechat_keys  # noqa: F401 - fixtures

NOTIFY = "/api/v1/payments/notify/wechat"
IN_WECHAT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI"


@pytest.fixture
def order_to_pay(place_order, sku):
    orders, payment = place_order([(sku, 2)])
    return orders[0], payment


@pytest.fixture
def native_trade(wechat, shopper, order_to_pay):
    """The shopper chose WeChat Native at the cashier: a trade at the double, not paid yet."""
    order, payment = order_to_pay
    payment_start(user=shopper, payment_number=payment.number, provider="wechat", method="native", client=Client())
    return order, payment_get(number=payment.number)


def post_notification(client, headers: dict, body: bytes):
    return client.post(NOTIFY, data=body, content_type="application/json",
                       headers={k: v for k, v in headers.items() if k.lower() != "content-type"})


def outcomes(payment_number: str | None = None) -> list[str]:
    return [n.outcome for n in notifications(payment_number=payment_number)]


# ---------------------------------------------------------------- paying


def test_a_native_payment_is_captured_once_through_the_notify_url(wechat, native_trade, client):
    order, payment = native_trade
    trade = wechat.pay(payment.number)
    headers, body = wechat.notification(payment.number)

    first = post_notification(client, headers, body)
    replayed = post_notification(client, headers, body)  # the same request again
    retried = post_notification(client, *wechat.notification(payment.number))  # WeChat's own retry

    assert (first.status_code, json.loads(first.content)) == (200, {"code": "SUCCESS"})
    assert replayed.status_code == 400 and json.loads(replayed.content)["code"] == "FAIL"
    assert retried.status_code == 200
    payment = payment_get(number=payment.number)
    assert payment.status == PaymentStatus.PAID and payment.provider_trade_no == trade.transaction_id
    assert payment.payer == trade.openid
    assert order_get(order_id=order.pk).status == "paid"
    assert transaction_count(kind="payment.capture") == 1
    assert outcomes() == ["captured", "rejected: replayed nonce", "duplicate"]  # a rejected one names no payment
    assert_books_balance()


def test_the_native_page_shows_the_qr_code_and_the_status_follows_the_payment(wechat, shopper, order_to_pay,
                                                                             client, make_user):
    _order, payment = order_to_pay
    client.force_login(shopper)

    page = client.get(f"/pay/wechat/{payment.number}/native/", headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0)"})
    again = client.get(f"/pay/wechat/{payment.number}/native/")

    assert page.status_code == 200 and again.status_code == 200
    html = page.content.decode()
    assert 'data-testid="wechat-qr"' in html and "<svg" in html and "wechat_pay.js" in html
    assert len([s for s in wechat.seen if s.path == "/v3/pay/transactions/native"]) == 1  # reused, not reopened
    status = client.get(f"/pay/wechat/{payment.number}/status/").json()
    assert status == {"status": "created", "paid": False, "open": True, "next": f"/pay/return/{payment.number}/"}

    wechat.pay(payment.number)  # scanned and paid; the notification is late
    synced = client.get(f"/pay/wechat/{payment.number}/status/?sync=1").json()
    assert synced["paid"] is True and payment_get(number=payment.number).status == PaymentStatus.PAID

    client.force_login(make_user())
    assert client.get(f"/pay/wechat/{payment.number}/status/").status_code == 404  # not theirs
    assert client.get(f"/pay/wechat/{payment.number}/native/").status_code == 404


def test_status_polls_ask_wechat_pay_at_most_every_few_seconds(wechat, native_trade, shopper, client):
    _order, payment = native_trade
    client.force_login(shopper)
    for _ in range(5):
        client.get(f"/pay/wechat/{payment.number}/status/?sync=1")
    assert len([s for s in wechat.seen if s.path.startswith("/v3/pay/transactions/out-trade-no/")]) == 1


def test_h5_goes_to_wechat_with_a_referer_and_back_to_the_return_url(wechat, shopper, order_to_pay, client):
    _order, payment = order_to_pay
    client.force_login(shopper)
    phone = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36"

    chosen = client.post(f"/pay/{payment.number}/", {"choice": "wechat:h5"}, headers={"User-Agent": phone},
                         REMOTE_ADDR="198.51.100.23")

    assert chosen.status_code == 302 and chosen["Location"] == f"/pay/wechat/{payment.number}/h5/"
    assert wechat.trades[payment.number].request["scene_info"]["payer_client_ip"] == "198.51.100.23"
    h5_url = payment_get(number=payment.number).action["params"]["h5_url"]
    assert h5_url.startswith("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?")
    back = urllib.parse.parse_qs(urllib.parse.urlsplit(h5_url).query)["redirect_url"][0]
    assert back == f"http://testserver/pay/return/{payment.number}/"

    page = client.get(chosen["Location"], headers={"User-Agent": phone})

    assert page.status_code == 200
    # WeChat Pay opens h5_url only with a Referer of the merchant's H5 domain: the origin goes along
    assert page["Referrer-Policy"] == "strict-origin-when-cross-origin"
    html = page.content.decode()
    continue_link = html.split('data-testid="wechat-h5-continue"')[0].rsplit("<a ", 1)[1]
    assert f'href="{h5_url.replace("&", "&amp;")}"' in continue_link and "noreferrer" not in continue_link
    assert "wechat_pay.js" in html and "<script>" not in html

    wechat.pay(payment.number)  # paid in WeChat, which sends the shopper back to the return URL
    client.get(back.replace("http://testserver", ""))  # which asks WeChat Pay: captured
    assert payment_get(number=payment.number).status == PaymentStatus.PAID
    assert client.get(f"/pay/wechat/{payment.number}/h5/").status_code == 302  # nothing left to hand over


def test_the_h5_page_sends_a_payment_not_on_h5_back_to_the_cashier(wechat, native_trade, shopper, client):
    _order, payment = native_trade
    client.force_login(shopper)
    answer = client.get(f"/pay/wechat/{payment.number}/h5/")
    assert answer.status_code == 302 and answer["Location"] == f"/pay/{payment.number}/"


def test_the_status_is_no_longer_open_once_the_time_to_pay_is_over(wechat, native_trade, shopper, client):
    from quanzi.core import clock

    _order, payment = native_trade
    client.force_login(shopper)
    with clock.travel(payment.expires_at - clock.now() + dt.timedelta(seconds=1)):
        status = client.get(f"/pay/wechat/{payment.number}/status/").json()
    assert status["open"] is False and status["status"] == "created"


def test_jsapi_learns_the_openid_through_wechat_oauth_then_shows_the_bridge(wechat, shopper, order_to_pay,
                                                                          client):
    _order, payment = order_to_pay
    client.force_login(shopper)
    page = f"/pay/wechat/{payment.number}/jsapi/"

    to_wechat = client.get(page, headers={"User-Agent": IN_WECHAT})
    assert to_wechat.status_code == 302
    authorize = urllib.parse.urlsplit(to_wechat["Location"])
    query = urllib.parse.parse_qs(authorize.query)
    assert authorize.path == "/connect/oauth2/authorize" and authorize.fragment == "wechat_redirect"
    assert query["scope"] == ["snsapi_base"] and query["appid"] == [wechat.appid]
    assert query["redirect_uri"] == ["http://testserver/pay/wechat/oauth/"]

    back = _wechat_consent(to_wechat["Location"])  # WeChat's browser, at the double
    returned = client.get(back.replace("http://testserver", ""), headers={"User-Agent": IN_WECHAT})
    assert returned.status_code == 302 and returned["Location"] == page

    shown = client.get(page, headers={"User-Agent": IN_WECHAT})
    assert shown.status_code == 200
    html = shown.content.decode()
    params = json.loads(unescape(html.split('data-bridge-params="')[1].split('"')[0]))
    trade = wechat.trades[payment.number]
    assert params["package"] == f"prepay_id={trade.answer['prepay_id']}" and params["signType"] == "RSA"
    assert trade.openid.startswith("oWechatUser")  # the openid WeChat gave us, in the JSAPI order
    assert 'data-wechat-pay' in html and "<script>" not in html and "application/json" not in html  # CSP


def _wechat_consent(authorize_url: str) -> str:
    """What WeChat's browser does with the authorize URL (snsapi_base: silently back with a code)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(authorize_url.split("#")[0], timeout=5)
    except urllib.error.HTTPError as answer:
        return answer.headers["Location"]
    raise AssertionError("the double did not redirect")


def test_jsapi_outside_wechat_says_so_and_oauth_refuses_a_forged_state(wechat, shopper, order_to_pay,
                                                                     client):
    _order, payment = order_to_pay
    client.force_login(shopper)

    outside = client.get(f"/pay/wechat/{payment.number}/jsapi/", headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0)"})
    assert outside.status_code == 200 and 'data-testid="wechat-message"' in outside.content.decode()

    client.get(f"/pay/wechat/{payment.number}/jsapi/", headers={"User-Agent": IN_WECHAT})  # OAuth begins
    forged = client.get("/pay/wechat/oauth/?code=abc&state=not-the-one")
    assert forged.status_code == 400
    assert "wechat_openid" not in client.session

    client.get(f"/pay/wechat/{payment.number}/jsapi/", headers={"User-Agent": IN_WECHAT})
    state = client.session["wechatpay_oauth"]["state"]
    bad_code = client.get(f"/pay/wechat/oauth/?code=made-up-code&state={state}")  # WeChat: errcode 40029
    assert bad_code.status_code == 400 and "wechat_openid" not in client.session

    for code in ("a%00b", "%ED%A0%80", "x" * 200):  # NUL, a lone surrogate, too long: refused before asking WeChat
        client.get(f"/pay/wechat/{payment.number}/jsapi/", headers={"User-Agent": IN_WECHAT})
        state = client.session["wechatpay_oauth"]["state"]
        assert client.get(f"/pay/wechat/oauth/?code={code}&state={state}").status_code == 400


def test_wechat_oauth_unreachable_is_a_502_and_a_wrong_app_secret_too(wechat, settings, shopper, order_to_pay,
                                                                     client):
    _order, payment = order_to_pay
    client.force_login(shopper)
    for overrides in ({"SNS_BASE": "http://127.0.0.1:9"}, {"APP_SECRET": "not-the-secret"}):
        settings.QUANZI = {**settings.QUANZI, "WECHATPAY": wechat.settings(**overrides)}
        client.get(f"/pay/wechat/{payment.number}/jsapi/", headers={"User-Agent": IN_WECHAT})
        state = client.session["wechatpay_oauth"]["state"]
        code = wechat.oauth_code_for("oWechatUser000001")
        answer = client.get(f"/pay/wechat/oauth/?code={code}&state={state}")
        assert answer.status_code == 502 and "wechat_openid" not in client.session


def test_the_pages_are_not_there_while_wechat_pay_is_disabled(wechat, settings, shopper, order_to_pay,
                                                             client):
    _order, payment = order_to_pay
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": "sandbox"}
    client.force_login(shopper)
    for page in ("native", "jsapi", "status"):
        assert client.get(f"/pay/wechat/{payment.number}/{page}/").status_code == 404


# ---------------------------------------------------------------- notifications that change nothing


@pytest.mark.parametrize("case", ["bad signature", "unknown serial", "stale timestamp", "wrong amount",
                                  "undecryptable", "malformed resource", "another merchant", "another app"])
def test_a_bad_notification_is_logged_and_changes_nothing(wechat, wechat_keys, native_trade, client,
                                                          case):
    _order, payment = native_trade
    wechat.pay(payment.number)
    number = payment.number
    headers, body = {
        "bad signature": lambda: wechat.notification(number, key=wechat_keys.stranger_key),
        "unknown serial": lambda: wechat.notification(number, serial="0A1B2C3D4E5F60718293A4B5C6D7E8F9"),
        "stale timestamp": lambda: wechat.notification(number, timestamp=int(time.time()) - 600),
        "wrong amount": lambda: wechat.notification(number, change={"amount": {"total": 1, "currency": "CNY"}}),
        "undecryptable": lambda: wechat.notification(number, tamper_ciphertext=True),
        "malformed resource": lambda: wechat.notification(number, plaintext=b'{"out_trade_no": ['),
        "another merchant": lambda: wechat.notification(number, change={"mchid": "1900000999"}),
        "another app": lambda: wechat.notification(number, change={"appid": "wx0000000000000000"}),
    }[case]()

    answer = post_notification(client, headers, body)

    assert answer.status_code == 400 and json.loads(answer.content)["code"] == "FAIL"
    assert payment_get(number=number).status == PaymentStatus.CREATED
    assert transaction_count(kind="payment.capture") == 0
    [logged] = notifications()
    assert logged.outcome.startswith("rejected")
    assert logged.outcome == "rejected: amount_mismatch" if case == "wrong amount" else not logged.signature_ok


# ---------------------------------------------------------------- refunds, polling, closing


def test_a_refund_is_sent_and_its_notification_completes_it_once(wechat, native_trade, client):
    _order, payment = native_trade
    wechat.pay(payment.number)
    post_notification(client, *wechat.notification(payment.number))
    wechat.refund_status = "PROCESSING"  # WeChat Pay accepts, and notifies later

    refund_create(payment_number=payment.number, amount=300, key="test:wechat-refund", reason="尺码不合适")
    submit_refunds()
    refund = refund_get(key="test:wechat-refund")
    assert refund.status == RefundStatus.PENDING and refund.accepted_at is not None
    sent = wechat.refunds[refund.number]
    assert (sent.refund, sent.total) == (300, payment.amount)

    wechat.finish_refund(refund.number)
    done = post_notification(client, *wechat.notification(refund=refund.number))
    again = post_notification(client, *wechat.notification(refund=refund.number))

    assert done.status_code == 200 and again.status_code == 200
    refund = refund_get(key="test:wechat-refund")
    assert refund.status == RefundStatus.SUCCEEDED and refund.provider_refund_no == sent.refund_id
    assert transaction_count(kind="payment.refund") == 1
    assert outcomes(payment.number)[-2:] == ["refunded", "duplicate"]
    assert_books_balance()


def test_a_refund_that_succeeds_at_once_and_one_wechat_closes(wechat, native_trade, client):
    _order, payment = native_trade
    wechat.pay(payment.number)
    payment_sync(payment_number=payment.number)  # captured by asking (no notification came)
    assert payment_get(number=payment.number).status == PaymentStatus.PAID

    refund_create(payment_number=payment.number, amount=100, key="test:at-once")
    submit_refunds()
    assert refund_get(key="test:at-once").status == RefundStatus.SUCCEEDED

    wechat.refund_status = "PROCESSING"
    refund_create(payment_number=payment.number, amount=200, key="test:closed")
    submit_refunds()

    closed = refund_get(key="test:closed")
    wechat.finish_refund(closed.number, status="CLOSED")
    answer = post_notification(client, *wechat.notification(refund=closed.number))
    assert answer.status_code == 200
    assert refund_get(key="test:closed").status == RefundStatus.FAILED
    assert transaction_count(kind="payment.refund") == 1


def test_closing_an_unpaid_payment_closes_the_wechat_trade(wechat, native_trade):
    _order, payment = native_trade
    assert payment_close(payment_number=payment.number)
    assert wechat.trades[payment.number].state == "CLOSED"
    assert payment_get(number=payment.number).status == PaymentStatus.CLOSED


def test_switching_from_native_to_h5_closes_the_first_trade_and_opens_another(wechat, native_trade,
                                                                            shopper):
    _order, payment = native_trade
    payment = payment_start(user=shopper, payment_number=payment.number, provider="wechat", method="h5",
                            client=Client(ip="198.51.100.23"))
    assert wechat.trades[payment.number].state == "CLOSED"
    assert payment.trade_number == f"{payment.number}_2" and wechat.trades[payment.trade_number].trade_type == "MWEB"


# ---------------------------------------------------------------- over the network both ways


@pytest.mark.django_db(transaction=True)
def test_wechat_pay_delivers_its_notification_to_a_live_server(wechat, settings, live_server, make_shopper,
                                                               make_product, shop):
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    settings.QUANZI = {**settings.QUANZI, "SITE_URL": live_server.url}
    shopper = make_shopper()
    sku = make_product(shop=shop).skus.get()
    _orders, payment = checkout_and_pay(user=shopper, items=[CheckoutItem(sku.pk, 1)],
                                        address_id=shopper.addresses.get().pk, clear_cart=False)
    payment_start(user=shopper, payment_number=payment.number, provider="wechat", method="native", client=Client())
    trade = wechat.pay(payment.number)
    assert trade.notify_url == live_server.url + NOTIFY

    status, body = wechat.deliver(trade.notify_url, *wechat.notification(payment.number))

    assert (status, json.loads(body)) == (200, {"code": "SUCCESS"})
    assert payment_get(number=payment.number).status == PaymentStatus.PAID
    assert_books_balance()


def test_choosing_jsapi_at_the_cashier_without_an_openid_goes_through_the_wechat_page(wechat, shopper, order_to_pay,
                                                                                     client):
    _order, payment = order_to_pay
    client.force_login(shopper)

    chosen = client.post(f"/pay/{payment.number}/", {"choice": "wechat:jsapi"}, headers={"User-Agent": IN_WECHAT})

    assert chosen.status_code == 302 and chosen["Location"] == f"/pay/wechat/{payment.number}/jsapi/"
    assert not [s for s in wechat.seen if s.path.startswith("/v3/pay/transactions/")]  # nothing opened yet


def test_the_wechat_pages_speak_chinese_by_default(wechat, settings, shopper, order_to_pay, client):
    settings.LANGUAGE_CODE = "zh-hans"
    _order, payment = order_to_pay
    client.force_login(shopper)

    html = client.get(f"/pay/wechat/{payment.number}/native/").content.decode()
    assert "微信支付" in html and "打开手机微信，扫一扫付款" in html and "选择其他支付方式" in html
    message = client.get(f"/pay/wechat/{payment.number}/jsapi/").content.decode()
    assert "请在微信中打开此页面" in message
    payment_start(user=shopper, payment_number=payment.number, provider="wechat", method="h5",
                  client=Client(ip="198.51.100.23"))
    h5 = client.get(f"/pay/wechat/{payment.number}/h5/").content.decode()
    assert "在微信中继续支付" in h5 and "正在打开微信支付…" in h5
