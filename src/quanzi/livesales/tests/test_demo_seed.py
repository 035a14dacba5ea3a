"""The demo seed (src/quanzi/demo/livesales_seed.py): runs after live's seed, idempotent, balanced books."""

import pytest

from quanzi.demo.livesales_seed import seed_livesales
from quanzi.livesales.models import LivePrice, Tip, TipBalance
from quanzi.orders.models import Order

pytestmark = pytest.mark.django_db


def test_the_seed_fills_the_live_room_once(room, make_shopper, ledger_balanced):
    demo = make_shopper(phone="13800138000", nickname="小圈")
    for _ in range(3):
        make_shopper()
    result = seed_livesales()
    assert result["room"] == room.number and result["tips"] == 4 and result["purchase"]
    assert LivePrice.objects.filter(room=room, status="active").count() == 1
    assert Tip.objects.filter(room=room).count() == 5  # four tips by shoppers, one rose by 小圈
    assert TipBalance.objects.get(user=demo).balance == 1900
    order = Order.objects.get(number=result["purchase"])
    assert order.paid_at is not None and order.lines.get().attribution["live"]["room"] == room.number
    ledger_balanced()
    assert seed_livesales() is None  # idempotent
    assert Tip.objects.count() == 5


def test_without_a_live_room_the_seed_does_nothing(db):
    assert seed_livesales() is None
