"""Shared fixtures: users, shops, products, addresses, API clients and the sandbox's hands.

Users get a fast password hash here (MD5) so the suite stays quick; a test in accounts checks
that real registration hashes with Argon2.
"""

from __future__ import annotations

import itertools
import os

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, settings

_seq = itertools.count(1)

# Property tests: no per-example deadline (a 2-core CI box under load takes longer than 200 ms now and then,
# which hypothesis reports as a failure of the property), and on CI the same examples every run, so a red
# build is a real counterexample that reproduces, not a draw.
settings.register_profile("quanzi", deadline=None, suppress_health_check=[HealthCheck.too_slow],
                          derandomize=os.environ.get("CI", "").lower() == "true")
settings.load_profile("quanzi")


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


# After each transactional test (the browser journeys, the races) Django empties the database with one
# TRUNCATE of every table — about 180 on PostgreSQL, each a new file for the table and its indexes, ~0.5 s —
# and then recreates every content type and permission. Emptying only the tables the test wrote to, with
# DELETE (Django's foreign keys on PostgreSQL are deferrable, checked at the flush's commit, when every
# non-empty table is empty), and keeping the content types and permissions, does the same in milliseconds.
QUICK_FLUSH_SQL = """
CREATE OR REPLACE FUNCTION quanzi_test_flush(names text[]) RETURNS void AS $$
DECLARE
    name text;
    filled boolean;
BEGIN
    SET CONSTRAINTS ALL DEFERRED;
    FOREACH name IN ARRAY names LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', name) INTO filled;
        IF filled THEN
            EXECUTE format('DELETE FROM %I', name);
        END IF;
    END LOOP;
END $$ LANGUAGE plpgsql;
"""
KEPT_BY_FLUSH = {"django_content_type", "auth_permission"}  # what post_migrate would recreate at once


@pytest.fixture(scope="session", autouse=True)
def _quick_flush_on_postgresql(django_db_setup, django_db_blocker):
    from django.db.backends.postgresql.operations import DatabaseOperations

    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(QUICK_FLUSH_SQL)
    full_flush = DatabaseOperations.sql_flush

    def quick_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return full_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        names = ", ".join("'" + t.replace("'", "''") + "'" for t in sorted(tables) if t not in KEPT_BY_FLUSH)
        return [f"SELECT quanzi_test_flush(ARRAY[{names}]::text[]);"]

    DatabaseOperations.sql_flush = quick_flush
    yield
    DatabaseOperations.sql_flush = full_flush


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch):
    """An empty cache for every test, and the rate limiter's clock held still for the test's duration: its
    windows are fixed (a minute starts at :00), so a test making 40 requests at 12:00:59.5 would otherwise see
    the count restart half-way — a failure once in a few hundred runs, never on the developer's machine."""
    import time

    from django.core.cache import cache

    from quanzi.core import ratelimit

    cache.clear()
    frozen = int(time.time())
    monkeypatch.setattr(ratelimit, "now_seconds", lambda: frozen)
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    from quanzi.accounts.testing import make_user as make_account

    def make(*, phone: str | None = None, email: str | None = None, nickname: str = "", password: str = "Str0ngPass!x",
             is_staff: bool = False):
        n = next(_seq)
        if not phone and not email:
            phone = f"139{n:08d}"
        return make_account(phone=phone, email=email, nickname=nickname or f"user{n}", password=password,
                            is_staff=is_staff)

    return make


@pytest.fixture
def category(db):
    from quanzi.catalog.testing import make_category

    return make_category(name="服饰", name_en="Apparel", slug=f"apparel-{next(_seq)}")


@pytest.fixture
def make_shop(make_user):
    from quanzi.shops.testing import make_shop as make_merchant_shop

    def make(*, approved: bool = True, owner=None, take_rate_bps: int | None = None):
        n = next(_seq)
        owner = owner or make_user(nickname=f"merchant{n}")
        return make_merchant_shop(owner=owner, name=f"Shop {n}", approved=approved, take_rate_bps=take_rate_bps)

    return make


@pytest.fixture
def shop(make_shop):
    return make_shop()


@pytest.fixture
def make_product(category):
    from quanzi.catalog.services import product_create, product_set_status

    def make(*, shop, title: str = "纯棉T恤 Cotton tee", price: int = 5900, stock: int = 10, options=None,
             on_shelf: bool = True, returnable_7day: bool = True, max_per_order: int = 0, cat=None):
        product = product_create(shop=shop, data={"title": title, "category_id": (cat or category).pk, "price": price,
                                                  "stock": stock, "returnable_7day": returnable_7day,
                                                  "max_per_order": max_per_order}, options=options or [])
        if on_shelf:
            product_set_status(product=product, status="on_shelf")
        return product

    return make


