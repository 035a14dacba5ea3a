"""Live-sales constants other apps and pages may use (statuses, the price source), without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["POOL_KIND", "PRICE_SOURCE", "HostCommissionStatus", "LivePriceStatus", "TopUpStatus"]

POOL_KIND = "live"  # a live price's units wait in the catalog pool "live:<live price id>"
PRICE_SOURCE = "live"  # order lines at a live price: price_source "live", price_source_ref the price's id


class LivePriceStatus(models.TextChoices):
    ACTIVE = "active", _("On now")
    ENDED = "ended", pgettext_lazy("live price", "Ended")


class HostCommissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending (return window open)")
    AVAILABLE = "available", _("In the wallet")
    REVERSED = "reversed", _("Reversed (refunded)")


class TopUpStatus(models.TextChoices):
    CREATED = "created", _("Waiting for payment")
    PAID = "paid", _("Credited")
