"""Flash-sale constants other apps and pages may use (statuses), without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["HOLDING_UNITS", "POOL_KIND", "ReservationStatus", "SaleStatus"]

POOL_KIND = "flash"  # an item's units wait in the catalog pool "flash:<item id>"


class SaleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("flash sale", "Draft")
    PUBLISHED = "published", pgettext_lazy("flash sale", "Published")
    ENDED = "ended", pgettext_lazy("flash sale", "Ended")


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")  # units won, order not written yet
    ORDERED = "ordered", _("Awaiting payment")
    PAID = "paid", pgettext_lazy("flash reservation", "Paid")
    EXPIRED = "expired", _("Expired")  # not paid in time: units back in the sale
    RELEASED = "released", _("Released")  # the order could not be written: units back in the sale


HOLDING_UNITS = frozenset({ReservationStatus.RESERVED, ReservationStatus.ORDERED, ReservationStatus.PAID})