@pytest.fixture
def product(make_product, shop):
    return make_product(shop=shop)


@pytest.fixture
def sku(product):
    return product.skus.get()


@pytest.fixture
def make_shopper(make_user):
    from quanzi.accounts.services import address_create

    def make(**kwargs):
        user = make_user(**kwargs)
        address_create(user=user, data={"recipient": "张三", "phone": "13800138000", "province": "上海",
                                        "city": "上海", "district": "黄浦区", "detail": "人民路 1 号"})
        return user

    return make


@pytest.fixture
def shopper(make_shopper):
    return make_shopper()


@pytest.fixture
def address(shopper):
    return shopper.addresses.get()


@pytest.fixture
def api():
    """`api(user)` → a test client that sends the user's bearer token (or anonymous)."""
    from quanzi.accounts.services import api_token_create

    def make(user=None):
        if user is None:
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user)}")

    return make


@pytest.fixture
def place_order(shopper, address):
    """Place (and optionally pay) an order for `items` = [(sku, qty), …]."""
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    def place(items, *, user=None, addr=None, pay: bool = False):
        user = user or shopper
        addr = addr or (address if user == shopper else user.addresses.get())
        orders, payment = checkout_and_pay(user=user, items=[CheckoutItem(s.pk, q) for s, q in items],
                                           address_id=addr.pk, clear_cart=False)
        if pay:
            sandbox_pay(payment.number)
            for o in orders:
                o.refresh_from_db()
        return orders, payment

    return place


def sandbox_pay(payment_number: str) -> None:
    """The shopper pays on the sandbox page and the sandbox's notification reaches the platform."""
    from quanzi.payments.testing import sandbox_pay as pay_at_the_sandbox

    pay_at_the_sandbox(payment_number)


@pytest.fixture
def pay():
    return sandbox_pay


@pytest.fixture
def submit_refunds():
    """Run pending refund submissions (normally after commit; tests run inside one transaction)."""
    from quanzi.payments.services import refunds_submit_pending

    def run():
        refunds_submit_pending()

    return run


@pytest.fixture
def ledger_balanced():
    """Assert every ledger transaction sums to zero and all postings sum to zero."""
    from quanzi.ledger.selectors import postings_sum, unbalanced_transactions

    def check():
        assert unbalanced_transactions() == []
        assert postings_sum() == 0

    return check


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


# ---------------------------------------------------------------- API test helpers (API-tests helper)

@pytest.fixture
def expect_error():
    """`expect_error(response, status, code=None)` asserts the one error shape and returns the error dict.

    `code` may be a string or a tuple of accepted codes."""

    def check(response, status: int, code: str | tuple[str, ...] | None = None) -> dict:
        assert response.status_code == status, (response.status_code, response.content[:500])
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        body = response.json()
        assert set(body) == {"error"}, body
        error = body["error"]
        assert set(error) == {"code", "message", "fields"}, error
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["message"], str) and error["message"], error
        assert isinstance(error["fields"], dict), error
        if code is not None:
            accepted = (code,) if isinstance(code, str) else tuple(code)
            assert error["code"] in accepted, error
        return error

    return check


@pytest.fixture
def notify_sandbox():
    """POST a (signed) sandbox payment notification form-encoded, as the provider does; returns the body text.

    `notify_sandbox(payment_number)` sends the trade's genuine notification; pass `params` to send your own."""
    from urllib.parse import urlencode

    def send(payment_number: str | None = None, *, params: dict | None = None, status: str | None = None) -> str:
        from quanzi.payments.testing import sandbox_notification

        if params is None:
            params = sandbox_notification(payment_number, status=status)
        response = Client().post("/api/v1/payments/notify/sandbox", urlencode(params),
                                 content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, response.content
        return response.content.decode()

    return send


@pytest.fixture
def carrier_deliver():
    """Post the sandbox carrier's signed tracking events for a parcel through the webhook, up to `until`
    (picked_up, in_transit, out_for_delivery, delivered). Returns the webhook responses."""

    def run(tracking_number: str, *, until: str = "delivered") -> list:
        from quanzi.shipping.testing import carrier_deliver as deliver

        return deliver(tracking_number, until=until)

    return run
