"""Guarantee and claim constants other apps and pages may compare with, without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["COUNTERFEIT_MULTIPLE", "DEPOSIT_PURPOSE", "MIN_DEPOSIT", "ClaimStatus", "DepositStatus", "GuaranteeKind"]

DEPOSIT_PURPOSE = "guarantee_deposit"  # payment purpose of a deposit (payment.captured → handlers.credit_deposit)


class GuaranteeKind(models.TextChoices):
    """What a merchant promises; a claim names the promise that was broken."""

    COUNTERFEIT = "counterfeit", _("Genuine or 10× back")  # 假一赔十
    RETURNS_7DAY = "returns_7day", _("7-day no-reason returns")  # 7天无理由
    SHIP_ON_TIME = "ship_on_time", _("Ships within 48 hours")  # 48小时发货


# The least deposit a shop keeps for each promise it makes (fen); opting into several adds them up.
MIN_DEPOSIT = {
    GuaranteeKind.COUNTERFEIT: 100_000,  # ¥1,000
    GuaranteeKind.RETURNS_7DAY: 50_000,  # ¥500
    GuaranteeKind.SHIP_ON_TIME: 20_000,  # ¥200
}
COUNTERFEIT_MULTIPLE = 10  # 假一赔十: ten times what the buyer paid for the line
SHIP_HOURS = 48  # the shipping-time promise
SHIP_COMPENSATION = 1_000  # ¥10, fixed, for a parcel shipped late (or not at all) under the promise
ANSWER_HOURS = 72  # the merchant's time to answer a claim; afterwards it goes to the operator unanswered
SUSPEND_AFTER = 3  # upheld counterfeit claims within SUSPEND_WINDOW_DAYS suspend the shop
SUSPEND_WINDOW_DAYS = 90
MAX_PHOTOS = 6
DEPOSIT_MAX = 10_000_000  # ¥100,000 in one payment


class DepositStatus(models.TextChoices):
    CREATED = "created", pgettext_lazy("deposit payment", "Awaiting payment")
    PAID = "paid", pgettext_lazy("deposit payment", "Paid")


class ClaimStatus(models.TextChoices):
    FILED = "filed", pgettext_lazy("claim", "Waiting for the merchant")
    ACCEPTED = "accepted", pgettext_lazy("claim", "Merchant accepted")
    CONTESTED = "contested", pgettext_lazy("claim", "Merchant contested")
    LAPSED = "lapsed", pgettext_lazy("claim", "Merchant did not answer")
    UPHELD = "upheld", pgettext_lazy("claim", "Upheld")
    REJECTED = "rejected", pgettext_lazy("claim", "Rejected")
    PAID = "paid", pgettext_lazy("claim", "Paid")


AWAITING_DECISION = (ClaimStatus.ACCEPTED, ClaimStatus.CONTESTED, ClaimStatus.LAPSED)
OPEN = (ClaimStatus.FILED, *AWAITING_DECISION, ClaimStatus.UPHELD)
