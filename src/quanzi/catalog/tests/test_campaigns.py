"""The campaign base (`catalog.campaigns`) and the stock-pool handle (`catalog.pools`)."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.catalog.campaigns import CampaignPool, CampaignWindow
from quanzi.catalog.pools import StockPool, pool_kinds
from quanzi.catalog.selectors import pool_units, pools_holding_units
from quanzi.catalog.services import pool_release, pool_set_aside
from quanzi.core import clock


def test_a_pool_handle_names_the_key_rows_already_carry():
    pool = StockPool("group", 12)
    assert pool.key == str(pool) == "group:12"
    for key in ("group:12", "flash:3", "live:7", "bargain:5"):
        assert StockPool.from_key(key).key == key
    for bad in ("", "group", "group:", "group:x", "group:012", "Group:1", "a b:1", "group:1:2", None, "live:²"):
        assert StockPool.from_key(bad) is None, bad
    with pytest.raises(ValueError):
        StockPool("group:x", 1)
    with pytest.raises(ValueError):
        StockPool("group", 0)


def test_every_promotion_registers_its_own_pool_kind():
    kinds = dict(zip(pool_kinds.keys(), pool_kinds, strict=True))
    assert {"group", "bargain", "flash", "live"} <= set(kinds)
    for kind, model in kinds.items():
        assert issubclass(model, CampaignPool) and model.POOL_KIND == kind
        assert model.pool_of(5) == StockPool(kind, 5)


@pytest.mark.django_db
def test_pool_services_move_units_and_the_sweeps_find_what_is_left(sku):
    pool, other = StockPool("group", 1), StockPool("group", 2)
    assert pool_set_aside(pool=pool, sku_id=sku.pk, quantity=4) == 4
    pool_set_aside(pool=StockPool("flash", 1), sku_id=sku.pk, quantity=1)
    sku.refresh_from_db()
    assert sku.stock == 10 - 5
    assert pool_units(pools=[pool, other]) == {pool: 4, other: 0}
    assert pools_holding_units(kind="group") == [pool]
    assert pool_release(pool=pool) == 4
    assert pool_release(pool=pool) == 0  # nothing left: ending twice or a late sweep moves nothing
    assert pool_release(pool=other) == 0  # never set aside
    sku.refresh_from_db()
    assert sku.stock == 9 and pools_holding_units(kind="group") == []
    assert pools_holding_units(kind="flash") == [StockPool("flash", 1)]


def test_a_campaign_window_knows_its_phase_and_what_to_count_down_to():
    live_price = pool_kinds.get("live")  # LivePrice: a window (active → ended) with a pool
    assert issubclass(live_price, CampaignWindow)
    now = clock.now()
    upcoming = live_price(status="active", starts_at=now + dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1))
    assert upcoming.phase(now) == "upcoming" and not upcoming.is_running(now)
    assert upcoming.countdown(now).deadline == upcoming.starts_at
    running = live_price(status="active", starts_at=now, ends_at=now + dt.timedelta(hours=1))
    assert running.phase(now) == "running" and running.is_running(now)
    assert running.countdown(now).deadline == running.ends_at
    assert running.mark_ended(now) == ["status", "ended_at"]
    assert running.status == "ended" and running.ended_at == now
    assert running.phase(now) == "finished" and running.countdown(now) is None
    past = live_price(status="active", starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1))
    assert past.phase(now) == "finished" and not past.is_running(now)
