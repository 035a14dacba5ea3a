"""Accounts over HTTP: registration hashes with Argon2, login is throttled, the owner sees their
own phone number, password changes need the old password, and cookie sessions need CSRF."""

import json

import pytest
from django.test import Client

from quanzi.accounts.models import Address, ApiToken, User

pytestmark = pytest.mark.django_db

JSON = "application/json"
PASSWORD = "Qz-tea-garden-2024"


def register(identifier="13912345678", password=PASSWORD, **extra):
    return Client().post("/api/v1/accounts/register", {"identifier": identifier, "password": password, **extra},
                         content_type=JSON)


def bearer(token: str, **kwargs) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)


# ---------------------------------------------------------------- registration

def test_register_with_a_phone_gives_201_and_a_working_token():
    response = register(nickname="茶友")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["token"].startswith("qz_")
    assert body["user"]["phone"] == "13912345678"
    me = bearer(body["token"]).get("/api/v1/accounts/me")
    assert me.status_code == 200
    assert me.json()["uid"] == body["user"]["uid"]
    assert me.json()["nickname"] == "茶友"


def test_register_with_an_email():
    response = register("Tea@Example.com")

    assert response.status_code == 201
    assert response.json()["user"]["email"] == "tea@example.com"
    assert response.json()["user"]["phone"] is None


def test_registration_stores_an_argon2_hash_and_only_a_token_hash():
    body = register().json()

    user = User.objects.get(phone="13912345678")
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    token = ApiToken.objects.get(user=user)
    assert token.key_hash != body["token"]
    assert body["token"] not in token.key_hash


def test_registering_an_existing_phone_never_says_it_exists(expect_error):
    first = register().json()

    # With the account's own password: signed in, answered exactly like a new registration.
    again = register("+86 139-1234-5678")
    assert again.status_code == 201
    assert again.json()["user"]["uid"] == first["user"]["uid"] and set(again.json()) == set(first)
    # With another password: the one generic refusal, which names no account.
    error = expect_error(register(password="Another-strong-one-88"), 400, "registration_refused")
    assert "exist" not in error["message"].lower() and "taken" not in str(error["fields"])
    assert User.objects.count() == 1


@pytest.mark.parametrize("identifier", ["12345", "not-an-email@", "2391234567x", ""])
def test_register_with_a_bad_identifier_is_400(expect_error, identifier):
    error = expect_error(register(identifier), 400)

    assert "identifier" in error["fields"]


@pytest.mark.parametrize("password", ["short", "12345678901", "password"])
def test_register_with_a_weak_password_is_400(expect_error, password):
    error = expect_error(register(password=password), 400, "validation_error")

    assert "password" in error["fields"]
    assert not User.objects.exists()


# ---------------------------------------------------------------- login and throttling

def test_token_login_with_phone_or_email(make_user):
    make_user(phone="13700000001", email="a@b.cn", password=PASSWORD)

    for identifier in ("13700000001", "a@b.cn"):
        response = Client().post("/api/v1/accounts/token", {"identifier": identifier, "password": PASSWORD},
                                 content_type=JSON)
        assert response.status_code == 200, response.content
        assert bearer(response.json()["token"]).get("/api/v1/accounts/me").status_code == 200


def test_a_wrong_password_is_401_and_does_not_say_which_part_was_wrong(make_user, expect_error):
    make_user(phone="13700000001", password=PASSWORD)

    wrong_password = Client().post("/api/v1/accounts/token", {"identifier": "13700000001", "password": "nope-nope"},
                                   content_type=JSON)
    unknown_user = Client().post("/api/v1/accounts/token", {"identifier": "13700000002", "password": "nope-nope"},
                                 content_type=JSON)

    assert expect_error(wrong_password, 401, "invalid_credentials") == \
        expect_error(unknown_user, 401, "invalid_credentials")


def test_login_is_throttled_after_too_many_failures(make_user, settings, expect_error):
    make_user(phone="13700000001", password=PASSWORD)
    limit = settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"]
    client = Client()

    for _ in range(limit):
        expect_error(client.post("/api/v1/accounts/token", {"identifier": "13700000001", "password": "wrong-guess"},
                                 content_type=JSON), 401, "invalid_credentials")
    throttled = client.post("/api/v1/accounts/token", {"identifier": "13700000001", "password": PASSWORD},
                            content_type=JSON)

    expect_error(throttled, 429, "login_throttled")
    session = client.post("/api/v1/accounts/session", {"identifier": "13700000001", "password": PASSWORD},
                          content_type=JSON)
    expect_error(session, 429, "login_throttled")


