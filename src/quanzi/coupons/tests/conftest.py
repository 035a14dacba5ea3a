import pytest

from quanzi.coupons.testing import give, make_template


@pytest.fixture
def coupon_template():
    """`coupon_template(shop=None, **terms)`: a live template (the shop's, or the platform's without a shop)."""
    return make_template


@pytest.fixture
def claim():
    return give


@pytest.fixture
def tee_and_mug(make_product, shop):
    """Two goods of one shop: a ¥60 tee and a ¥40 mug."""
    tee = make_product(shop=shop, title="Tee", price=6000, stock=50).skus.get()
    mug = make_product(shop=shop, title="Mug", price=4000, stock=50).skus.get()
    return tee, mug


@pytest.fixture
def checkout(address):
    """`checkout(user, [(sku, qty)], coupons=None)` → (orders, payment), through checkout_and_pay."""
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    def run(user, items, coupons=None, addr=None):
        context = {} if coupons is None else {"coupons": coupons}
        return checkout_and_pay(user=user, items=[CheckoutItem(s.pk, q) for s, q in items],
                                address_id=(addr or address).pk, clear_cart=False, context=context)

    return run
