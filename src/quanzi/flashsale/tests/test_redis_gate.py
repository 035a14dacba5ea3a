"""The Redis gate: one Lua script decides, the database stays the authority (needs Redis)."""

import time
from unittest import mock

import pytest

from quanzi.core.errors import DomainError
from quanzi.flashsale import gate, services
from quanzi.flashsale.models import FlashBuyer, Reservation
from quanzi.flashsale.tests.conftest import pool_left

pytestmark = pytest.mark.django_db(transaction=True)  # the gate is told after commit


def stock_in_redis(g, item) -> int:
    return int(g.client.get(g.key(item.pk, "stock")))


def test_publishing_loads_the_gate_and_purchases_count_down(redis_gate, make_sale, shopper, buy):
    item = make_sale(stock=3).items.get()
    assert stock_in_redis(redis_gate, item) == 3
    buy(shopper, item)
    assert stock_in_redis(redis_gate, item) == 2 and pool_left(item) == 2
    assert int(redis_gate.client.hget(redis_gate.key(item.pk, "buyers"), shopper.pk)) == 1
    assert redis_gate.client.hlen(redis_gate.key(item.pk, "pending")) == 0  # settled after the commit


def test_refusals_from_the_gate_touch_no_database(redis_gate, make_sale, make_shopper, buy, django_assert_num_queries,
                                                  token_for):
    item = make_sale(stock=1).items.get()
    buy(make_shopper(), item)
    late = make_shopper()
    token = token_for(late, item)
    gate.cached_meta(item.pk)
    from quanzi.flashsale.purchase import purchase

    with django_assert_num_queries(0):
        with pytest.raises(DomainError) as e:
            purchase(token=token, quantity=1, ip="1.2.3.4")
    assert e.value.code == "sold_out"


def test_limit_token_reuse_and_rates_in_the_script(redis_gate, make_sale, shopper, make_shopper, token_for, settings):
    from quanzi.flashsale.purchase import purchase

    item = make_sale(stock=10, limit=2).items.get()
    token = token_for(shopper, item)
    purchase(token=token, quantity=2, ip="1.1.1.1")
    with pytest.raises(DomainError) as e:
        purchase(token=token, quantity=1, ip="1.1.1.1")
    assert e.value.code == "token_used"
    with pytest.raises(DomainError) as e:
        purchase(token=token_for(shopper, item), quantity=1, ip="1.1.1.1")
    assert e.value.code == "over_user_limit"
    settings.QUANZI = {**settings.QUANZI, "FLASH_IP_RATE": 1}
    with pytest.raises(DomainError) as e:
        purchase(token=token_for(make_shopper(), item), quantity=1, ip="1.1.1.1")
    assert e.value.code == "rate_limited"
    assert stock_in_redis(redis_gate, item) == pool_left(item) == 8


def test_a_high_redis_counter_cannot_oversell(redis_gate, make_sale, make_shopper, buy):
    """Redis says 5 left, the database 1: the conditional UPDATE refuses the rest and the counter comes down."""
    item = make_sale(stock=5).items.get()
    meta = gate.cached_meta(item.pk)
    for n in range(4):  # units won behind the gate's back
        services.reservation_create(meta=meta, user_id=make_shopper().pk, quantity=1, nonce=f"side{n}")
    assert stock_in_redis(redis_gate, item) == 5 and pool_left(item) == 1
    outcomes = []
    for _ in range(4):
        try:
            buy(make_shopper(), item)
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(exc.code)
    assert outcomes == ["won", "sold_out", "sold_out", "sold_out"]
    assert pool_left(item) == 0 and Reservation.objects.filter(item=item).count() == 5
    assert stock_in_redis(redis_gate, item) == 1  # each refusal by the database took it one lower …
    assert redis_gate.reconcile() == 1  # … and the sweep aligns it once nothing is in flight
    assert stock_in_redis(redis_gate, item) == 0


def test_expiry_gives_units_back_to_redis_too(redis_gate, make_sale, shopper):
    import datetime as dt

    from quanzi.core import clock

    item = make_sale(stock=2).items.get()
    meta = gate.cached_meta(item.pk)
    claims = gate.Claims(shopper.pk, item.pk, 0, "nonce-x")
    redis_gate.admit(meta, claims, 1, "1.1.1.1")
    services.reservation_create(meta=meta, user_id=shopper.pk, quantity=1, nonce="nonce-x")
    redis_gate.settle(meta, claims, 1, won=True, error=None)
    assert stock_in_redis(redis_gate, item) == 1
    with clock.travel(dt.timedelta(minutes=6)):
        services.expire_reservations()
    assert stock_in_redis(redis_gate, item) == 2 and pool_left(item) == 2
    assert redis_gate.client.hget(redis_gate.key(item.pk, "buyers"), shopper.pk) is None


def test_reconcile_gives_back_what_a_dead_worker_was_admitted_for(redis_gate, make_sale, shopper, make_shopper):
    item = make_sale(stock=3).items.get()
    meta = gate.cached_meta(item.pk)
    dead = gate.Claims(shopper.pk, item.pk, 0, "dead-nonce")
    redis_gate.admit(meta, dead, 1, "1.1.1.1")  # … and the worker died before reserving
    other = make_shopper()
    won = gate.Claims(other.pk, item.pk, 0, "won-nonce")
    redis_gate.admit(meta, won, 1, "1.1.1.2")
    services.reservation_create(meta=meta, user_id=other.pk, quantity=1, nonce="won-nonce")  # … died before settling
    assert stock_in_redis(redis_gate, item) == 1
    assert redis_gate.reconcile() == 0  # too recent: they may still be running (and nothing is aligned)
    with mock.patch("time.time", return_value=time.time() + gate.PENDING_GRACE + 1):
        assert redis_gate.reconcile() == 1
    assert stock_in_redis(redis_gate, item) == 2 == pool_left(item)
    assert redis_gate.client.hlen(redis_gate.key(item.pk, "pending")) == 0
    assert redis_gate.client.hget(redis_gate.key(item.pk, "buyers"), shopper.pk) is None
    assert int(redis_gate.client.hget(redis_gate.key(item.pk, "buyers"), other.pk)) == 1
    assert FlashBuyer.objects.get(user=other).held == 1


def test_a_flushed_redis_is_reloaded_from_the_database(redis_gate, make_sale, shopper, make_shopper, buy):
    item = make_sale(stock=3, limit=1).items.get()
    buy(shopper, item)
    redis_gate.drop(item.pk)
    with pytest.raises(DomainError) as e:
        buy(shopper, item)  # the buyers' counts came back with the stock
    assert e.value.code == "over_user_limit"
    buy(make_shopper(), item)
    assert stock_in_redis(redis_gate, item) == 1 == pool_left(item)


def test_ending_the_sale_drops_its_keys(redis_gate, sale, item):
    services.sale_end(sale_id=sale.pk)
    assert redis_gate.client.get(redis_gate.key(item.pk, "stock")) is None
