"""The checkout page's coupon picker: best coupon by default, every coupon with its reason, the shopper's
choice re-prices the page and is what gets placed; a bad choice says why and changes nothing."""

import pytest
from django.urls import reverse

from quanzi.coupons.models import Coupon
from quanzi.orders.testing import order_get, orders

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, shopper):
    client.force_login(shopper)
    return client


def _buy(sku, qty=1, **extra):
    return {"sku": sku.pk, "qty": qty, **extra}


def test_the_page_applies_the_best_coupon_and_lists_the_others_with_reasons(signed_in, shopper, shop, tee_and_mug,
                                                                            make_shop, coupon_template, claim):
    tee, _mug = tee_and_mug
    best = claim(shopper, coupon_template(shop=shop, name="店铺满50减8", amount_off=800, min_spend=5000))
    claim(shopper, coupon_template(shop=shop, name="店铺满200减30", amount_off=3000, min_spend=20000))
    claim(shopper, coupon_template(shop=make_shop(), name="别家券"))
    page = signed_in.get(reverse("storefront:checkout"), _buy(tee)).content.decode()
    assert 'data-testid="checkout-coupons"' in page
    assert f'name="coupons" value="{best.pk}"' in page
    assert "店铺满50减8" in page and "−¥8.00" in page
    assert "Spend ¥140.00 more on the goods it covers." in page  # the reason says how much more
    assert "别家券" in page


def test_ticking_a_coupon_reprices_the_page_and_the_order_uses_it(signed_in, shopper, shop, tee_and_mug,
                                                                  coupon_template, claim):
    tee, _mug = tee_and_mug
    big = claim(shopper, coupon_template(shop=shop, name="¥10", amount_off=1000))
    small = claim(shopper, coupon_template(shop=shop, name="¥3", amount_off=300, stacking_group="other"))
    page = signed_in.get(reverse("storefront:checkout"), _buy(tee, coupons_chosen=1, coupon=[small.pk])).content.decode()
    assert f'name="coupons" value="{small.pk}"' in page
    address = shopper.addresses.get()
    response = signed_in.post(reverse("storefront:checkout"), _buy(tee, address_id=address.pk, coupons=str(small.pk)))
    assert response.status_code == 302
    order = order_get(user=shopper)
    assert [a["ref"] for a in order.adjustments] == [str(small.pk)]
    assert Coupon.objects.get(pk=big.pk).status == "available"


def test_no_coupon_when_the_shopper_says_so(signed_in, shopper, shop, tee_and_mug, coupon_template, claim):
    tee, _mug = tee_and_mug
    claim(shopper, coupon_template(shop=shop))
    page = signed_in.get(reverse("storefront:checkout"), _buy(tee, coupons="none")).content.decode()
    assert 'name="coupons" value="none"' in page
    address = shopper.addresses.get()
    signed_in.post(reverse("storefront:checkout"), _buy(tee, address_id=address.pk, coupons="none"))
    assert order_get(user=shopper).discount_total == 0


def test_another_shoppers_coupon_is_refused_and_nothing_is_placed(signed_in, shopper, make_shopper, shop, tee_and_mug,
                                                                  coupon_template, claim):
    tee, _mug = tee_and_mug
    theirs = claim(make_shopper(), coupon_template(shop=shop))
    address = shopper.addresses.get()
    response = signed_in.post(reverse("storefront:checkout"), _buy(tee, address_id=address.pk, coupons=str(theirs.pk)))
    assert response.status_code == 200
    assert "Coupon not found." in response.content.decode()
    assert orders(user=shopper) == []
    assert Coupon.objects.get(pk=theirs.pk).status == "available"


def test_two_coupons_of_one_stacking_group_say_why(signed_in, shopper, shop, tee_and_mug, coupon_template, claim):
    tee, _mug = tee_and_mug
    a = claim(shopper, coupon_template(shop=shop, name="A券", amount_off=500))
    b = claim(shopper, coupon_template(shop=shop, name="B券", amount_off=600))
    page = signed_in.get(reverse("storefront:checkout"), _buy(tee, coupons_chosen=1, coupon=[a.pk, b.pk])).content.decode()
    assert "cannot be combined" in page
    assert f'name="coupons" value="{b.pk}"' in page  # priced as checkout would choose meanwhile


def test_the_order_page_shows_the_allocation(signed_in, shopper, shop, tee_and_mug, coupon_template, claim, checkout):
    tee, mug = tee_and_mug
    claim(shopper, coupon_template(shop=shop, name="店铺券", amount_off=1000))
    order = checkout(shopper, [(tee, 1), (mug, 1)])[0][0]
    page = signed_in.get(reverse("storefront:order_detail", args=[order.number])).content.decode()
    assert page.count('data-testid="line-discounts"') == 2
    assert "店铺券 −¥6.00" in page and "店铺券 −¥4.00" in page
