"""Coupons keep the order's arithmetic exact, whatever the cart, the coupons and the refunds (hypothesis):

- per line: Σ discounts = unit_price × quantity − line_total;
- per order: Σ line discounts + shipping discount = discount_total, total = items_total − discount_total +
  shipping_fee;
- the ledger balances, and the platform's subsidy left in the merchant's pending balance is
  `services.platform_share_left(lines)` after the payment and after every refund.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quanzi.core import clock
from quanzi.coupons import services
from quanzi.coupons.models import Coupon, CouponOrder
from quanzi.coupons.testing import give, make_template
from quanzi.ledger.selectors import balance
from quanzi.orders.testing import order_get

pytestmark = pytest.mark.django_db

line_st = st.fixed_dictionaries({
    "price": st.integers(min_value=1, max_value=30_000), "qty": st.integers(min_value=1, max_value=4),
    "shop": st.integers(min_value=0, max_value=1), "cat": st.integers(min_value=0, max_value=1)})
coupon_st = st.fixed_dictionaries({
    "issuer": st.sampled_from(["shop0", "shop1", "platform"]),
    "kind": st.sampled_from(["fixed", "threshold", "percent", "free_shipping"]),
    "amount": st.integers(min_value=1, max_value=8_000), "extra": st.integers(min_value=0, max_value=20_000),
    "percent": st.integers(min_value=1, max_value=90), "cap": st.sampled_from([0, 1, 300, 2_000]),
    "scope": st.sampled_from(["all", "products", "categories", "shops"]), "pick": st.integers(min_value=1, max_value=15)})
refund_st = st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=1, max_value=4))


def _terms(c: dict, *, shops, products, categories) -> tuple[object, dict]:
    """A template's (shop, terms) from a drawn coupon."""
    shop = None if c["issuer"] == "platform" else shops[int(c["issuer"][-1])]
    kind = c["kind"]
    data: dict = {"name": f"{kind}-{c['amount']}", "total_count": 10, "per_user_limit": 1}
    if kind == "threshold":
        data.update(kind="fixed", amount_off=c["amount"], min_spend=c["amount"] + c["extra"])
    elif kind == "fixed":
        data.update(kind="fixed", amount_off=c["amount"])
    elif kind == "percent":
        data.update(kind="percent", percent_off=c["percent"], max_discount=c["cap"])
    else:
        data.update(kind="free_shipping")
    own = [p for p in products if shop is None or p.shop_id == shop.pk]
    scope = c["scope"]
    if scope == "shops" and shop is None:
        data.update(scope="shops", scope_ids=[s.pk for i, s in enumerate(shops) if c["pick"] >> i & 1] or [shops[0].pk])
    elif scope == "products" and own:
        data.update(scope="products", scope_ids=[p.pk for i, p in enumerate(own) if c["pick"] >> i & 1] or [own[0].pk])
    elif scope == "categories":
        data.update(scope="categories", scope_ids=[categories[c["pick"] % 2].pk])
    return shop, data


def _check_order(order) -> None:
    lines = list(order.lines.all())
    for line in lines:
        assert sum(d["amount"] for d in line.discounts) == line.unit_price * line.quantity - line.line_total, line
        assert line.line_total >= 0
    shipping_discount = sum(a["amount"] for a in order.adjustments if a["target"] == "shipping")
    assert sum(d["amount"] for ln in lines for d in ln.discounts) + shipping_discount == order.discount_total
    assert order.total == order.items_total - order.discount_total + order.shipping_fee
    assert order.items_total == sum(ln.unit_price * ln.quantity for ln in lines)
    assert order.total >= 1


def _check_subsidies(orders) -> None:
    left = 0
    for order in orders:
        record = CouponOrder.objects.filter(order_id=order.pk).first()
        share = services.platform_share_left(list(order.lines.all()), shipping=record.platform_shipping if record else 0,
                                             shipped=order.shipped_at is not None)
        assert (record.subsidy_posted if record else 0) == share, (order.pk, share)
        left += share
    assert balance(code="expense:coupons") == left
    merchant_pending = sum(-balance(code=f"merchant:{shop_id}:pending") for shop_id in {o.shop_id for o in orders})
    assert merchant_pending == sum(o.total - o.refunded_total for o in orders) + left


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(lines=st.lists(line_st, min_size=1, max_size=4), coupons=st.lists(coupon_st, max_size=3),
       refunds=st.lists(refund_st, max_size=4))
