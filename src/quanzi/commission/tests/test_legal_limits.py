"""The legal limits (禁止传销条例 art. 7): commission only on real, paid, non-refunded sales of goods; at most
the configured levels (never more than 3); the total capped; the referral graph acyclic; and no money
to anybody for a signup, an invitation or a tier change."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanzi.commission.constants import MAX_CAP_BPS
from quanzi.commission.models import Commission
from quanzi.commission.services import compute_line_commission, settings_update, tiers_evaluate
from quanzi.core.errors import BusinessRuleViolation, ValidationFailed
from quanzi.core.money import apply_rate
from quanzi.ledger.testing import (
    posting_kinds,
    postings_total,
    transaction_count,
    transaction_kinds,
    transactions,
)

pytestmark = pytest.mark.django_db

USER_MONEY_KINDS = {"commission.accrue", "commission.reverse", "commission.release", "commission.void",
                    "withdrawal.hold", "withdrawal.paid", "withdrawal.return"}


# ---------------------------------------------------------------- the computation alone, many cases

@settings(max_examples=400, deadline=None)
@given(base=st.integers(0, 10**9), rate=st.integers(0, 10_000), fee_bps=st.integers(0, 10_000),
       l1=st.integers(0, 10_000), l2=st.integers(0, 10_000), l3=st.integers(0, 10_000), levels=st.integers(1, 3),
       cap=st.integers(1, 10_000), uplines=st.lists(st.integers(1, 10**6), max_size=60, unique=True))
def test_the_computation_never_pays_more_levels_or_more_money_than_allowed(base, rate, fee_bps, l1, l2, l3, levels,
                                                                           cap, uplines):
    fee = apply_rate(base, fee_bps)
    shares = compute_line_commission(base=base, rate_bps=rate, fee=fee, sharer_id=0, upline_ids=uplines,
                                     level1_share_bps=l1, level_shares={2: l2, 3: l3}, levels=levels, cap_bps=cap)
    total = sum(s.amount for s in shares)
    assert len(shares) <= levels <= 3
    assert [s.beneficiary_id for s in shares] == [0, *uplines][:len(shares)]
    assert all(s.amount >= 0 for s in shares)
    assert total <= apply_rate(base, min(cap, MAX_CAP_BPS))  # never above the cap, which never exceeds 30 %
    assert total <= apply_rate(base, min(rate, cap, MAX_CAP_BPS))  # never above the merchant's pool
    assert total <= max(0, base - fee)  # never above the line's margin after the take rate
    if base == 0:
        assert shares == []


def test_more_than_three_levels_is_refused_everywhere():
    with pytest.raises(ValidationFailed) as err:
        settings_update(data={"levels": 4})
    assert err.value.code == "depth_above_cap"
    with pytest.raises(ValidationFailed) as err:
        compute_line_commission(base=100, rate_bps=100, fee=0, sharer_id=1, upline_ids=[2, 3, 4], level1_share_bps=1,
                                level_shares={}, levels=4, cap_bps=3000)
    assert err.value.code == "depth_above_cap"
    with pytest.raises(ValidationFailed) as err:
        settings_update(data={"cap_bps": 3001})  # the cap may only be lowered
    assert err.value.code == "cap_above_limit"


# ---------------------------------------------------------------- random referral trees, real orders

@st.composite
def referral_trees(draw):
    """A tree of up to 51 people as parent indices (node 0 is the root); chains reach depth 50."""
    size = draw(st.integers(2, 51))
    parents = [None]
    for i in range(1, size):
        parents.append(draw(st.one_of(st.just(i - 1), st.integers(0, i - 1))))
    return parents


def _depth_chain(parents, node, levels):
    chain = []
    while parents[node] is not None and len(chain) < levels - 1:
        node = parents[node]
        chain.append(node)
    return chain


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(parents=referral_trees(), levels=st.integers(1, 3), cap=st.integers(500, 3000), rate=st.integers(1, 3000),
       sales=st.lists(st.tuples(st.integers(0, 50), st.booleans(), st.booleans()), min_size=1, max_size=3),
       cycle_from=st.integers(0, 50), cycle_to=st.integers(0, 50))
def test_random_referral_trees_pay_at_most_the_levels_only_for_paid_kept_sales(
        make_user, shop, make_product, make_plan, attributed_order, bind_upline, parents, levels, cap, rate, sales,
        cycle_from, cycle_to):
    sid = transaction.savepoint()
    try:
        _run_tree_example(make_user, shop, make_product, make_plan, attributed_order, bind_upline, parents, levels,
                          cap, rate, sales, cycle_from, cycle_to)
    finally:
        transaction.savepoint_rollback(sid)


def _run_tree_example(make_user, shop, make_product, make_plan, attributed_order, bind_upline, parents, levels, cap,
                      rate, sales, cycle_from, cycle_to):
    from quanzi.commission.models import DistributionPlan
    from quanzi.orders.services import order_refund_all
    from quanzi.sharing.selectors import upline_chain

    settings_update(data={"levels": levels, "cap_bps": cap, "max_new_account_buyers": 10**6})
    people = [make_user() for _ in parents]
    for i, parent in enumerate(parents):
        if parent is not None:
            bind_upline(people[i], people[parent])
    # The graph stays acyclic: binding any ancestor under a descendant (or anyone twice) is refused.
    a, b = sorted((cycle_from % len(people), cycle_to % len(people)))
    if parents[a] is None and a != b and b in _descendants(parents, a):
        with pytest.raises(BusinessRuleViolation) as err:
            bind_upline(people[a], people[b])
        assert err.value.code == "upline_cycle"
    for i in range(len(people)):  # every chain ends at the root within len(people) steps
        assert len(upline_chain(user_id=people[i].pk, depth=3)) == len(_depth_chain(parents, i, 4))
    sku = make_product(shop=shop, price=9999, stock=10).skus.get()
    DistributionPlan.objects.filter(shop=shop).delete()
    make_plan(shop, rate_bps=min(rate, cap))
    expected_kept = 0
    for node, paid, refund in sales:
        node %= len(people)
        order = attributed_order([(sku, 1)], sharer=people[node], paid=paid)
        rows = list(Commission.objects.filter(order=order).order_by("level"))
        if not paid:
            assert rows == []  # nothing is paid without a paid sale
            continue
        chain = [people[node].pk] + [people[i].pk for i in _depth_chain(parents, node, levels)]
        assert [c.beneficiary_id for c in rows if c.amount] == chain[:len([c for c in rows if c.amount])]
        assert max(c.level for c in rows) <= levels
        assert sum(c.amount for c in rows) <= apply_rate(9999, cap)
        if refund:
            order_refund_all(order_id=order.pk, reason="test")
            assert sum(c.amount - c.reversed for c in Commission.objects.filter(order=order)) == 0
        else:
            expected_kept += sum(c.amount for c in rows)
    user_money = -postings_total(account_prefix="user:")
    assert user_money == expected_kept  # what people hold equals commission on kept, paid sales


def _descendants(parents, node):
    found, changed = {node}, True
    while changed:
        changed = False
        for i, p in enumerate(parents):
            if p in found and i not in found:
                found.add(i)
                changed = True
    return found - {node}


# ---------------------------------------------------------------- every transaction kind of a full run

def test_no_money_ever_goes_to_a_user_for_a_signup_an_invitation_or_a_tier(
        make_user, make_shopper, shop, make_product, make_plan, attributed_order, complete_order, refund_line,
        wallet_of, ledger_balanced):
    from quanzi.commission.models import Tier, TierChange
    from quanzi.core import clock
    from quanzi.settlement.tasks import settle_due_orders
    from quanzi.sharing.services import invitation_for, invite_accept

    from .conftest import AFTER_WINDOW

    inviter = make_user(nickname="inviter")
    before = transaction_count()
    # Signup and invitation: a new account accepts the inviter's code.
    sharer = make_user(nickname="new distributor")
    invite_accept(user=sharer, code=invitation_for(user=inviter).code, ip="127.0.0.1")
    assert transaction_count() == before  # neither moved a fen

    sku = make_product(shop=shop, price=5000, stock=50).skus.get()
    make_plan(shop, rate_bps=2000)
    kept = complete_order(attributed_order([(sku, 2)], sharer=sharer, user=make_shopper()))
    refunded = attributed_order([(sku, 1)], sharer=sharer, user=make_shopper())
    refund_line(refunded)
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()
    # A tier change: the sweep upgrades the sharer (thresholds lowered) — and moves no money either.
    before = transaction_count()
    Tier.objects.filter(rank=2).update(min_own_sales=0)
    assert tiers_evaluate(force=True) == 1
    assert TierChange.objects.get().user_id == sharer.pk
    assert transaction_count() == before

    kinds = transaction_kinds()
    assert {"commission.accrue", "commission.reverse", "commission.release"} <= kinds
    user_kinds = posting_kinds(account_prefix="user:")
    assert user_kinds <= USER_MONEY_KINDS
    # Every commission transaction belongs to a commission on a paid order line bought through a share.
    for txn in transactions(kind_prefix="commission."):
        c = Commission.objects.select_related("order", "order_line").get(pk=int(txn.ref_id))
        assert c.order.paid_at is not None and "share" in c.order_line.attribution
    assert wallet_of(inviter) == {"pending": 0, "available": 400}  # level 2 on the kept sale only
    assert Commission.objects.get(order=kept, level=1).status == "available"
    ledger_balanced()
