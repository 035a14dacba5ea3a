"""The commission lifecycle in the ledger: accrued on payment, reversed on refunds, released at
settlement — every step one idempotent, balanced transaction."""

from __future__ import annotations

import pytest

from quanzi.commission.constants import CommissionStatus
from quanzi.commission.models import Commission
from quanzi.commission.services import commission_accrue_order, commission_release_order, settings_update
from quanzi.core import clock
from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import transaction_count
from quanzi.orders.services import order_refund_all
from quanzi.settlement.services import merchant_balances, order_settle
from quanzi.settlement.tasks import settle_due_orders
from quanzi.settlement.testing import settlements

from .conftest import AFTER_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(make_user, bind_upline):
    """grand ← upline ← sharer (the sharer was invited by upline, who was invited by grand)."""
    grand, upline, sharer = make_user(nickname="grand"), make_user(nickname="upline"), make_user(nickname="sharer")
    bind_upline(upline, grand)
    bind_upline(sharer, upline)
    return grand, upline, sharer


def test_a_paid_attributed_line_pays_the_sharer_and_the_upline_into_pending(
        shop, sku, make_plan, network, attributed_order, wallet_of, ledger_balanced):
    grand, upline, sharer = network
    make_plan(shop, rate_bps=2000)  # the product's category: a pool of 20 %
    order = attributed_order([(sku, 1)], sharer=sharer)  # ¥59.00

    rows = {c.level: c for c in Commission.objects.filter(order=order)}
    # pool = 5900 × 20 % = 1180; level 1 (会员, 50 %) = 590; level 2 (20 %) = 236; no level 3 by default
    assert {lvl: (c.beneficiary_id, c.amount, c.status) for lvl, c in rows.items()} == {
        1: (sharer.pk, 590, CommissionStatus.PENDING), 2: (upline.pk, 236, CommissionStatus.PENDING)}
    assert wallet_of(sharer) == {"pending": 590, "available": 0}
    assert wallet_of(upline) == {"pending": 236, "available": 0}
    assert wallet_of(grand) == {"pending": 0, "available": 0}
    assert merchant_balances(shop_id=shop.pk)["pending"] == order.total - 826
    assert transaction_count(kind="commission.accrue") == 2
    ledger_balanced()


def test_accrual_is_idempotent(shop, sku, make_plan, network, attributed_order):
    make_plan(shop)
    order = attributed_order([(sku, 1)], sharer=network[2])
    assert commission_accrue_order(order_id=order.pk) == []
    assert Commission.objects.count() == 2
    assert transaction_count(kind="commission.accrue") == 2


def test_three_levels_when_the_operator_turns_the_third_on(shop, sku, make_plan, network, attributed_order):
    grand, upline, sharer = network
    settings_update(data={"levels": 3})
    make_plan(shop, rate_bps=2000)
    order = attributed_order([(sku, 1)], sharer=sharer)
    assert dict(Commission.objects.filter(order=order).values_list("beneficiary_id", "amount")) == {
        sharer.pk: 590, upline.pk: 236, grand.pk: 118}


def test_no_plan_no_attribution_or_an_unpaid_order_pay_nothing(
        shop, sku, make_plan, network, attributed_order, place_order, pay):
    sharer = network[2]
    attributed_order([(sku, 1)], sharer=sharer)  # no plan
    make_plan(shop)
    place_order([(sku, 1)], pay=True)  # plan, but nobody shared it
    attributed_order([(sku, 1)], sharer=sharer, paid=False)  # shared, never paid
    assert Commission.objects.count() == 0
    assert transaction_count(kind_prefix="commission") == 0


def test_a_product_plan_beats_the_category_plan_and_a_disabled_one_is_ignored(
        shop, sku, product, make_plan, network, attributed_order):
    from quanzi.commission.services import plan_update

    make_plan(shop, rate_bps=1000)
    plan = make_plan(shop, rate_bps=3000, product=product)
    order = attributed_order([(sku, 1)], sharer=network[2])
    assert Commission.objects.get(order=order, level=1).amount == 885  # 5900 × 30 % × 50 %

    plan_update(shop=shop, plan_id=plan.pk, enabled=False)
    order = attributed_order([(sku, 1)], sharer=network[2])
    assert Commission.objects.get(order=order, level=1).amount == 295  # the category's 10 %


def test_self_purchase_earns_nothing_unless_the_rebate_is_on(
        shop, sku, make_plan, network, attributed_order, shopper, bind_upline, wallet_of):
    _grand, upline, _sharer = network
    bind_upline(shopper, upline)
    make_plan(shop)
    attributed_order([(sku, 1)], sharer=shopper)  # the shopper bought through their own link
    assert Commission.objects.count() == 0

    settings_update(data={"self_purchase_rebate": True})
    order = attributed_order([(sku, 1)], sharer=shopper)
    # the rebate is the buyer's own level 1 only: nobody earns on a downline's own consumption
    assert list(Commission.objects.filter(order=order).values_list("beneficiary_id", "level", "self_purchase")) == [
        (shopper.pk, 1, True)]
    assert wallet_of(upline)["pending"] == 0


def test_the_buyer_never_earns_as_the_sharers_upline(shop, sku, make_plan, make_shopper, make_user, bind_upline,
                                                     attributed_order):
    buyer, sharer = make_shopper(), make_user()
    bind_upline(sharer, buyer)  # the buyer invited the sharer, then bought through the sharer's link
    make_plan(shop)
    order = attributed_order([(sku, 1)], sharer=sharer, user=buyer)
    assert list(Commission.objects.filter(order=order).values_list("beneficiary_id", flat=True)) == [sharer.pk]


