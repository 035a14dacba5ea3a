"""The WeChat Pay API v3 adapter over real HTTP against the local test double (tests/wechat_double.py).

Keys and certificates are generated for the session; the double checks our request signatures with
its own code and signs its answers and notifications like WeChat Pay.
"""

# ruff: noqa: F811 - the double's fixtures are imported from wechat_double and used as arguments

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.core.cache import cache

from quanzi.core import clock
from quanzi.payments.providers import BadNotification, Client, ProviderError, StatementLine
from quanzi.payments.providers.wechat import OpenidRequired, WechatPayProvider
from quanzi.payments.providers.wechat_bill import parse_trade_bill
from quanzi.payments.tests.wechat_double import PUBLIC_KEY_ID, wechat, wechat_keys  # noqa: F401 - fixtures

NOTIFY = "https://shop.example.com/api/v1/payments/notify/wechat"
RETURN = "https://shop.example.com/pay/return/P20260501AAAAAA000001/"


def use_public_key_mode(double, settings, **overrides):
    """The merchant registered after late 2024: WeChat Pay signs with its public key (PUB_KEY_ID_…)."""
    double.mode = "public_key"
    settings.QUANZI = {**settings.QUANZI, "WECHATPAY": double.settings(**overrides)}


def provider() -> WechatPayProvider:
    return WechatPayProvider()


def create(number: str = "P20260501AAAAAA000001", *, amount: int = 1234, method: str = "native",
           client: Client | None = None, subject: str = "圈子 · 纯棉T恤 白色 M"):
    return provider().create(payment_number=number, amount=amount, subject=subject, notify_url=NOTIFY,
                             return_url=RETURN, method=method, expires_at=clock.now() + dt.timedelta(minutes=15),
                             client=client or Client())


def last_call(double):
    """The last API call the double saw (downloads of the platform certificates aside)."""
    return [s for s in double.seen if s.path != "/v3/certificates"][-1]


def platform_certificates_known() -> dict:
    from quanzi.payments.providers.wechat import config, platform_certificates

    return platform_certificates(config())


def paid_trade(double, number: str = "P20260501AAAAAA000001", amount: int = 1234):
    create(number, amount=amount)
    return double.pay(number)


# ---------------------------------------------------------------- orders


def test_native_order_is_signed_and_answers_a_qr_code(wechat):
    action = create(amount=1234)

    assert action.kind == "qr" and action.url.startswith("weixin://wxpay/bizpayurl?pr=")
    seen = last_call(wechat)
    assert (seen.method, seen.path, seen.auth_ok) == ("POST", "/v3/pay/transactions/native", True)
    assert seen.body["amount"] == {"total": 1234, "currency": "CNY"}  # fen on both sides
    assert seen.body["out_trade_no"] == "P20260501AAAAAA000001" and seen.body["notify_url"] == NOTIFY
    assert seen.body["mchid"] == wechat.mchid and seen.body["appid"] == wechat.appid
    assert seen.body["time_expire"].endswith("+08:00")
    assert seen.body["description"] == "圈子 · 纯棉T恤 白色 M"


def test_h5_order_sends_the_payer_ip_and_redirects_back_to_the_shop(wechat):
    action = create(method="h5", client=Client(ip="203.0.113.7", user_agent="Mozilla/5.0 (iPhone) Mobile"))

    assert action.kind == "redirect" and action.url == "/pay/wechat/P20260501AAAAAA000001/h5/"  # the hand-off page
    h5_url = action.params["h5_url"]
    assert h5_url.startswith("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx")
    assert h5_url.endswith("&redirect_url=https%3A%2F%2Fshop.example.com%2Fpay%2Freturn%2FP20260501AAAAAA000001%2F")
    assert last_call(wechat).body["scene_info"] == {"payer_client_ip": "203.0.113.7", "h5_info": {"type": "Wap"}}


def test_h5_order_without_a_valid_ip_is_refused_before_calling_wechat(wechat):
    with pytest.raises(ProviderError):
        create(method="h5", client=Client(ip="not-an-ip"))
    assert wechat.seen == []


