"""Test helpers of flash sales: read-outs for other apps' tests, the demo's tests and bench/ (never
imported by application code)."""

from __future__ import annotations

from django.db.models import Q

from quanzi.flashsale.models import FlashItem, FlashSale, Reservation

# ---- public interface used by demo, bench/ and the project's tests

def sales(*, title_prefix: str = "") -> list[FlashSale]:
    """Sessions in id order (whose title starts with `title_prefix`)."""
    in_any_language = Q(title_zh_hans__startswith=title_prefix) | Q(title_en__startswith=title_prefix)
    return list(FlashSale.objects.filter(in_any_language).order_by("pk"))


def item_get(*, item_id: int) -> FlashItem:
    return FlashItem.objects.get(pk=item_id)


def reservations(*, item_id: int | None = None, statuses=None, user=None) -> list[Reservation]:
    """Reservations in id order, narrowed by item, statuses or user."""
    qs = Reservation.objects.order_by("pk")
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    if user is not None:
        qs = qs.filter(user=user)
    return list(qs)


def reservation_count(*, item_id: int, statuses=None) -> int:
    """How many reservations the item has (in these statuses when given): cheap enough to poll."""
    qs = Reservation.objects.filter(item_id=item_id)
    return (qs.filter(status__in=list(statuses)) if statuses is not None else qs).count()
