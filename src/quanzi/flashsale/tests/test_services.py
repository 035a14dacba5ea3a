"""Flash sales through the services and the purchase pipeline (embedded gate), happy and unhappy paths."""

import datetime as dt
import time
from unittest import mock

import pytest

from quanzi.core import clock
from quanzi.core.errors import DomainError
from quanzi.core.sweeps import run_sweeps
from quanzi.flashsale import gate, services
from quanzi.flashsale.models import FlashBuyer, Reservation, ReservationStatus, SaleStatus
from quanzi.flashsale.purchase import purchase
from quanzi.flashsale.tests.conftest import pool_left
from quanzi.orders.constants import OrderStatus
from quanzi.orders.testing import order_get

pytestmark = pytest.mark.django_db


def code_of(excinfo) -> str:
    return excinfo.value.code


def test_publish_moves_stock_into_the_pool_and_end_returns_it(make_sale):
    sale = make_sale(stock=5, sku_stock=20)
    item = sale.items.get()
    item.sku.refresh_from_db()
    assert item.sku.stock == 15 and pool_left(item) == 5
    services.sale_end(sale_id=sale.pk)
    item.sku.refresh_from_db()
    assert item.sku.stock == 20 and pool_left(item) == 0
    assert sale.__class__.objects.get(pk=sale.pk).status == SaleStatus.ENDED


def test_a_purchase_wins_a_reservation_and_an_order_at_the_flash_price(item, shopper, buy):
    result = buy(shopper, item)
    order = order_get(number=result.order.number)
    line = order.lines.get()
    assert line.unit_price == 990 and line.price_source == "flash" and line.campaign_key == item.stock_pool.key == f"flash:{item.pk}"
    assert order.status == OrderStatus.PENDING_PAYMENT
    # the order must be paid before the reservation runs out (5 minutes, not the shop's 15)
    assert abs((order.pay_deadline - result.reservation.expires_at).total_seconds()) < 2
    assert result.reservation.status == ReservationStatus.ORDERED
    assert pool_left(item) == 4  # taken once, by the reservation (not again by the order)
    item.sku.refresh_from_db()
    assert item.sku.stock == 45


def test_paying_marks_the_reservation_paid(item, shopper, buy, pay):
    result = buy(shopper, item)
    pay(result.payment.number)
    assert Reservation.objects.get(pk=result.reservation.pk).status == ReservationStatus.PAID
    assert order_get(order_id=result.order.pk).status == OrderStatus.PAID


def test_sold_out_is_refused_and_changes_nothing(make_sale, make_shopper, buy):
    item = make_sale(stock=2, limit=1).items.get()
    buy(make_shopper(), item)
    buy(make_shopper(), item)
    late = make_shopper()
    with pytest.raises(DomainError) as e:
        buy(late, item)
    assert code_of(e) == "sold_out"
    assert pool_left(item) == 0
    assert not Reservation.objects.filter(user=late).exists()
    assert not FlashBuyer.objects.filter(user=late, held__gt=0).exists()


def test_per_user_limit(make_sale, shopper, buy):
    item = make_sale(stock=10, limit=2).items.get()
    buy(shopper, item, quantity=2)
    with pytest.raises(DomainError) as e:
        buy(shopper, item)
    assert code_of(e) == "over_user_limit"
    assert pool_left(item) == 8


def test_quantity_out_of_range(make_sale, shopper, buy):
    item = make_sale(stock=10, limit=2).items.get()
    for bad in (0, 3, -1, True, "1"):
        with pytest.raises(DomainError) as e:
            buy(shopper, item, quantity=bad)
        assert code_of(e) == "invalid_quantity"
    assert pool_left(item) == 10


def test_before_the_start_and_after_the_end(make_sale, shopper, buy):
    early = make_sale(starts_in=600).items.get()
    with pytest.raises(DomainError) as e:
        buy(shopper, early)
    assert code_of(e) == "sale_not_started" and int(e.value.fields["starts_in"]) > 590
    over = make_sale(starts_in=-60, lasts=120).items.get()
    token = services.token_for(user=shopper, item_id=over.pk)[0]
    with clock.travel(dt.timedelta(seconds=61)):
        with pytest.raises(DomainError) as e:
            services.token_for(user=shopper, item_id=over.pk)
        assert code_of(e) == "sale_ended"
        gate.forget_meta()
        with pytest.raises(DomainError) as e:
            purchase(token=token, quantity=1, ip="1.1.1.1")
        assert code_of(e) == "sale_ended"


def test_a_sale_ended_early_refuses_at_once(sale, item, shopper, token_for):
    token = token_for(shopper, item)
    services.sale_end(sale_id=sale.pk)
    with pytest.raises(DomainError) as e:
        purchase(token=token, quantity=1, ip="1.1.1.1")
    assert code_of(e) == "sale_ended"