def test_jsapi_order_answers_bridge_parameters_signed_with_the_merchant_key(wechat, wechat_keys):
    action = create(method="jsapi", client=Client(openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"))

    assert action.kind == "jsapi" and action.url == RETURN
    params = action.params
    assert set(params) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert params["appId"] == wechat.appid and params["signType"] == "RSA"
    assert params["package"] == "prepay_id=" + wechat.trades["P20260501AAAAAA000001"].answer["prepay_id"]
    assert abs(int(params["timeStamp"]) - time.time()) < 60
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n".encode()
    wechat_keys.merchant_cert.public_key().verify(base64.b64decode(params["paySign"]), message,
                                                  padding.PKCS1v15(), hashes.SHA256())  # raises if wrong
    assert last_call(wechat).body["payer"] == {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}


def test_jsapi_without_openid_asks_for_oauth_first(wechat):
    with pytest.raises(OpenidRequired):
        create(method="jsapi", client=Client())
    assert wechat.seen == []


def test_the_same_order_twice_gets_the_same_answer_and_a_changed_one_is_refused(wechat):
    first = create(amount=500)
    assert create(amount=500) == first
    with pytest.raises(ProviderError, match="INVALID_REQUEST"):
        create(amount=600)


def test_an_answer_not_signed_by_wechat_pay_is_not_believed(wechat):
    wechat.forge_answers = True
    with pytest.raises(ProviderError, match="refused"):  # not even the certificate list is believed
        create()
    assert platform_certificates_known() == {}

    wechat.forge_answers = False
    cache.clear()  # some minutes later (a failed refresh holds the next one back)
    create("P20260501AAAAAA000002")  # the genuine certificates are downloaded now
    wechat.forge_answers = True
    with pytest.raises(ProviderError, match="bad signature"):
        create("P20260501AAAAAA000003")


def test_a_request_signed_with_another_key_is_refused_by_wechat_pay(wechat, settings, wechat_keys):
    from cryptography.hazmat.primitives import serialization

    other = wechat_keys.stranger_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()).decode()
    settings.QUANZI = {**settings.QUANZI, "WECHATPAY": wechat.settings(PRIVATE_KEY=other)}
    with pytest.raises(ProviderError, match="SIGN_ERROR"):
        create()
    assert last_call(wechat).auth_ok is False and wechat.trades == {}


def test_wechat_pay_unreachable_is_a_provider_error(wechat, settings):
    settings.QUANZI = {**settings.QUANZI, "WECHATPAY": wechat.settings(API_BASE="http://127.0.0.1:9")}
    with pytest.raises(ProviderError, match="unreachable"):
        create()


def test_public_key_mode_orders_verify_answers_with_the_wechat_pay_public_key(wechat, settings):
    use_public_key_mode(wechat, settings)

    assert create().kind == "qr"

    settings.QUANZI = {**settings.QUANZI, "WECHATPAY": wechat.settings(PUBLIC_KEY_ID="PUB_KEY_ID_0000000000000000")}
    with pytest.raises(ProviderError, match="unknown serial"):  # a key id that is not ours
        create("P20260501AAAAAA000002")


# ---------------------------------------------------------------- query, close


def test_query_reads_the_trade_state_and_amount(wechat):
    assert provider().query(payment_number="P20260501AAAAAA000009").status == "unknown"
    create(amount=1234)
    assert provider().query(payment_number="P20260501AAAAAA000001").status == "unpaid"

    trade = wechat.pay("P20260501AAAAAA000001")
    result = provider().query(payment_number="P20260501AAAAAA000001")

    assert (result.status, result.amount, result.trade_no) == ("paid", 1234, trade.transaction_id)
    assert last_call(wechat).path == "/v3/pay/transactions/out-trade-no/P20260501AAAAAA000001"


def test_close_closes_an_unpaid_trade_and_refuses_a_paid_one(wechat):
    create("P20260501AAAAAA000001")
    provider().close(payment_number="P20260501AAAAAA000001")
    assert wechat.trades["P20260501AAAAAA000001"].state == "CLOSED"
    assert provider().query(payment_number="P20260501AAAAAA000001").status == "closed"

    paid_trade(wechat, "P20260501AAAAAA000002")
    with pytest.raises(ProviderError, match="ORDERPAID"):
        provider().close(payment_number="P20260501AAAAAA000002")
    assert wechat.trades["P20260501AAAAAA000002"].state == "SUCCESS"


# ---------------------------------------------------------------- refunds


def test_refund_sends_refund_and_total_in_fen_and_is_idempotent(wechat):
    paid_trade(wechat, amount=1234)

    result = provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000001",
                               amount=234, total=1234, reason="尺码不合适")

    assert result.ok and not result.pending and result.provider_refund_no.startswith("50")
    body = last_call(wechat).body
    assert body["amount"] == {"refund": 234, "total": 1234, "currency": "CNY"}
    assert body["out_refund_no"] == "R20260501BBBBBB000001" and body["reason"] == "尺码不合适"
    assert body["notify_url"] == "http://testserver/api/v1/payments/notify/wechat"
    again = provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000001",
                              amount=234, total=1234)
    assert again == result and len(wechat.refunds) == 1


