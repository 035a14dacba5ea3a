"""The Alipay adapter over real HTTP against the local test double (tests/alipay_double.py).

Keys and certificates are generated for the session; the double checks our request signatures with its
own code (and, in certificate mode, the app_cert_sn / alipay_root_cert_sn it computes from the
certificates) and signs its answers and notifications like Alipay.
"""

# ruff: noqa: F811 - the double's fixtures are imported from alipay_double and used as arguments

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request

import pytest

from quanzi.payments.providers import BadNotification, Client, ProviderError, StatementLine
from quanzi.payments.providers.alipay import AlipayConfigError, AlipayProvider, cert_sn, config, root_cert_sn
from quanzi.payments.tests.alipay_double import APP_ID, SELLER_ID, alipay, alipay_cert, alipay_keys  # noqa: F401

NOTIFY = "https://shop.example.com/api/v1/payments/notify/alipay"
RETURN = "https://shop.example.com/pay/return/P20260501AAAAAA000001/"
NUMBER = "P20260501AAAAAA000001"


def create(method: str = "page", *, number: str = NUMBER, amount: int = 12345, subject: str = "2 件商品"):
    return AlipayProvider().create(payment_number=number, amount=amount, subject=subject, notify_url=NOTIFY,
                                   return_url=RETURN, method=method,
                                   expires_at=dt.datetime(2026, 5, 1, 4, 15, tzinfo=dt.UTC), client=Client())


def opened_at_the_gateway(double, url: str) -> int:
    """The shopper's browser GETs the signed pay URL from the double (which checks the signature)."""
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - the local double
        return answer.status


def paid_trade(double, number: str = NUMBER, amount: int = 12345):
    double.open(create(number=number, amount=amount).url)
    return double.pay(number)


# ---------------------------------------------------------------- paying


@pytest.mark.parametrize(("method", "api_method", "product_code"), [
    ("page", "alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY"), ("wap", "alipay.trade.wap.pay", "QUICK_WAP_WAY")])
def test_the_pay_url_is_signed_for_the_gateway_in_yuan_with_the_deadline(alipay, method, api_method, product_code):
    action = create(method)

    assert action.kind == "redirect" and action.url.startswith(alipay.gateway + "?")
    assert opened_at_the_gateway(alipay, action.url) == 200  # the double verified our RSA2 signature
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(action.url).query))
    biz = json.loads(params["biz_content"])
    assert params["method"] == api_method and params["app_id"] == APP_ID and params["sign_type"] == "RSA2"
    assert params["notify_url"] == NOTIFY and params["return_url"] == RETURN
    assert biz["total_amount"] == "123.45" and biz["out_trade_no"] == NUMBER and biz["product_code"] == product_code
    assert biz["time_expire"] == "2026-05-01 12:15:00"  # Asia/Shanghai
    assert ("quit_url" in biz) == (method == "wap")
    assert alipay.trades[NUMBER].amount == 12345


def test_a_pay_url_changed_after_signing_is_refused_by_the_gateway(alipay):
    action = create()
    tampered = action.url.replace("123.45", "0.01")

    with pytest.raises(urllib.error.HTTPError) as refused:
        opened_at_the_gateway(alipay, tampered)
    assert refused.value.code == 400 and b"invalid-signature" in refused.value.read()


def test_the_subject_loses_the_characters_alipay_refuses(alipay):
    biz = json.loads(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(create(subject="a/b=c&d\x00").url).query))
                     ["biz_content"])
    assert biz["subject"] == "a b c d"


def test_a_method_not_enabled_or_a_bad_amount_is_refused(alipay, settings):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": alipay.settings(METHODS="page")}
    with pytest.raises(ProviderError):
        create("wap")
    with pytest.raises(ProviderError):
        create("page", amount=0)
    assert AlipayProvider().methods == ("page",)


def test_certificate_mode_sends_the_serials_the_gateway_computes_from_the_certificates(alipay_cert, alipay_keys):
    action = create()

    assert opened_at_the_gateway(alipay_cert, action.url) == 200
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(action.url).query))
    assert params["app_cert_sn"] == cert_sn(alipay_keys.app_cert) == config().app_cert_sn
    assert params["alipay_root_cert_sn"] == alipay_cert.root_cert_sn  # the ECC root of the bundle left out
    assert "_" not in params["alipay_root_cert_sn"] and root_cert_sn([alipay_keys.root_cert]) == alipay_cert.root_cert_sn


def test_certificate_mode_refuses_an_app_certificate_of_another_key(alipay_cert, alipay_keys, settings):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": alipay_cert.settings(
        APP_CERT=alipay_keys.pem(alipay_keys.alipay_cert))}
    with pytest.raises(AlipayConfigError, match="APP_CERT"):
        config()


def test_certificate_mode_refuses_an_alipay_certificate_not_from_the_root(alipay_cert, alipay_keys, settings):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": alipay_cert.settings(
        ROOT_CERT=alipay_keys.pem(alipay_keys.ec_root_cert))}
    with pytest.raises(AlipayConfigError, match="root"):
        config()


