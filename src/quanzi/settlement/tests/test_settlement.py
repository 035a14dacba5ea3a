"""Settlement: after the return window the merchant's money becomes available minus the take rate;
payouts take it out. Every step is one balanced, idempotent ledger transaction."""

import datetime as dt

import pytest
from django.core.management import call_command

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.ledger import testing as ledger_testing
from quanzi.ledger.selectors import balance
from quanzi.orders import testing as orders_testing
from quanzi.orders.aftersales import aftersale_approve, aftersale_request
from quanzi.orders.services import order_confirm_receipt, order_mark_delivered, order_mark_shipped
from quanzi.settlement.constants import PayoutStatus
from quanzi.settlement.models import Payout, Settlement, TakeRatePolicy
from quanzi.settlement.services import (
    merchant_balances,
    order_settle,
    payout_approve_and_pay,
    payout_reject,
    payout_request,
)
from quanzi.settlement.tasks import settle_due_orders

pytestmark = pytest.mark.django_db
AFTER_WINDOW = dt.timedelta(days=7, minutes=1)


@pytest.fixture
def sell(place_order, make_product):
    """Sell one item of `price` from `shop` and take it to completed (delivered and confirmed now)."""

    def run(shop, *, price=5999, qty=1, cat=None, complete=True):
        sku = make_product(shop=shop, title=f"商品 {price}", price=price, cat=cat).skus.get()
        orders, _payment = place_order([(sku, qty)], pay=True)
        order = orders[0]
        if complete:
            order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number=f"SF{order.pk}")
            order_mark_delivered(order_id=order.pk)
            order_confirm_receipt(order_id=order.pk, user=order.user)
        return orders_testing.order_get(order_id=order.pk)

    return run


def test_a_completed_order_settles_after_the_return_window_minus_the_take_rate(shop, sell, ledger_balanced):
    order = sell(shop, price=5999)
    assert order.total == 5999 + 800
    assert settle_due_orders() == 0  # the return window is still open
    assert merchant_balances(shop_id=shop.pk)["pending"] == 6799

    with clock.travel(AFTER_WINDOW):
        assert settle_due_orders() == 1

    settlement = Settlement.objects.get(order_id=order.pk)
    # 5% of ¥59.99 = 299.95 fen → 299 (rounded down, the merchant keeps the fraction); no take rate on shipping
    assert (settlement.gross, settlement.fee, settlement.net) == (6799, 299, 6500)
    assert merchant_balances(shop_id=shop.pk) == {"pending": 0, "available": 6500, "payout_in_progress": 0,
                                                  "paid_out": 0}
    assert -balance(code="revenue:take_rate") == 299
    assert balance(code="platform:clearing") == 0
    order.refresh_from_db()
    assert order.settled_at is not None
    assert order.events.filter(kind="settled").count() == 1
    ledger_balanced()


def test_settling_twice_settles_once(shop, sell):
    order = sell(shop)
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()
        assert settle_due_orders() == 0
        again = order_settle(order_id=order.pk)
    assert again.pk == Settlement.objects.get().pk
    assert ledger_testing.transaction_count(kind="order.settle") == 1
    assert merchant_balances(shop_id=shop.pk)["available"] == 6500


def test_delivered_but_unconfirmed_orders_settle_after_auto_confirm(shop, sell):
    from quanzi.orders.tasks import orders_auto_confirm

    order = sell(shop, complete=False)
    order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number="SF1")
    order_mark_delivered(order_id=order.pk)
    with clock.travel(AFTER_WINDOW):
        assert settle_due_orders() == 0  # not completed yet
    with clock.travel(dt.timedelta(days=10, minutes=1)):
        orders_auto_confirm()
        assert settle_due_orders() == 1


def test_take_rate_precedence_shop_over_category_over_default(make_shop, make_product, sell, category):
    from quanzi.catalog.testing import make_category

    TakeRatePolicy.objects.create(default_bps=300)
    books = make_category(name="图书", slug="books", take_rate_bps=200)
    plain = make_shop()
    vip = make_shop(take_rate_bps=100)

    default_order = sell(plain, price=10000, cat=category)  # default 3%
    category_order = sell(plain, price=10000, cat=books)  # category 2%
    shop_order = sell(vip, price=10000, cat=books)  # the shop's own 1% wins
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()

    fees = dict(Settlement.objects.values_list("order_id", "fee"))
    assert fees == {default_order.pk: 300, category_order.pk: 200, shop_order.pk: 100}
    assert -balance(code="revenue:take_rate") == 600
    assert merchant_balances(shop_id=plain.pk)["available"] == 20000 - 500
    assert merchant_balances(shop_id=vip.pk)["available"] == 10000 - 100


