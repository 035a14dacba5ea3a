import datetime as dt

import pytest


@pytest.fixture
def make_room(make_user):
    from quanzi.live import testing

    def make(*, shop, products=(), host=None, live: bool = True):
        return testing.make_room(host=host or make_user(nickname="主播"), shop=shop, live=live, products=products)

    return make


@pytest.fixture
def lproduct(make_product, shop):
    return make_product(shop=shop, title="直播款 T恤", price=10000, stock=50)


@pytest.fixture
def lsku(lproduct):
    return lproduct.skus.get()


@pytest.fixture
def room(make_room, shop, lproduct):
    """A live room of the shop, hosted by a hired host (not the shop owner), the product on its shelf."""
    return make_room(shop=shop, products=[lproduct])


@pytest.fixture
def live_price(room, lsku):
    """¥59.00 instead of ¥100.00, 10 units set aside, 2 per viewer, on for 10 minutes."""
    from quanzi.livesales.services import live_price_start

    return live_price_start(user=room.host, room_number=room.number, sku_id=lsku.pk, price=5900, stock=10, per_user_limit=2,
                            duration_seconds=600)


@pytest.fixture
def adult(make_shopper):
    from quanzi.livesales.services import declaration_submit

    def make(**kwargs):
        user = make_shopper(**kwargs)
        declaration_submit(user=user, real_name="张三", birth_date=dt.date(1990, 5, 1))
        return user

    return make


@pytest.fixture
def fund(pay):
    """`fund(user, amount)`: top up the tip balance through the sandbox provider."""
    from quanzi.livesales.services import topup_start

    def run(user, amount):
        topup, payment = topup_start(user=user, amount=amount)
        pay(payment.number)
        return topup

    return run


@pytest.fixture
def gift(db):
    from quanzi.livesales.models import Gift

    return Gift.objects.create(name="测试礼物", name_en="Test gift", icon="🎉", price=333, sort=99)


@pytest.fixture
def account_balance():
    from quanzi.ledger.selectors import balance

    return balance
