"""Public constants of the wallet app: withdrawal statuses and payout account types.

Other apps import them from here, never from `models.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WithdrawalStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")


class AccountType(models.TextChoices):
    ALIPAY = "alipay", _("Alipay")
    BANK = "bank", _("Bank card")
