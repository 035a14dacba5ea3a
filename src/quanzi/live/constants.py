"""Public constants of the live app: room, permit and sanction kinds, and text limits.

Other apps import them from here, never from `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX = 80
CHAT_MAX = 200  # characters of one chat message


class RoomStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", pgettext_lazy("room status", "Live")
    ENDED = "ended", _("Ended")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Revoked")


class Sanction(models.TextChoices):
    MUTE = "mute", _("Muted")
    BAN = "ban", _("Removed")
