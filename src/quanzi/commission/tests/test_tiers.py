"""Tiers: a daily sweep moves distributors up or down by their own sales over the period (and their
directs' sales only when the operator counts them); the tier changes the sharer's share; history kept."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.commission.models import Commission, Tier, TierChange, UserTier
from quanzi.commission.selectors import tier_of
from quanzi.commission.services import settings_update, tiers_evaluate
from quanzi.core import clock
from quanzi.core.sweeps import run_sweeps
from quanzi.ledger.testing import transaction_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def selling(shop, category, make_product, make_plan, attributed_order, make_shopper):
    """`selling(sharer, fen)` sells goods worth `fen` through the sharer's link."""
    make_plan(shop, rate_bps=2000, category=category)

    def sell(sharer, fen):
        sku = make_product(shop=shop, price=fen).skus.get()
        return attributed_order([(sku, 1)], sharer=sharer, user=make_shopper())

    return sell


def test_own_sales_upgrade_and_the_new_share_applies_to_later_sales(make_user, selling):
    sharer = make_user()
    selling(sharer, 100_000)  # ¥1,000 = the 店主 threshold
    assert tiers_evaluate() == 1
    assert tier_of(user_id=sharer.pk).name == "店主"
    change = TierChange.objects.get()
    assert (change.from_tier.rank, change.to_tier.rank, change.own_sales) == (1, 2, 100_000)
    order = selling(sharer, 10_000)
    assert Commission.objects.get(order=order, level=1).amount == 1200  # pool 2000 × 60 %


def test_the_sweep_runs_once_a_day_and_downgrades_when_sales_lapse(make_user, selling):
    sharer = make_user()
    selling(sharer, 100_000)
    assert run_sweeps(["commission_tiers"]) == {"commission_tiers": 1}
    assert run_sweeps(["commission_tiers"]) == {"commission_tiers": 0}  # already ran today
    with clock.travel(dt.timedelta(days=31)):  # the sales fall out of the 30-day period
        assert run_sweeps(["commission_tiers"]) == {"commission_tiers": 1}
        assert tier_of(user_id=sharer.pk).rank == 1
    assert list(TierChange.objects.order_by("id").values_list("to_tier__rank", flat=True)) == [2, 1]


def test_refunded_sales_do_not_count(make_user, selling, refund_line):
    sharer = make_user()
    refund_line(selling(sharer, 100_000))
    assert tiers_evaluate() == 0
    assert not UserTier.objects.exists()


def test_directs_sales_count_only_when_the_operator_turns_it_on(make_user, bind_upline, selling):
    leader, direct = make_user(), make_user()
    bind_upline(direct, leader)
    Tier.objects.filter(rank=2).update(min_own_sales=0, min_team_sales=100_000)
    selling(direct, 100_000)
    tiers_evaluate(force=True)
    # off (the default): only own sales count, so the direct (who sold) meets 店主; the leader sold nothing
    assert tier_of(user_id=direct.pk).rank == 2
    assert tier_of(user_id=leader.pk).rank == 1
    settings_update(data={"team_sales_for_tiers": True})
    tiers_evaluate(force=True)
    assert tier_of(user_id=leader.pk).rank == 2
    assert tier_of(user_id=direct.pk).rank == 1  # the direct has no directs of their own


def test_a_tier_change_moves_no_money(make_user, selling):
    sharer = make_user()
    selling(sharer, 100_000)
    before = transaction_count()
    tiers_evaluate()
    assert transaction_count() == before
