"""The wallet API: balances, withdrawals with Idempotency-Key, lists and details, the error shape."""

from __future__ import annotations

import json

import pytest

from quanzi.wallet.models import Withdrawal
from quanzi.wallet.tests.conftest import ALIPAY_OK

pytestmark = pytest.mark.django_db

BODY = {"amount": 5_000, "account_type": "alipay", "account_number": ALIPAY_OK, "account_name": "张三"}


def post(client, body, **headers):
    return client.post("/api/v1/wallet/withdrawals", json.dumps(body), content_type="application/json", **headers)


def test_balances_need_login_and_show_the_limits(api, make_user, seed, expect_error):
    expect_error(api().get("/api/v1/wallet"), 401, "not_authenticated")
    user = make_user()
    seed(user, 7_000)
    body = api(user).get("/api/v1/wallet").json()
    assert body["available"] == 7_000 and body["pending"] == 0 and body["currency"] == "CNY"
    assert body["limits"]["min_amount"] == 1_000 and body["limits"]["remaining_today"] == 500_000


def test_withdraw_then_list_and_detail(api, make_user, seed, django_capture_on_commit_callbacks):
    user = make_user()
    seed(user, 20_000)
    client = api(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, BODY)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["amount"] == 5_000 and created["status"] == "approved"
    assert created["account"]["masked"] == "****8000" and ALIPAY_OK not in response.content.decode()
    page = client.get("/api/v1/wallet/withdrawals").json()
    assert [w["number"] for w in page["items"]] == [created["number"]] and page["next_cursor"] is None
    detail = client.get(f"/api/v1/wallet/withdrawals/{created['number']}").json()
    assert detail["status"] == "paid" and [e["status"] for e in detail["timeline"]] == ["requested", "approved", "paid"]
    assert client.get("/api/v1/wallet").json()["withdrawn"] == 5_000


def test_idempotency_key_replays_and_refuses_another_body(api, make_user, seed, expect_error):
    user = make_user()
    seed(user, 20_000)
    client = api(user)
    first = post(client, BODY, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, BODY, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true" and again.json()["number"] == first.json()["number"]
    assert Withdrawal.objects.count() == 1
    expect_error(post(client, {**BODY, "amount": 6_000}, HTTP_IDEMPOTENCY_KEY="k1"), 409, "idempotency_key_reused")


@pytest.mark.parametrize(("body", "status", "code"), [
    ({**BODY, "amount": 999}, 400, "withdrawal_below_minimum"),
    ({**BODY, "amount": 50_000}, 422, "insufficient_balance"),
    ({**BODY, "account_number": "abc"}, 400, "invalid_payout_account"),
    ({**BODY, "amount": "lots"}, 400, "validation_error"),
    ({**BODY, "amount": 10**30}, 400, "number_out_of_range"),  # refused before any field is read (web.input)
    ({"amount": 5_000}, 400, "validation_error"),
])
def test_bad_requests_get_the_error_shape_and_change_nothing(api, make_user, seed, expect_error, body, status, code):
    user = make_user()
    seed(user, 20_000)
    expect_error(post(api(user), body), status, code)
    assert not Withdrawal.objects.exists()


def test_malformed_json_is_a_400(api, make_user, expect_error):
    response = api(make_user()).post("/api/v1/wallet/withdrawals", "{nope", content_type="application/json")
    expect_error(response, 400)


def test_daily_limit_error(api, make_user, seed, wallet_settings, expect_error):
    wallet_settings(daily_limit=6_000)
    user = make_user()
    seed(user, 20_000)
    assert post(api(user), BODY).status_code == 201
    error = expect_error(post(api(user), BODY), 422, "daily_limit_exceeded")
    assert error["fields"] == {"amount": "remaining today 1000"}


def test_another_users_withdrawal_is_404(api, make_user, seed, request_withdrawal, expect_error):
    owner = make_user()
    seed(owner, 20_000)
    w = request_withdrawal(owner, 2_000)
    expect_error(api(make_user()).get(f"/api/v1/wallet/withdrawals/{w.number}"), 404, "withdrawal_not_found")
    expect_error(api(owner).get("/api/v1/wallet/withdrawals/" + "x" * 300), 404)


def test_withdrawing_is_rate_limited(api, make_user, seed, expect_error):
    user = make_user()
    seed(user, 10**7)
    client = api(user)
    for _ in range(10):
        post(client, {**BODY, "amount": 1_000})
    error = expect_error(post(client, {**BODY, "amount": 1_000}), 429, "rate_limited")
    assert int(error["fields"]["retry_after"]) >= 0


def test_list_is_cursor_paginated_without_n_plus_one(api, make_user, seed, request_withdrawal,
                                                     django_assert_max_num_queries, expect_error):
    user = make_user()
    seed(user, 100_000)
    for _ in range(7):
        request_withdrawal(user, 1_000)
    client = api(user)
    with django_assert_max_num_queries(4):  # token → user, page, (session-less) nothing else
        first = client.get("/api/v1/wallet/withdrawals?limit=5").json()
    second = client.get(f"/api/v1/wallet/withdrawals?limit=5&cursor={first['next_cursor']}").json()
    numbers = [w["number"] for w in first["items"] + second["items"]]
    assert len(numbers) == len(set(numbers)) == 7 and second["next_cursor"] is None
    expect_error(client.get("/api/v1/wallet/withdrawals?cursor=%%%"), 400, "validation_error")
