"""Live prices: stock set aside and returned, buying in the room, limits, endings, attribution."""

import datetime as dt

import pytest

from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.sweeps import run_sweeps
from quanzi.livesales import services
from quanzi.livesales.models import LivePrice, LivePriceStatus
from quanzi.orders.constants import OrderStatus
from quanzi.orders.testing import orders, units_in_orders

pytestmark = pytest.mark.django_db


def pool(lp):
    return pool_units(pools=[lp.stock_pool])[lp.stock_pool]


def buy(user, room, sku, quantity=1, live_price_id=None):
    return services.live_buy(user=user, room_number=room.number, sku_id=sku.pk, quantity=quantity,
                             address_id=user.addresses.get().pk, live_price_id=live_price_id)


def test_starting_a_live_price_moves_its_stock_into_its_own_pool(live_price, lsku):
    lsku.refresh_from_db()
    assert lsku.stock == 40 and pool(live_price) == 10
    assert live_price.status == LivePriceStatus.ACTIVE
    assert live_price.ends_at - live_price.starts_at == dt.timedelta(minutes=10)


@pytest.mark.parametrize(("kwargs", "error", "code"), [
    ({"price": 10000}, ValidationFailed, "invalid_live_price"),   # not below the list price
    ({"price": 0}, ValidationFailed, "invalid_live_price"),
    ({"stock": 51}, BusinessRuleViolation, "out_of_stock"),
    ({"stock": 0}, ValidationFailed, "invalid_stock"),
    ({"per_user_limit": 0}, ValidationFailed, "invalid_per_user_limit"),
    ({"duration_seconds": 10}, ValidationFailed, "invalid_duration"),
])
def test_bad_live_prices_are_refused_and_nothing_moves(room, lsku, kwargs, error, code):
    args = {"price": 5900, "stock": 10, "per_user_limit": 1, "duration_seconds": 600, **kwargs}
    with pytest.raises(error) as exc:
        services.live_price_start(user=room.host, room_number=room.number, sku_id=lsku.pk, **args)
    assert exc.value.code == code
    lsku.refresh_from_db()
    assert lsku.stock == 50 and not LivePrice.objects.exists()


def test_only_the_rooms_host_starts_a_live_price_and_only_for_shelf_items(room, lsku, make_user, make_product, shop):
    with pytest.raises(NotFound):
        services.live_price_start(user=make_user(), room_number=room.number, sku_id=lsku.pk, price=5900, stock=1)
    other = make_product(shop=shop, title="Not on the shelf").skus.get()
    with pytest.raises(ValidationFailed) as exc:
        services.live_price_start(user=room.host, room_number=room.number, sku_id=other.pk, price=100, stock=1)
    assert exc.value.code == "sku_not_on_shelf"


def test_a_live_price_needs_a_live_room_and_one_at_a_time(make_room, shop, lproduct, lsku, live_price, room):
    scheduled = make_room(shop=shop, products=[lproduct], live=False)
    with pytest.raises(Conflict) as exc:
        services.live_price_start(user=scheduled.host, room_number=scheduled.number, sku_id=lsku.pk, price=5900,
                                  stock=1)
    assert exc.value.code == "room_not_live"
    with pytest.raises(Conflict) as exc:
        services.live_price_start(user=room.host, room_number=room.number, sku_id=lsku.pk, price=5000, stock=1)
    assert exc.value.code == "live_price_exists"


def test_buying_at_the_live_price_takes_from_the_pool_and_attributes_the_room(room, lsku, live_price, make_shopper):
    viewer = make_shopper()
    order, payment = buy(viewer, room, lsku, quantity=2)
    line = order.lines.get()
    assert (line.unit_price, line.price_source, line.price_source_ref) == (5900, "live", str(live_price.pk))
    assert line.campaign_key == live_price.stock_pool.key == f"live:{live_price.pk}"
    assert line.attribution["live"] == {"room": room.number, "room_id": room.pk, "host_id": room.host_id}
    assert payment.amount == order.total == 11800  # above the free-shipping threshold
    assert pool(live_price) == 8
    lsku.refresh_from_db()
    assert lsku.stock == 40  # the SKU's free stock is untouched


def test_without_a_live_price_the_shelf_item_sells_at_list_price_still_attributed(room, lsku, make_shopper):
    order, _payment = buy(make_shopper(), room, lsku)
    line = order.lines.get()
    assert (line.unit_price, line.price_source) == (10000, "list")
    assert line.attribution["live"]["room"] == room.number


def test_the_per_viewer_limit_counts_earlier_orders_but_not_cancelled_ones(room, lsku, live_price, make_shopper):
    viewer = make_shopper()
    first, _p = buy(viewer, room, lsku, quantity=1)
    with pytest.raises(BusinessRuleViolation) as exc:
        buy(viewer, room, lsku, quantity=2)
    assert exc.value.code == "live_price_limit"
    buy(viewer, room, lsku, quantity=1)
    with pytest.raises(BusinessRuleViolation) as exc:
        buy(viewer, room, lsku, quantity=1)
    assert exc.value.code == "live_price_limit"
    from quanzi.orders.services import order_cancel

    order_cancel(order_id=first.pk, reason="changed my mind", user=viewer)
    assert pool(live_price) == 9  # the cancelled unit went back to the pool
    buy(viewer, room, lsku, quantity=1)  # the cancelled order frees its unit of the limit


