"""Fraud holds: risk signals hold a commission (money stays in earnings_pending, never released at
settlement) until the operator releases or voids it; every hold and decision is logged."""

from __future__ import annotations

import pytest

from quanzi.commission.models import Commission, CommissionHoldLog, CommissionStatus
from quanzi.commission.services import commission_release, commission_void, settings_update
from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.settlement.services import merchant_balances
from quanzi.settlement.tasks import settle_due_orders

from .conftest import AFTER_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(shop, make_product, make_plan, make_user):
    sku = make_product(shop=shop, price=1000, stock=100).skus.get()
    make_plan(shop, rate_bps=2000)
    return sku, make_user(nickname="sharer")


def _statuses(sharer):
    return list(Commission.objects.filter(sharer=sharer, level=1).order_by("id").values_list("status", flat=True))


def test_many_orders_from_one_device_are_held(setup, attributed_order, make_shopper, wallet_of):
    sku, sharer = setup
    for i in range(6):  # threshold 5 per device in 24 h: the 6th is held
        attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), ip=f"10.0.0.{i}", device="a" * 16)
    assert _statuses(sharer) == ["pending"] * 5 + ["held"]
    held = Commission.objects.get(status=CommissionStatus.HELD)
    assert "device" in held.hold_reason
    log = CommissionHoldLog.objects.get()
    assert (log.commission_id, log.action, log.actor) == (held.pk, "hold", None)
    assert wallet_of(sharer)["pending"] == 6 * 100  # held money stays in earnings_pending


def test_other_signals_ip_address_and_new_account_bursts(setup, attributed_order, make_shopper, shopper):
    sku, sharer = setup
    settings_update(data={"max_orders_per_ip": 2, "max_orders_per_address": 100, "max_new_account_buyers": 100})
    for i in range(3):
        attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device=f"{i:016d}", ip="1.2.3.4")
    assert _statuses(sharer) == ["pending", "pending", "held"]

    settings_update(data={"max_orders_per_ip": 100, "max_orders_per_address": 3})
    Commission.objects.all().delete()
    for i in range(4):  # every make_shopper has the same address
        attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device=f"{i:016d}", ip=f"9.9.9.{i}")
    assert _statuses(sharer)[-1] == "held"
    assert "address" in Commission.objects.filter(sharer=sharer, level=1).order_by("id").last().hold_reason

    settings_update(data={"max_orders_per_address": 100, "max_new_account_buyers": 2})
    Commission.objects.all().delete()
    for i in range(3):  # three accounts that signed up today buy through one sharer
        attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device=f"{i:016d}", ip=f"8.8.8.{i}")
    assert _statuses(sharer) == ["pending", "pending", "held"]


def test_immediate_refunds_hold_the_sharers_next_commissions(setup, attributed_order, make_shopper, refund_line):
    sku, sharer = setup
    settings_update(data={"max_quick_refunds": 2, "max_new_account_buyers": 100})
    for i in range(2):
        order = attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device=f"{i:016d}", ip=f"7.7.7.{i}")
        refund_line(order)  # refunded minutes after payment
    assert Commission.objects.filter(quick_refund=True).count() == 2
    attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="f" * 16, ip="7.7.7.9")
    assert _statuses(sharer)[-1] == "held"


def test_a_held_commission_is_not_released_at_settlement_until_the_operator_releases_it(
        setup, attributed_order, make_shopper, complete_order, make_user, wallet_of, ledger_balanced):
    sku, sharer = setup
    settings_update(data={"max_orders_per_device": 1})
    attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="b" * 16)
    order = complete_order(attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="b" * 16))
    held = Commission.objects.get(order=order)
    assert held.status == CommissionStatus.HELD

    with clock.travel(AFTER_WINDOW):
        settle_due_orders()
    held.refresh_from_db()
    assert held.status == CommissionStatus.HELD
    assert wallet_of(sharer) == {"pending": 200, "available": 0}  # the first order is not settled yet
    assert merchant_balances(shop_id=order.shop_id)["pending"] == 1800 - 100

    operator = make_user(is_staff=True)
    commission_release(commission_id=held.pk, actor=operator, note="checked: real friends")
    assert wallet_of(sharer) == {"pending": 100, "available": 100}  # the settled order's commission → wallet
    with pytest.raises(Conflict):
        commission_release(commission_id=held.pk, actor=operator)
    assert list(CommissionHoldLog.objects.filter(commission=held).values_list("action", "actor_id")) == [
        ("release", operator.pk), ("hold", None)]
    ledger_balanced()


def test_voiding_returns_the_money_to_the_merchant_pending_or_available(
        setup, attributed_order, make_shopper, complete_order, wallet_of, ledger_balanced):
    sku, sharer = setup
    settings_update(data={"max_orders_per_device": 1})
    first = attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="c" * 16)
    second = complete_order(attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="c" * 16))
    shop_id = second.shop_id
    before = merchant_balances(shop_id=shop_id)["pending"]

    with pytest.raises(ValidationFailed):
        commission_void(commission_id=Commission.objects.get(order=first).pk, note=" ")
    commission_void(commission_id=Commission.objects.get(order=first).pk, note="fake orders")  # a pending one
    assert merchant_balances(shop_id=shop_id)["pending"] == before + 100

    with clock.travel(AFTER_WINDOW):
        settle_due_orders()  # the second (held) is settled; its commission stays held
    available = merchant_balances(shop_id=shop_id)["available"]
    commission_void(commission_id=Commission.objects.get(order=second).pk, note="fake orders")
    assert merchant_balances(shop_id=shop_id)["available"] == available + 100
    assert wallet_of(sharer) == {"pending": 0, "available": 0}
    assert set(Commission.objects.values_list("status", flat=True)) == {CommissionStatus.VOIDED}
    with pytest.raises(Conflict):
        commission_void(commission_id=Commission.objects.get(order=second).pk, note="again")
    with pytest.raises(NotFound):
        commission_void(commission_id=999999, note="x")
    ledger_balanced()


def test_the_operator_decides_in_the_admin(setup, attributed_order, make_shopper, make_user, client):
    sku, sharer = setup
    settings_update(data={"max_orders_per_device": 1})
    attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="e" * 16)
    attributed_order([(sku, 1)], sharer=sharer, user=make_shopper(), device="e" * 16)
    held = Commission.objects.get(status=CommissionStatus.HELD)
    operator = make_user(is_staff=True)
    client.force_login(operator)

    page = client.get(f"/admin/commission/commission/{held.pk}/change/")
    assert page.status_code == 200 and b"decide/void_commission" in page.content
    url = f"/admin/commission/commission/{held.pk}/decide/void_commission/"
    assert client.post(url, {"apply": "1", "note": ""}).status_code == 400  # a void needs a reason
    response = client.post(url, {"apply": "1", "note": "same phone farm"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == CommissionStatus.VOIDED
    log = CommissionHoldLog.objects.filter(commission=held, action="void").get()
    assert (log.actor_id, log.reason) == (operator.pk, "same phone farm")
