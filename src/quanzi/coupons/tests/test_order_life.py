"""A coupon through an order's life: best choice, allocation on the lines, hold, release on cancel, use on
payment, the platform's subsidy through the ledger and back on a refund, and settlement."""

import pytest

from quanzi.coupons.models import Coupon, CouponOrder
from quanzi.ledger.selectors import balance
from quanzi.orders.services import order_cancel

pytestmark = pytest.mark.django_db


def test_checkout_takes_the_best_coupon_and_spreads_it_over_the_lines(shopper, shop, tee_and_mug, coupon_template,
                                                                      claim, checkout):
    tee, mug = tee_and_mug
    small = claim(shopper, coupon_template(shop=shop, name="¥5 off", amount_off=500))
    big = claim(shopper, coupon_template(shop=shop, name="¥15 off over ¥99", amount_off=1500, min_spend=9900))
    orders, payment = checkout(shopper, [(tee, 1), (mug, 1)])
    order = orders[0]
    assert [a["ref"] for a in order.adjustments] == [str(big.pk)]  # one per stacking group: the bigger one
    assert (order.items_total, order.discount_total, order.total) == (10000, 1500, 8500 + 800)
    lines = {ln.sku_id: ln for ln in order.lines.all()}
    assert lines[tee.pk].discounts == [{"source": "coupon", "ref": str(big.pk), "label": "¥15 off over ¥99",
                                        "amount": 900, "funded_by": "merchant"}]
    assert (lines[tee.pk].line_total, lines[mug.pk].line_total) == (5100, 3400)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, big.order_id, big.held_amount) == ("held", order.pk, 1500)
    assert small.status == "available"
    assert payment.amount == order.total


def test_free_shipping_is_decided_after_discounts(shopper, shop, tee_and_mug, coupon_template, claim, checkout):
    tee, mug = tee_and_mug
    claim(shopper, coupon_template(shop=shop, amount_off=1000))
    order = checkout(shopper, [(tee, 1), (mug, 1)])[0][0]  # ¥100 − ¥10 = ¥90 < ¥99: shipping is charged
    assert (order.discount_total, order.shipping_fee, order.total) == (1000, 800, 9800)


def test_a_free_shipping_coupon_waives_the_fee(shopper, shop, tee_and_mug, coupon_template, claim, checkout):
    tee, _mug = tee_and_mug
    claim(shopper, coupon_template(name="包邮", kind="free_shipping"))
    order = checkout(shopper, [(tee, 1)])[0][0]
    assert (order.shipping_fee, order.discount_total, order.total, order.shipping_paid) == (800, 800, 6000, 0)
    assert order.adjustments[0]["target"] == "shipping" and order.adjustments[0]["funded_by"] == "platform"


def test_cancel_gives_the_coupon_back_once(shopper, shop, tee_and_mug, coupon_template, claim, checkout):
    tee, _mug = tee_and_mug
    template = coupon_template(shop=shop, budget_amount=5000)
    coupon = claim(shopper, template)
    order = checkout(shopper, [(tee, 1)])[0][0]
    template.refresh_from_db()
    assert template.spent_amount == 1000
    order_cancel(order_id=order.pk, reason="changed mind", user=shopper)
    coupon.refresh_from_db()
    template.refresh_from_db()
    assert (coupon.status, coupon.order_id, template.spent_amount) == ("available", None, 0)
    assert not CouponOrder.objects.filter(order_id=order.pk).exists()
    again = checkout(shopper, [(tee, 1)])[0][0]
    assert again.adjustments[0]["ref"] == str(coupon.pk)


def test_no_coupons_when_the_shopper_says_none(shopper, shop, tee_and_mug, coupon_template, claim, checkout):
    tee, _mug = tee_and_mug
    claim(shopper, coupon_template(shop=shop))
    order = checkout(shopper, [(tee, 1)], coupons="none")[0][0]
    assert order.adjustments == [] and order.discount_total == 0


def test_paying_uses_it_and_the_platform_pays_the_merchant_its_share(
        shopper, shop, tee_and_mug, coupon_template, claim, checkout, pay, ledger_balanced):
    tee, mug = tee_and_mug
    template = coupon_template(name="Platform ¥20", amount_off=2000)
    coupon = claim(shopper, template)
    orders, payment = checkout(shopper, [(tee, 1), (mug, 1)])
    pay(payment.number)
    order = orders[0]
    coupon.refresh_from_db()
    template.refresh_from_db()
    assert coupon.status == "used" and coupon.used_at is not None
    assert (template.used_count, template.used_amount, template.gmv) == (1, 2000, order.total)
    assert balance(code="expense:coupons") == 2000
    assert -balance(code=f"merchant:{shop.pk}:pending") == order.total + 2000
    ledger_balanced()
    assert Coupon.objects.get(pk=coupon.pk).held_amount == 2000


