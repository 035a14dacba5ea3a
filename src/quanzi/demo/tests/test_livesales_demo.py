"""The live-sales demo data (livesales/demo.py): runs after live's rooms, idempotent, balanced books."""

import pytest

from quanzi.demo.runner import seed_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(shop, make_product, make_user):
    """A live room of the shop, hosted by a hired host (not the shop owner), a ¥100 product on its shelf."""
    from quanzi.live.testing import make_room

    product = make_product(shop=shop, title="直播款 T恤", price=10000, stock=50)
    return make_room(host=make_user(nickname="主播"), shop=shop, products=[product])


def test_the_seed_fills_the_live_room_once(room, make_shopper, ledger_balanced):
    from quanzi.livesales.selectors import room_prices, tip_account
    from quanzi.livesales.testing import tips
    from quanzi.orders.testing import order_get

    demo = make_shopper(phone="13800138000", nickname="小圈")
    for _ in range(3):
        make_shopper()
    result = seed_section("livesales")
    assert result["room"] == room.number and result["tips"] == 4 and result["purchase"]
    assert len([p for p in room_prices(room_id=room.pk) if p.status == "active"]) == 1
    assert len(tips(room_id=room.pk)) == 5  # four tips by shoppers, one rose by 小圈
    assert tip_account(user=demo)["balance"] == 1900
    order = order_get(number=result["purchase"])
    assert order.paid_at is not None and order.lines.get().attribution["live"]["room"] == room.number
    ledger_balanced()
    assert seed_section("livesales") is None  # idempotent
    assert len(tips()) == 5


def test_without_a_live_room_the_seed_does_nothing(db):
    assert seed_section("livesales") is None
