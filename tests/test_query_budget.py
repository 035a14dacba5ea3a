"""The payment path's SQL budget, with every app installed (issue 11).

Wave-1 features each added work inside the capture transaction; the payment notification had grown
from 17 statements to 36. What must commit or roll back with the money stays in the transaction
(ledger postings, stock, holds, group membership); the rest goes through the outbox, whose rows
are written by one INSERT at commit. These tests count every statement the database sees for one
HTTP checkout and one HTTP payment notification — BEGIN/COMMIT and savepoints included, the outbox
INSERT included — and fail when a new subscriber adds a query.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanzi.accounts.services import api_token_create
from quanzi.core.money import format_yuan
from quanzi.payments.providers.sandbox import signed

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT_BUDGET = 16  # 14, + the outbox INSERT of order.created (analytics, issue 19), + the shopper's coupons (issue 16)
NOTIFY_BUDGET = 20


def _notify_form(payment_number: str, amount: int) -> dict:
    return signed({"notify_id": secrets.token_hex(8), "notify_time": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "out_trade_no": payment_number, "trade_no": "T" + payment_number,
                   "total_amount": format_yuan(amount), "trade_status": "TRADE_SUCCESS", "app_id": "sandbox-app"})


def _checkout_and_notify(client, skus, address_id) -> tuple[list[str], list[str]]:
    body = {"items": [{"sku_id": s.pk, "quantity": 1} for s in skus], "address_id": address_id}
    with CaptureQueriesContext(connection) as checkout:
        response = client.post("/api/v1/checkout", json.dumps(body), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
    assert response.status_code == 201, response.content[:300]
    payment = response.json()["payment"]
    with CaptureQueriesContext(connection) as notify:
        answer = Client().post("/api/v1/payments/notify/sandbox",
                               _notify_form(payment["payment_number"], payment["amount"]["amount"]))
    assert answer.content == b"success"
    return [q["sql"] for q in checkout.captured_queries], [q["sql"] for q in notify.captured_queries]


def _show(label: str, sql: list[str]) -> str:
    return f"{label}: {len(sql)} statements\n" + "\n".join(f"  {s[:160]}" for s in sql)


@pytest.fixture(autouse=True)
def outbox_in_workers(settings):
    """Production delivers outbox events in worker processes; the request pays only for the INSERT."""
    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "worker"}


@pytest.fixture
def buyer(shopper, address):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=shopper)}"), address.pk


def test_checkout_and_payment_notification_stay_within_their_statement_budget(buyer, make_product, shop):
    client, address_id = buyer
    skus = [make_product(shop=shop, title=f"T{i}", stock=50).skus.get() for i in range(3)]
    _checkout_and_notify(client, skus[:1], address_id)  # warm: ledger accounts, caches
    for lines in (1, 3):
        checkout, notify = _checkout_and_notify(client, skus[:lines], address_id)
        assert len(notify) <= NOTIFY_BUDGET, _show(f"notification, {lines} line(s)", notify)
        assert len(checkout) <= CHECKOUT_BUDGET, _show(f"checkout, {lines} line(s)", checkout)
