"""Public constants of the commission app: the legal limits and the commission statuses.

Other apps import them from here, never from `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_LEVELS = 3  # the law's line (pyramid selling): never more than three levels, whatever the settings say
MAX_CAP_BPS = 3000  # 30 % of the line price: the cap may be lowered, never raised


class CommissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    HELD = "held", _("Held for review")
    AVAILABLE = "available", _("Available")
    REVERSED = "reversed", _("Reversed (refunded)")
    VOIDED = "voided", _("Voided")


class HoldAction(models.TextChoices):
    HOLD = "hold", _("Held")
    RELEASE = "release", _("Released")
    VOID = "void", _("Voided")
