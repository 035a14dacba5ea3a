"""Bargaining (砍价) data: campaigns, bargains and the helps that cut them.

A `BargainCampaign` is a campaign (`catalog.campaigns`: window, status, per-user limit) that sells one
SKU from `original_price` down to `floor_price`; its units are set aside in the catalog pool
`bargain:<campaign id>` (`campaign.stock_pool`) while it is active. A shopper's `Bargain` copies
the campaign's prices at its start and is cut by friends (`BargainHelp`, one per helper). The
bargain's price columns change only under its row lock, and the database checks the arithmetic:
`cut_total = original_price − current_price` and `current_price ≥ floor_price`.

Cut *slots*: a bargain has `expected_helps` slots; a help uses one (a new user's help may use two and
cut about twice as much), and the price reaches the floor exactly when every slot is used. See
`cuts.py` and docs/bargain.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.bargain.constants import (
    ACTIVE_STATUSES,
    MAX_EXPECTED_HELPS,
    MAX_TIME_LIMIT_SECONDS,
    MIN_EXPECTED_HELPS,
    MIN_TIME_LIMIT_SECONDS,
    POOL_KIND,
    BargainStatus,
    CampaignStatus,
)
from quanzi.catalog.campaigns import CampaignPool, CampaignWindow, status_field

__all__ = ["ACTIVE_STATUSES", "MAX_EXPECTED_HELPS", "MAX_TIME_LIMIT_SECONDS", "MIN_EXPECTED_HELPS",
           "MIN_TIME_LIMIT_SECONDS", "Bargain", "BargainCampaign", "BargainHelp", "BargainStatus", "CampaignStatus",
           "HelperDay"]

NUMBER_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud or typed from a poster


def new_bargain_number() -> str:
    """10 random characters (≈ 49 bits): short enough for a URL, not guessable, not a counter."""
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(10))


class BargainCampaign(CampaignWindow, CampaignPool):
    """A bargain campaign on one SKU: window, status and per-user limit (bargains bought, one unit each)
    from the campaign base."""

    POOL_KIND = POOL_KIND

    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT,
                             related_name="bargain_campaigns")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="bargain_campaigns")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120, blank=True)
    original_price = models.BigIntegerField(_("original price (fen)"))
    floor_price = models.BigIntegerField(_("floor price (fen)"))
    expected_helps = models.PositiveSmallIntegerField(_("helps to reach the floor"))
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=24 * 3600)
    stock = models.PositiveIntegerField(_("stock set aside"))
    new_user_bonus = models.BooleanField(_("new users cut more"), default=True)
    status = status_field(CampaignStatus, default=CampaignStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bargain campaign")
        verbose_name_plural = _("bargain campaigns")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(floor_price__gt=0), name="bargain_floor_positive"),
            models.CheckConstraint(
                condition=Q(original_price__gte=F("floor_price") + F("expected_helps")),
                name="bargain_gap_covers_helps"),
            models.CheckConstraint(
                condition=Q(expected_helps__gte=MIN_EXPECTED_HELPS) & Q(expected_helps__lte=MAX_EXPECTED_HELPS),
                name="bargain_expected_helps_range"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"


class Bargain(models.Model):
    number = models.CharField(_("number"), max_length=12, unique=True, default=new_bargain_number)
    campaign = models.ForeignKey(BargainCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="bargains")
    starter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT,
                                related_name="+")
    original_price = models.BigIntegerField(_("original price (fen)"))
    floor_price = models.BigIntegerField(_("floor price (fen)"))
    expected_helps = models.PositiveSmallIntegerField(_("helps to reach the floor"))
    current_price = models.BigIntegerField(_("current price (fen)"))
    cut_total = models.BigIntegerField(_("cut so far (fen)"), default=0)
    helps_count = models.PositiveSmallIntegerField(_("helps"), default=0)
    slots_used = models.PositiveSmallIntegerField(_("cut slots used"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=BargainStatus.choices, default=BargainStatus.OPEN)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    created_at = models.DateTimeField(_("created at"))
    floor_reached_at = models.DateTimeField(_("floor reached at"), null=True, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    bought_at = models.DateTimeField(_("bought at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bargain")
        verbose_name_plural = _("bargains")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="bargain_due"),
                   models.Index(fields=["starter", "campaign"], name="bargain_starter_campaign")]
        constraints = [
            models.CheckConstraint(condition=Q(current_price__gte=F("floor_price")), name="bargain_not_below_floor"),
            models.CheckConstraint(condition=Q(cut_total=F("original_price") - F("current_price")),
                                   name="bargain_cut_total_exact"),
            models.CheckConstraint(condition=Q(slots_used__lte=F("expected_helps")), name="bargain_slots_le_expected"),
            models.UniqueConstraint(fields=["campaign", "starter"], condition=Q(status__in=list(ACTIVE_STATUSES)),
                                    name="bargain_one_active_per_user"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def progress_pct(self) -> int:
        """How far from the original price to the floor (0–100), for the progress bar."""
        gap = self.original_price - self.floor_price
        return 100 if gap <= 0 else min(100, self.cut_total * 100 // gap)

    @property
    def remaining(self) -> int:
        return self.current_price - self.floor_price


class BargainHelp(models.Model):
    bargain = models.ForeignKey(Bargain, on_delete=models.CASCADE, related_name="helps")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("helper"), on_delete=models.PROTECT,
                               related_name="+")
    amount = models.BigIntegerField(_("cut (fen)"))
    slots = models.PositiveSmallIntegerField(_("cut slots"), default=1)
    is_new_user = models.BooleanField(_("new user"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("help")
        verbose_name_plural = _("helps")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bargain", "helper"], name="bargain_one_help_per_helper"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bargain_help_positive"),
        ]


class HelperDay(models.Model):
    """How many helps one user gave on one Asia/Shanghai day: the row a help locks (by a conditional
    UPDATE) to keep the daily limit exact under races without any global lock."""

    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("helper day")
        verbose_name_plural = _("helper days")
        constraints = [models.UniqueConstraint(fields=["helper", "day"], name="bargain_uniq_helper_day")]