def test_discounts_totals_and_subsidies_stay_exact_through_payment_and_refunds(
        lines, coupons, refunds, make_shop, make_product, shopper, address, ledger_balanced):
    from quanzi.catalog.testing import make_category
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem
    from quanzi.payments.testing import sandbox_pay

    with transaction.atomic():
        shops = [make_shop(), make_shop()]
        categories = [make_category(name=f"类{i}", name_en=f"Cat {i}", slug=f"prop-{i}-{clock.now().timestamp()}")
                      for i in range(2)]
        products = [make_product(shop=shops[ln["shop"]], price=ln["price"], stock=20, cat=categories[ln["cat"]])
                    for ln in lines]
        for c in coupons:
            shop, data = _terms(c, shops=shops, products=products, categories=categories)
            data["starts_at"], data["ends_at"] = clock.now() - dt.timedelta(minutes=1), clock.now() + dt.timedelta(days=3)
            give(shopper, make_template(shop=shop, **data))
        orders, payment = checkout_and_pay(user=shopper, items=[CheckoutItem(p.skus.get().pk, ln["qty"])
                                                                for p, ln in zip(products, lines, strict=True)],
                                           address_id=address.pk, clear_cart=False)
        assert payment.amount == sum(o.total for o in orders)
        for order in orders:
            _check_order(order)
        held = {int(a["ref"]) for o in orders for a in o.adjustments if a["source"] == "coupon"}
        assert set(Coupon.objects.filter(user=shopper, status="held").values_list("pk", flat=True)) == held
        sandbox_pay(payment.number)
        orders = [order_get(order_id=o.pk) for o in orders]
        assert set(Coupon.objects.filter(user=shopper, status="used").values_list("pk", flat=True)) == held
        _check_subsidies(orders)
        ledger_balanced()

        order_lines = [ln for o in orders for ln in o.lines.all()]
        for index, qty in refunds:
            line = order_lines[index % len(order_lines)]
            line.refresh_from_db()
            order = order_get(order_id=line.order_id)
            left = line.quantity - line.refunded_quantity
            qty = min(qty, left)
            if order.status != "paid" or left <= 0:
                continue
            assert line.line_total * qty // line.quantity > 0  # every unit keeps at least a fen: always refundable
            after_sale = aftersale_request(user=shopper, order_id=order.pk, line_id=line.pk, kind="refund_only",
                                           quantity=qty, reason="no_reason")
            aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk)
            orders = [order_get(order_id=o.pk) for o in orders]
            for o in orders:
                _check_order(o)
                assert 0 <= o.refunded_total <= o.total
            _check_subsidies(orders)
            ledger_balanced()
        transaction.set_rollback(True)  # the next example starts from the same empty shops


def test_a_partial_refund_keeps_the_platforms_free_shipping_subsidy(shopper, shop, make_product, coupon_template,
                                                                   claim, checkout, pay):
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request

    socks = make_product(shop=shop, title="Socks", price=3000, stock=10).skus.get()
    claim(shopper, coupon_template(name="包邮", kind="free_shipping"))
    orders, payment = checkout(shopper, [(socks, 2)])  # ¥60 < ¥99: the ¥8 fee is waived by the platform
    order = orders[0]
    assert (order.shipping_fee, order.discount_total, order.total) == (800, 800, 6000)
    pay(payment.number)
    assert balance(code="expense:coupons") == 800
    line = order.lines.get()
    after_sale = aftersale_request(user=shopper, order_id=order.pk, line_id=line.pk, kind="refund_only", quantity=1,
                                   reason="no_reason")
    aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk)
    # One pair is still shipped with its waived fee and the shopper got no shipping back: the platform still
    # owes the merchant the ¥8 (it would go back only with a refund of everything, shipping included).
    assert balance(code="expense:coupons") == 800


def test_units_made_nearly_free_by_a_platform_coupon_can_still_be_refunded(shopper, shop, make_product,
                                                                          coupon_template, claim, checkout, pay):
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request

    pen = make_product(shop=shop, title="Pen", price=500, stock=10).skus.get()
    claim(shopper, coupon_template(name="笔券", amount_off=2000, scope="products", scope_ids=[pen.product_id]))
    orders, payment = checkout(shopper, [(pen, 2)])  # ¥10 of pens, ¥20 off: each pen keeps 1 fen
    pay(payment.number)
    order = orders[0]
    line = order.lines.get()
    assert (line.line_total, line.quantity, line.discounts[0]["funded_by"]) == (2, 2, "platform")
    assert balance(code="expense:coupons") == 998
    after_sale = aftersale_request(user=shopper, order_id=order.pk, line_id=line.pk, kind="refund_only", quantity=1,
                                   reason="no_reason")
    aftersale_approve(shop=order.shop, after_sale_id=after_sale.pk)
    line.refresh_from_db()
    assert (line.refunded_quantity, line.refunded_amount) == (1, 1)
    assert balance(code="expense:coupons") == 998 * 1 // 2