def test_the_total_never_exceeds_the_line_margin_after_the_take_rate(
        make_shop, make_product, make_plan, network, attributed_order):
    shop = make_shop(take_rate_bps=8000)  # the platform keeps 80 %: 20 % margin left for commission
    sku = make_product(shop=shop, price=10000).skus.get()
    make_plan(shop, rate_bps=3000)
    settings_update(data={"levels": 3, "level2_share_bps": 5000, "level3_share_bps": 5000})
    order = attributed_order([(sku, 1)], sharer=network[2])
    amounts = dict(Commission.objects.filter(order=order).values_list("level", "amount"))
    # pool 3000: 1500 + 1500 + 1500 wanted; limit min(pool 3000, cap 3000, margin 2000): cut deepest first
    assert amounts == {1: 1500, 2: 500}
    assert sum(amounts.values()) == 2000


def test_a_partial_refund_shrinks_the_commission_by_the_refunded_share(
        shop, make_product, make_plan, network, attributed_order, refund_line, wallet_of, ledger_balanced):
    _grand, upline, sharer = network
    sku = make_product(shop=shop, price=3333).skus.get()
    make_plan(shop, rate_bps=2000)
    order = attributed_order([(sku, 3)], sharer=sharer)  # line 9999: pool 1999, L1 999, L2 399
    assert wallet_of(sharer)["pending"] == 999

    refund_line(order, quantity=1)  # 3333 of 9999 refunded
    c1 = Commission.objects.get(order=order, level=1)
    # a third taken back, rounded up: the sharer never keeps more than two thirds earn (666)
    assert (c1.reversed, c1.status) == (333, CommissionStatus.PENDING)
    assert wallet_of(sharer)["pending"] == 666
    assert wallet_of(upline)["pending"] == 399 - 133
    ledger_balanced()

    refund_line(order, quantity=2)
    assert set(Commission.objects.filter(order=order).values_list("status", flat=True)) == {CommissionStatus.REVERSED}
    assert wallet_of(sharer)["pending"] == 0 and wallet_of(upline)["pending"] == 0
    assert transaction_count(kind="commission.reverse") == 4
    ledger_balanced()


def test_a_full_refund_reverses_everything_and_the_merchant_gets_it_back(
        shop, sku, make_plan, network, attributed_order, wallet_of, ledger_balanced):
    make_plan(shop)
    order = attributed_order([(sku, 1)], sharer=network[2])
    order_refund_all(order_id=order.pk, reason="operator")
    order_refund_all(order_id=order.pk, reason="operator")  # idempotent
    assert wallet_of(network[2])["pending"] == 0
    assert merchant_balances(shop_id=shop.pk)["pending"] == 0
    assert set(Commission.objects.values_list("status", "reversed")) == {("reversed", 590), ("reversed", 236)}
    ledger_balanced()


def test_settlement_makes_the_commission_withdrawable_once_and_the_merchant_pays_it(
        shop, sku, make_plan, network, attributed_order, complete_order, wallet_of, ledger_balanced):
    _grand, upline, sharer = network
    make_plan(shop)
    order = complete_order(attributed_order([(sku, 1)], sharer=sharer))
    assert settle_due_orders() == 0  # the return window is open: still pending
    assert wallet_of(sharer) == {"pending": 590, "available": 0}

    with clock.travel(AFTER_WINDOW):
        assert settle_due_orders() == 1
        settle_due_orders()
        order_settle(order_id=order.pk)
        assert commission_release_order(order_id=order.pk) == 0

    assert wallet_of(sharer) == {"pending": 0, "available": 590}
    assert wallet_of(upline) == {"pending": 0, "available": 236}
    assert set(Commission.objects.values_list("status", flat=True)) == {CommissionStatus.AVAILABLE}
    (settlement,) = settlements()
    # ¥59 + ¥8 shipping; take rate 5 % of 5900 = 295; commission 826 deducted
    assert (settlement.gross, settlement.fee, settlement.deducted, settlement.net) == (6700, 295, 826, 5579)
    assert merchant_balances(shop_id=shop.pk)["pending"] == 0
    assert merchant_balances(shop_id=shop.pk)["available"] == 5579
    assert transaction_count(kind="commission.release") == 2
    ledger_balanced()


def test_a_refund_after_delivery_then_settlement_pays_only_the_kept_part(
        shop, make_product, make_plan, network, attributed_order, complete_order, submit_refunds, wallet_of,
        ledger_balanced):
    from quanzi.orders.aftersales import (
        aftersale_approve,
        aftersale_confirm_return,
        aftersale_request,
        aftersale_ship_return,
    )

    sharer = network[2]
    sku = make_product(shop=shop, price=5000).skus.get()
    make_plan(shop)
    order = complete_order(attributed_order([(sku, 2)], sharer=sharer))  # 10000: pool 2000, L1 1000
    after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=order.lines.get().pk,
                                   kind="return_refund", quantity=1, reason="quality")
    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    aftersale_ship_return(user=order.user, after_sale_id=after_sale.pk, carrier="sf", tracking_number="R1")
    aftersale_confirm_return(shop=shop, after_sale_id=after_sale.pk)
    submit_refunds()
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()
    assert wallet_of(sharer) == {"pending": 0, "available": 500}
    assert merchant_balances(shop_id=shop.pk)["pending"] == 0
    assert balance(code="platform:clearing") == 0
    ledger_balanced()
