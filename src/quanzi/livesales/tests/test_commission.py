"""The host's commission on attributed sales: accrued on payment, reversed on refund, released at
settlement, deducted from the merchant — every step a balanced, idempotent ledger transaction."""

import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import transaction_count
from quanzi.livesales import services
from quanzi.livesales.models import HostCommission, HostCommissionStatus
from quanzi.orders.services import order_refund_all
from quanzi.settlement import accounts as macct
from quanzi.wallet import accounts as wacct

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_live_order(room, lsku, make_shopper, pay):
    def run(quantity=1, live=True):
        viewer = make_shopper()
        if not live:
            from quanzi.livesales.models import LivePrice

            LivePrice.objects.all().delete()
        order, payment = services.live_buy(user=viewer, room_number=room.number, sku_id=lsku.pk, quantity=quantity,
                                           address_id=viewer.addresses.get().pk)
        pay(payment.number)
        order.refresh_from_db()
        return order

    return run


def wallet(user):
    return {"pending": -balance(code=wacct.earnings_pending(user.pk)), "available": -balance(code=wacct.wallet_available(user.pk))}


def test_payment_accrues_the_host_commission_from_the_merchants_pending_money(room, paid_live_order,
                                                                                ledger_balanced):
    order = paid_live_order(quantity=3)  # 3 × ¥100.00, no live price: 30000 fen, 10 % by default
    c = HostCommission.objects.get()
    assert (c.base, c.rate_bps, c.amount, c.host_id, c.room_id) == (30000, 1000, 3000, room.host_id, room.pk)
    assert wallet(room.host) == {"pending": 3000, "available": 0}
    assert -balance(code=macct.merchant_pending(order.shop_id)) == order.total - 3000
    ledger_balanced()
    services.host_commission_accrue_order(order_id=order.pk)  # a replayed event books nothing twice
    assert HostCommission.objects.count() == 1 and wallet(room.host)["pending"] == 3000


def test_the_rooms_terms_set_the_rate_and_rounding_goes_down(room, paid_live_order, live_price):
    services.terms_set(room_id=room.pk, host_commission_bps=1234)
    paid_live_order(quantity=1)  # ¥59.00 live price → 5900 × 12.34 % = 728.06 → 728
    assert HostCommission.objects.get().amount == 728


def test_a_full_refund_reverses_the_commission(room, paid_live_order, submit_refunds, ledger_balanced):
    order = paid_live_order(quantity=2)
    order_refund_all(order_id=order.pk, reason="operator")
    submit_refunds()
    c = HostCommission.objects.get()
    assert (c.reversed, c.status) == (c.amount, HostCommissionStatus.REVERSED)
    assert wallet(room.host) == {"pending": 0, "available": 0}
    assert balance(code=macct.merchant_pending(order.shop_id)) == 0  # everything went back to the shopper
    ledger_balanced()


def test_a_partial_refund_reverses_in_proportion_rounded_up(room, paid_live_order, submit_refunds):
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request

    services.terms_set(room_id=room.pk, host_commission_bps=333)
    order = paid_live_order(quantity=3)  # 30000 fen → 999 commission
    line = order.lines.get()
    after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=line.pk, kind="refund_only",
                                   quantity=1, reason="changed_mind")
    aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk)
    submit_refunds()
    c = HostCommission.objects.get()
    assert c.amount == 999 and c.reversed == 333  # ceil(999 × 10000 / 30000)
    assert wallet(room.host)["pending"] == 666


def test_settlement_releases_the_commission_and_deducts_it_from_the_merchant(room, paid_live_order,
                                                                             ledger_balanced):
    from quanzi.orders.services import order_confirm_receipt, order_mark_delivered, order_mark_shipped
    from quanzi.settlement.tasks import settle_due_orders
    from quanzi.settlement.testing import settlements

    order = paid_live_order(quantity=1)
    order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=order.pk)
    order_confirm_receipt(order_id=order.pk, user=order.user)
    with clock.travel(dt.timedelta(days=8)):
        assert settle_due_orders() == 1
        settle_due_orders()
    [settlement] = settlements(order_id=order.pk)
    assert settlement.deducted == 1000
    assert balance(code=macct.merchant_pending(order.shop_id)) == 0
    assert wallet(room.host) == {"pending": 0, "available": 1000}
    c = HostCommission.objects.get()
    assert c.status == HostCommissionStatus.AVAILABLE
    assert transaction_count(kind="live.commission.release") == 1
    ledger_balanced()


def test_after_settlement_a_refund_takes_it_back_from_the_wallet(room, paid_live_order, submit_refunds):
    from quanzi.orders.services import order_confirm_receipt, order_mark_delivered, order_mark_shipped
    from quanzi.settlement.services import order_settle

    order = paid_live_order(quantity=1)
    order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=order.pk)
    order_confirm_receipt(order_id=order.pk, user=order.user)
    order_settle(order_id=order.pk)
    assert wallet(room.host)["available"] == 1000
    services.host_commission_reverse(order_id=order.pk, line_id=None, key="test")  # nothing refunded yet
    assert wallet(room.host)["available"] == 1000
    line = order.lines.get()
    type(line).objects.filter(pk=line.pk).update(refunded_amount=line.line_total, refunded_quantity=1)
    assert services.host_commission_reverse(order_id=order.pk, line_id=line.pk, key="late") == 1000
    assert wallet(room.host)["available"] == 0
    assert -balance(code=macct.merchant_available(order.shop_id)) > 0


def test_the_shop_owner_hosting_earns_no_commission_from_their_own_shop(make_room, shop, lproduct, lsku,
                                                                        make_shopper, pay):
    room = make_room(shop=shop, products=[lproduct], host=shop.owner)
    viewer = make_shopper()
    order, payment = services.live_buy(user=viewer, room_number=room.number, sku_id=lsku.pk, quantity=1,
                                       address_id=viewer.addresses.get().pk)
    pay(payment.number)
    assert order.lines.get().attribution["live"]["host_id"] == shop.owner_id
    assert not HostCommission.objects.exists()


def test_an_unpaid_order_earns_nothing(room, lsku, make_shopper):
    viewer = make_shopper()
    services.live_buy(user=viewer, room_number=room.number, sku_id=lsku.pk, quantity=1,
                      address_id=viewer.addresses.get().pk)
    assert not HostCommission.objects.exists()
    assert wallet(room.host) == {"pending": 0, "available": 0}