def test_above_the_pools_stock_nothing_is_taken(room, lsku, live_price, make_shopper):
    LivePrice.objects.filter(pk=live_price.pk).update(per_user_limit=20)
    first = make_shopper()
    buy(first, room, lsku, quantity=9)
    with pytest.raises(BusinessRuleViolation) as exc:
        buy(make_shopper(), room, lsku, quantity=2)
    assert exc.value.code == "out_of_stock"
    assert pool(live_price) == 1
    assert len(orders()) == 1


def test_an_ended_live_price_cannot_be_bought_and_its_stock_goes_back(room, lsku, live_price, make_shopper):
    viewer = make_shopper()
    buy(viewer, room, lsku, quantity=1)
    services.live_price_end(live_price_id=live_price.pk, user=room.host)
    lsku.refresh_from_db()
    assert lsku.stock == 49 and pool(live_price) == 0
    with pytest.raises(Conflict) as exc:
        buy(make_shopper(), room, lsku, live_price_id=live_price.pk)
    assert exc.value.code == "live_price_ended"
    order, _p = buy(make_shopper(), room, lsku)  # without the ended price's id: the list price
    assert order.lines.get().unit_price == 10000
    assert services.live_price_end(live_price_id=live_price.pk).returned == 9  # idempotent


def test_another_host_cannot_end_a_live_price(live_price, make_user):
    with pytest.raises(NotFound):
        services.live_price_end(live_price_id=live_price.pk, user=make_user())
    live_price.refresh_from_db()
    assert live_price.status == LivePriceStatus.ACTIVE


def test_the_sweep_ends_due_prices_and_returns_late_units(room, lsku, live_price, make_shopper):
    viewer = make_shopper()
    order, _p = buy(viewer, room, lsku, quantity=2)
    with clock.travel(dt.timedelta(minutes=11)):
        with pytest.raises(Conflict):
            buy(make_shopper(), room, lsku, live_price_id=live_price.pk)
        assert run_sweeps(["livesales_end_prices"]) == {"livesales_end_prices": 1}
    live_price.refresh_from_db()
    assert live_price.status == LivePriceStatus.ENDED and live_price.returned == 8
    from quanzi.orders.services import order_cancel

    order_cancel(order_id=order.pk, reason="timeout", actor="system")  # its 2 units land in the ended pool
    assert pool(live_price) == 2
    assert run_sweeps(["livesales_end_prices"]) == {"livesales_end_prices": 1}
    lsku.refresh_from_db()
    assert lsku.stock == 50 and pool(live_price) == 0


def test_the_room_ending_ends_its_prices(room, lsku, live_price, django_capture_on_commit_callbacks):
    from quanzi.live.services import room_end

    with django_capture_on_commit_callbacks(execute=True):
        room_end(room=room)  # live publishes live.room_ended after commit
    live_price.refresh_from_db()
    assert live_price.status == LivePriceStatus.ENDED
    lsku.refresh_from_db()
    assert lsku.stock == 50


def test_buying_needs_a_live_room_and_a_shelf_item(make_room, shop, lproduct, lsku, make_product, make_shopper, room):
    viewer = make_shopper()
    scheduled = make_room(shop=shop, products=[lproduct], live=False)
    with pytest.raises(Conflict) as exc:
        buy(viewer, scheduled, lsku)
    assert exc.value.code == "room_not_live"
    elsewhere = make_product(shop=shop, title="Elsewhere").skus.get()
    with pytest.raises(NotFound) as exc:
        buy(viewer, room, elsewhere)
    assert exc.value.code == "sku_not_on_shelf"
    assert not orders()


def test_the_plain_checkout_cannot_fake_a_live_attribution_or_price(room, lsku, live_price, make_shopper):
    """The live price source refuses unknown refs; attribution needs the product on the room's shelf."""
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    viewer = make_shopper()
    with pytest.raises(ValidationFailed) as exc:
        checkout_and_pay(user=viewer, items=[CheckoutItem(lsku.pk, 1, "live", "999999")],
                         address_id=viewer.addresses.get().pk)
    assert exc.value.code == "live_price_not_found"
    assert services.attribution(user=viewer, sku=lsku, context={"live_room": "0000000000"}) == {}
    assert units_in_orders() == 0  # no order line at all
    assert orders(status=OrderStatus.PENDING_PAYMENT) == []


def test_a_live_price_of_another_room_cannot_be_used(make_room, shop, lproduct, lsku, live_price, make_shopper):
    other = make_room(shop=shop, products=[lproduct])
    with pytest.raises(ValidationFailed) as exc:
        buy(make_shopper(), other, lsku, live_price_id=live_price.pk)
    assert exc.value.code == "live_price_not_found"
    assert pool(live_price) == 10