def test_throttling_by_ip_covers_many_identifiers(make_user, settings, expect_error):
    limit = settings.QUANZI["LOGIN_THROTTLE_ATTEMPTS"]
    client = Client(REMOTE_ADDR="10.9.8.7")

    statuses = [client.post("/api/v1/accounts/token", {"identifier": f"137{i:08d}", "password": "guess-guess"},
                            content_type=JSON).status_code for i in range(limit * 4 + 1)]

    assert statuses[-1] == 429
    assert set(statuses[:-1]) <= {401, 429}


# ---------------------------------------------------------------- me, phone masking, password

def test_the_owner_sees_their_full_phone_and_others_see_it_masked():
    token = register().json()["token"]  # no nickname: the display name falls back to the phone
    user = User.objects.get(phone="13912345678")

    me = bearer(token).get("/api/v1/accounts/me").json()

    assert me["phone"] == "13912345678"
    assert me["nickname"] == f"User {user.uid[-6:]}"  # the display name others see has no part of the phone
    assert "5678" not in me["nickname"] and "139" not in me["nickname"]
    assert user.masked_phone == "139****5678"  # for the owner's pages and staff only


def test_a_merchant_does_not_see_the_shoppers_account_phone(api, make_user, make_shopper, shop, sku, place_order):
    shopper = make_shopper(phone="13912345678")
    orders, _payment = place_order([(sku, 1)], user=shopper, addr=shopper.addresses.get(), pay=True)

    body = api(shop.owner).get(f"/api/v1/merchant/orders/{orders[0].number}").content.decode()

    assert "13912345678" not in body
    assert "13800138000" in body  # the delivery address's own phone, which the merchant needs to ship


def test_password_change_requires_the_old_password(api, make_user, expect_error):
    user = make_user(phone="13700000001", password=PASSWORD)
    client = api(user)

    error = expect_error(client.post("/api/v1/accounts/me/password",
                                     {"old_password": "not-it-at-all", "new_password": "Another-good-one-42"},
                                     content_type=JSON), 400)
    assert "old_password" in error["fields"]
    weak = expect_error(client.post("/api/v1/accounts/me/password",
                                    {"old_password": PASSWORD, "new_password": "123"}, content_type=JSON), 400)
    assert "new_password" in weak["fields"]

    ok = client.post("/api/v1/accounts/me/password",
                     {"old_password": PASSWORD, "new_password": "Another-good-one-42"}, content_type=JSON)
    assert ok.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Another-good-one-42")
    assert user.password.startswith("argon2")
    old = Client().post("/api/v1/accounts/token", {"identifier": "13700000001", "password": PASSWORD},
                        content_type=JSON)
    assert old.status_code == 401


def test_password_change_without_login_is_401(expect_error):
    expect_error(Client().post("/api/v1/accounts/me/password", {"old_password": "a", "new_password": "b"},
                               content_type=JSON), 401)


# ---------------------------------------------------------------- addresses

ADDRESS = {"recipient": "王五", "phone": "13600000000", "province": "浙江", "city": "杭州", "district": "西湖区",
           "detail": "文三路 100 号"}


def test_address_crud(api, make_user):
    client = api(make_user())

    first = client.post("/api/v1/accounts/addresses", ADDRESS, content_type=JSON)
    second = client.post("/api/v1/accounts/addresses", {**ADDRESS, "recipient": "赵六"}, content_type=JSON)
    assert first.status_code == second.status_code == 201
    assert first.json()["is_default"] is True
    assert second.json()["is_default"] is False

    assert client.post(f"/api/v1/accounts/addresses/{second.json()['id']}/default", {},
                       content_type=JSON).status_code == 200
    listed = client.get("/api/v1/accounts/addresses").json()
    assert [a["recipient"] for a in listed if a["is_default"]] == ["赵六"]

    updated = client.put(f"/api/v1/accounts/addresses/{first.json()['id']}", {**ADDRESS, "detail": "新地址"},
                         content_type=JSON)
    assert updated.json()["detail"] == "新地址"
    assert client.delete(f"/api/v1/accounts/addresses/{first.json()['id']}").status_code == 200
    assert len(client.get("/api/v1/accounts/addresses").json()) == 1


