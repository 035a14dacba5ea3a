"""The demo stays alive (demo/rearm.py): `manage.py demo_rearm` and the `demo_rearm` sweep bring back a
flash session on now (and one coming up), an open group 小圈 can join, a bargain she can start and a
friend's she can cut, and a live room on air — idempotently, and never touching a shop that is not
the demo's.

One small seed (the suite's other demo tests each seed their own); the clock is moved four days on,
past every scene's deadline, and the sweeps run as the demo's loop would run them.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from quanzi.accounts.selectors import user_get_by_phone
from quanzi.core import clock
from quanzi.core.sweeps import registered_sweeps, run_sweeps
from quanzi.core.testing import run_outbox_hooks, table_counts
from quanzi.demo import data, rearm
from quanzi.demo.rearm import rearm_demo

pytestmark = pytest.mark.django_db
SCENES = ("flashsale", "groupbuy", "bargain", "live", "livesales", "orders", "catalog")
LATER = dt.timedelta(days=4)  # past the flash sale (3 days), the open group's and the bargain's 48 h


def command(*args) -> str:
    out = io.StringIO()
    call_command("demo_rearm", *args, stdout=out)
    return out.getvalue()


def a_live_flash_sale_with_units(now):
    from quanzi.flashsale.selectors import sales_for_shoppers

    return [s for s in sales_for_shoppers(now=now) if s.starts_at <= now and any(i.left for i in s.items.all())]


def an_upcoming_flash_sale(now):
    from quanzi.flashsale.selectors import sales_for_shoppers

    return [s for s in sales_for_shoppers(now=now) if s.starts_at > now]


def a_real_shops_flash_sale(make_shop, make_product):
    """A merchant who is not the demo's, with a session of their own that ended an hour ago."""
    from quanzi.flashsale.services import sale_create, sale_publish

    shop = make_shop()
    product = make_product(shop=shop, title="真实店铺的商品", price=5000, stock=30)
    sku = product.skus.get()
    sale = sale_create(shop=shop, title="真实商家的秒杀", starts_at=clock.now() - dt.timedelta(hours=2),
                       ends_at=clock.now() + dt.timedelta(minutes=30),
                       items=[{"sku_id": sku.pk, "price": 3000, "stock": 5, "per_user_limit": 1}])
    sale_publish(sale_id=sale.pk, shop=shop)
    return shop


def test_nothing_to_rearm_before_the_demo_is_seeded():
    before = table_counts(*SCENES)
    assert rearm_demo() == {}
    assert "not seeded" in command()
    assert table_counts(*SCENES) == before


def test_the_sweep_is_the_dev_demos_only_and_runs_every_few_minutes(monkeypatch):
    assert "demo_rearm" not in registered_sweeps()  # test (and production) settings: no demo sweep
    calls = []
    monkeypatch.setattr(rearm, "rearm_demo", lambda: calls.append(1) or {"flash": {"session_now": "x"}})
    monkeypatch.setattr(rearm, "_last_run", [])
    assert rearm.rearm_sweep() == 0 and calls == []  # QUANZI["DEMO"] is off here
    with override_settings(QUANZI={**rearm.settings.QUANZI, "DEMO": True, "DEMO_REARM_SECONDS": 180}):
        assert rearm.rearm_sweep() == 1
        assert rearm.rearm_sweep() == 0  # the loop ticks every 5 s; the re-arm waits its 180 s
        assert calls == [1]
        rearm._last_run[:] = [rearm._last_run[0] - 181]
        assert rearm.rearm_sweep() == 1 and calls == [1, 1]


def test_rearm_is_idempotent_and_brings_every_scene_back_after_time_passes(make_shop, make_product):
    from quanzi.bargain.selectors import bargains_for_user
    from quanzi.bargain.services import bargain_help, bargain_start
    from quanzi.bargain.testing import campaigns as bargain_campaigns
    from quanzi.flashsale.selectors import sales_of_shop
    from quanzi.groupbuy.services import group_join
    from quanzi.groupbuy.testing import groups
    from quanzi.live.demo import host_shop
    from quanzi.live.selectors import live_now

    call_command("seed_demo", "--small", stdout=io.StringIO())
    run_outbox_hooks()
    demo = user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])
    real = a_real_shops_flash_sale(make_shop, make_product)

    # right after the seed every scene is alive but one: nobody else has a bargain for 小圈 to cut (and the
    # deliveries the seed's commit completed get their reviews)
    first = rearm_demo()
    assert set(first) - {"reviews"} == {"bargain"} and "friend_bargain" in first["bargain"], first
    before = table_counts(*SCENES)
    assert rearm_demo() == {}  # idempotent: a second run adds nothing
    assert "all alive" in command()
    assert table_counts(*SCENES) == before

    with clock.travel(LATER):
        run_sweeps()  # what the demo's loop did meanwhile: sessions closed, groups failed, bargains expired
        run_outbox_hooks()
        now = clock.now()
        assert not a_live_flash_sale_with_units(now) and not an_upcoming_flash_sale(now)
        host = host_shop(None).owner
        assert not [r for r in live_now() if r.host_id == host.pk]

        made = rearm_demo()
        assert set(made) >= {"flash", "groupbuy", "bargain", "live", "livesales"}, made
        assert rearm_demo() == {}  # idempotent after time passed too
        again = table_counts(*SCENES)
        assert rearm_demo() == {} and table_counts(*SCENES) == again

        # a flash sale on now with units to win, and the next session's countdown
        assert a_live_flash_sale_with_units(now) and an_upcoming_flash_sale(now)
        # an open group 小圈 can join: she joins it, and the group is full
        group = next(g for g in groups(status="open") if g.leader_id != demo.pk and g.deadline > now)
        sku_id = group.campaign.skus.order_by("sku_id").first().sku_id
        address = demo.addresses.order_by("-is_default", "pk").first()
        joined, _order, _payment = group_join(user=demo, number=group.number, sku_id=sku_id, address_id=address.pk)
        assert joined.joined_count == joined.size
        # a bargain she can start (her seeded one expired), and a friend's she can cut
        campaign = next(c for c in bargain_campaigns() if c.is_running(now))
        mine = bargain_start(user=demo, campaign_id=campaign.pk)
        assert mine.expires_at > now and any(b.pk == mine.pk for b in bargains_for_user(user=demo))
        friend = made["bargain"]["friend_bargain"]
        assert bargain_help(user=demo, number=friend).amount > 0
        # the host is on air again, with a live price
        [room] = [r for r in live_now() if r.host_id == host.pk]
        assert room.number == made["live"]["live_room"] and made["livesales"]["room"] == room.number

        # 小圈 took the group's last spot and cut the friend's bargain: the next re-arm offers new ones
        after = rearm_demo()
        assert set(after) - {"reviews"} == {"groupbuy", "bargain"}, after
        assert after["groupbuy"]["open_group"] != group.number and after["bargain"]["friend_bargain"] != friend

    # the real merchant's session was closed by the sweep like any other, and nothing was added to it
    [sale] = sales_of_shop(shop=real)
    assert sale.status == "ended" and sale.title == "真实商家的秒杀"
