"""Checkout: the server prices everything, one order per shop under one payment, bad input changes nothing."""

import pytest

from quanzi.catalog.services import product_set_status, sku_update
from quanzi.core.errors import BusinessRuleViolation, DomainError, NotFound, ValidationFailed
from quanzi.ledger.testing import transaction_count
from quanzi.orders import pricing
from quanzi.orders.checkout import checkout_and_pay
from quanzi.orders.constants import OrderStatus
from quanzi.orders.models import CartLine, Order
from quanzi.orders.services import CheckoutItem, cart_add, cart_remove, cart_update, checkout_quote
from quanzi.payments import testing as payments_testing
from quanzi.payments.constants import PaymentStatus
from quanzi.shops.services import shop_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_shops(make_shop, make_product):
    shop_a, shop_b = make_shop(), make_shop()
    tee = make_product(shop=shop_a, title="纯棉T恤", price=5900, stock=10).skus.get()
    mug = make_product(shop=shop_b, title="马克杯", price=3900, stock=10).skus.get()
    coat = make_product(shop=shop_b, title="大衣", price=12000, stock=10).skus.get()
    return shop_a, shop_b, tee, mug, coat


def _checkout(user, address, items, **kw):
    return checkout_and_pay(user=user, address_id=address.pk, items=[CheckoutItem(s.pk, q) for s, q in items], **kw)


def _nothing_happened(*skus, stock=10):
    assert Order.objects.count() == 0
    assert payments_testing.payments() == []
    for s in skus:
        s.refresh_from_db()
        assert s.stock == stock


def test_goods_from_two_shops_make_two_orders_under_one_payment(shopper, address, two_shops):
    shop_a, shop_b, tee, mug, coat = two_shops

    orders, payment = _checkout(shopper, address, [(tee, 1), (mug, 2), (coat, 1)])

    by_shop = {o.shop_id: o for o in orders}
    a, b = by_shop[shop_a.pk], by_shop[shop_b.pk]
    # shop A: ¥59 of goods + ¥8 shipping; shop B: ¥78 + ¥120 = ¥198, free shipping above ¥99
    assert (a.items_total, a.shipping_fee, a.total) == (5900, 800, 6700)
    assert (b.items_total, b.shipping_fee, b.total) == (19800, 0, 19800)
    assert payment.amount == 26500
    assert sorted(payment.items, key=lambda i: i["amount"]) == [{"ref": a.number, "amount": 6700},
                                                              {"ref": b.number, "amount": 19800}]
    assert {o.status for o in orders} == {OrderStatus.PENDING_PAYMENT}
    assert {o.payment_number for o in Order.objects.all()} == {payment.number}
    assert len({o.checkout_id for o in orders}) == 1
    assert [(ln.title, ln.quantity, ln.unit_price, ln.line_total) for ln in b.lines.order_by("unit_price")] == [
        ("马克杯", 2, 3900, 7800), ("大衣", 1, 12000, 12000)]
    assert a.address["recipient"] == "张三" and a.address["detail"] == "人民路 1 号"
    for s, left in ((tee, 9), (mug, 8), (coat, 9)):
        s.refresh_from_db()
        assert s.stock == left  # reserved when the order is created
    # the sandbox provider knows the trade, in yuan with two decimals
    assert payments_testing.sandbox_trade(payment_number=payment.number).total_amount == "265.00"
    assert transaction_count() == 0  # nothing is captured before the money arrives


def test_paying_captures_once_and_every_order_is_paid(shopper, address, two_shops, pay, ledger_balanced,
                                                      django_capture_on_commit_callbacks):
    shop_a, shop_b, tee, mug, _coat = two_shops
    orders, payment = _checkout(shopper, address, [(tee, 1), (mug, 1)])

    with django_capture_on_commit_callbacks(execute=True):  # sold counts follow through the outbox
        pay(payment.number)

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert {o.status for o in Order.objects.all()} == {OrderStatus.PAID}
    tee.product.refresh_from_db()
    assert tee.product.sold_count == 1
    ledger_balanced()


