"""Flash-sale use cases: sessions (merchant), reservations and their orders (shopper), expiry (sweeps).

The stock of an item lives in the catalog pool `flash:<item id>` (`item.stock_pool`) once the session is
published. Winning
a reservation is one short transaction: raise the buyer's count with a conditional UPDATE (the limit),
insert the reservation (its token nonce is unique: a token wins once), then take the units from the
pool with a conditional UPDATE (`quantity = quantity - n WHERE quantity >= n`). The pool row is locked
only from that UPDATE to the commit right after it, so buyers never queue behind whole requests.
The order is written afterwards, from the reservation, in its own transaction; its lines name the
pool but do not take from it again (`PriceQuote.stock_reserved`), so cancelling the order (the
payment timeout, which is the reservation's timeout) puts the units back in the pool.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quanzi.accounts.selectors import address_default, address_get
from quanzi.catalog.selectors import pools_holding_units, shop_skus
from quanzi.catalog.services import (
    OutOfStock,
    StockItem,
    pool_release,
    pool_set_aside,
    stock_return,
    stock_take,
)
from quanzi.core import clock
from quanzi.core.db import relaxed_commit
from quanzi.core.errors import BusinessRuleViolation, Conflict, DomainError, NotFound, ValidationFailed
from quanzi.core.validation import whole_number
from quanzi.flashsale import gate as g
from quanzi.flashsale.constants import POOL_KIND
from quanzi.flashsale.models import (
    FlashBuyer,
    FlashItem,
    FlashSale,
    Reservation,
    ReservationStatus,
    SaleStatus,
)
from quanzi.flashsale.states import RESERVATION, RETURNS_UNITS, SALE

PRICE_SOURCE = "flash"
MAX_ITEMS = 50
MAX_PER_USER = 10
MAX_SALE_SECONDS = 7 * 86400
MIN_RESERVATION_SECONDS, MAX_RESERVATION_SECONDS = 60, 30 * 60


# ---------------------------------------------------------------- sessions (merchant)



def _check_window(starts_at, ends_at) -> None:
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) \
            or starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationFailed(_("Give the start and end with a time zone."), code="invalid_sale_window",
                               fields={"starts_at": "invalid"})
    if ends_at <= starts_at or ends_at <= clock.now():
        raise ValidationFailed(_("The sale must end after it starts, and in the future."),
                               code="invalid_sale_window", fields={"ends_at": "invalid"})
    if (ends_at - starts_at).total_seconds() > MAX_SALE_SECONDS:
        raise ValidationFailed(_("A flash sale lasts at most 7 days."), code="invalid_sale_window",
                               fields={"ends_at": "too late"})


@transaction.atomic
def sale_create(*, shop, title: str, starts_at: dt.datetime, ends_at: dt.datetime, items: list[dict],
                reservation_seconds: int | None = None) -> FlashSale:
    """A draft session. `items` = [{"sku_id", "price", "stock", "per_user_limit"}] of the shop's own SKUs."""
    _check_window(starts_at, ends_at)
    seconds = whole_number(reservation_seconds if reservation_seconds is not None else g.conf("FLASH_RESERVATION_SECONDS"),
                   "reservation_seconds", low=MIN_RESERVATION_SECONDS, high=MAX_RESERVATION_SECONDS,
                   code="invalid_reservation_seconds")
    if not items:
        raise ValidationFailed(_("Choose at least one SKU."), code="sale_no_items", fields={"items": "required"})
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(_("At most %(n)d SKUs per session.") % {"n": MAX_ITEMS}, fields={"items": "too many"})
    own = {s.pk: s for s in shop_skus(shop_id=shop.pk, sku_ids=[i.get("sku_id") for i in items])}
    rows, seen = [], set()
    for n, item in enumerate(items):
        sku = own.get(item.get("sku_id"))
        if sku is None or sku.pk in seen:
            raise ValidationFailed(_("Unknown or repeated SKU."), code="sku_not_found",
                                   fields={f"items.{n}.sku_id": "invalid"})
        seen.add(sku.pk)
        price = item.get("price")
        if isinstance(price, bool) or not isinstance(price, int) or not 0 < price < sku.price:
            raise ValidationFailed(_("The flash price must be above zero and below the list price."),
                                   code="invalid_flash_price", fields={f"items.{n}.price": "invalid"})
        stock = item.get("stock")
        if isinstance(stock, bool) or not isinstance(stock, int) or stock <= 0:
            raise ValidationFailed(_("Set aside at least one unit for the sale."), code="sale_no_stock",
                                   fields={f"items.{n}.stock": "invalid"})
        if stock > sku.stock:
            raise BusinessRuleViolation(_("Not enough stock to set aside."), code="out_of_stock",
                                        fields={f"items.{n}.stock": f"only {sku.stock}"})
        limit = whole_number(item.get("per_user_limit", 1), f"items.{n}.per_user_limit", low=1, high=MAX_PER_USER,
                     code="invalid_per_user_limit")
        rows.append(FlashItem(sku=sku, product=sku.product, price=price, stock=stock, per_user_limit=limit, sort=n))
    sale = FlashSale.objects.create(shop=shop, title=str(title or "").strip()[:120] or rows[0].product.title[:120],
                                    starts_at=starts_at, ends_at=ends_at, reservation_seconds=seconds)
    for row in rows:
        row.sale = sale
    FlashItem.objects.bulk_create(rows)
    return sale


