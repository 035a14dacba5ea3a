"""Public constants of the sharing app (settings rules, target types, how an upline was bound).

Other apps import them from here, never from `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClickRule(models.TextChoices):
    LAST = "last", _("Last click wins")
    FIRST = "first", _("First click wins")


class UplineRule(models.TextChoices):
    SIGNUP = "signup", _("Inviter at signup")
    FIRST_ORDER = "first_order", _("Sharer of the first attributed order")


class TargetType(models.TextChoices):
    PRODUCT = "product", _("Product")
    NOTE = "note", _("Note")
    GROUP = "group", _("Group buy")
    ROOM = "room", _("Live room")


class UplineVia(models.TextChoices):
    INVITE_LINK = "invite_link", _("Invite link")
    CODE = "code", _("Invitation code")
    FIRST_ORDER = "first_order", _("First attributed order")
    OPERATOR = "operator", _("Operator")
