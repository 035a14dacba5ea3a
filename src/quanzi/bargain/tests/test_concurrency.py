"""Bargains under concurrency, on PostgreSQL: real threads, one connection each, released together by a
barrier. At most 25 threads (the database is shared with other test runs)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from quanzi.bargain import services
from quanzi.bargain.models import Bargain, BargainHelp, BargainStatus, HelperDay
from quanzi.bargain.tests.conftest import FLOOR, ORIGINAL
from quanzi.catalog.selectors import pool_units
from quanzi.core.errors import DomainError
from quanzi.core.testing import run_pool
from quanzi.orders.testing import orders

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def codes(results) -> list[str]:
    errors = [r[1] for r in results if r[0] == "error"]
    assert all(isinstance(e, DomainError) for e in errors), errors  # no crash, no deadlock, no IntegrityError
    return sorted(e.code for e in errors)


def _help(user, number):
    return lambda: services.bargain_help(user=user, number=number)


def test_25_concurrent_helpers_expected_10_exactly_10_cut_to_the_floor(make_campaign, starter, helpers):
    campaign = make_campaign(expected_helps=10, new_user_bonus=False)
    bargain = services.bargain_start(user=starter, campaign_id=campaign.pk)
    results = run_pool([_help(u, bargain.number) for u in helpers(25)], threads=25)
    assert sum(r[0] == "ok" for r in results) == 10
    assert codes(results) == ["bargain_floor_reached"] * 15
    b = Bargain.objects.get(pk=bargain.pk)
    cuts = BargainHelp.objects.filter(bargain=b).aggregate(s=Sum("amount"))["s"]
    assert b.current_price == FLOOR and b.status == BargainStatus.FLOOR_REACHED
    assert cuts == ORIGINAL - FLOOR == b.cut_total and b.helps_count == 10
    assert BargainHelp.objects.filter(bargain=b, amount__lt=1).count() == 0


def test_concurrent_new_user_helpers_may_reach_the_floor_early_and_stay_exact(make_campaign, starter, helpers):
    campaign = make_campaign(expected_helps=10, new_user_bonus=True)
    bargain = services.bargain_start(user=starter, campaign_id=campaign.pk)
    results = run_pool([_help(u, bargain.number) for u in helpers(25)], threads=25)
    ok = sum(r[0] == "ok" for r in results)
    b = Bargain.objects.get(pk=bargain.pk)
    assert ok == b.helps_count == 5  # fresh accounts: every help is a new user's, two slots each
    assert codes(results) == ["bargain_floor_reached"] * 20
    assert b.current_price == FLOOR and b.slots_used == 10
    assert BargainHelp.objects.filter(bargain=b).aggregate(s=Sum("amount"))["s"] == ORIGINAL - FLOOR


def test_the_same_helper_racing_gets_one_cut(bargain, helpers):
    (friend,) = helpers(1)
    results = run_pool([_help(friend, bargain.number) for _ in range(12)], threads=12)
    assert sum(r[0] == "ok" for r in results) == 1
    assert codes(results) == ["already_helped"] * 11
    b = Bargain.objects.get(pk=bargain.pk)
    assert BargainHelp.objects.filter(bargain=b).count() == 1 == b.helps_count
    assert b.current_price == ORIGINAL - BargainHelp.objects.get(bargain=b).amount
    assert HelperDay.objects.get(helper=friend).count == 1  # the refused attempts rolled their count back


def test_a_helper_racing_on_many_bargains_never_passes_the_daily_limit(make_campaign, make_shopper, helpers,
                                                                        settings):
    settings.QUANZI = {**settings.QUANZI, "BARGAIN_DAILY_HELPS": 5}
    campaign = make_campaign(stock=15)
    bargains = [services.bargain_start(user=make_shopper(), campaign_id=campaign.pk) for _ in range(15)]
    (friend,) = helpers(1)
    results = run_pool([_help(friend, b.number) for b in bargains], threads=15)
    assert sum(r[0] == "ok" for r in results) == 5
    assert codes(results) == ["daily_help_limit"] * 10
    assert BargainHelp.objects.filter(helper=friend).count() == 5
    assert HelperDay.objects.get(helper=friend).count == 5


def test_racing_buys_of_one_bargain_place_one_order(bargain, starter):
    address_id = starter.addresses.get().pk
    results = run_pool([lambda: services.bargain_buy(user=starter, number=bargain.number, address_id=address_id)
                        for _ in range(8)], threads=8)
    assert sum(r[0] == "ok" for r in results) == 1
    assert codes(results) == ["bargain_already_bought"] * 7
    assert len(orders(user=starter)) == 1
    assert pool_units(pools=[bargain.campaign.stock_pool])[bargain.campaign.stock_pool] == 9


def test_racing_starts_by_one_user_open_one_bargain(campaign, starter):
    results = run_pool([lambda: services.bargain_start(user=starter, campaign_id=campaign.pk) for _ in range(10)],
                       threads=10)
    assert sum(r[0] == "ok" for r in results) == 1
    assert codes(results) == ["bargain_already_active"] * 9
    assert Bargain.objects.filter(starter=starter).count() == 1


def test_buyers_racing_for_the_last_units_never_oversell(make_campaign, make_shopper):
    campaign = make_campaign(stock=3)
    people = [make_shopper() for _ in range(10)]
    bargains = [services.bargain_start(user=u, campaign_id=campaign.pk) for u in people]
    calls = [lambda u=u, b=b: services.bargain_buy(user=u, number=b.number, address_id=u.addresses.get().pk)
             for u, b in zip(people, bargains, strict=True)]
    results = run_pool(calls, threads=10)
    assert sum(r[0] == "ok" for r in results) == 3
    assert codes(results) == ["out_of_stock"] * 7
    assert pool_units(pools=[campaign.stock_pool])[campaign.stock_pool] == 0
    assert Bargain.objects.filter(status=BargainStatus.BOUGHT).count() == 3
    assert Bargain.objects.filter(status=BargainStatus.OPEN).count() == 7  # refused buys changed nothing
