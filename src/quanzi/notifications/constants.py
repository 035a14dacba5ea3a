"""Public constants of notifications: the kinds a user can turn on or off. Other apps (and their
tests) name a kind from here, never from `notifications.models`, which imports it from this module."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LIKE = "like", _("Likes")
    COMMENT = "comment", _("Comments")
    REPLY = "reply", _("Replies")
    MENTION = "mention", _("Mentions")
    FOLLOW = "follow", _("New followers")
    ORDER = "order", _("Order updates")
    EARNINGS = "earnings", _("Earnings from shares")
    LIVE = "live", _("Live rooms")
