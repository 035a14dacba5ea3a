"""Log in, register, log out and change password through the web pages."""

from __future__ import annotations

import pytest
from django.test import Client

from quanzi.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ngPass!x"


def text(response) -> str:
    return response.content.decode()


def test_register_logs_in_then_logout_logs_out(client):
    response = client.post("/register/", {"identifier": "13700137000", "password": "quanzi-secret-42",
                                          "nickname": "小红"}, follow=True)

    page = text(response)
    assert "Welcome to Quanzi, 小红!" in page
    assert User.objects.get(phone="13700137000").password.startswith("argon2")
    me = text(client.get("/me/"))
    assert "13700137000" in me  # the owner sees the full number

    response = client.post("/logout/", follow=True)
    assert "You are logged out." in text(response)
    assert client.get("/me/").status_code == 302


def test_register_shows_why_it_failed(client, make_user):
    make_user(email="taken@example.com")

    taken = text(client.post("/register/", {"identifier": "taken@example.com", "password": "quanzi-secret-42"}))
    weak = text(client.post("/register/", {"identifier": "new@example.com", "password": "12345678"}))
    bad = text(client.post("/register/", {"identifier": "12345", "password": "quanzi-secret-42"}))

    assert "cannot be used to create an account" in taken and "exist" not in taken.split("form-error")[1][:300]
    assert "This password is too common" in weak
    assert "11 digits" in bad
    assert not User.objects.filter(email="new@example.com").exists()


def test_login_with_phone_or_email_follows_a_safe_next(client, make_user):
    user = make_user(email="amy@example.com", nickname="Amy")

    response = client.post("/login/", {"identifier": "amy@example.com", "password": PASSWORD, "next": "/orders/"})
    assert response["Location"] == "/orders/"
    client.post("/logout/")
    evil = client.post("/login/", {"identifier": "AMY@example.com", "password": PASSWORD,
                                   "next": "https://evil.example/steal"})
    assert evil["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_says_so(client, make_user):
    user = make_user()
    page = text(client.post("/login/", {"identifier": user.phone, "password": "nope-nope"}))
    assert "The phone/e-mail or password is wrong." in page
    assert "_auth_user_id" not in client.session


def test_login_throttles_after_five_failures(client, make_user):
    user = make_user()
    for _ in range(5):
        client.post("/login/", {"identifier": user.phone, "password": "wrong-password"})

    response = client.post("/login/", {"identifier": user.phone, "password": PASSWORD})

    assert response.status_code == 429
    page = text(response)
    assert 'data-testid="login-throttled"' in page and "Too many failed attempts" in page
    assert "_auth_user_id" not in client.session


def test_login_page_links_to_register_and_keeps_next(client):
    page = text(client.get("/login/?next=/cart/"))
    assert 'name="next" value="/cart/"' in page
    assert 'href="/register/?next=/cart/"' in page or 'href="/register/?next=%2Fcart%2F"' in page


def test_logout_needs_a_post(client, make_user):
    client.force_login(make_user())
    page = text(client.get("/logout/"))
    assert "Log out of Quanzi?" in page
    assert "_auth_user_id" in client.session


def test_change_password(make_user):
    user = make_user()
    client = Client()
    client.force_login(user)

    wrong = text(client.post("/me/password/", {"old_password": "nope", "new_password": "another-secret-77"}))
    assert "The current password is wrong." in wrong
    response = client.post("/me/password/", {"old_password": PASSWORD, "new_password": "another-secret-77"},
                           follow=True)

    assert "Password changed." in text(response)
    assert client.get("/me/").status_code == 200  # still logged in
    user.refresh_from_db()
    assert user.check_password("another-secret-77")
