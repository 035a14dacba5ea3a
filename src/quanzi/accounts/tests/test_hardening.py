"""Issue 12's account defects, each as a class: login throttling behind the proxy and across spellings of
a login, bearer tokens that expire, rotate, are revoked on logout and password change, are capped and
listed; password validators; registration that reveals no account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from quanzi.accounts import services
from quanzi.accounts.models import ApiToken, User
from quanzi.accounts.testing import api_tokens

pytestmark = pytest.mark.django_db

JSON = "application/json"
PASSWORD = "Qz-tea-garden-2024"
PROXY = "10.0.0.5"


def login(client: Client, identifier: str, password: str, **extra):
    return client.post("/api/v1/accounts/token", {"identifier": identifier, "password": password},
                       content_type=JSON, **extra)


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def behind_proxy(settings):
    settings.QUANZI = {**settings.QUANZI, "TRUSTED_PROXIES": [PROXY, "10.1.0.0/16"],
                       "CLIENT_IP_HEADER": "X-Forwarded-For"}


def via_proxy(client_address: str) -> Client:
    """A browser at `client_address`, as nginx forwards it (`$proxy_add_x_forwarded_for`)."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


# ---------------------------------------------------------------- throttling behind the proxy

def test_behind_the_proxy_one_attacker_does_not_lock_out_everyone(behind_proxy, make_user, settings, expect_error):
    victim = make_user(phone="13700000001", password=PASSWORD)
    attempts = settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"] * 4
    attacker = via_proxy("198.51.100.7")

    statuses = [login(attacker, f"137{i:08d}", "guess-guess").status_code for i in range(10, 10 + attempts + 1)]

    assert statuses[-1] == 429  # the attacker's own address is locked …
    ok = login(via_proxy("203.0.113.20"), victim.phone, PASSWORD)
    assert ok.status_code == 200, ok.content  # … and everyone else behind the same proxy still logs in