def _lock_sale(sale_id: int, shop=None) -> FlashSale:
    qs = FlashSale.objects.select_for_update().filter(pk=sale_id)
    if shop is not None:
        qs = qs.filter(shop=shop)
    sale = qs.first()
    if sale is None:
        raise NotFound(_("Flash sale not found."), code="sale_not_found")
    return sale


@transaction.atomic
def sale_publish(*, sale_id: int, shop=None) -> FlashSale:
    """Draft → published: each item's stock moves into its pool (out_of_stock if it is gone)."""
    sale = _lock_sale(sale_id, shop)
    SALE.check(sale.status, SaleStatus.PUBLISHED)
    if sale.ends_at <= clock.now():
        raise Conflict(_("This flash sale has already ended."), code="sale_ended")
    items = list(sale.items.all())
    for item in items:
        pool_set_aside(pool=item.stock_pool, sku_id=item.sku_id, quantity=item.stock)
    sale.status = SaleStatus.PUBLISHED
    sale.save(update_fields=["status"])
    transaction.on_commit(lambda: _after_change([i.pk for i in items], load=True))
    return sale


@transaction.atomic
def sale_end(*, sale_id: int, shop=None) -> FlashSale:
    """Published (or draft) → ended: no more reservations; what is left in the pools returns to the SKUs.
    Orders still unpaid may yet be paid until their deadline; units they give back are returned by
    the `flashsale_close` sweep."""
    sale = _lock_sale(sale_id, shop)
    SALE.check(sale.status, SaleStatus.ENDED)
    was_published = sale.status == SaleStatus.PUBLISHED
    sale.save(update_fields=sale.mark_ended(clock.now()))
    items = list(sale.items.all())
    if was_published:
        for item in items:
            pool_release(pool=item.stock_pool)
    transaction.on_commit(lambda: _after_change([i.pk for i in items], drop=True))
    return sale


def _after_change(item_ids: list[int], *, load: bool = False, drop: bool = False) -> None:
    gate = g.current_gate()
    for item_id in item_ids:
        g.forget_meta(item_id)
        if drop and isinstance(gate, g.RedisGate):
            gate.drop(item_id)
        elif load:
            gate.load(item_id)


def return_leftovers() -> int:
    """Units that came back to the pools of ended sessions (late cancellations) go back to the SKUs."""
    ids = [pool.id for pool in pools_holding_units(kind=POOL_KIND)]
    return sum(pool_release(pool=FlashItem.pool_of(pk))
               for pk in FlashItem.objects.filter(pk__in=ids, sale__status=SaleStatus.ENDED).values_list("pk", flat=True))


# ---------------------------------------------------------------- purchase tokens

def token_for(*, user, item_id: int, address_id: int | None = None) -> tuple[str, FlashItem]:
    """A single-use purchase token for a signed-in shopper with a delivery address (the page gets one)."""
    item = FlashItem.objects.select_related("sale").filter(pk=item_id).exclude(sale__status=SaleStatus.DRAFT).first()
    if item is None:
        raise NotFound(_("Flash sale not found."), code="sale_not_found")
    if item.sale.phase() == "finished":
        raise Conflict(_("This flash sale has ended."), code="sale_ended")
    address = address_get(user=user, address_id=address_id) if address_id else address_default(user=user)
    if address is None:
        # the same words as the sale page: before the start the shopper still has time, during the sale not
        message = (_("Add a delivery address to take part.") if item.sale.phase() == "running"
                   else _("Add a delivery address before the sale starts."))
        raise BusinessRuleViolation(message, code="address_required", fields={"address_id": "required"})
    return g.token_issue(user_id=user.pk, item_id=item.pk, address_id=address.pk), item