def test_refunding_a_line_returns_its_share_and_claws_back_the_subsidy_then_settlement_balances(
        shopper, shop, tee_and_mug, coupon_template, claim, checkout, pay, ledger_balanced):
    from quanzi.orders.aftersales import aftersale_approve, aftersale_request
    from quanzi.settlement.services import order_settle

    tee, mug = tee_and_mug
    claim(shopper, coupon_template(name="Platform ¥20", amount_off=2000))
    orders, payment = checkout(shopper, [(tee, 2), (mug, 1)])  # ¥160 − ¥20 = ¥140 (free shipping)
    pay(payment.number)
    order = orders[0]
    lines = {ln.sku_id: ln for ln in order.lines.all()}
    tee_line = lines[tee.pk]
    assert (tee_line.line_total, lines[mug.pk].line_total) == (12000 - 1500, 4000 - 500)
    request = aftersale_request(user=shopper, order_id=order.pk, line_id=tee_line.pk, kind="refund_only",
                                quantity=1, reason="changed_mind")
    aftersale_approve(shop=shop, after_sale_id=request.pk)
    tee_line.refresh_from_db()
    assert tee_line.refunded_amount == 10500 // 2  # half of what the shopper paid for two tees
    record = CouponOrder.objects.get(order_id=order.pk)
    assert (record.platform_funded, record.subsidy_posted) == (2000, 1500 - 750 + 500)
    assert balance(code="expense:coupons") == 2000 - 750
    order.refresh_from_db()
    settlement = order_settle(order_id=order.pk)
    assert settlement.deducted == -1250  # the platform's remaining share reaches the merchant with the order
    assert -balance(code=f"merchant:{shop.pk}:pending") == 0
    assert -balance(code=f"merchant:{shop.pk}:available") == settlement.net == order.total - order.refunded_total + 1250 - settlement.fee
    ledger_balanced()


def test_a_shared_coupon_rewards_the_sharer_only_when_the_friends_order_settles_unrefunded(
        shopper, make_shopper, shop, tee_and_mug, coupon_template, checkout, pay, django_capture_on_commit_callbacks):
    from quanzi.core.errors import BusinessRuleViolation
    from quanzi.coupons.models import ShareReward
    from quanzi.coupons.services import coupon_claim_shared, rewards_decide, share_link
    from quanzi.orders.services import order_refund_all

    tee, _mug = tee_and_mug
    reward = coupon_template(shop=shop, name="分享奖励 ¥5", amount_off=500, channel="reward", total_count=10)
    shared = coupon_template(shop=shop, name="好友券 ¥8", amount_off=800, share_reward_id=reward.pk)
    link = share_link(user=shopper, template_id=shared.pk)
    assert share_link(user=shopper, template_id=shared.pk) == link  # sharing again: the same link
    with pytest.raises(BusinessRuleViolation):
        coupon_claim_shared(user=shopper, code=link.code)  # not to oneself
    friends = [make_shopper(), make_shopper()]
    for friend in friends:
        coupon_claim_shared(user=friend, code=link.code)
    link.refresh_from_db()
    assert link.claims == 2
    assert not ShareReward.objects.exists()  # a claim earns nothing
    kept, refunded = (checkout(f, [(tee, 1)], addr=f.addresses.get())[0] for f in friends)
    for orders in (kept, refunded):
        pay(orders[0].payment_number)
    assert ShareReward.objects.filter(status="waiting").count() == 2
    order_refund_all(order_id=refunded[0].pk, reason="out of stock")
    with django_capture_on_commit_callbacks(execute=True):
        assert rewards_decide(order_ids=[kept[0].pk, refunded[0].pk]) == {"granted": 1, "void": 0, "gone": 0}
    from quanzi.notifications.testing import notifications_of

    [told] = notifications_of(user=shopper, kind="earnings")
    assert "分享奖励 ¥5" in told.text() and told.link() == "/me/coupons/"
    assert sorted(ShareReward.objects.values_list("status", flat=True)) == ["granted", "void"]
    assert Coupon.objects.filter(user=shopper, template=reward, how="reward").count() == 1
    assert rewards_decide(order_ids=[kept[0].pk]) == {"granted": 0, "void": 0, "gone": 0}  # once
