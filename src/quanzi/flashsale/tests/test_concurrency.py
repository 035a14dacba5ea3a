"""Flash sales under a real crowd, on PostgreSQL: exact stock, exact limits, nothing lost.

The issue's case: stock S, 20,000 attempts from 200 concurrent clients → exactly S units in orders,
0 oversold, no user above the limit, and after the unpaid orders run out the stock is
S − paid + returned. Then the same with the database gate alone, and with a worker *process* killed
with SIGKILL in the middle of the run.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import time
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Sum

from quanzi.core import clock
from quanzi.core.sweeps import run_sweeps
from quanzi.flashsale import gate
from quanzi.flashsale.models import FlashBuyer, Reservation, ReservationStatus
from quanzi.flashsale.tests.conftest import pool_left
from quanzi.flashsale.tests.crowd import attempts_for, child_main, hammer, make_crowd
from quanzi.orders.constants import OrderStatus
from quanzi.orders.testing import order_lines_of_price, units_in_orders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LIMIT = 2


def units_in_live_orders(item) -> int:
    return units_in_orders(campaign_key=item.stock_pool.key, exclude_statuses=[OrderStatus.CANCELLED])


def flash_lines(item) -> list:
    """The order lines that took units from the item's pool (one per order), by order."""
    return sorted(order_lines_of_price(price_source="flash", campaign_key=item.stock_pool.key),
                  key=lambda line: line.order_id)


def assert_exact(item, stock: int) -> None:
    """Conservation: every unit is in the pool, in a live reservation, or sold; nobody above the limit."""
    held = Reservation.objects.filter(item=item, status__in=[ReservationStatus.RESERVED, ReservationStatus.ORDERED,
                                                             ReservationStatus.PAID]).aggregate(n=Sum("quantity"))["n"] or 0
    assert pool_left(item) >= 0
    assert pool_left(item) + held == stock, (pool_left(item), held, stock)
    assert units_in_live_orders(item) <= stock
    per_user = Reservation.objects.filter(item=item).exclude(status__in=[ReservationStatus.EXPIRED,
                                                                         ReservationStatus.RELEASED]) \
        .values("user_id").annotate(n=Sum("quantity"))
    assert max((r["n"] for r in per_user), default=0) <= LIMIT
    for buyer in FlashBuyer.objects.filter(item=item):
        live = sum(r["n"] for r in per_user if r["user_id"] == buyer.user_id)
        assert buyer.held == live, (buyer.user_id, buyer.held, live)


def expire_all_unpaid(item) -> None:
    with clock.travel(dt.timedelta(minutes=31)):
        gate.forget_meta()
        run_sweeps()
    gate.forget_meta()


@pytest.fixture
def crowd_rates(settings):
    settings.QUANZI = {**settings.QUANZI, "FLASH_USER_RATE": 1000, "FLASH_IP_RATE": 100_000}


def test_20000_attempts_from_200_clients_sell_exactly_the_stock(redis_gate, crowd_rates, make_sale, pay):
    stock = 150
    item = make_sale(stock=stock, limit=LIMIT, sku_stock=stock + 10).items.get()
    crowd = make_crowd(1000, tag="rush")
    attempts = attempts_for(crowd, item_id=item.pk, per_user=20, quantities=(1, 2, 1))
    assert len(attempts) == 20_000
    gate.cached_meta(item.pk)
    started = time.monotonic()
    counts = hammer(attempts, threads=200)
    elapsed = time.monotonic() - started
    assert not [k for k in counts if k.startswith("crash")], counts
    assert sum(counts.values()) == 20_000
    assert units_in_live_orders(item) == stock, counts  # sold out exactly: not one unit over, none lost
    assert len({line.order_id for line in flash_lines(item)}) == counts["won"]
    assert pool_left(item) == 0
    assert_exact(item, stock)
    assert counts["sold_out"] > 15_000 and counts["over_user_limit"] > 0, counts
    print(f"\n20,000 attempts on 200 threads in {elapsed:.1f} s: {dict(counts)}")
    # pay a third, let the rest run out: their units go back to the sale (pool and Redis)
    lines = flash_lines(item)
    paid = lines[: len(lines) // 3]
    for line in paid:
        pay(line.order.payment_number)
    paid_units = units_in_live_orders(item) - sum(line.quantity for line in lines[len(lines) // 3:])
    expire_all_unpaid(item)
    assert pool_left(item) == stock - paid_units
    assert units_in_live_orders(item) == paid_units
    assert_exact(item, stock)
    assert int(redis_gate.client.get(redis_gate.key(item.pk, "stock"))) == pool_left(item)


def test_the_database_gate_alone_is_exact_too(crowd_rates, make_sale):
    stock = 40
    item = make_sale(stock=stock, limit=LIMIT, sku_stock=stock).items.get()
    crowd = make_crowd(150, tag="dbgate")
    attempts = attempts_for(crowd, item_id=item.pk, per_user=10, quantities=(2, 1))
    counts = hammer(attempts, threads=40)
    assert not [k for k in counts if k.startswith("crash")], counts
    assert units_in_live_orders(item) == stock and pool_left(item) == 0
    assert_exact(item, stock)
    expire_all_unpaid(item)
    assert pool_left(item) == stock and units_in_live_orders(item) == 0
    assert_exact(item, stock)


def test_a_worker_process_killed_mid_run_loses_and_oversells_nothing(redis_gate, crowd_rates, make_sale, settings):
    stock = 120
    item = make_sale(stock=stock, limit=LIMIT, sku_stock=stock).items.get()
    crowd = make_crowd(600, tag="killed")
    attempts = attempts_for(crowd, item_id=item.pk, per_user=6, quantities=(1, 2))
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    overrides = {k: settings.QUANZI[k] for k in ("FLASH_GATE", "FLASH_REDIS_URL", "FLASH_REDIS_PREFIX",
                                                 "FLASH_USER_RATE", "FLASH_IP_RATE")}
    db_name = connection.settings_dict["NAME"]
    workers = []
    for n in range(3):
        ready = ctx.Event()
        proc = ctx.Process(target=child_main, args=(db_name, overrides, attempts[n::3], 25, ready, results))
        proc.start()
        workers.append((proc, ready))
    for _proc, ready in workers:
        assert ready.wait(60), "a worker did not start"
    victim = workers[0][0]
    # kill the first worker while the sale is still selling
    deadline = time.monotonic() + 60
    while Reservation.objects.filter(item=item).count() < stock // 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(victim.pid, signal.SIGKILL)
    for proc, _ready in workers:
        proc.join(timeout=300)
    assert victim.exitcode == -signal.SIGKILL
    survivors = [results.get(timeout=10) for _ in range(2)]
    assert not [k for c in survivors for k in c if k.startswith("crash")], survivors
    # what the dead worker held: units admitted but never reserved come back from Redis, reservations
    # without an order expire, orders never paid run out
    gate.forget_meta()
    with mock.patch("time.time", return_value=time.time() + gate.PENDING_GRACE + 1):
        redis_gate.reconcile()
    assert_exact(item, stock)
    assert units_in_live_orders(item) <= stock
    expire_all_unpaid(item)
    assert pool_left(item) == stock and units_in_live_orders(item) == 0
    assert_exact(item, stock)
    redis_gate.reconcile()
    assert int(redis_gate.client.get(redis_gate.key(item.pk, "stock"))) == stock