# ---------------------------------------------------------------- reservations

@transaction.atomic
def reservation_create(*, meta: g.ItemMeta, user_id: int, quantity: int, nonce: str, ip: str = "",
                       address_id: int | None = None) -> Reservation:
    """Win `quantity` units or raise (over_user_limit, token_used, sold_out); nothing is kept on failure.

    On PostgreSQL the commit does not wait for the WAL flush (`synchronous_commit = off`, this
    transaction only): the pool row's lock is held until the commit, so waiting for the disk there
    would let one fsync at a time through the hottest row. The price: a database *crash* could lose
    the last moment's reservations — the buyer is told the win expired, the units are back in the pool
    and the Redis counter is aligned by the gate sweep. No money moves here: orders and payments keep
    synchronous commits."""
    relaxed_commit()
    FlashBuyer.objects.bulk_create([FlashBuyer(item_id=meta.item_id, user_id=user_id)], ignore_conflicts=True)
    raised = FlashBuyer.objects.filter(item_id=meta.item_id, user_id=user_id,
                                       held__lte=meta.per_user_limit - quantity).update(held=F("held") + quantity)
    if not raised:
        raise g.over_limit(meta.per_user_limit)
    now = clock.now()
    try:
        with transaction.atomic():
            reservation = Reservation.objects.create(
                item_id=meta.item_id, user_id=user_id, quantity=quantity, token_nonce=nonce, ip=ip[:64],
                address_id=address_id,
                created_at=now, expires_at=now + dt.timedelta(seconds=meta.reservation_seconds))
    except IntegrityError:
        raise g.token_used()
    try:
        stock_take(items=[StockItem(meta.sku_id, quantity, FlashItem.pool_of(meta.item_id).key)])  # last: the hot row
    except OutOfStock:
        raise g.sold_out()
    return reservation


def reservation_place_order(*, reservation_id: int, address_id: int | None):
    """Write the order (and its payment) for a won reservation; if that fails, give the units back.
    A reservation that already has its order (or is closed) raises `reservation_not_open` and is left alone.
    Without an address (reservations won before tokens named one) the buyer's default address is used."""
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    opened = False
    try:
        with transaction.atomic():
            reservation = Reservation.objects.select_for_update().select_related("item", "user") \
                .filter(pk=reservation_id).first()
            if reservation is None:
                raise NotFound(_("Reservation not found."), code="reservation_not_found")
            if reservation.status != ReservationStatus.RESERVED:
                raise Conflict(_("This reservation already has its order."), code="reservation_not_open",
                               fields={"status": reservation.status})
            opened = True
            if address_id is None:
                address = address_default(user=reservation.user)
                address_id = address.pk if address is not None else None
            orders, payment = checkout_and_pay(
                user=reservation.user, address_id=address_id, clear_cart=False,
                items=[CheckoutItem(reservation.item.sku_id, reservation.quantity, PRICE_SOURCE, reservation.number)])
            order = orders[0]
            RESERVATION.check(reservation.status, ReservationStatus.ORDERED)
            reservation.status, reservation.order_id, reservation.order_number = \
                ReservationStatus.ORDERED, order.pk, order.number
            reservation.save(update_fields=["status", "order_id", "order_number"])
            return reservation, order, payment
    except Exception:
        if opened:
            reservation_close(reservation_id=reservation_id, target=ReservationStatus.RELEASED)
        raise


def reservation_checkout(*, user, number: str):
    """The payment of a won reservation, writing its order first if the order writers have not yet
    (the reservation's row lock makes the order exactly-once). Another user's reservation → 404."""
    from quanzi.orders.selectors import orders_by_id
    from quanzi.payments.selectors import payment_get

    reservation = Reservation.objects.filter(number=str(number)[:16], user=user).first()
    if reservation is None:
        raise NotFound(_("Reservation not found."), code="reservation_not_found")
    if reservation.status == ReservationStatus.RESERVED:
        try:
            return reservation_place_order(reservation_id=reservation.pk, address_id=reservation.address_id)[2]
        except Exception:
            reservation.refresh_from_db()  # the order writers may have got there first, a moment ago
            if reservation.status != ReservationStatus.ORDERED:
                raise
    if reservation.status in (ReservationStatus.ORDERED, ReservationStatus.PAID) and reservation.order_number:
        order = orders_by_id(order_ids=[reservation.order_id]).get(reservation.order_id)
        payment = payment_get(number=order.payment_number) if order else None
        if payment is not None:
            return payment
    raise Conflict(_("This reservation has expired; the item went back to the sale."), code="reservation_expired",
                   fields={"status": reservation.status})


