"""The wallet pages (/me/wallet/, a withdrawal's timeline) and the operator's admin decisions."""

from __future__ import annotations

import pytest
from django.test import Client

from quanzi.wallet import selectors
from quanzi.wallet.models import Withdrawal, WithdrawalSettings, WithdrawalStatus
from quanzi.wallet.tests.conftest import ALIPAY_OK, card_number

pytestmark = pytest.mark.django_db

FORM = {"amount": "50.00", "account_type": "alipay", "account_number": ALIPAY_OK, "account_name": "张三"}


def logged_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_wallet_page_needs_login(client):
    response = client.get("/me/wallet/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_wallet_page_shows_balances_rules_and_history(make_user, seed, request_withdrawal,
                                                      django_assert_max_num_queries):
    user = make_user()
    seed(user, 123_456)
    for _ in range(5):
        request_withdrawal(user, 1_000)
    client = logged_in(user)
    with django_assert_max_num_queries(12):
        response = client.get("/me/wallet/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "¥1184.56" in html  # 123,456 − 5 × 1,000 fen available
    assert "Minimum ¥10.00 per withdrawal." in html and "No fee." in html
    assert html.count('data-testid="withdrawal-item"') == 5 and "****8000" in html and ALIPAY_OK not in html


def test_withdraw_form_posts_and_redirects_to_the_timeline(make_user, seed, django_capture_on_commit_callbacks):
    user = make_user()
    seed(user, 20_000)
    client = logged_in(user, csrf=True)
    client.get("/me/wallet/")
    token = client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/me/wallet/withdraw/", {**FORM, "csrfmiddlewaretoken": token})
    w = Withdrawal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/me/wallet/withdrawals/{w.number}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "on its way" in page.content.decode()
    assert 'data-testid="withdrawal-status">Paid' in page.content.decode()
    assert selectors.balances(user_id=user.pk)["withdrawn"] == 5_000


def test_withdraw_form_refuses_without_csrf(make_user, seed):
    user = make_user()
    seed(user, 20_000)
    response = logged_in(user, csrf=True).post("/me/wallet/withdraw/", FORM)
    assert response.status_code == 403 and not Withdrawal.objects.exists()


@pytest.mark.parametrize(("form", "status", "text"), [
    ({**FORM, "amount": "5"}, 400, "The minimum withdrawal is ¥10.00."),
    ({**FORM, "amount": "1.234"}, 400, "Enter an amount in yuan"),
    ({**FORM, "amount": ""}, 400, "Enter an amount in yuan"),
    ({**FORM, "amount": "500"}, 422, "You can withdraw at most ¥200.00."),
    ({**FORM, "account_type": "bank", "account_number": "1234"}, 400, "valid bank card number"),
])
def test_withdraw_form_errors_show_on_the_form(make_user, seed, form, status, text):
    user = make_user()
    seed(user, 20_000)
    response = logged_in(user).post("/me/wallet/withdraw/", form)
    assert response.status_code == status
    html = response.content.decode()
    assert text in html and 'data-testid="form-error"' in html
    assert f'value="{form["account_number"]}"' in html  # what the user typed is kept
    assert not Withdrawal.objects.exists()


def test_bank_card_withdrawal_from_the_form(make_user, seed):
    user = make_user()
    seed(user, 200_000)
    card = card_number()
    response = logged_in(user).post("/me/wallet/withdraw/", {**FORM, "amount": "800", "account_type": "bank",
                                                             "account_number": card})
    w = Withdrawal.objects.get()
    assert response.status_code == 302 and w.status == WithdrawalStatus.REQUESTED and w.account_number == card


def test_another_users_withdrawal_page_is_404(make_user, seed, request_withdrawal):
    owner = make_user()
    seed(owner, 20_000)
    w = request_withdrawal(owner, 2_000)
    assert logged_in(owner).get(f"/me/wallet/withdrawals/{w.number}/").status_code == 200
    assert logged_in(make_user()).get(f"/me/wallet/withdrawals/{w.number}/").status_code == 404


def test_tampered_cursor_shows_the_first_page(make_user):
    assert logged_in(make_user()).get("/me/wallet/?cursor=%%%").status_code == 200


# ---------------------------------------------------------------- operator admin

def test_operator_approves_in_the_admin_with_a_note(make_user, seed, request_withdrawal,
                                                    django_capture_on_commit_callbacks):
    user, operator = make_user(), make_user(is_staff=True)
    seed(user, 100_000)
    w = request_withdrawal(user, 60_000)
    client = logged_in(operator)
    assert client.get(f"/admin/wallet/withdrawal/{w.pk}/change/").status_code == 200
    url = f"/admin/wallet/withdrawal/{w.pk}/decide/approve/"
    assert client.get(url).status_code == 200  # the note page; nothing decided yet
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"apply": "1", "note": "identity checked"})
    assert response.status_code == 302
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID
    event = w.events.get(to_status="approved")
    assert (event.actor, event.note) == (operator, "identity checked")