def test_missing_settings_are_named(alipay, settings):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": {"GATEWAY": alipay.gateway}}
    problems = AlipayProvider().configuration_problems()
    assert len(problems) == 1
    assert "QUANZI_ALIPAY_APP_ID" in problems[0] and "QUANZI_ALIPAY_PRIVATE_KEY" in problems[0]


# ---------------------------------------------------------------- notifications (the adapter's verdict)


def verify(form: dict):
    return AlipayProvider().verify_notification(body=urllib.parse.urlencode(form).encode(), headers={}, form=form)


def test_a_genuine_notification_is_read_in_fen(alipay):
    paid_trade(alipay)
    note = verify(alipay.notification(NUMBER))
    assert (note.payment_number, note.amount, note.paid, note.kind) == (NUMBER, 12345, True, "payment")
    assert note.trade_no == alipay.trades[NUMBER].trade_no and note.payer == alipay.trades[NUMBER].buyer_id


def test_a_genuine_notification_verifies_in_certificate_mode(alipay_cert):
    paid_trade(alipay_cert)
    assert verify(alipay_cert.notification(NUMBER)).amount == 12345


@pytest.mark.parametrize(("change", "reason"), [
    ({"after_signing": {"total_amount": "0.01"}}, "bad signature"),
    ({"after_signing": {"sign": "bm90IGEgc2lnbmF0dXJl"}}, "bad signature"),
    ({"after_signing": {"sign": "%%%"}}, "bad signature"),
    ({"after_signing": {"sign": ""}}, "missing signature"),
    ({"after_signing": {"sign_type": "RSA"}}, "sign_type"),
    ({"stranger": True}, "bad signature"),
    ({"app_id": "2021999999999999"}, "wrong app_id"),
    ({"seller_id": "2088999999999999"}, "wrong seller_id"),
    ({"total_amount": "1e400"}, "malformed total_amount"),
    ({"total_amount": "12.345"}, "malformed total_amount"),
    ({"total_amount": "NaN"}, "malformed total_amount"),
    ({"out_trade_no": "../../etc"}, "malformed out_trade_no"),
    ({"out_trade_no": "P" * 65}, "malformed out_trade_no"),
])
def test_a_bad_notification_is_refused_with_its_reason(alipay, alipay_keys, change, reason):
    paid_trade(alipay)
    if change.pop("stranger", False):
        change["key"] = alipay_keys.stranger_key
    with pytest.raises(BadNotification, match=reason):
        verify(alipay.notification(NUMBER, **change))


def test_a_gbk_notification_is_read_from_the_body(alipay):
    paid_trade(alipay)
    form = alipay.notification(NUMBER, charset="gbk", subject="测试商品")
    body = urllib.parse.urlencode(form, encoding="gbk").encode()
    garbled = {k: v.encode("gbk").decode("latin-1") if k == "subject" else v for k, v in form.items()}

    note = AlipayProvider().verify_notification(body=body, headers={}, form=garbled)

    assert note.amount == 12345


def test_a_gbk_notification_with_too_many_fields_is_refused_not_a_crash(alipay):
    paid_trade(alipay)
    form = {**alipay.notification(NUMBER, charset="gbk"), **{f"x{i}": "1" for i in range(150)}}
    with pytest.raises(BadNotification, match="too many fields"):
        verify(form)


def test_a_notification_when_alipay_is_not_configured_is_refused(alipay, settings):
    paid_trade(alipay)
    form = alipay.notification(NUMBER)
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": {}}
    with pytest.raises(BadNotification, match="not configured"):
        verify(form)


def test_a_refund_notification_names_our_refund(alipay):
    paid_trade(alipay)
    note = verify(alipay.notification(NUMBER, out_biz_no="R20260501AAAA0001", refund_fee="10.00",
                                      gmt_refund="2026-05-01 12:30:00.123", trade_status="TRADE_SUCCESS"))
    assert (note.kind, note.refund_number, note.refund_ok, note.paid) == ("refund", "R20260501AAAA0001", True, False)


def test_the_answers_are_alipays_words():
    assert AlipayProvider().notification_answer(ok=True).body == "success"
    assert AlipayProvider().notification_answer(ok=False).body == "failure"


# ---------------------------------------------------------------- query, close


def test_query_reads_a_signed_answer_in_fen(alipay):
    trade = paid_trade(alipay)
    result = AlipayProvider().query(payment_number=NUMBER)
    assert (result.status, result.amount, result.trade_no) == ("paid", 12345, trade.trade_no)
    assert alipay.seen[-1].method == "alipay.trade.query" and alipay.seen[-1].biz == {"out_trade_no": NUMBER}


def test_query_in_certificate_mode(alipay_cert):
    paid_trade(alipay_cert)
    assert AlipayProvider().query(payment_number=NUMBER).status == "paid"


def test_query_of_a_trade_never_opened_is_unknown_not_an_error(alipay):
    assert AlipayProvider().query(payment_number="P20260501NEVER0000001").status == "unknown"


@pytest.mark.parametrize("failure", ["unsigned", "forged", "http502", "not_json", "error:20000:isp.unknow-error"])
def test_query_believes_nothing_unsigned_forged_or_failed(alipay, failure):
    paid_trade(alipay)
    alipay.fail_next(failure)
    with pytest.raises(ProviderError):
        AlipayProvider().query(payment_number=NUMBER)