@transaction.atomic
def reservation_close(*, reservation_id: int, target: str = ReservationStatus.EXPIRED,
                      units_returned: bool = False) -> bool:
    """Reserved/ordered → expired or released: units back to the pool (unless the cancelled order already
    returned them), the buyer's count lowered, exactly once. False if it was already closed."""
    reservation = Reservation.objects.select_for_update().filter(pk=reservation_id).first()
    if reservation is None or reservation.status not in (ReservationStatus.RESERVED, ReservationStatus.ORDERED):
        return False
    if target == ReservationStatus.RELEASED and reservation.status != ReservationStatus.RESERVED:
        return False  # a failed second attempt at the order: the first one wrote it, nothing to release
    RESERVATION.check(reservation.status, target)
    assert target in RETURNS_UNITS
    if not units_returned:
        stock_return(items=[StockItem(reservation.item.sku_id, reservation.quantity, FlashItem.pool_of(reservation.item_id).key)])
    FlashBuyer.objects.filter(item_id=reservation.item_id, user_id=reservation.user_id) \
        .update(held=F("held") - reservation.quantity)
    reservation.status, reservation.closed_at = target, clock.now()
    reservation.save(update_fields=["status", "closed_at"])
    item_id, user_id, qty = reservation.item_id, reservation.user_id, reservation.quantity
    transaction.on_commit(lambda: g.current_gate().give_back(item_id, user_id, qty))
    return True


def reservation_paid(*, order_id: int) -> None:
    """The order of a reservation was paid (called in the payment's transaction)."""
    Reservation.objects.filter(order_id=order_id, status=ReservationStatus.ORDERED) \
        .update(status=ReservationStatus.PAID, closed_at=clock.now())


def reservation_order_cancelled(*, order_id: int) -> None:
    """The order was cancelled (not paid in time, or by the shopper): the reservation expires. The order's
    own cancel already put the units back in the pool (its line names the pool)."""
    pk = Reservation.objects.filter(order_id=order_id).values_list("pk", flat=True).first()
    if pk is not None:
        reservation_close(reservation_id=pk, target=ReservationStatus.EXPIRED, units_returned=True)


def write_missing_orders(*, older_than_seconds: float = 2.0, limit: int = 200) -> int:
    """Queue-based order writing: the orders of won reservations that nobody has written yet (the fast
    path answers right after the reservation; the buyer's pay page or this sweep writes the order).
    Several writers may run: the reservation's row lock lets one write each order."""
    cutoff = clock.now() - dt.timedelta(seconds=older_than_seconds)
    due = list(Reservation.objects.filter(status=ReservationStatus.RESERVED, created_at__lte=cutoff,
                                          expires_at__gt=clock.now()).order_by("pk")
               .values_list("pk", "address_id")[:limit])
    written = 0
    for pk, address_id in due:
        try:
            reservation_place_order(reservation_id=pk, address_id=address_id)
            written += 1
        except DomainError:
            pass  # written meanwhile, or it could not be (the units went back)
    return written


def expire_reservations(*, limit: int = 500) -> int:
    """Reservations never turned into an order before their deadline (a worker died in between)."""
    due = list(Reservation.objects.filter(status=ReservationStatus.RESERVED, expires_at__lte=clock.now())
               .order_by("expires_at").values_list("pk", flat=True)[:limit])
    return sum(reservation_close(reservation_id=pk, target=ReservationStatus.EXPIRED) for pk in due)


def close_due_sales() -> int:
    due = FlashSale.objects.filter(status=SaleStatus.PUBLISHED, ends_at__lte=clock.now()).values_list("pk", flat=True)
    closed = 0
    for pk in list(due):
        try:
            sale_end(sale_id=pk)
            closed += 1
        except Conflict:
            pass  # ended meanwhile
    return closed