def test_a_forged_header_from_an_untrusted_peer_is_ignored(behind_proxy, settings):
    attempts = settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"] * 4
    statuses = []
    for i in range(attempts + 1):  # a new made-up address every time, sent straight to the app
        client = Client(REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        statuses.append(login(client, f"137{i:08d}", "guess-guess").status_code)

    assert statuses[-1] == 429  # counted against the real peer, whatever the header says


def test_the_web_login_form_uses_the_real_client_address_too(behind_proxy, make_user, settings):
    make_user(phone="13700000001", password=PASSWORD)
    attacker = via_proxy("198.51.100.7")
    for i in range(settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"] * 4):
        attacker.post("/login/", {"identifier": f"137{i + 10:08d}", "password": "guess-guess"})

    assert attacker.post("/login/", {"identifier": "13700000001", "password": PASSWORD}).status_code == 429
    assert via_proxy("203.0.113.20").post("/login/", {"identifier": "13700000001", "password": PASSWORD}
                                          ).status_code == 302


# ---------------------------------------------------------------- one count per account, whatever the spelling

VARIANTS = [" 13700000001", "\t13700000001", "13700000001 ", "137 0000 0001", "+86 137-0000-0001",
            "１３７０００００００１", "\u200b13700000001", "008613700000001"]


def test_spelling_variants_of_a_phone_share_one_lockout(make_user, settings, expect_error):
    make_user(phone="13700000001", password=PASSWORD)
    limit = settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"]

    for i in range(limit):  # each failure under another spelling, from other addresses
        login(Client(REMOTE_ADDR=f"192.0.2.{i}"), VARIANTS[i % len(VARIANTS)], "wrong-guess")

    for variant in ["13700000001", *VARIANTS]:
        expect_error(login(Client(REMOTE_ADDR="192.0.2.200"), variant, PASSWORD), 429, "login_throttled")


def test_email_case_and_whitespace_variants_share_one_lockout(make_user, settings, expect_error):
    make_user(email="amy@example.com", password=PASSWORD)
    spellings = ["amy@example.com", " AMY@example.com", "Amy@Example.COM\t", "ａｍｙ@example.com", "amy@EXAMPLE.com"]
    for i in range(settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"]):
        login(Client(REMOTE_ADDR=f"192.0.2.{i}"), spellings[i % len(spellings)], "wrong-guess")

    for spelling in spellings:
        expect_error(login(Client(REMOTE_ADDR="192.0.2.200"), spelling, PASSWORD), 429, "login_throttled")


def test_every_spelling_logs_in_to_the_same_account(make_user):
    user = make_user(phone="13700000001", email="amy@example.com", password=PASSWORD)

    for spelling in [*VARIANTS, " AMY@Example.com\t"]:
        response = login(Client(), spelling, PASSWORD)
        assert response.status_code == 200, (spelling, response.content)
        assert response.json()["user"]["uid"] == user.uid


def test_an_operator_logs_in_by_uid_or_e_mail_in_any_case(client):
    operator = User.objects.create_superuser(uid="OpsAdmin", password=PASSWORD)  # as `createsuperuser` does
    assert operator.uid == operator.uid.lower()  # generated uids are lower case: the canonical form matches

    assert login(Client(), f" {operator.uid.upper()}", PASSWORD).json()["user"]["uid"] == operator.uid
    assert login(Client(), "opsadmin@QUANZI.local", PASSWORD).json()["user"]["uid"] == operator.uid
    assert client.post("/admin/login/", {"username": "OpsAdmin@quanzi.local", "password": PASSWORD}
                       ).status_code == 302
    assert int(client.session["_auth_user_id"]) == operator.pk


def test_canonical_identifier():
    assert services.canonical_identifier("\t+86 138-0013-8000 ") == "13800138000"
    assert services.canonical_identifier("Ｔea@Example.COM") == "tea@example.com"
    assert services.canonical_identifier("u1A2B") == "u1a2b"
    assert services.canonical_identifier(None) == ""


# ---------------------------------------------------------------- bearer tokens

def test_a_token_expires(make_user, settings, expect_error):
    make_user(phone="13700000001", password=PASSWORD)
    body = login(Client(), "13700000001", PASSWORD).json()
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    ttl = settings.QUANZI["API_TOKEN_TTL_SECONDS"]
    assert abs((expires - timezone.now()).total_seconds() - ttl) < 60

    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    expect_error(bearer(body["token"]).get("/api/v1/accounts/me"), 401)


def test_refresh_rotates_the_token(make_user, expect_error):
    make_user(phone="13700000001", password=PASSWORD)
    old = login(Client(), "13700000001", PASSWORD).json()["token"]

    refreshed = bearer(old).post("/api/v1/accounts/token/refresh")

    assert refreshed.status_code == 200, refreshed.content
    new = refreshed.json()["token"]
    assert new != old
    assert bearer(new).get("/api/v1/accounts/me").status_code == 200
    expect_error(bearer(old).get("/api/v1/accounts/me"), 401)
    expect_error(bearer(old).post("/api/v1/accounts/token/refresh"), 401)  # a used one cannot be refreshed again


def test_logout_revokes_the_bearer_token(make_user, expect_error):
    make_user(phone="13700000001", password=PASSWORD)
    first = login(Client(), "13700000001", PASSWORD).json()["token"]
    second = login(Client(), "13700000001", PASSWORD).json()["token"]

    assert bearer(first).delete("/api/v1/accounts/token").status_code == 200
    assert bearer(second).delete("/api/v1/accounts/session").status_code == 200

    expect_error(bearer(first).get("/api/v1/accounts/me"), 401)
    expect_error(bearer(second).get("/api/v1/accounts/me"), 401)


def test_a_password_change_revokes_every_token_and_other_sessions(make_user, expect_error):
    user = make_user(phone="13700000001", password=PASSWORD)
    tokens = [login(Client(), "13700000001", PASSWORD).json()["token"] for _ in range(3)]
    user.refresh_from_db()  # the first login re-hashed the test's md5 password with Argon2
    browser = Client()
    browser.force_login(user)
    assert browser.get("/api/v1/accounts/me").status_code == 200

    changed = bearer(tokens[0]).post("/api/v1/accounts/me/password",
                                     {"old_password": PASSWORD, "new_password": "Another-good-one-42"},
                                     content_type=JSON)

    assert changed.status_code == 200, changed.content
    for token in tokens:
        expect_error(bearer(token).get("/api/v1/accounts/me"), 401)
    expect_error(browser.get("/api/v1/accounts/me"), 401)  # the other session ended
    fresh = changed.json()["token"]  # the client that changed it carries on with a new token
    assert bearer(fresh).get("/api/v1/accounts/me").status_code == 200
    assert [t.hint for t in api_tokens(user=user)] == [fresh[:8]]


def test_a_web_password_change_keeps_this_session_and_revokes_tokens(make_user, expect_error):
    user = make_user(phone="13700000001", password=PASSWORD)
    token = login(Client(), "13700000001", PASSWORD).json()["token"]
    user.refresh_from_db()  # the login re-hashed the test's md5 password with Argon2
    other_browser, browser = Client(), Client()
    other_browser.force_login(user)
    browser.force_login(user)

    browser.post("/me/password/", {"old_password": PASSWORD, "new_password": "Another-good-one-42"})

    assert browser.get("/me/").status_code == 200
    assert other_browser.get("/me/").status_code == 302  # sent to the login page
    expect_error(bearer(token).get("/api/v1/accounts/me"), 401)


def test_live_tokens_are_capped_per_user(make_user, settings):
    user = make_user(phone="13700000001", password=PASSWORD)
    cap = settings.QUANZI["API_TOKEN_MAX_PER_USER"]
    keys = [login(Client(), "13700000001", PASSWORD).json()["token"] for _ in range(cap + 3)]

    assert len(api_tokens(user=user)) == cap
    assert bearer(keys[0]).get("/api/v1/accounts/me").status_code == 401  # the oldest went first
    assert bearer(keys[-1]).get("/api/v1/accounts/me").status_code == 200


def test_the_token_list_shows_no_secret_and_revokes_one(make_user, expect_error):
    user = make_user(phone="13700000001", password=PASSWORD)
    other = make_user()
    a = login(Client(), "13700000001", PASSWORD).json()["token"]
    b = login(Client(), "13700000001", PASSWORD).json()["token"]
    foreign = services.api_token_issue(user=other, name="x").token

    listed = bearer(a).get("/api/v1/accounts/tokens")

    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [i["hint"] for i in items] == [b[:8], a[:8]]
    assert [i["current"] for i in items] == [False, True]
    assert a not in listed.content.decode() and b not in listed.content.decode()
    assert "key_hash" not in items[0]
    expect_error(bearer(a).delete(f"/api/v1/accounts/tokens/{foreign.pk}"), 404)  # another user's: not found
    assert bearer(a).delete(f"/api/v1/accounts/tokens/{items[0]['id']}").status_code == 200
    expect_error(bearer(b).get("/api/v1/accounts/me"), 401)
    assert len(api_tokens(user=user)) == 1 and len(api_tokens(user=other)) == 1


def test_log_out_everywhere_else_keeps_the_caller(make_user, expect_error):
    user = make_user(phone="13700000001", password=PASSWORD)
    keep, drop = (login(Client(), "13700000001", PASSWORD).json()["token"] for _ in range(2))
    user.refresh_from_db()  # the first login re-hashed the test's md5 password with Argon2
    browser = Client()
    browser.force_login(user)

    response = bearer(keep).delete("/api/v1/accounts/tokens")

    assert response.json() == {"revoked": 1}
    assert bearer(keep).get("/api/v1/accounts/me").status_code == 200
    expect_error(bearer(drop).get("/api/v1/accounts/me"), 401)
    expect_error(browser.get("/api/v1/accounts/me"), 401)


def test_the_security_page_lists_and_revokes_tokens_and_other_sessions(make_user):
    user = make_user(phone="13700000001", password=PASSWORD)
    token = login(Client(), "13700000001", PASSWORD).json()["token"]
    user.refresh_from_db()  # the login re-hashed the test's md5 password with Argon2
    browser, other = Client(), Client()
    browser.force_login(user)
    other.force_login(user)

    page = browser.get("/me/security/").content.decode()
    assert page.count('data-testid="token-row"') == 1 and token[:8] in page and token not in page
    assert 'data-testid="me-security"' in browser.get("/me/").content.decode()
    token_id = api_tokens(user=user)[0].pk
    browser.post("/me/security/", {"action": "revoke", "token_id": str(token_id)})
    assert bearer(token).get("/api/v1/accounts/me").status_code == 401
    assert browser.post("/me/security/", {"action": "revoke", "token_id": "9" * 40}).status_code == 302  # no 500

    browser.post("/me/security/", {"action": "logout_others"})

    assert browser.get("/me/").status_code == 200
    assert other.get("/me/").status_code == 302


def test_the_security_page_needs_a_login(client):
    assert client.get("/me/security/").status_code == 302


def test_expired_tokens_are_swept():
    from quanzi.accounts.tasks import accounts_expired_tokens
    from quanzi.accounts.testing import make_user

    user = make_user()
    live = services.api_token_issue(user=user).token
    dead = services.api_token_issue(user=user).token
    ApiToken.objects.filter(pk=dead.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))

    assert accounts_expired_tokens() == 1
    assert [t.pk for t in api_tokens(user=user)] == [live.pk]


# ---------------------------------------------------------------- passwords

BAD_PASSWORDS = {"only spaces": " " * 12, "only a tab and spaces": "\t" * 3 + " " * 9,
                 "zero-width": "\u200b" * 12, "100 000 characters": "Ab1!" * 25_000, "lone surrogate": "Abc\ud800defgh1"}


@pytest.mark.parametrize("name", sorted(BAD_PASSWORDS))
def test_bad_passwords_are_refused_at_registration(name, expect_error):
    response = Client().post("/api/v1/accounts/register", {"identifier": "13912345678",
                                                           "password": BAD_PASSWORDS[name]}, content_type=JSON)

    error = expect_error(response, 400)
    assert "password" in error["fields"] or error["code"] != "validation_error"
    assert not User.objects.exists()


@pytest.mark.parametrize("name", ["only spaces", "100 000 characters", "zero-width"])
def test_bad_passwords_are_refused_on_change_api_and_form(name, make_user, api, expect_error):
    user = make_user(password=PASSWORD)
    new = BAD_PASSWORDS[name]

    error = expect_error(api(user).post("/api/v1/accounts/me/password", {"old_password": PASSWORD,
                                                                          "new_password": new}, content_type=JSON), 400)
    assert "new_password" in error["fields"]
    browser = Client()
    browser.force_login(user)
    page = browser.post("/me/password/", {"old_password": PASSWORD, "new_password": new}).content.decode()
    assert 'data-testid="form-error"' in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_register_form_refuses_a_whitespace_password(client):
    page = client.post("/register/", {"identifier": "13912345678", "password": " " * 12}).content.decode()

    assert "only spaces" in page
    assert not User.objects.exists()


def test_a_long_passphrase_within_the_limit_is_fine(expect_error):
    ok = Client().post("/api/v1/accounts/register", {"identifier": "13912345678",
                                                     "password": "correct horse battery staple " * 4},
                       content_type=JSON)
    too_long = Client().post("/api/v1/accounts/register", {"identifier": "13912345679", "password": "x7!" * 43},
                             content_type=JSON)

    assert ok.status_code == 201
    assert "at most 128" in expect_error(too_long, 400)["fields"]["password"]


def test_logging_in_with_unusable_passwords_is_a_401_not_a_500(make_user, expect_error):
    make_user(phone="13700000001", password=PASSWORD)

    # A lone surrogate may be refused by the JSON input layer (400) before the login sees it; the others
    # are wrong passwords (401).
    for password, statuses in (("Abc\ud800", (400, 401)), ("x" * 100_000, (401,)), ("", (401,))):
        response = login(Client(), "13700000001", password)
        assert response.status_code in statuses, (password[:10], response.status_code)
        expect_error(response, response.status_code)


# ---------------------------------------------------------------- registration reveals nothing

def test_registration_answers_alike_for_existing_and_refused(make_user, expect_error, settings):
    user = make_user(phone="13700000001", password=PASSWORD)

    wrong = Client().post("/api/v1/accounts/register", {"identifier": "13700000001", "password": "Brand-new-pass-1"},
                          content_type=JSON)
    error = expect_error(wrong, 400, "registration_refused")
    assert "exist" not in error["message"] and "13700000001" not in wrong.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)  # nothing about the account changed

    right = Client().post("/api/v1/accounts/register", {"identifier": " 137-0000-0001", "password": PASSWORD},
                          content_type=JSON)
    assert right.status_code == 201 and right.json()["user"]["uid"] == user.uid  # the owner is simply signed in
    assert User.objects.count() == 1


def test_registration_cannot_be_used_to_guess_passwords(make_user, settings, expect_error):
    make_user(phone="13700000001", password=PASSWORD)
    for i in range(settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"]):
        Client(REMOTE_ADDR=f"192.0.2.{i}").post("/api/v1/accounts/register",
                                                {"identifier": "13700000001", "password": f"Guess-number-{i}x"},
                                                content_type=JSON)

    right = Client(REMOTE_ADDR="192.0.2.99").post("/api/v1/accounts/register",
                                                  {"identifier": "13700000001", "password": PASSWORD},
                                                  content_type=JSON)
    expect_error(right, 429, "login_throttled")


def test_registrations_are_rate_limited_per_client_address(settings, expect_error):
    settings.QUANZI = {**settings.QUANZI, "REGISTER_ATTEMPTS_PER_HOUR": 3}
    client = Client(REMOTE_ADDR="198.51.100.9")
    statuses = [client.post("/api/v1/accounts/register", {"identifier": f"1390000000{i}", "password": PASSWORD},
                            content_type=JSON).status_code for i in range(4)]

    assert statuses == [201, 201, 201, 429]
    assert Client(REMOTE_ADDR="198.51.100.10").post("/api/v1/accounts/register", {
        "identifier": "13900000009", "password": PASSWORD}, content_type=JSON).status_code == 201


def test_the_register_form_signs_in_the_owner_of_an_existing_account(client, make_user):
    user = make_user(email="amy@example.com", nickname="Amy", password=PASSWORD)

    page = client.post("/register/", {"identifier": "AMY@example.com", "password": PASSWORD}, follow=True)

    assert "Welcome back, Amy!" in page.content.decode()
    assert int(client.session["_auth_user_id"]) == user.pk
