"""Group-buy constants other apps and pages may use (statuses, group sizes), without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.constants import CampaignStatus

__all__ = ["HOLD_PREFIX", "MAX_GROUP_SIZE", "MIN_GROUP_SIZE", "POOL_KIND", "CampaignStatus", "GroupStatus",
           "MemberStatus"]

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 50
POOL_KIND = "group"  # a campaign's units wait in the catalog pool "group:<campaign id>"
HOLD_PREFIX = "groupbuy:"  # hold keys of group orders: "groupbuy:<group number>"


class GroupStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")  # holds a spot until the order is paid or cancelled
    PAID = "paid", _("Paid")
    LEFT = "left", _("Left (order cancelled)")
    REFUNDED = "refunded", _("Refunded")