def test_tokens_missing_forged_reused_or_someone_elses(item, shopper, make_shopper, token_for):
    for bad in (None, "", "x" * 500, "abc:def", token_for(shopper, item) + "x"):
        with pytest.raises(DomainError) as e:
            purchase(token=bad, quantity=1, ip="1.1.1.1")
        assert code_of(e) == "invalid_token"
    token = token_for(shopper, item)
    purchase(token=token, quantity=1, ip="1.1.1.1")
    with pytest.raises(DomainError) as e:
        purchase(token=token, quantity=1, ip="1.1.1.1")
    assert code_of(e) == "token_used"
    other = make_shopper()
    with pytest.raises(DomainError) as e:
        purchase(token=token_for(other, item), quantity=1, ip="1.1.1.1", user_id=shopper.pk)
    assert code_of(e) == "invalid_token"


def test_expired_token(item, shopper, token_for):
    token = token_for(shopper, item)
    settings_ttl = gate.conf("FLASH_TOKEN_TTL")
    with mock.patch("time.time", return_value=time.time() + settings_ttl + 5):
        with pytest.raises(DomainError) as e:
            gate.token_read(token)
    assert code_of(e) == "invalid_token" and e.value.fields["token"] == "expired"


def test_no_address_no_token(item, make_user):
    with pytest.raises(DomainError) as e:
        services.token_for(user=make_user(), item_id=item.pk)
    assert code_of(e) == "address_required"


def test_no_address_message_fits_the_moment(make_sale, make_user):
    user = make_user()
    with pytest.raises(DomainError) as during:
        services.token_for(user=user, item_id=make_sale(starts_in=-60).items.get().pk)
    with pytest.raises(DomainError) as before:
        services.token_for(user=user, item_id=make_sale(starts_in=600).items.get().pk)
    assert code_of(during) == code_of(before) == "address_required"
    assert during.value.message == "Add a delivery address to take part."
    assert before.value.message == "Add a delivery address before the sale starts."


def test_draft_sale_gives_no_token(make_sale, shopper):
    draft = make_sale(publish=False).items.get()
    with pytest.raises(DomainError) as e:
        services.token_for(user=shopper, item_id=draft.pk)
    assert code_of(e) == "sale_not_found"


@pytest.fixture
def one_second():
    """The whole test inside one one-second rate-limit window (time stands still at a window's start)."""
    with mock.patch("time.time", return_value=float(int(time.time()))):
        yield


def test_rate_limits_per_user_and_per_ip(one_second, make_sale, make_shopper, buy, settings):
    settings.QUANZI = {**settings.QUANZI, "FLASH_USER_RATE": 2, "FLASH_IP_RATE": 3}
    item = make_sale(stock=50, limit=10).items.get()
    user = make_shopper()
    buy(user, item, ip="9.9.9.1")
    buy(user, item, ip="9.9.9.2")
    with pytest.raises(DomainError) as e:
        buy(user, item, ip="9.9.9.3")
    assert code_of(e) == "rate_limited" and e.value.status == 429
    for _ in range(3):
        buy(make_shopper(), item, ip="7.7.7.7")
    with pytest.raises(DomainError) as e:
        buy(make_shopper(), item, ip="7.7.7.7")
    assert code_of(e) == "rate_limited" and e.value.fields["scope"] == "ip"


def test_unpaid_order_expires_and_the_units_return_to_the_sale(make_sale, shopper, make_shopper, buy):
    item = make_sale(stock=1, limit=1).items.get()
    result = buy(shopper, item)
    with pytest.raises(DomainError):
        buy(make_shopper(), item)
    with clock.travel(dt.timedelta(seconds=301)):
        run_sweeps()
    assert order_get(order_id=result.order.pk).status == OrderStatus.CANCELLED
    assert Reservation.objects.get(pk=result.reservation.pk).status == ReservationStatus.EXPIRED
    assert pool_left(item) == 1
    assert FlashBuyer.objects.get(user=shopper).held == 0
    buy(shopper, item)  # the same user may try again: the count came down
    assert pool_left(item) == 0


def test_a_reservation_without_an_order_expires_once(item, shopper):
    meta = gate.cached_meta(item.pk)
    reservation = services.reservation_create(meta=meta, user_id=shopper.pk, quantity=1, nonce="n1")
    assert pool_left(item) == 4
    with clock.travel(dt.timedelta(seconds=301)):
        assert services.expire_reservations() == 1
        assert services.expire_reservations() == 0
    assert pool_left(item) == 4 + 1
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.EXPIRED


