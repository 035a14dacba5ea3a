"""Sponsored-listing constants other apps and pages may compare with, without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["TOPUP_PURPOSE", "CampaignStatus", "ClickReason", "MatchType", "Placement", "ReviewStatus", "TargetKind",
           "TopUpStatus"]

TOPUP_PURPOSE = "ads_topup"  # payment purpose of an ads-balance top-up (payment.captured → handlers.credit_topup)


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("ad campaign", "Draft")
    ACTIVE = "active", pgettext_lazy("ad campaign", "Running")
    PAUSED = "paused", pgettext_lazy("ad campaign", "Paused")
    ENDED = "ended", pgettext_lazy("ad campaign", "Ended")


class ReviewStatus(models.TextChoices):
    """The operator's policy review of what a campaign shows (its products, keywords and placements):
    only an approved campaign is served; adding a product, keyword or placement sends it back for review."""

    PENDING = "pending", pgettext_lazy("ad review", "In review")
    APPROVED = "approved", pgettext_lazy("ad review", "Approved")
    REJECTED = "rejected", pgettext_lazy("ad review", "Not approved")


class TargetKind(models.TextChoices):
    KEYWORD = "keyword", _("Keyword")
    PLACEMENT = "placement", _("Placement")


class MatchType(models.TextChoices):
    EXACT = "exact", _("Exact match")
    PHRASE = "phrase", _("Phrase match")
    BROAD = "broad", _("Broad match")


class Placement(models.TextChoices):
    SEARCH = "search", _("Search results")
    FEED = "feed", _("Discovery feed")
    CATEGORY = "category", _("Category pages")


class ClickReason(models.TextChoices):
    """Why a click was not billed (blank when it was)."""

    SELF_CLICK = "self_click", _("The advertiser's own account")
    BOT = "bot", _("Automated traffic")
    NO_IMPRESSION = "no_impression", _("No prior impression for this visitor")
    STALE = "stale", _("The ad was shown too long ago")
    BURST = "burst", _("Click burst from one address")
    DUPLICATE = "duplicate", _("Repeat click within 30 minutes")
    BUDGET = "budget_exhausted", _("Budget used up")
    BALANCE = "insufficient_balance", _("Ads balance used up")
    INACTIVE = "campaign_inactive", _("Campaign not running")


class TopUpStatus(models.TextChoices):
    CREATED = "created", _("Waiting for payment")
    PAID = "paid", _("Credited")