@pytest.mark.parametrize("patch,field", [({"phone": "12345"}, "phone"), ({"recipient": ""}, "recipient"),
                                         ({"detail": "x" * 201}, "detail")])
def test_invalid_address_is_400_with_fields(api, make_user, expect_error, patch, field):
    error = expect_error(api(make_user()).post("/api/v1/accounts/addresses", {**ADDRESS, **patch},
                                               content_type=JSON), 400)

    assert field in error["fields"]
    assert not Address.objects.exists()


def test_address_html_is_stored_raw_and_returned_as_data(api, make_user):
    client = api(make_user())

    created = client.post("/api/v1/accounts/addresses", {**ADDRESS, "detail": "<script>alert(1)</script>"},
                          content_type=JSON)

    assert created.json()["detail"] == "<script>alert(1)</script>"
    assert created["Content-Type"].startswith("application/json")


# ---------------------------------------------------------------- cookie session + CSRF

def session_client(make_user) -> Client:
    make_user(phone="13700000009", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/v1/accounts/csrf").json()["csrf_token"]
    response = client.post("/api/v1/accounts/session", {"identifier": "13700000009", "password": PASSWORD},
                           content_type=JSON, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert "sessionid" in client.cookies
    return client


def test_session_login_then_reads_work_without_a_token(make_user):
    client = session_client(make_user)

    me = client.get("/api/v1/accounts/me")

    assert me.status_code == 200
    assert me.json()["phone"] == "13700000009"


def test_a_session_post_without_the_csrf_token_is_403(make_user, expect_error):
    client = session_client(make_user)

    response = client.post("/api/v1/accounts/addresses", ADDRESS, content_type=JSON)

    expect_error(response, 403)
    assert not Address.objects.exists()


def test_a_session_post_with_a_wrong_csrf_token_is_403(make_user, expect_error):
    client = session_client(make_user)

    response = client.post("/api/v1/accounts/addresses", ADDRESS, content_type=JSON, HTTP_X_CSRFTOKEN="x" * 64)

    expect_error(response, 403)
    assert not Address.objects.exists()


def test_a_session_post_with_the_csrf_token_works(make_user):
    client = session_client(make_user)
    token = client.cookies["csrftoken"].value

    response = client.post("/api/v1/accounts/addresses", ADDRESS, content_type=JSON, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 201, response.content
    assert Address.objects.count() == 1


def test_a_session_checkout_needs_csrf_too(make_user, sku, expect_error):
    client = session_client(make_user)
    token = client.cookies["csrftoken"].value
    address_id = client.post("/api/v1/accounts/addresses", ADDRESS, content_type=JSON,
                             HTTP_X_CSRFTOKEN=token).json()["id"]
    body = json.dumps({"items": [{"sku_id": sku.pk, "quantity": 1}], "address_id": address_id})

    expect_error(client.post("/api/v1/checkout", body, content_type=JSON), 403)
    placed = client.post("/api/v1/checkout", body, content_type=JSON, HTTP_X_CSRFTOKEN=token)

    assert placed.status_code == 201, placed.content


def test_bearer_requests_do_not_need_csrf(api, make_user):
    user = make_user()
    token_client = api(user)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=token_client.defaults["HTTP_AUTHORIZATION"])

    assert client.post("/api/v1/accounts/addresses", ADDRESS, content_type=JSON).status_code == 201


def test_session_logout(make_user, expect_error):
    client = session_client(make_user)
    token = client.cookies["csrftoken"].value

    assert client.delete("/api/v1/accounts/session", HTTP_X_CSRFTOKEN=token).status_code == 200

    expect_error(client.get("/api/v1/accounts/me"), 401)


def test_a_session_login_without_the_csrf_token_is_refused(make_user, expect_error):
    make_user(phone="13700000010", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/v1/accounts/session", {"identifier": "13700000010", "password": PASSWORD},
                           content_type=JSON)

    expect_error(response, 403, "csrf_failed")
    assert "sessionid" not in client.cookies
