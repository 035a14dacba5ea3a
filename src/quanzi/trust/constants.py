"""Trust-and-safety constants other code may compare with, without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AttrKind(models.TextChoices):
    """What links accounts: the columns of the shared-attribute graph (values are stored hashed)."""

    DEVICE = "device", _("Device")
    IP24 = "ip24", _("Network (/24)")
    ADDRESS = "address", _("Delivery address")
    PAYER = "payer", _("Payment account")
    SHOP = "shop", _("Shop bought from")
    AD = "ad", _("Shop whose ads were clicked")


class ActivityKind(models.TextChoices):
    JOINED = "joined", _("Joined")
    INVITED = "invited", _("Invited")
    ORDER_PAID = "order_paid", _("Order paid")
    QUICK_REFUND = "quick_refund", _("Refund within 30 minutes of paying")
    DELIVERED = "delivered", _("Order delivered")
    FAST_REVIEW = "fast_review", _("Review within an hour of delivery")
    SHARED_PURCHASE = "shared_purchase", _("Bought through someone's share link")
    AD_CLICKS = "ad_clicks", _("Ad clicks")


class CaseState(models.TextChoices):
    OPEN = "open", pgettext_lazy("risk case", "Open")
    ACTIONED = "actioned", pgettext_lazy("risk case", "Fraud confirmed")
    DISMISSED = "dismissed", pgettext_lazy("risk case", "Dismissed as legitimate")


class Label(models.TextChoices):
    FRAUD = "fraud", _("Fraud")
    LEGIT = "legit", _("Legitimate")


class Detector(models.TextChoices):
    RULES = "rules", _("Rules")
    DENSE_BLOCK = "dense_block", _("Dense block (FRAUDAR)")
    REFERRAL_CYCLE = "referral_cycle", _("Referral cycle")
    REFERRAL_STAR = "referral_star", _("Burst of invitees (reward farm)")


RULE_LABELS = {
    "shared_device": _("Device shared by several accounts"),
    "shared_payer": _("Payment account shared by several accounts"),
    "shared_address": _("Delivery address shared by several accounts"),
    "crowded_ip": _("Network crowded with accounts"),
    "regular_timing": _("Orders at clockwork intervals"),
    "quick_refunds": _("Refunds right after paying"),
    "review_burst": _("Reviews within an hour of delivery"),
    "invite_burst": _("Burst of new accounts under one inviter"),
    "ad_click_farm": _("Many ad clicks, no purchase"),
    "click_ring": _("Ad clickers sharing devices or networks"),
    "dense_block": _("Accounts acting in lockstep (dense block)"),
    "ring_sharer": _("Sharer whose links the accounts bought through"),
    "referral_cycle": _("Accounts bringing each other in a circle"),
    "referral_star": _("Burst of look-alike invitees under one inviter"),
}

EVENT_LABELS = {
    "opened": _("Opened by detection"),
    "held": _("Commissions held"),
    "fraud": _("Fraud confirmed"),
    "legit": _("Dismissed as legitimate"),
    "released": _("Commissions released"),
    "voided": _("Commissions voided"),
}

HOLD_PREFIX = "trust:"  # commission hold reasons set by a risk case: "trust:<case number>"