def test_refund_beyond_the_payment_is_refused_and_processing_is_pending(wechat):
    paid_trade(wechat, amount=1000)
    too_much = provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000001",
                                 amount=1001, total=1000)
    assert not too_much.ok and too_much.error.startswith("INVALID_REQUEST")

    wechat.refund_status = "PROCESSING"
    pending = provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000002",
                                amount=400, total=1000)
    assert pending.ok and pending.pending

    wechat.finish_refund("R20260501BBBBBB000002")
    done = provider().refund_query(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000002")
    assert done.ok and not done.pending and done.provider_refund_no == pending.provider_refund_no

    wechat.finish_refund("R20260501BBBBBB000002", status="CLOSED")
    closed = provider().refund_query(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000002")
    assert not closed.ok and "CLOSED" in closed.error

    unknown = provider().refund_query(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000404")
    assert not unknown.ok and unknown.error.startswith("RESOURCE_NOT_EXISTS")


# ---------------------------------------------------------------- notifications


def verify(double, headers, body):
    return provider().verify_notification(body=body, headers=headers, form={})


def test_a_genuine_payment_notification_is_decrypted(wechat):
    trade = paid_trade(wechat, amount=1234)

    note = verify(wechat, *wechat.notification("P20260501AAAAAA000001"))

    assert (note.kind, note.payment_number, note.amount, note.paid) == ("payment", "P20260501AAAAAA000001", 1234, True)
    assert note.trade_no == trade.transaction_id and note.payer == trade.openid


def test_header_names_are_case_insensitive(wechat):
    paid_trade(wechat)
    headers, body = wechat.notification("P20260501AAAAAA000001")
    assert verify(wechat, {k.lower(): v for k, v in headers.items()}, body).paid


def test_platform_certificates_are_downloaded_once_and_kept(wechat):
    paid_trade(wechat)
    verify(wechat, *wechat.notification("P20260501AAAAAA000001"))
    verify(wechat, *wechat.notification("P20260501AAAAAA000001"))

    downloads = [s for s in wechat.seen if s.path == "/v3/certificates"]
    assert len(downloads) == 1 and downloads[0].auth_ok


@pytest.mark.parametrize("tamper", ["signature", "body"])
def test_a_bad_signature_is_refused(wechat, wechat_keys, tamper):
    paid_trade(wechat)
    if tamper == "signature":
        headers, body = wechat.notification("P20260501AAAAAA000001", key=wechat_keys.stranger_key)
    else:
        headers, body = wechat.notification("P20260501AAAAAA000001")
        body = body.replace(b'"summary"', b'"summarY"')
    with pytest.raises(BadNotification, match="bad signature"):
        verify(wechat, headers, body)


def test_an_unknown_serial_is_refused_and_refreshes_certificates_at_most_once(wechat):
    paid_trade(wechat)
    for serial in ("1F2E3D4C5B6A79880011223344556677", "ABCDEF0123456789", "not-hex"):
        headers, body = wechat.notification("P20260501AAAAAA000001", serial=serial)
        with pytest.raises(BadNotification, match="unknown serial"):
            verify(wechat, headers, body)
    assert len([s for s in wechat.seen if s.path == "/v3/certificates"]) == 1


def test_public_key_id_mode_notifications(wechat, settings, wechat_keys):
    use_public_key_mode(wechat, settings)
    paid_trade(wechat)

    headers, body = wechat.notification("P20260501AAAAAA000001")
    assert headers["Wechatpay-Serial"] == PUBLIC_KEY_ID
    assert verify(wechat, headers, body).paid

    forged = wechat.notification("P20260501AAAAAA000001", key=wechat_keys.platform_key)
    with pytest.raises(BadNotification, match="bad signature"):
        verify(wechat, *forged)
    other_id = wechat.notification("P20260501AAAAAA000001", serial="PUB_KEY_ID_0116000000009999999999999999")
    with pytest.raises(BadNotification, match="unknown serial"):
        verify(wechat, *other_id)
    # a public-key merchant trusts no platform certificate, and never asks for the list
    by_certificate = wechat.notification("P20260501AAAAAA000001", serial=wechat_keys.platform_serial,
                                         key=wechat_keys.platform_key)
    with pytest.raises(BadNotification, match="unknown serial"):
        verify(wechat, *by_certificate)
    assert not [s for s in wechat.seen if s.path == "/v3/certificates"]


def test_both_modes_while_a_merchant_switches_over(wechat, settings, wechat_keys):
    use_public_key_mode(wechat, settings, VERIFY_WITH="both")
    paid_trade(wechat)
    assert verify(wechat, *wechat.notification("P20260501AAAAAA000001")).paid
    wechat.mode = "certificates"
    assert verify(wechat, *wechat.notification("P20260501AAAAAA000001")).paid


@pytest.mark.parametrize("age", [-301, 301, 86400])
def test_a_stale_timestamp_is_refused(wechat, age):
    paid_trade(wechat)
    headers, body = wechat.notification("P20260501AAAAAA000001", timestamp=int(time.time()) - age)
    with pytest.raises(BadNotification, match="stale timestamp"):
        verify(wechat, headers, body)


def test_a_replayed_nonce_is_refused(wechat):
    paid_trade(wechat)
    headers, body = wechat.notification("P20260501AAAAAA000001")
    assert verify(wechat, headers, body).paid

    with pytest.raises(BadNotification, match="replayed nonce"):
        verify(wechat, headers, body)
    again = wechat.notification("P20260501AAAAAA000001", nonce=headers["Wechatpay-Nonce"])  # re-signed, same nonce
    with pytest.raises(BadNotification, match="replayed nonce"):
        verify(wechat, *again)
    assert verify(wechat, *wechat.notification("P20260501AAAAAA000001")).paid  # WeChat's own retry: a new nonce


def test_a_refused_signature_does_not_burn_the_nonce(wechat, wechat_keys):
    paid_trade(wechat)
    forged = wechat.notification("P20260501AAAAAA000001", key=wechat_keys.stranger_key, nonce="N" * 32)
    with pytest.raises(BadNotification):
        verify(wechat, *forged)
    assert verify(wechat, *wechat.notification("P20260501AAAAAA000001", nonce="N" * 32)).paid


@pytest.mark.parametrize("case, change, message", [
    ("other merchant", {"mchid": "1900009999"}, "merchant"),
    ("other app", {"appid": "wx0000000000000000"}, "app id"),
    ("amount as text", {"amount": {"total": "1234", "currency": "CNY"}}, "amount"),
    ("amount as float", {"amount": {"total": 12.34, "currency": "CNY"}}, "amount"),
    ("huge amount", {"amount": {"total": 10**30, "currency": "CNY"}}, "amount"),
    ("negative amount", {"amount": {"total": -1, "currency": "CNY"}}, "amount"),
    ("not CNY", {"amount": {"total": 1234, "currency": "USD"}}, "CNY"),
    ("bad number", {"out_trade_no": "P2026\u0000' OR 1=1"}, "out_trade_no"),
    ("surrogate", {"out_trade_no": "P2026\ud800AAAA"}, "out_trade_no"),
])
def test_a_malformed_resource_is_refused(wechat, case, change, message):
    paid_trade(wechat)
    headers, body = wechat.notification("P20260501AAAAAA000001", change=change) if "surrogate" not in case else \
        wechat.notification("P20260501AAAAAA000001",
                            plaintext=json.dumps({**wechat.transaction_json(wechat.trades["P20260501AAAAAA000001"]),
                                                  **change}).encode())
    with pytest.raises(BadNotification, match=message):
        verify(wechat, headers, body)


@pytest.mark.parametrize("kind", ["tampered ciphertext", "wrong associated data", "not json inside", "1e400",
                                  "no resource", "body not json", "deep json", "huge body"])
def test_an_undecryptable_or_broken_notification_is_refused(wechat, kind):
    paid_trade(wechat)
    number = "P20260501AAAAAA000001"
    headers, body = {
        "tampered ciphertext": lambda: wechat.notification(number, tamper_ciphertext=True),
        "wrong associated data": lambda: wechat.notification(number, associated_data="refund"),
        "not json inside": lambda: wechat.notification(number, plaintext=b"<xml>paid</xml>"),
        "1e400": lambda: wechat.notification(number, plaintext=b'{"amount": {"total": 1e400}}'),
        "no resource": lambda: wechat.notification(number, body=b'{"event_type": "TRANSACTION.SUCCESS"}'),
        "body not json": lambda: wechat.notification(number, body=b"\xff\xfe not json"),
        "deep json": lambda: wechat.notification(number, body=b"[" * 100_000 + b"]" * 100_000),
        "huge body": lambda: wechat.notification(number, body=b" " * 70_000 + b"{}"),
    }[kind]()
    with pytest.raises(BadNotification):
        verify(wechat, headers, body)


def test_a_non_success_transaction_event_is_not_paid(wechat):
    create()
    headers, body = wechat.notification("P20260501AAAAAA000001", event_type="TRANSACTION.CLOSED",
                                        change={"trade_state": "CLOSED"})
    note = verify(wechat, headers, body)
    assert note.kind == "payment" and not note.paid


@pytest.mark.parametrize("status, ok", [("SUCCESS", True), ("ABNORMAL", False), ("CLOSED", False)])
def test_refund_notifications(wechat, status, ok):
    paid_trade(wechat, amount=1234)
    wechat.refund_status = "PROCESSING"
    provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000001",
                      amount=300, total=1234)
    wechat.finish_refund("R20260501BBBBBB000001", status=status)

    note = verify(wechat, *wechat.notification(refund="R20260501BBBBBB000001"))

    assert (note.kind, note.payment_number, note.refund_number, note.amount) == (
        "refund", "P20260501AAAAAA000001", "R20260501BBBBBB000001", 300)
    assert note.refund_ok is ok and note.paid is False
    assert note.trade_no == wechat.refunds["R20260501BBBBBB000001"].refund_id  # WeChat's refund number


def test_a_refund_event_whose_status_disagrees_is_refused(wechat):
    paid_trade(wechat)
    provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000001",
                      amount=300, total=1234)
    headers, body = wechat.notification(refund="R20260501BBBBBB000001", event_type="REFUND.SUCCESS",
                                        change={"refund_status": "CLOSED"})
    with pytest.raises(BadNotification, match="refund_status"):
        verify(wechat, headers, body)


def test_the_answers_wechat_pay_expects():
    ok, fail = provider().notification_answer(ok=True), provider().notification_answer(ok=False)
    assert (ok.status, json.loads(ok.body), ok.content_type) == (200, {"code": "SUCCESS"}, "application/json")
    assert fail.status >= 400 and json.loads(fail.body)["code"] == "FAIL" and json.loads(fail.body)["message"]


# ---------------------------------------------------------------- the trade bill


def test_the_daily_bill_becomes_statement_lines_in_fen(wechat):
    day = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    first = paid_trade(wechat, "P20260501AAAAAA000001", amount=1234)
    second = paid_trade(wechat, "P20260501AAAAAA000002", amount=99)
    create("P20260501AAAAAA000003", amount=500)  # never paid: not on the bill
    provider().refund(payment_number="P20260501AAAAAA000001", refund_number="R20260501BBBBBB000001",
                      amount=234, total=1234)

    lines = provider().statement(day=day)

    refund = wechat.refunds["R20260501BBBBBB000001"]
    assert [(x.kind, x.payment_number, x.amount, x.fee, x.refund_number) for x in lines] == [
        ("payment", "P20260501AAAAAA000001", 1234, 7, ""),  # 12.34 × 0.6 % = 0.07404 yuan
        ("payment", "P20260501AAAAAA000002", 99, 1, ""),  # 0.00594 yuan, half up to 1 fen
        ("refund", "P20260501AAAAAA000001", 234, 1, "R20260501BBBBBB000001"),  # −0.01404 yuan
    ]
    assert lines[0].provider_trade_no == first.transaction_id and lines[1].provider_trade_no == second.transaction_id
    assert lines[2].provider_refund_no == refund.refund_id
    assert lines[0].at == first.success_time
    request = [s for s in wechat.seen if s.path == "/v3/bill/tradebill"][0]
    assert request.auth_ok
    assert all(s.auth_ok for s in wechat.seen if s.path == "/v3/billdownload/file")


def test_a_day_without_trades_has_an_empty_bill(wechat):
    assert provider().statement(day=dt.date(2020, 1, 1)) == []


def test_a_bill_whose_hash_does_not_match_is_refused(wechat, monkeypatch):
    trade = paid_trade(wechat, amount=1234)
    monkeypatch.setattr(wechat, "_bills", _TamperedBills())
    with pytest.raises(ProviderError, match="hash"):
        provider().statement(day=trade.success_time.date())


class _TamperedBills(dict):
    """The download answers another file than the one whose hash the bill request gave."""

    def __setitem__(self, key, value):
        import gzip

        super().__setitem__(key, gzip.compress(gzip.decompress(value).replace(b"`12.34", b"`12.43")))


def test_the_bill_parser_reads_columns_by_name_and_skips_failed_refunds():
    text = (
        "\ufeff交易时间,商户订单号,交易状态,微信订单号,应结订单金额,手续费,微信退款单号,商户退款单号,退款金额,退款状态\r\n"
        "`2026-05-01 10:00:00,`P1000001,`SUCCESS,`4200000001,`100.00,`0.60000,`0,`0,`0.00,`\r\n"
        "`2026-05-01 11:00:00,`P1000001,`REFUND,`4200000001,`0.00,`-0.06000,`5000001,`R1000001,`10.00,`SUCCESS\r\n"
        "`2026-05-01 12:00:00,`P1000001,`REFUND,`4200000001,`0.00,`0.00000,`5000002,`R1000002,`5.00,`FAIL\r\n"
        "总交易单数,应结订单总金额\r\n`3,`100.00\r\n")

    lines = parse_trade_bill(text)

    assert lines == [
        StatementLine(kind="payment", payment_number="P1000001", provider_trade_no="4200000001", amount=10000,
                      at=lines[0].at, fee=60),
        StatementLine(kind="refund", payment_number="P1000001", provider_trade_no="4200000001", amount=1000,
                      at=lines[1].at, refund_number="R1000001", provider_refund_no="5000001", fee=6),
    ]
    assert lines[0].at.isoformat() == "2026-05-01T10:00:00+08:00"


# ---------------------------------------------------------------- going live: the settings check


def check_ids() -> list[str]:
    from quanzi.payments.providers.wechat import check_settings

    return sorted(message.id for message in check_settings())


def test_the_settings_check_passes_a_configured_merchant(wechat, settings):
    assert check_ids() == []
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": "sandbox", "WECHATPAY": {}}
    assert check_ids() == []  # not enabled: nothing to check


@pytest.mark.parametrize("overrides, expected", [
    ({"MCHID": "", "APIV3_KEY": ""}, ["wechatpay.E002"]),
    ({"APIV3_KEY": "too-short"}, ["wechatpay.E003"]),
    ({"PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"}, ["wechatpay.E004"]),
    ({"VERIFY_WITH": "nothing"}, ["wechatpay.E005"]),
    ({"PUBLIC_KEY_ID": "PUB_KEY_ID_0116000000002024110100000000", "PUBLIC_KEY": ""}, ["wechatpay.E002"]),
])
def test_the_settings_check_names_what_a_merchant_got_wrong(wechat, settings, overrides, expected):
    settings.QUANZI = {**settings.QUANZI, "WECHATPAY": wechat.settings(**overrides)}
    assert check_ids() == expected


def test_the_settings_check_wants_a_shared_cache_for_the_nonce_store(wechat, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert check_ids() == ["wechatpay.E007"]  # every replayed nonce would look new

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.QUANZI = {**settings.QUANZI, "ENV": "prod"}
    assert check_ids() == ["wechatpay.E006", "wechatpay.W001"]  # and the double is plain http
