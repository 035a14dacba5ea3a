"""Flash sales (秒杀): sessions of limited stock at a sale price, won by reservation.

A `FlashSale` is one session (场次) of a shop: a campaign window (`catalog.campaigns.CampaignWindow`:
start, end, status, ended_at). Each `FlashItem` puts one SKU in it at a sale price with its own stock
and per-user limit (`CampaignPool`). When the session is published the item's stock moves into the
catalog pool `flash:<item id>` (`item.stock_pool`); that pool row IS the
authoritative count of units still to be won. A purchase first wins a `Reservation` (units taken out
of the pool by one conditional UPDATE, the buyer's `FlashBuyer` counter raised by another), then the
order is written from the reservation. Unpaid reservations expire and put the units back in the pool.
See docs/flash-sale.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.campaigns import CampaignPool, CampaignWindow, status_field
from quanzi.core import clock
from quanzi.flashsale.constants import HOLDING_UNITS, POOL_KIND, ReservationStatus, SaleStatus

__all__ = ["FlashBuyer", "FlashItem", "FlashSale", "Reservation", "ReservationStatus", "SaleStatus"]


class FlashSale(CampaignWindow):
    """A session: its window, status (draft → published → ended) and `ended_at` from the campaign base;
    `phase()` says upcoming / running / finished."""

    RUNNING_STATUS = SaleStatus.PUBLISHED
    ENDED_STATUS = SaleStatus.ENDED

    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="flash_sales")
    title = models.CharField(max_length=120)
    status = status_field(SaleStatus, default=SaleStatus.DRAFT)
    reservation_seconds = models.PositiveIntegerField(default=300)  # time to pay for a won reservation
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "ends_at"])]
        verbose_name = _("flash sale")

    def __str__(self) -> str:
        return self.title


class FlashItem(CampaignPool):
    """One SKU of a session: its pool (`flash:<item id>`) and per-user limit from the campaign base."""

    POOL_KIND = POOL_KIND

    sale = models.ForeignKey(FlashSale, on_delete=models.CASCADE, related_name="items")
    sku = models.ForeignKey("catalog.Sku", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    price = models.BigIntegerField()  # fen
    stock = models.PositiveIntegerField()  # units set aside for the session
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        constraints = [models.UniqueConstraint(fields=["sale", "sku"], name="flashsale_item_unique_sku"),
                       models.CheckConstraint(condition=models.Q(price__gt=0), name="flashsale_item_price_positive")]


class FlashBuyer(models.Model):
    """How many units of an item one user holds (live reservations + orders): the per-user limit is a
    conditional UPDATE on this row, so two tabs of the same user cannot both pass it."""

    item = models.ForeignKey(FlashItem, on_delete=models.CASCADE, related_name="buyers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    held = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="flashsale_buyer_unique")]


def new_reservation_number() -> str:
    return "F" + secrets.token_hex(6).upper()


class Reservation(models.Model):
    number = models.CharField(max_length=16, unique=True, default=new_reservation_number)
    item = models.ForeignKey(FlashItem, on_delete=models.PROTECT, related_name="reservations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.RESERVED)
    token_nonce = models.CharField(max_length=32, unique=True)  # a purchase token wins at most once
    address_id = models.BigIntegerField(null=True, blank=True)  # where the order ships (from the token)
    order_id = models.BigIntegerField(null=True, blank=True)
    order_number = models.CharField(max_length=32, blank=True)
    ip = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flash-sale reservation")
        verbose_name_plural = _("flash-sale reservations")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "expires_at"]), models.Index(fields=["user", "-id"]),
                   models.Index(fields=["order_id"])]

    @property
    def holds_units(self) -> bool:
        return self.status in HOLDING_UNITS
