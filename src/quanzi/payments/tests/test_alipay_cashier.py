"""The cashier: the shopper picks how to pay among the providers QUANZI["PAYMENT_PROVIDERS"] enables
(支付宝, 微信支付, the sandbox), the methods that fit their device first; in zh-Hans and English; choosing
Alipay sends them to its signed page (the Alipay double checks it over HTTP).
"""

# ruff: noqa: F811 - the double's fixtures are imported from alipay_double and used as arguments

from __future__ import annotations

import pytest

from quanzi.payments.constants import PaymentStatus
from quanzi.payments.services import payment_close, payment_pay_url
from quanzi.payments.testing import payment_get, sandbox_pay
from quanzi.payments.tests.alipay_double import alipay, alipay_keys  # noqa: F401 - fixtures

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
IN_WECHAT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI"


@pytest.fixture
def every_provider(alipay, settings):
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": "alipay,wechat,sandbox"}
    return alipay


@pytest.fixture
def to_pay(place_order, sku):
    _orders, payment = place_order([(sku, 1)])
    return payment


@pytest.fixture
def shopper_client(client, shopper):
    client.force_login(shopper)
    return client


def page(client, payment, user_agent: str, language: str = "zh-hans"):
    response = client.get(f"/pay/{payment.number}/", headers={"User-Agent": user_agent, "Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode()


def offered(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('data-testid="pay-choice-')[1:]]


def test_with_several_providers_checkout_leads_to_the_cashier(every_provider, to_pay):
    assert payment_pay_url(payment=to_pay) == f"/pay/{to_pay.number}/"
    assert to_pay.provider == "" and to_pay.trade_number == ""  # nothing opened before the shopper chooses


def test_with_the_sandbox_alone_checkout_goes_straight_to_its_page(to_pay):
    assert payment_pay_url(payment=to_pay) == f"/sandbox/pay/{to_pay.number}/"


def test_a_desktop_in_chinese_is_offered_alipay_page_pay_wechat_native_and_the_sandbox(every_provider, to_pay,
                                                                                        shopper_client):
    html = page(shopper_client, to_pay, DESKTOP)

    assert offered(html) == ["alipay-page", "wechat-native", "sandbox-page"]
    assert "支付宝" in html and "微信支付" in html and "沙箱支付" in html and "支付方式" in html
    assert "用手机微信扫码付款" in html and "立即付款" in html
    assert 'name="choice" value="alipay:page" checked' in html  # the first that fits is preselected


def test_a_phone_in_english_is_offered_alipay_wap_and_wechat_h5(every_provider, to_pay, shopper_client):
    html = page(shopper_client, to_pay, PHONE, "en")

    assert offered(html) == ["alipay-wap", "wechat-h5", "sandbox-page"]
    assert "Alipay" in html and "WeChat Pay" in html and "Pay with" in html and "Pay now" in html
    assert "支付宝" not in html
    assert 'name="viewport"' in html and "payments/cashier.css" in html  # the mobile-first layout


def test_inside_wechat_only_wechat_jsapi_and_the_sandbox_are_offered(every_provider, to_pay, shopper_client):
    assert offered(page(shopper_client, to_pay, IN_WECHAT)) == ["wechat-jsapi", "sandbox-page"]


def test_inside_wechat_with_alipay_alone_every_method_is_offered_with_a_note(alipay, settings, to_pay, shopper_client):
    settings.QUANZI = {**settings.QUANZI, "PAYMENT_PROVIDERS": "alipay"}
    html = page(shopper_client, to_pay, IN_WECHAT)

    assert offered(html) == ["alipay-page", "alipay-wap"] and 'data-testid="cashier-none-fit"' in html


def test_choosing_alipay_sends_the_shopper_to_its_signed_page(every_provider, to_pay, shopper_client):
    response = shopper_client.post(f"/pay/{to_pay.number}/", {"choice": "alipay:wap"}, headers={"User-Agent": PHONE})

    assert response.status_code == 302 and response["Location"].startswith(every_provider.gateway + "?")
    trade = every_provider.open(response["Location"])  # the gateway accepts our signature
    assert trade.amount == to_pay.amount and trade.method == "alipay.trade.wap.pay"
    payment = payment_get(number=to_pay.number)
    assert (payment.provider, payment.method, payment.trade_number) == ("alipay", "wap", to_pay.number)
    html = page(shopper_client, to_pay, PHONE)
    assert "上次选择" in html  # back at the cashier, the choice made is shown and can be changed


def test_a_choice_not_offered_changes_nothing_and_says_so(every_provider, to_pay, shopper_client):
    response = shopper_client.post(f"/pay/{to_pay.number}/", {"choice": "paypal:page"}, follow=True,
                                 headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 200 and "请选择页面提供的支付方式之一。" in response.content.decode()
    assert payment_get(number=to_pay.number).provider == ""


def test_alipay_down_shows_a_message_not_an_error_page(every_provider, settings, to_pay, shopper_client):
    settings.QUANZI = {**settings.QUANZI, "ALIPAY": every_provider.settings(PRIVATE_KEY="not a key")}
    response = shopper_client.post(f"/pay/{to_pay.number}/", {"choice": "alipay:page"}, follow=True,
                                 headers={"Accept-Language": "zh-hans"})

    assert response.status_code == 200 and "支付服务暂无响应" in response.content.decode()
    assert payment_get(number=to_pay.number).provider == ""


def test_a_paid_payment_goes_on_to_the_order(to_pay, shopper_client):
    sandbox_pay(to_pay.number)
    response = shopper_client.get(f"/pay/{to_pay.number}/")

    assert payment_get(number=to_pay.number).status == PaymentStatus.PAID
    assert response.status_code == 302 and "/pay/" not in response["Location"]


def test_a_closed_payment_says_so_and_offers_nothing(every_provider, to_pay, shopper_client):
    payment_close(payment_number=to_pay.number)
    html = page(shopper_client, to_pay, DESKTOP)

    assert 'data-testid="cashier-closed"' in html and offered(html) == []


def test_the_cashier_is_the_shoppers_own(every_provider, to_pay, client, make_shopper):
    assert client.get(f"/pay/{to_pay.number}/").status_code == 302  # to the login
    client.force_login(make_shopper())
    assert client.get(f"/pay/{to_pay.number}/").status_code == 404
    assert client.post(f"/pay/{to_pay.number}/", {"choice": "alipay:page"}).status_code == 404
    assert payment_get(number=to_pay.number).provider == ""


def test_the_api_lists_the_choices_and_starts_alipay(every_provider, to_pay, api, shopper, expect_error):
    client = api(shopper)
    detail = client.get(f"/api/v1/payments/{to_pay.number}", headers={"User-Agent": PHONE}).json()
    fitting = [(c["provider"], c["method"]) for c in detail["choices"] if c["fits"]]
    assert fitting == [("alipay", "wap"), ("wechat", "h5"), ("sandbox", "page")] and detail["action"] is None

    started = client.post(f"/api/v1/payments/{to_pay.number}/start", {"provider": "alipay", "method": "page"},
                          content_type="application/json").json()
    assert started["provider"] == "alipay" and started["action"]["kind"] == "redirect"
    assert every_provider.open(started["action"]["url"]).amount == to_pay.amount

    refused = client.post(f"/api/v1/payments/{to_pay.number}/start", {"provider": "alipay", "method": "qr"},
                          content_type="application/json")
    expect_error(refused, 400, "payment_method_unavailable")
