"""Bargain constants other apps and pages may use (statuses, limits), without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from quanzi.catalog.constants import CampaignStatus

__all__ = ["ACTIVE_STATUSES", "MAX_EXPECTED_HELPS", "MAX_TIME_LIMIT_SECONDS", "MIN_EXPECTED_HELPS",
           "MIN_TIME_LIMIT_SECONDS", "POOL_KIND", "BargainStatus", "CampaignStatus"]

MIN_EXPECTED_HELPS = 2
MAX_EXPECTED_HELPS = 100
MIN_TIME_LIMIT_SECONDS = 10 * 60
MAX_TIME_LIMIT_SECONDS = 7 * 24 * 3600
POOL_KIND = "bargain"  # a campaign's units wait in the catalog pool "bargain:<campaign id>"


class BargainStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("bargain status", "Open")
    FLOOR_REACHED = "floor_reached", pgettext_lazy("bargain status", "Floor price reached")
    BOUGHT = "bought", pgettext_lazy("bargain status", "Bought")
    EXPIRED = "expired", pgettext_lazy("bargain status", "Expired")


ACTIVE_STATUSES = (BargainStatus.OPEN, BargainStatus.FLOOR_REACHED)