def test_an_order_that_cannot_be_written_gives_the_units_back(item, shopper, token_for):
    token = token_for(shopper, item)
    item.sku.is_active = False  # the SKU was withdrawn between the token and the purchase
    item.sku.save(update_fields=["is_active"])
    with pytest.raises(DomainError):
        purchase(token=token, quantity=1, ip="1.1.1.1")
    reservation = Reservation.objects.get(user=shopper)
    assert reservation.status == ReservationStatus.RELEASED
    assert pool_left(item) == 5 and FlashBuyer.objects.get(user=shopper).held == 0


def test_the_flash_price_needs_a_reservation(item, shopper, address):
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    with pytest.raises(DomainError) as e:
        checkout_and_pay(user=shopper, address_id=address.pk,
                         items=[CheckoutItem(item.sku_id, 1, "flash", "FNOPE")])
    assert code_of(e) == "reservation_not_found"


def test_sweep_closes_the_sale_at_its_end_and_returns_late_units(make_sale, shopper, buy):
    sale = make_sale(stock=3, starts_in=-60, lasts=120)
    item = sale.items.get()
    result = buy(shopper, item)
    with clock.travel(dt.timedelta(seconds=90)):
        run_sweeps(["flashsale_close"])
    sale.refresh_from_db()
    item.sku.refresh_from_db()
    assert sale.status == SaleStatus.ENDED and item.sku.stock == 50 - 1
    # the unpaid order runs out after the end: its unit comes back to the pool, then to the SKU
    with clock.travel(dt.timedelta(seconds=400)):
        run_sweeps()
    item.sku.refresh_from_db()
    assert order_get(order_id=result.order.pk).status == OrderStatus.CANCELLED
    assert item.sku.stock == 50 and pool_left(item) == 0


@pytest.mark.parametrize("change, code", [
    ({"price": 0}, "invalid_flash_price"), ({"price": 5900}, "invalid_flash_price"),
    ({"stock": 0}, "sale_no_stock"), ({"stock": 10**6}, "out_of_stock"),
    ({"per_user_limit": 0}, "invalid_per_user_limit"), ({"sku_id": 999999}, "sku_not_found"),
])
def test_bad_sessions_are_refused(shop, product, change, code):
    sku = product.skus.get()
    now = clock.now()
    spec = {"sku_id": sku.pk, "price": 990, "stock": 2, "per_user_limit": 1, **change}
    with pytest.raises(DomainError) as e:
        services.sale_create(shop=shop, title="x", starts_at=now, ends_at=now + dt.timedelta(hours=1), items=[spec])
    assert code_of(e) == code


def test_bad_windows_are_refused(shop, product):
    sku = product.skus.get()
    now = clock.now()
    spec = [{"sku_id": sku.pk, "price": 990, "stock": 2}]
    for starts, ends in ((now, now - dt.timedelta(hours=1)), (now - dt.timedelta(hours=2), now - dt.timedelta(hours=1)),
                         (now, now + dt.timedelta(days=8))):
        with pytest.raises(DomainError) as e:
            services.sale_create(shop=shop, title="x", starts_at=starts, ends_at=ends, items=spec)
        assert code_of(e) == "invalid_sale_window"
    with pytest.raises(DomainError) as e:
        services.sale_create(shop=shop, title="x", starts_at=now, ends_at=now + dt.timedelta(hours=1), items=[])
    assert code_of(e) == "sale_no_items"


def test_a_second_attempt_at_an_existing_order_releases_nothing(item, shopper, address):
    meta = gate.cached_meta(item.pk)
    reservation = services.reservation_create(meta=meta, user_id=shopper.pk, quantity=1, nonce="twice")
    services.reservation_place_order(reservation_id=reservation.pk, address_id=address.pk)
    with pytest.raises(DomainError) as e:
        services.reservation_place_order(reservation_id=reservation.pk, address_id=address.pk)
    assert e.value.code == "reservation_not_open"
    assert services.reservation_close(reservation_id=reservation.pk, target=ReservationStatus.RELEASED) is False
    assert Reservation.objects.get(pk=reservation.pk).status == ReservationStatus.ORDERED
    payment = services.reservation_checkout(user=shopper, number=reservation.number)
    assert payment.status == "created" and pool_left(item) == 4


def test_the_order_sweep_writes_orders_nobody_wrote_once(item, shopper, address):
    meta = gate.cached_meta(item.pk)
    won = services.reservation_create(meta=meta, user_id=shopper.pk, quantity=1, nonce="sweep-1",
                                      address_id=address.pk)
    assert services.write_missing_orders() == 0  # too fresh: the buyer's pay page is on its way
    with clock.travel(dt.timedelta(seconds=3)):
        assert services.write_missing_orders() == 1
        assert services.write_missing_orders() == 0
    won.refresh_from_db()
    assert won.status == ReservationStatus.ORDERED
    assert order_get(order_id=won.order_id).address["detail"] == address.detail