def test_a_zero_take_rate_shop_keeps_everything(make_shop, sell):
    shop = make_shop(take_rate_bps=0)
    sell(shop, price=5999)
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()
    assert merchant_balances(shop_id=shop.pk)["available"] == 6799
    assert balance(code="revenue:take_rate") == 0


def test_the_take_rate_is_on_what_the_shopper_kept_after_a_partial_refund(shop, sell, submit_refunds):
    order = sell(shop, price=2000, qty=5)  # ¥100, free shipping
    after_sale = aftersale_request(user=order.user, order_id=order.pk, line_id=order.lines.get().pk,
                                   kind="return_refund", quantity=1, reason="quality", amount=2000)
    from quanzi.orders.aftersales import aftersale_confirm_return, aftersale_ship_return

    aftersale_approve(shop=shop, after_sale_id=after_sale.pk)
    aftersale_ship_return(user=order.user, after_sale_id=after_sale.pk, carrier="sf", tracking_number="B1")
    aftersale_confirm_return(shop=shop, after_sale_id=after_sale.pk)
    submit_refunds()
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()

    settlement = Settlement.objects.get()
    assert (settlement.gross, settlement.fee, settlement.net) == (8000, 400, 7600)
    assert merchant_balances(shop_id=shop.pk) == {"pending": 0, "available": 7600, "payout_in_progress": 0,
                                                  "paid_out": 0}


def test_an_open_return_request_holds_settlement(shop, sell):
    order = sell(shop)
    aftersale_request(user=order.user, order_id=order.pk, line_id=order.lines.get().pk, kind="return_refund",
                      quantity=1, reason="quality")
    with clock.travel(AFTER_WINDOW):
        assert settle_due_orders() == 0
    assert merchant_balances(shop_id=shop.pk)["pending"] == order.total


def test_a_fully_refunded_order_settles_to_nothing(shop, sell, submit_refunds, ledger_balanced):
    order = sell(shop, complete=False)
    aftersale_approve(shop=shop, after_sale_id=aftersale_request(
        user=order.user, order_id=order.pk, line_id=order.lines.get().pk, kind="refund_only", quantity=1,
        reason="changed_mind").pk)
    submit_refunds()
    assert settle_due_orders() == 1

    settlement = Settlement.objects.get()
    assert (settlement.gross, settlement.fee, settlement.net) == (0, 0, 0)
    assert merchant_balances(shop_id=shop.pk) == {"pending": 0, "available": 0, "payout_in_progress": 0,
                                                  "paid_out": 0}
    ledger_balanced()


# ---------------------------------------------------------------- payouts


@pytest.fixture
def settled_shop(shop, sell):
    sell(shop, price=5999)  # nets ¥65.00
    with clock.travel(AFTER_WINDOW):
        settle_due_orders()
    assert merchant_balances(shop_id=shop.pk)["available"] == 6500
    return shop


def test_a_payout_over_the_available_balance_is_refused(settled_shop):
    with pytest.raises(BusinessRuleViolation) as exc:
        payout_request(shop=settled_shop, amount=6501, bank_account="6222 0000 1111")
    assert exc.value.code == "insufficient_balance"
    assert exc.value.fields == {"amount": "max 6500"}
    assert not Payout.objects.exists()


@pytest.mark.parametrize("amount,account", [(99, "6222"), (0, "6222"), (-100, "6222"), (1.5, "6222"),
                                            (1000, "  "), (1000, "6" * 61)])
def test_invalid_payout_requests_are_refused(settled_shop, amount, account):
    with pytest.raises(ValidationFailed):
        payout_request(shop=settled_shop, amount=amount, bank_account=account)
    assert merchant_balances(shop_id=settled_shop.pk)["available"] == 6500


