"""Deployment and web security basics: `check --deploy` is clean in production settings, Argon2
hashes passwords, every HTML form carries a CSRF token, and errors never leak internals."""

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def manage(*args, env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY")}
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path}/deploy-check.sqlite3")
    env.update(env_extra)
    python = str(PYTHON if PYTHON.exists() else Path(sys.executable))
    return subprocess.run([python, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def random_secret(n: int = 60) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(n))


PROD = {"QUANZI_ENV": "prod", "ALLOWED_HOSTS": "example.com",
        # production refuses the published sandbox secrets and an unauthenticated media server (issue 12)
        "QUANZI_SANDBOX_PAY_SECRET": random_secret(40), "QUANZI_SANDBOX_CARRIER_SECRET": random_secret(40),
        "LIVE_HOOK_TOKEN": random_secret(40)}


def test_check_deploy_passes_in_production(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    env_extra={**PROD, "SECRET_KEY": random_secret()}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    result = manage("check", env_extra={**PROD, "SECRET_KEY": "short"}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_hash_with_argon2_and_are_not_debug(tmp_path):
    result = manage("shell", "-c", "from django.conf import settings as s; print('RESULT', s.PASSWORD_HASHERS[0], "
                    "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
                    env_extra={**PROD, "SECRET_KEY": random_secret()}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("RESULT "))
    assert line.split()[1:] == ["django.contrib.auth.hashers.Argon2PasswordHasher", "False", "True", "True"]


def test_argon2_is_the_first_password_hasher():
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hashers

    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"  # production's cost
    assert isinstance(get_hashers()[0], Argon2PasswordHasher)  # the tests': Argon2id too, at its lightest cost


@pytest.mark.django_db
def test_a_new_password_is_hashed_with_argon2(make_user):
    user = make_user()
    user.set_password("Another-good-one-42")

    assert user.password.startswith("argon2$argon2id$")


# ---------------------------------------------------------------- CSRF on every HTML form

POST_FORM = re.compile(r"<form\b[^>]*\bmethod=[\"']?post[\"']?[^>]*>(.*?)</form>", re.I | re.S)


def forms_without_csrf(html: str) -> list[str]:
    return [form[:200] for form in POST_FORM.findall(html) if "csrfmiddlewaretoken" not in form]


def page(client: Client, name: str, *args):
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:login", "accounts:register"])
def test_login_and_register_forms_carry_the_csrf_token(name):
    html = page(Client(), name)
    assert html is not None, f"{name} is not routed"

    assert "csrfmiddlewaretoken" in html
    assert POST_FORM.search(html), f"{name} has no POST form"
    assert forms_without_csrf(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who,name", [
    ("shopper", "accounts:password"), ("shopper", "storefront:addresses"), ("shopper", "storefront:cart"),
    ("shopper", "storefront:checkout"), ("merchant", "console:product_new"), ("shopper", "console:apply"),
])
def test_logged_in_form_pages_carry_the_csrf_token(who, name, shopper, shop, sku):
    user = shop.owner if who == "merchant" else shopper
    client = Client()
    client.force_login(user)
    if who == "shopper" and name == "storefront:checkout":
        from quanzi.orders.services import cart_add

        cart_add(user=shopper, sku_id=sku.pk, quantity=1)
    html = page(client, name)
    assert html is not None, f"{name} is not routed"

    assert forms_without_csrf(html) == []


@pytest.mark.django_db
def test_the_csrf_middleware_is_on_and_rejects_a_form_post_without_a_token():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    url = reverse("accounts:login")

    response = Client(enforce_csrf_checks=True).post(url, {"identifier": "13800000000", "password": "x"})

    assert response.status_code == 403


# ---------------------------------------------------------------- errors and headers

@pytest.mark.django_db
def test_an_unexpected_api_error_is_a_500_in_the_error_shape_without_details(monkeypatch):
    from quanzi.catalog import selectors

    def boom(**kwargs):
        raise RuntimeError("secret internal detail /etc/passwd")

    monkeypatch.setattr(selectors, "category_list", boom)

    response = Client().get("/api/v1/catalog/categories")

    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error", "message": "Something went wrong on our side.",
                                         "fields": {}}}
    assert b"secret" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_responses_carry_clickjacking_and_sniffing_protection():
    response = Client().get("/api/v1/catalog/products")

    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_unknown_non_api_paths_are_html_404_not_json():
    response = Client().get("/definitely/not/here/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
