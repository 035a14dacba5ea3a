"""Coupons are exact under concurrency, on PostgreSQL: real threads, one connection each, released together by a
barrier (core.testing.run_pool) — claims never over-issue, a coupon is held by one order, given back once, and a
budget in money is never overspent."""

from __future__ import annotations

import pytest
from django.db import connection

from quanzi.catalog.testing import sku_get
from quanzi.core.errors import BusinessRuleViolation, Conflict
from quanzi.core.testing import run_pool
from quanzi.coupons.models import Coupon, CouponOrder, CouponTemplate
from quanzi.coupons.services import coupon_claim
from quanzi.orders.testing import order_force_fields, order_get
from quanzi.orders.testing import orders as orders_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("races need PostgreSQL's row locks (DATABASE_URL=postgres://…)")


def _errors(results) -> list:
    return [r[1] for r in results if r[0] == "error"]


def test_the_last_unit_claimed_by_100_shoppers_at_once_is_issued_once(make_user, shop, coupon_template):
    template = coupon_template(shop=shop, total_count=1)
    shoppers = [make_user() for _ in range(100)]
    results = run_pool([lambda u=u: coupon_claim(user=u, template_id=template.pk) for u in shoppers], threads=20)
    won = [r[1] for r in results if r[0] == "ok"]
    assert len(won) == 1, results
    assert all(isinstance(e, BusinessRuleViolation) and e.code == "coupon_sold_out" for e in _errors(results))
    template.refresh_from_db()
    assert template.issued_count == 1 == Coupon.objects.filter(template=template).count()


def test_one_shopper_claiming_20_times_at_once_gets_one(shopper, shop, coupon_template):
    template = coupon_template(shop=shop, total_count=50, per_user_limit=1)
    results = run_pool([lambda: coupon_claim(user=shopper, template_id=template.pk) for _ in range(20)], threads=20)
    assert sum(r[0] == "ok" for r in results) == 1, results
    assert all(isinstance(e, BusinessRuleViolation) and e.code == "claim_limit" for e in _errors(results))
    template.refresh_from_db()
    assert template.issued_count == 1 == Coupon.objects.filter(template=template, user=shopper).count()


def test_one_coupon_in_five_checkouts_at_once_places_one_order(shopper, shop, tee_and_mug, coupon_template, claim,
                                                               checkout):
    tee, _mug = tee_and_mug
    coupon = claim(shopper, coupon_template(shop=shop, amount_off=1000, budget_amount=10_000))
    stock = sku_get(sku_id=tee.pk).stock
    results = run_pool([lambda: checkout(shopper, [(tee, 2)], coupons=str(coupon.pk)) for _ in range(5)], threads=5)
    assert sum(r[0] == "ok" for r in results) == 1, results
    errors = _errors(results)
    assert len(errors) == 4 and all(isinstance(e, Conflict) for e in errors), errors
    assert {e.code for e in errors} <= {"coupon_unavailable", "coupon_held"}
    assert all(e.message and e.fields.get("coupons") == str(coupon.pk) for e in errors)
    orders = orders_of(user=shopper)
    assert len(orders) == 1
    assert [(a["source"], a["ref"], a["amount"]) for a in orders[0].adjustments] == [("coupon", str(coupon.pk), 1000)]
    assert sku_get(sku_id=tee.pk).stock == stock - 2  # taken once
    coupon.refresh_from_db()
    assert (coupon.status, coupon.order_id, coupon.held_amount) == ("held", orders[0].pk, 1000)
    assert CouponTemplate.objects.get(pk=coupon.template_id).spent_amount == 1000


def test_cancels_racing_each_other_and_the_timeout_sweep_give_the_coupon_back_once(
        shopper, shop, tee_and_mug, coupon_template, claim, checkout):
    from datetime import timedelta

    from quanzi.core import clock
    from quanzi.orders.services import order_cancel
    from quanzi.orders.tasks import orders_expire_unpaid

    tee, _mug = tee_and_mug
    template = coupon_template(shop=shop, amount_off=1000, budget_amount=5000)
    coupon = claim(shopper, template)
    stock = sku_get(sku_id=tee.pk).stock
    for round_ in range(3):
        order = checkout(shopper, [(tee, 1)], coupons=str(coupon.pk))[0][0]
        assert CouponTemplate.objects.get(pk=template.pk).spent_amount == 1000
        order_force_fields(order_id=order.pk, pay_deadline=clock.now() - timedelta(seconds=1))
        calls = [lambda o=order: order_cancel(order_id=o.pk, reason="changed mind", user=shopper),
                 lambda o=order: order_cancel(order_id=o.pk, reason="changed mind", user=shopper),
                 orders_expire_unpaid, orders_expire_unpaid]
        results = run_pool(calls, threads=4)
        cancels = [r for r in results[:2] if r[0] == "ok"]
        swept = sum(r[1] for r in results[2:] if r[0] == "ok")
        assert all(r[0] == "ok" for r in results[2:]), results
        assert len(cancels) + swept == 1, (round_, results)
        assert all(isinstance(e, Conflict) and e.code == "invalid_order_state" for e in _errors(results))
        coupon.refresh_from_db()
        assert (coupon.status, coupon.order_id, coupon.held_amount) == ("available", None, 0)
        assert CouponTemplate.objects.get(pk=template.pk).spent_amount == 0
        assert not CouponOrder.objects.filter(order_id=order.pk).exists()
        assert sku_get(sku_id=tee.pk).stock == stock
        assert order_get(order_id=order.pk).status == "cancelled"


def test_a_budget_in_money_covers_exactly_k_discounts_under_concurrency(make_shopper, shop, tee_and_mug,
                                                                        coupon_template, claim, checkout):
    tee, _mug = tee_and_mug
    k = 4
    template = coupon_template(shop=shop, amount_off=1000, total_count=100, budget_amount=k * 1000 + 500)
    shoppers = [make_shopper() for _ in range(12)]
    coupons = {s.pk: claim(s, template) for s in shoppers}
    calls = [lambda s=s: checkout(s, [(tee, 1)], coupons=str(coupons[s.pk].pk), addr=s.addresses.get())
             for s in shoppers]
    results = run_pool(calls, threads=12)
    assert sum(r[0] == "ok" for r in results) == k, results
    errors = _errors(results)
    assert all(isinstance(e, Conflict) and e.code == "coupon_budget_spent" for e in errors), errors
    template.refresh_from_db()
    assert template.spent_amount == k * 1000 <= template.budget_amount
    assert len(orders_of(shop=shop)) == k
    assert Coupon.objects.filter(template=template, status="held").count() == k
    assert Coupon.objects.filter(template=template, status="available").count() == 12 - k
    assert CouponTemplate.objects.filter(spent_amount__lt=0).count() == 0