def test_the_server_prices_every_line_from_the_sku(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    sku_update(product=tee.product, sku_id=tee.pk, price=4500)

    orders, payment = checkout_and_pay(user=shopper, address_id=address.pk,
                                       items=[CheckoutItem(tee.pk, 2, price_source="list", price_ref="¥0.01 please")])

    line = orders[0].lines.get()
    assert (line.list_price, line.unit_price, line.price_source, line.line_total) == (4500, 4500, "list", 9000)
    assert payment.amount == 9000 + 800


def test_an_unknown_price_source_is_refused(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    with pytest.raises(ValidationFailed) as exc:
        checkout_and_pay(user=shopper, address_id=address.pk, items=[CheckoutItem(tee.pk, 1, price_source="free")])
    assert exc.value.code == "unknown_price_source"
    _nothing_happened(tee)


def test_repeated_lines_of_one_sku_are_merged(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    orders, _payment = _checkout(shopper, address, [(tee, 1), (tee, 2)])
    assert list(orders[0].lines.values_list("quantity", flat=True)) == [3]
    tee.refresh_from_db()
    assert tee.stock == 7


@pytest.mark.parametrize("qty", [0, -1])
def test_zero_or_negative_quantities_are_refused(shopper, address, two_shops, qty):
    _a, _b, tee, _mug, _coat = two_shops
    with pytest.raises(ValidationFailed) as exc:
        _checkout(shopper, address, [(tee, qty)])
    assert exc.value.code == "invalid_quantity"
    assert exc.value.status == 400
    _nothing_happened(tee)


def test_more_than_the_per_order_limit_is_refused(shopper, address, make_product, shop):
    limited = make_product(shop=shop, title="限购 Limited", stock=10, max_per_order=2).skus.get()
    with pytest.raises(BusinessRuleViolation) as exc:
        _checkout(shopper, address, [(limited, 3)])
    assert exc.value.code == "quantity_limit"
    _nothing_happened(limited)
    orders, _payment = _checkout(shopper, address, [(limited, 2)])
    assert orders[0].total == 2 * 5900 + 0  # ¥118 ≥ ¥99: free shipping


def test_the_platform_limit_per_line_applies_too(shopper, address, make_product, shop, settings):
    settings.QUANZI = {**settings.QUANZI, "MAX_QUANTITY_PER_LINE": 5}
    sku = make_product(shop=shop, stock=100).skus.get()
    with pytest.raises(BusinessRuleViolation) as exc:
        _checkout(shopper, address, [(sku, 6)])
    assert exc.value.code == "quantity_limit"


def test_more_than_the_stock_is_refused_and_no_line_is_taken(shopper, address, two_shops):
    _a, _b, tee, mug, _coat = two_shops
    with pytest.raises(BusinessRuleViolation) as exc:
        _checkout(shopper, address, [(tee, 1), (mug, 11)])
    assert exc.value.code == "out_of_stock"
    assert exc.value.status == 422
    _nothing_happened(tee, mug)


def test_an_unknown_sku_is_refused(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    with pytest.raises(NotFound) as exc:
        checkout_and_pay(user=shopper, address_id=address.pk, items=[CheckoutItem(tee.pk, 1),
                                                                     CheckoutItem(999999, 1)])
    assert exc.value.code == "sku_not_found"
    _nothing_happened(tee)


def test_an_off_shelf_product_cannot_be_bought(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    product_set_status(product=tee.product, status="off_shelf")
    with pytest.raises(BusinessRuleViolation) as exc:
        _checkout(shopper, address, [(tee, 1)])
    assert exc.value.code == "off_shelf"
    _nothing_happened(tee)


def test_a_deactivated_sku_cannot_be_bought(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    sku_update(product=tee.product, sku_id=tee.pk, is_active=False)
    with pytest.raises(NotFound):
        _checkout(shopper, address, [(tee, 1)])
    _nothing_happened(tee)


def test_goods_of_a_suspended_shop_cannot_be_bought(shopper, address, two_shops):
    shop_a, _b, tee, _mug, _coat = two_shops
    shop_suspend(shop_id=shop_a.pk, note="licence expired")
    with pytest.raises(BusinessRuleViolation) as exc:
        _checkout(shopper, address, [(tee, 1)])
    assert exc.value.code == "off_shelf"


def test_another_users_address_is_not_found(shopper, make_shopper, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    stranger_address = make_shopper().addresses.get()
    with pytest.raises(NotFound) as exc:
        _checkout(shopper, stranger_address, [(tee, 1)])
    assert exc.value.code == "address_not_found"
    assert exc.value.status == 404
    _nothing_happened(tee)


def test_an_empty_checkout_is_refused(shopper, address):
    with pytest.raises(ValidationFailed) as exc:
        checkout_and_pay(user=shopper, address_id=address.pk, items=[])
    assert exc.value.code == "empty_checkout"


def test_the_quote_reads_only_and_matches_what_checkout_charges(shopper, address, two_shops):
    _a, _b, tee, mug, coat = two_shops
    items = [CheckoutItem(tee.pk, 1), CheckoutItem(mug.pk, 2), CheckoutItem(coat.pk, 1)]
    quote = checkout_quote(user=shopper, items=items)
    assert (quote.items_total, quote.shipping_total, quote.total) == (25700, 800, 26500)
    assert Order.objects.count() == 0
    _orders, payment = checkout_and_pay(user=shopper, address_id=address.pk, items=items)
    assert payment.amount == quote.total


def test_a_later_address_edit_never_changes_a_placed_order(shopper, address, two_shops):
    from quanzi.accounts.services import address_update

    _a, _b, tee, _mug, _coat = two_shops
    orders, _payment = _checkout(shopper, address, [(tee, 1)])
    address_update(user=shopper, address_id=address.pk, data={**orders[0].address, "detail": "新地址 99 号"})
    orders[0].refresh_from_db()
    assert orders[0].address["detail"] == "人民路 1 号"


# ---------------------------------------------------------------- cart


def test_the_cart_merges_quantities_and_checkout_clears_the_bought_lines(shopper, address, two_shops):
    _a, _b, tee, mug, _coat = two_shops
    cart_add(user=shopper, sku_id=tee.pk, quantity=1)
    cart_add(user=shopper, sku_id=tee.pk, quantity=2)
    cart_add(user=shopper, sku_id=mug.pk, quantity=1)
    assert dict(CartLine.objects.values_list("sku_id", "quantity")) == {tee.pk: 3, mug.pk: 1}

    checkout_and_pay(user=shopper, address_id=address.pk, items=[CheckoutItem(tee.pk, 3)])

    assert list(CartLine.objects.values_list("sku_id", flat=True)) == [mug.pk]


def test_the_cart_checks_stock_limits_and_ownership(shopper, make_shopper, two_shops):
    _a, _b, tee, _mug, _coat = two_shops
    with pytest.raises(BusinessRuleViolation) as exc:
        cart_add(user=shopper, sku_id=tee.pk, quantity=11)
    assert exc.value.code == "out_of_stock"
    line = cart_add(user=shopper, sku_id=tee.pk, quantity=1)
    with pytest.raises(ValidationFailed):
        cart_update(user=shopper, line_id=line.pk, quantity=0)
    with pytest.raises(NotFound):
        cart_update(user=make_shopper(), line_id=line.pk, quantity=2)
    with pytest.raises(NotFound):
        cart_remove(user=make_shopper(), line_id=line.pk)
    line.refresh_from_db()
    assert line.quantity == 1
    cart_remove(user=shopper, line_id=line.pk)
    assert not CartLine.objects.exists()


# ---------------------------------------------------------------- price sources (the extension point)


class _FlashPrice:
    """A campaign price source as a later app would register it: own price, own stock pool, own limit."""

    name = "test_flash"

    def quote(self, *, user, sku, quantity, ref):
        if ref != "flash-1":
            raise BusinessRuleViolation("not on", code="campaign_not_running")
        return pricing.PriceQuote(unit_price=sku.price // 2, source=self.name, ref=ref, campaign_key="flash:1",
                                  max_quantity=2)


class _GroupPrice:
    name = "test_group"

    def quote(self, *, user, sku, quantity, ref):
        return pricing.PriceQuote(unit_price=sku.price - 1000, source=self.name, ref=ref, hold_key=f"group:{ref}")


@pytest.fixture
def price_sources():
    pricing.price_sources.register(_FlashPrice())
    pricing.price_sources.register(_GroupPrice())
    yield
    pricing.price_sources.unregister("test_flash")
    pricing.price_sources.unregister("test_group")


def test_a_registered_price_source_prices_the_line_and_takes_from_its_stock_pool(
        price_sources, shopper, address, two_shops):
    from quanzi.catalog.services import stock_set_aside
    from quanzi.catalog.testing import campaign_stock
    from quanzi.orders.services import order_cancel

    _a, _b, tee, _mug, _coat = two_shops
    stock_set_aside(sku_id=tee.pk, campaign_key="flash:1", quantity=3)

    orders, payment = checkout_and_pay(user=shopper, address_id=address.pk,
                                       items=[CheckoutItem(tee.pk, 2, price_source="test_flash", price_ref="flash-1")])

    line = orders[0].lines.get()
    assert (line.list_price, line.unit_price, line.price_source, line.price_source_ref, line.campaign_key) == (
        5900, 2950, "test_flash", "flash-1", "flash:1")
    assert payment.amount == 5900 + 800
    tee.refresh_from_db()
    assert tee.stock == 7  # 10 − 3 set aside; the order took from the pool
    assert campaign_stock(sku_id=tee.pk) == 1
    with pytest.raises(BusinessRuleViolation) as exc:  # the source's own per-order limit
        checkout_and_pay(user=shopper, address_id=address.pk,
                         items=[CheckoutItem(tee.pk, 3, price_source="test_flash", price_ref="flash-1")])
    assert exc.value.code == "quantity_limit"
    with pytest.raises(DomainError) as exc:  # the source's own rule
        checkout_and_pay(user=shopper, address_id=address.pk,
                         items=[CheckoutItem(tee.pk, 1, price_source="test_flash", price_ref="over")])
    assert exc.value.code == "campaign_not_running"

    order_cancel(order_id=orders[0].pk, reason="changed my mind", user=shopper)
    assert campaign_stock(sku_id=tee.pk) == 3  # back to the campaign, not the free stock
    tee.refresh_from_db()
    assert tee.stock == 7


def test_a_held_order_waits_after_payment_until_its_holder_releases_it(price_sources, shopper, address, two_shops, pay):
    from quanzi.orders.services import order_release_hold

    _a, _b, tee, _mug, _coat = two_shops
    orders, payment = checkout_and_pay(user=shopper, address_id=address.pk,
                                       items=[CheckoutItem(tee.pk, 1, price_source="test_group", price_ref="7")])
    assert orders[0].hold_key == "group:7"

    pay(payment.number)
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.AWAITING_RELEASE
    assert orders[0].paid_at is not None

    order_release_hold(order_id=orders[0].pk)
    orders[0].refresh_from_db()
    assert orders[0].status == OrderStatus.PAID


def test_a_held_order_whose_group_fails_is_refunded_in_full_and_its_stock_returns(
        price_sources, shopper, address, two_shops, pay, submit_refunds, ledger_balanced):
    from quanzi.ledger.selectors import balance
    from quanzi.orders.services import order_refund_all

    shop_a, _b, tee, _mug, _coat = two_shops
    orders, payment = checkout_and_pay(user=shopper, address_id=address.pk,
                                       items=[CheckoutItem(tee.pk, 2, price_source="test_group", price_ref="8")])
    pay(payment.number)

    order_refund_all(order_id=orders[0].pk, reason="the group did not fill")
    submit_refunds()

    order = Order.objects.get(pk=orders[0].pk)
    assert order.status == OrderStatus.CLOSED
    assert payments_testing.refund_get().amount == order.total == 2 * 4900 + 800
    tee.refresh_from_db()
    assert tee.stock == 10
    assert balance(code=f"merchant:{shop_a.pk}:pending") == 0
    ledger_balanced()


def test_lines_with_different_holds_must_be_bought_separately(price_sources, shopper, address, make_product, shop):
    a = make_product(shop=shop, title="A").skus.get()
    b = make_product(shop=shop, title="B").skus.get()
    with pytest.raises(BusinessRuleViolation) as exc:
        checkout_and_pay(user=shopper, address_id=address.pk,
                         items=[CheckoutItem(a.pk, 1, price_source="test_group", price_ref="1"),
                                CheckoutItem(b.pk, 1, price_source="test_group", price_ref="2")])
    assert exc.value.code == "mixed_holds"
    _nothing_happened(a, b)


def test_an_order_adjuster_discount_is_spread_over_the_lines_and_the_total(shopper, address, make_product, shop):
    a = make_product(shop=shop, title="A", price=5000).skus.get()
    b = make_product(shop=shop, title="B", price=3000).skus.get()

    def coupon(*, user, groups, context):
        return [pricing.Adjustment(amount=1000, label="¥10 off", source="test_coupon", shop_id=g.shop.pk)
                for g in groups]

    pricing.order_adjusters.register(coupon, key="test_coupon")
    try:
        orders, payment = _checkout(shopper, address, [(a, 1), (b, 1)])
    finally:
        pricing.order_adjusters.unregister("test_coupon")

    order = orders[0]
    assert (order.items_total, order.discount_total, order.shipping_fee, order.total) == (8000, 1000, 800, 7800)
    assert sorted(order.lines.values_list("line_total", flat=True)) == [2625, 4375]  # 5:3 split of the ¥10
    assert sorted(d["amount"] for ln in order.lines.all() for d in ln.discounts) == [375, 625]
    assert order.adjustments == [{"source": "test_coupon", "ref": "", "label": "¥10 off", "amount": 1000,
                                  "target": "items", "funded_by": "merchant"}]
    assert payment.amount == 7800


def test_an_attribution_provider_snapshot_is_kept_on_the_line(shopper, address, two_shops):
    _a, _b, tee, _mug, _coat = two_shops

    def share(*, user, sku, context):
        return {"share": {"code": context["share"]}} if context.get("share") else {}

    pricing.attribution_providers.register(share, key="test_share")
    try:
        orders, _payment = checkout_and_pay(user=shopper, address_id=address.pk, items=[CheckoutItem(tee.pk, 1)],
                                            context={"share": "abc123"})
    finally:
        pricing.attribution_providers.unregister("test_share")
    assert orders[0].lines.get().attribution == {"share": {"code": "abc123"}}