def test_an_unreachable_gateway_is_a_provider_error(alipay, settings):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": alipay.settings(GATEWAY="http://127.0.0.1:9/gateway.do")}
    with pytest.raises(ProviderError, match="cannot be reached"):
        AlipayProvider().query(payment_number=NUMBER)


def test_our_signature_is_checked_by_the_gateway(alipay, alipay_keys, settings):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": alipay.settings(PRIVATE_KEY=alipay_keys.pem(alipay_keys.stranger_key))}
    with pytest.raises(ProviderError, match="invalid-signature"):
        AlipayProvider().query(payment_number=NUMBER)


def test_close_closes_an_unpaid_trade_and_ignores_one_never_opened(alipay):
    alipay.open(create().url)
    AlipayProvider().close(payment_number=NUMBER)
    AlipayProvider().close(payment_number="P20260501NEVER0000001")
    assert alipay.trades[NUMBER].status == "TRADE_CLOSED"
    assert AlipayProvider().query(payment_number=NUMBER).status == "closed"


def test_close_of_a_paid_trade_is_an_error(alipay):
    paid_trade(alipay)
    with pytest.raises(ProviderError, match="ACQ.TRADE_STATUS_ERROR"):
        AlipayProvider().close(payment_number=NUMBER)


# ---------------------------------------------------------------- refunds


def refund(number="R20260501AAAA0001", amount=2345, total=12345):
    return AlipayProvider().refund(payment_number=NUMBER, refund_number=number, amount=amount, total=total,
                                   reason="退货")


def test_a_refund_moves_money_once_per_refund_number(alipay):
    trade = paid_trade(alipay)
    first, again = refund(), refund()

    assert first.ok and not first.pending and first.provider_refund_no == trade.trade_no
    assert again.ok and again.pending  # fund_change N: nothing moved this time; refund_query says how it went
    assert trade.refunds == {"R20260501AAAA0001": 2345}
    assert alipay.seen[-1].biz["refund_amount"] == "23.45" and alipay.seen[-1].biz["refund_reason"] == "退货"


def test_a_refund_alipay_refuses_is_not_ok_with_its_reason(alipay):
    paid_trade(alipay)
    result = refund(amount=99999)
    assert not result.ok and "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL" in result.error


@pytest.mark.parametrize("failure", ["unsigned", "forged", "http502"])
def test_a_refund_answer_unsigned_forged_or_failed_is_not_ok(alipay, failure):
    paid_trade(alipay)
    alipay.fail_next(failure)
    assert not refund().ok


def test_refund_query_confirms_a_refund_alipay_made(alipay):
    paid_trade(alipay)
    refund()
    result = AlipayProvider().refund_query(payment_number=NUMBER, refund_number="R20260501AAAA0001")
    assert result.ok and not result.pending
    assert alipay.seen[-1].method == "alipay.trade.fastpay.refund.query"


def test_refund_query_of_an_unknown_refund_or_an_error_is_not_ok(alipay):
    paid_trade(alipay)
    assert not AlipayProvider().refund_query(payment_number=NUMBER, refund_number="R20260501NONE00001").ok
    refund()
    alipay.fail_next("error:40004:ACQ.SYSTEM_ERROR")
    assert "ACQ.SYSTEM_ERROR" in AlipayProvider().refund_query(payment_number=NUMBER,
                                                               refund_number="R20260501AAAA0001").error
    alipay.fail_next("unsigned")
    assert not AlipayProvider().refund_query(payment_number=NUMBER, refund_number="R20260501AAAA0001").ok


# ---------------------------------------------------------------- the bill


DAY = dt.date(2026, 5, 1)


def test_the_bill_is_downloaded_unzipped_and_read_in_fen(alipay):
    alipay.add_bill(DAY, [("交易", NUMBER, "2026050122001", 12345, 74, ""),
                          ("退款", NUMBER, "2026050122001", -2345, 0, "R20260501AAAA0001"),
                          ("转账", "X1", "2026050122009", 100, 0, "")])

    lines = AlipayProvider().statement(day=DAY)

    assert [(line.kind, line.payment_number, line.amount, line.fee, line.refund_number) for line in lines] == [
        ("payment", NUMBER, 12345, 74, ""), ("refund", NUMBER, 2345, 0, "R20260501AAAA0001")]
    assert isinstance(lines[0], StatementLine) and lines[0].provider_trade_no == "2026050122001"
    assert lines[0].at == dt.datetime(2026, 5, 1, 2, 0, 5, tzinfo=dt.UTC)
    assert alipay.seen[-1].biz == {"bill_type": "trade", "bill_date": "2026-05-01"}


def test_a_day_without_a_bill_has_no_lines(alipay):
    assert AlipayProvider().statement(day=DAY) == []


def test_a_bill_that_is_not_a_zip_is_a_provider_error(alipay):
    alipay.add_bill(DAY, [], raw=b"<html>oops</html>")
    with pytest.raises(ProviderError, match="not a zip"):
        AlipayProvider().statement(day=DAY)