def test_operator_rejects_from_the_changelist_and_deciding_twice_shows_an_error(make_user, seed,
                                                                                request_withdrawal):
    user, operator = make_user(), make_user(is_staff=True)
    seed(user, 100_000)
    w = request_withdrawal(user, 60_000)
    client = logged_in(operator)
    response = client.post(f"/admin/wallet/withdrawal/{w.pk}/decide/reject/", {"apply": "1", "note": ""})
    assert response.status_code == 400  # a rejection needs a note
    client.post(f"/admin/wallet/withdrawal/{w.pk}/decide/reject/", {"apply": "1", "note": "name mismatch"})
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.REJECTED and w.events.get(to_status="rejected").actor == operator
    again = client.post("/admin/wallet/withdrawal/", {"action": "approve", "_selected_action": [w.pk],
                                                      "apply": "1", "note": "x"}, follow=True)
    assert "can no longer be changed" in again.content.decode()
    assert selectors.balances(user_id=user.pk)["available"] == 100_000


def test_admin_lists_and_settings_page(make_user, seed, request_withdrawal, django_assert_max_num_queries):
    operator = make_user(is_staff=True)
    for _ in range(3):
        user = make_user()
        seed(user, 10_000)
        request_withdrawal(user, 2_000)
    client = logged_in(operator)
    with django_assert_max_num_queries(15):
        assert client.get("/admin/wallet/withdrawal/").status_code == 200
    assert client.get("/admin/wallet/withdrawalevent/").status_code == 200
    assert client.get("/admin/wallet/withdrawalsettings/")["Location"].endswith("/add/")
    bad = client.post("/admin/wallet/withdrawalsettings/add/", {"min_amount": 0, "daily_limit": 100, "fee_bps": 20_000,
                                                                "fee_min": 0, "approval_threshold": 0})
    assert bad.status_code == 200 and not WithdrawalSettings.objects.exists()
    good = client.post("/admin/wallet/withdrawalsettings/add/", {"min_amount": 500, "daily_limit": 100_000,
                                                                 "fee_bps": 50, "fee_min": 100,
                                                                 "approval_threshold": 20_000})
    assert good.status_code == 302 and WithdrawalSettings.current().fee_bps == 50
    assert client.get("/admin/wallet/withdrawalsettings/")["Location"].endswith("/change/")


def test_admin_is_for_staff_only(make_user):
    response = logged_in(make_user()).get("/admin/wallet/withdrawal/")
    assert response.status_code == 302 and "/admin/login" in response["Location"]


def test_operator_can_ask_the_provider_again_now(make_user, seed, request_withdrawal):
    from quanzi.wallet.tests.conftest import ALIPAY_PENDING

    user, operator = make_user(), make_user(is_staff=True)
    seed(user, 10_000)
    w = request_withdrawal(user, 2_000, number=ALIPAY_PENDING)  # approved by the system, not sent yet
    client = logged_in(operator)
    url = f"/admin/wallet/withdrawal/{w.pk}/decide/send_now/"
    assert client.get(url).status_code == 200  # a confirmation page, never a change on GET
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.APPROVED
    client.post(url, {"apply": "1"})
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.APPROVED and w.submitted_at  # the sandbox said "pending"
    client.post(url, {"apply": "1"})
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.PAID
