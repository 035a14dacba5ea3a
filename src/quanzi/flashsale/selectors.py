"""Reads of flash sales shared by the pages, the API and the gate."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum

from quanzi.catalog.selectors import pool_units
from quanzi.core import clock
from quanzi.flashsale.models import (
    FlashBuyer,
    FlashItem,
    FlashSale,
    Reservation,
    ReservationStatus,
    SaleStatus,
)


def item_truth(*, item_id: int) -> tuple[int, dict[int, int]] | None:
    """(units left in the pool, {user id: units held}) — what the Redis gate is loaded with."""
    if not FlashItem.objects.filter(pk=item_id, sale__status=SaleStatus.PUBLISHED).exists():
        return None
    pool = FlashItem.pool_of(item_id)
    left = pool_units(pools=[pool])[pool]
    holders = dict(FlashBuyer.objects.filter(item_id=item_id, held__gt=0).values_list("user_id", "held"))
    return left, holders


def live_item_ids() -> list[int]:
    return list(FlashItem.objects.filter(sale__status=SaleStatus.PUBLISHED).values_list("pk", flat=True))


def nonces_reserved(*, nonces: list[str]) -> set[str]:
    return set(Reservation.objects.filter(token_nonce__in=nonces).values_list("token_nonce", flat=True))


def units_left(*, items: list[FlashItem]) -> dict[int, int]:
    """{item id: units still to be won} in one query."""
    return units_left_by_id(item_ids=[i.pk for i in items])


def units_left_by_id(*, item_ids: list[int]) -> dict[int, int]:
    return {pool.id: n for pool, n in pool_units(pools=[FlashItem.pool_of(pk) for pk in item_ids]).items()}


def sales_for_shoppers(*, now: dt.datetime | None = None, limit: int = 20) -> list[FlashSale]:
    """Running sessions first, then upcoming ones (the next 7 days), with their items and products."""
    now = now or clock.now()
    sales = list(FlashSale.objects.filter(status=SaleStatus.PUBLISHED, ends_at__gt=now,
                                          starts_at__lte=now + dt.timedelta(days=7))
                 .select_related("shop").prefetch_related("items__product", "items__sku").order_by("starts_at")[:limit])
    left = units_left(items=[i for s in sales for i in s.items.all()])
    for sale in sales:
        for item in sale.items.all():
            item.left = left.get(item.pk, 0)
    return sales


def home_session(*, now: dt.datetime | None = None, items: int = 4) -> dict | None:
    """The home page's flash strip: the session on now, else the next one to start within a day, with
    `items` of its items and what is left of each — three queries, whatever the number of sessions."""
    now = now or clock.now()
    sale = (FlashSale.objects.filter(status=SaleStatus.PUBLISHED, ends_at__gt=now,
                                     starts_at__lte=now + dt.timedelta(days=1))
            .order_by("starts_at", "pk").first())
    if sale is None:
        return None
    shown = list(FlashItem.objects.filter(sale=sale).select_related("product", "sku").order_by("pk")[:items])
    left = units_left(items=shown)
    for item in shown:
        item.left = left.get(item.pk, 0)
    return {"sale": sale, "items": shown, "running": sale.starts_at <= now}


def sale_for_shoppers(*, sale_id: int) -> FlashSale | None:
    sale = FlashSale.objects.filter(pk=sale_id).exclude(status=SaleStatus.DRAFT).select_related("shop") \
        .prefetch_related("items__product", "items__sku").first()
    if sale is not None:
        left = units_left(items=list(sale.items.all()))
        for item in sale.items.all():
            item.left = left.get(item.pk, 0)
    return sale


def running_item_for_product(*, product_id: int) -> FlashItem | None:
    """The flash item of a product on sale now or soon (the product page's banner), one query."""
    now = clock.now()
    return FlashItem.objects.filter(product_id=product_id, sale__status=SaleStatus.PUBLISHED, sale__ends_at__gt=now,
                                    sale__starts_at__lte=now + dt.timedelta(days=1)) \
        .select_related("sale").order_by("sale__starts_at").first()


def reservations_of(*, user, limit: int = 50) -> list[Reservation]:
    return list(Reservation.objects.filter(user=user).select_related("item__product", "item__sale")[:limit])


def sales_of_shop(*, shop) -> list[FlashSale]:
    return list(FlashSale.objects.filter(shop=shop).prefetch_related("items__product").order_by("-starts_at"))


def sale_stats(*, sale: FlashSale) -> dict[int, dict]:
    """Per item: units won, paid, expired; GMV of paid units (fen)."""
    rows = Reservation.objects.filter(item__sale=sale).values("item_id").annotate(
        attempts_won=Count("id"),
        paid=Sum("quantity", filter=Q(status=ReservationStatus.PAID), default=0),
        waiting=Sum("quantity", filter=Q(status__in=[ReservationStatus.RESERVED, ReservationStatus.ORDERED]), default=0),
        expired=Sum("quantity", filter=Q(status__in=[ReservationStatus.EXPIRED, ReservationStatus.RELEASED]), default=0))
    items = {i.pk: i for i in sale.items.all()}
    left = units_left(items=list(items.values()))
    out = {pk: {"won": 0, "paid": 0, "waiting": 0, "expired": 0, "gmv": 0, "left": left.get(pk, 0)} for pk in items}
    for r in rows:
        out[r["item_id"]].update(won=r["attempts_won"], paid=r["paid"], waiting=r["waiting"], expired=r["expired"],
                                 gmv=r["paid"] * items[r["item_id"]].price)
    return out
