"""Live sales under a rush, on PostgreSQL: real threads, one connection each, started by one barrier."""

from __future__ import annotations

from collections import Counter

import pytest

from quanzi.catalog.selectors import pool_units
from quanzi.core.errors import DomainError
from quanzi.core.testing import run_pool
from quanzi.ledger.selectors import balance, unbalanced_transactions
from quanzi.livesales import accounts as acct
from quanzi.livesales import services
from quanzi.livesales.models import LivePrice, Tip, TipBalance
from quanzi.orders.testing import order_lines_of_price

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _buy(user, room, sku):
    address_id = user.addresses.get().pk
    return lambda: services.live_buy(user=user, room_number=room.number, sku_id=sku.pk, quantity=1,
                                     address_id=address_id)


def _errors(results) -> Counter:
    bad = [r[1] for r in results if r[0] == "error"]
    assert all(isinstance(e, DomainError) for e in bad), [repr(e) for e in bad if not isinstance(e, DomainError)]
    return Counter(e.code for e in bad)


def test_stock_10_and_30_buyers_give_exactly_10_orders_and_nobody_above_the_limit(room, lsku, make_shopper):
    lp = services.live_price_start(user=room.host, room_number=room.number, sku_id=lsku.pk, price=5900, stock=10,
                                   per_user_limit=1)
    users = [make_shopper() for _ in range(15)]
    calls = [_buy(u, room, lsku) for u in users for _ in range(2)]  # 30 attempts, each user twice
    results = run_pool(calls, threads=30)
    assert sum(1 for r in results if r[0] == "ok") == 10
    assert set(_errors(results)) <= {"out_of_stock", "live_price_limit"}
    lines = order_lines_of_price(price_source="live", price_source_ref=str(lp.pk))
    assert sum(line.quantity for line in lines) == 10
    per_user = Counter(line.order.user_id for line in lines)
    assert max(per_user.values()) == 1
    assert pool_units(pools=[lp.stock_pool])[lp.stock_pool] == 0
    lsku.refresh_from_db()
    assert lsku.stock == 40


def test_one_viewer_racing_themself_gets_exactly_the_limit(room, lsku, make_shopper):
    lp = services.live_price_start(user=room.host, room_number=room.number, sku_id=lsku.pk, price=5900, stock=10,
                                   per_user_limit=2)
    viewer = make_shopper()
    results = run_pool([_buy(viewer, room, lsku) for _ in range(10)], threads=10)
    assert sum(1 for r in results if r[0] == "ok") == 2
    assert _errors(results) == Counter({"live_price_limit": 8})
    assert pool_units(pools=[lp.stock_pool])[lp.stock_pool] == 8
    assert LivePrice.objects.get(pk=lp.pk).status == "active"


def test_the_daily_tip_limit_and_the_balance_are_exact_under_concurrency(room, adult, fund, gift, settings):
    settings.QUANZI = {**settings.QUANZI, "LIVE_TIP_DAILY_LIMIT": 1000}
    rich, poor = adult(), adult()
    fund(rich, 100_000)
    fund(poor, 1000)

    def tip(user):
        return lambda: services.tip_send(user=user, room_number=room.number, gift_id=gift.pk, count=1)  # 333

    results = run_pool([tip(rich) for _ in range(10)] + [tip(poor) for _ in range(10)], threads=20)
    assert Tip.objects.filter(tipper=rich).count() == 3  # 999 ≤ 1000 < 1332
    assert Tip.objects.filter(tipper=poor).count() == 3  # 999 ≤ 1000 balance
    assert set(_errors(results)) <= {"tip_daily_limit", "insufficient_balance"}
    for user, funded in ((rich, 100_000), (poor, 1000)):
        assert TipBalance.objects.get(user=user).balance == funded - 999 == -balance(code=acct.tip_balance(user.pk))
    assert -balance(code=acct.wallet_available(room.host_id)) == 6 * 166
    assert -balance(code=acct.TIP_REVENUE) == 6 * 167
    assert unbalanced_transactions() == []