def test_an_approved_payout_leaves_the_books(settled_shop, ledger_balanced):
    payout = payout_request(shop=settled_shop, amount=5000, bank_account="6222 0000 1111")
    assert payout.status == PayoutStatus.REQUESTED
    assert merchant_balances(shop_id=settled_shop.pk) == {"pending": 0, "available": 1500,
                                                         "payout_in_progress": 5000, "paid_out": 0}
    with pytest.raises(BusinessRuleViolation):  # held money cannot be requested twice
        payout_request(shop=settled_shop, amount=1501, bank_account="6222 0000 1111")

    payout_approve_and_pay(payout_id=payout.pk, note="sent")

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.paid_at is not None
    assert merchant_balances(shop_id=settled_shop.pk) == {"pending": 0, "available": 1500,
                                                         "payout_in_progress": 0, "paid_out": 5000}
    assert balance(code="provider:bank:cash") == -5000
    with pytest.raises(Conflict):
        payout_approve_and_pay(payout_id=payout.pk)
    with pytest.raises(Conflict):
        payout_reject(payout_id=payout.pk, note="too late")
    ledger_balanced()


def test_a_rejected_payout_returns_the_money_to_available(settled_shop, ledger_balanced):
    payout = payout_request(shop=settled_shop, amount=6500, bank_account="6222 0000 1111")
    with pytest.raises(ValidationFailed):
        payout_reject(payout_id=payout.pk, note="")
    payout_reject(payout_id=payout.pk, note="account name does not match")

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.REJECTED
    assert merchant_balances(shop_id=settled_shop.pk) == {"pending": 0, "available": 6500,
                                                         "payout_in_progress": 0, "paid_out": 0}
    with pytest.raises(Conflict):
        payout_approve_and_pay(payout_id=payout.pk)
    with pytest.raises(NotFound):
        payout_approve_and_pay(payout_id=999999)
    ledger_balanced()


# ---------------------------------------------------------------- the whole book


def test_every_ledger_transaction_kind_balances(
        make_shop, make_product, place_order, shopper, submit_refunds, ledger_balanced):
    """Capture, allocate, refund (order side and provider side), late-payment refund, settle and every
    payout step: each transaction sums to zero and `ledger_check` agrees."""
    from quanzi.orders.services import order_cancel
    from quanzi.payments.providers.sandbox import SandboxProvider, notification_params
    from quanzi.payments.services import payment_handle_notification

    shop = make_shop()
    sku = make_product(shop=shop, price=3000, stock=50).skus.get()
    kept, _p = place_order([(sku, 2)], pay=True)
    refunded, _p = place_order([(sku, 1)], pay=True)
    aftersale_approve(shop=shop, after_sale_id=aftersale_request(
        user=shopper, order_id=refunded[0].pk, line_id=refunded[0].lines.get().pk, kind="refund_only", quantity=1,
        reason="changed_mind").pk)
    late, late_payment = place_order([(sku, 1)])
    trade = SandboxProvider().pay(out_trade_no=late_payment.number)
    order_cancel(order_id=late[0].pk, reason="x", user=shopper)
    payment_handle_notification(provider="sandbox", data=notification_params(trade))
    submit_refunds()
    order_mark_shipped(order_id=kept[0].pk, carrier="sf", tracking_number="SF1")
    order_confirm_receipt(order_id=kept[0].pk, user=shopper)
    with clock.travel(AFTER_WINDOW):
        assert settle_due_orders() == 2  # the kept order and the fully refunded one
    paid = payout_request(shop=shop, amount=1000, bank_account="6222")
    payout_approve_and_pay(payout_id=paid.pk)
    payout_reject(payout_id=payout_request(shop=shop, amount=1000, bank_account="6222").pk, note="no")

    kinds = ledger_testing.transaction_kinds()
    assert kinds == {"payment.capture", "order.allocate", "order.refund", "payment.refund", "order.settle",
                     "payout.hold", "payout.paid", "payout.return"}
    for kind in kinds:
        assert set(ledger_testing.transaction_sums(kind=kind)) <= {0}, kind
    ledger_balanced()
    call_command("ledger_check")
    # conservation: the provider holds what was captured minus what was refunded, and all of it is
    # owed to the merchant, earned by the platform, or already paid out
    captured = 6800 + 3800 + 3800  # ¥60 + ¥8 shipping; ¥30 + ¥8; ¥30 + ¥8 (the late one)
    refunded_out = 3800 + 3800
    assert balance(code="provider:sandbox:cash") == captured - refunded_out == 6800
    assert balance(code="platform:clearing") == 0
    assert merchant_balances(shop_id=shop.pk) == {"pending": 0, "available": 6500 - 1000, "payout_in_progress": 0,
                                                  "paid_out": 1000}
    assert -balance(code="revenue:take_rate") == 300  # 5% of ¥60; none on shipping
    assert 5500 + 300 + 1000 == 6800
