"""Sponsored listings: campaigns, their products, targets (keywords and placements) and bids, the
operator's placement settings, impressions, clicks, the shop's ads balance and its top-ups.

Money is integer fen. The ledger is the truth for the ads balance (`shop:<id>:ads_prepaid`);
`AdsBalance.balance` mirrors it in the same transaction as every posting, so a conditional UPDATE on that
row is the gate that keeps it from going below zero under concurrent clicks (like stock). A campaign's
`spent` and `spent_day` are moved by one conditional UPDATE per billed click, so spend never passes the
total or daily budget.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.ads.constants import (
    CampaignStatus,
    ClickReason,
    MatchType,
    Placement,
    ReviewStatus,
    TargetKind,
    TopUpStatus,
)
from quanzi.core import clock

__all__ = ["AdBid", "AdCampaign", "AdClick", "AdClickGuard", "AdConversion", "AdImpression", "AdPlacementSetting",
           "AdProduct", "AdTarget", "AdTargetTerm", "AdTopUp", "AdsBalance"]


def new_campaign_number() -> str:
    return "AD" + secrets.token_hex(6).upper()


def new_topup_number() -> str:
    return "AT" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


class AdPlacementSetting(models.Model):
    """The operator's terms for one placement: the reserve price (the least a click can cost), how many
    sponsored slots a page shows, and the click-rate prior new ads start from."""

    placement = models.CharField(_("placement"), max_length=10, choices=Placement.choices, unique=True)
    reserve_price = models.BigIntegerField(_("reserve price (fen)"), default=10)
    slots = models.PositiveSmallIntegerField(_("sponsored slots per page"), default=2)
    prior_clicks = models.PositiveIntegerField(_("prior clicks (α)"), default=2)
    prior_impressions = models.PositiveIntegerField(_("prior impressions (α + β)"), default=100)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("ad placement")
        verbose_name_plural = _("ad placements")
        constraints = [
            models.CheckConstraint(condition=Q(reserve_price__gte=1), name="ads_reserve_positive"),
            models.CheckConstraint(condition=Q(prior_clicks__gte=1) & Q(prior_impressions__gt=F("prior_clicks")),
                                   name="ads_prior_valid"),
        ]

    def __str__(self) -> str:
        return self.placement


class AdsBalance(models.Model):
    """The shop's prepaid ads balance (fen), mirroring the ledger account `shop:<id>:ads_prepaid`."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="ads_balance")
    balance = models.BigIntegerField(_("balance (fen)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("ads balance")
        verbose_name_plural = _("ads balances")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="ads_balance_non_negative")]


class AdTopUp(models.Model):
    """Money paid through the payment provider into a shop's ads balance (payment purpose `ads_topup`)."""

    number = models.CharField(_("number"), max_length=24, unique=True, default=new_topup_number)
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("amount (fen)"))
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=TopUpStatus.choices, default=TopUpStatus.CREATED)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ads top-up")
        verbose_name_plural = _("ads top-ups")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ads_topup_positive")]


class AdCampaign(models.Model):
    """A merchant's campaign: products to promote, targets with bids, a daily and a total budget and a
    schedule; served only once the operator approved it (`review`). `spent` (all time) and `spent_day` (on `spend_day`, Asia/Shanghai) grow with billed clicks
    and shrink with refunded ones; the check constraints are the last guard of the budgets."""

    number = models.CharField(_("number"), max_length=16, unique=True, default=new_campaign_number)
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT, db_index=True)
    daily_budget = models.BigIntegerField(_("daily budget (fen)"))
    total_budget = models.BigIntegerField(_("total budget (fen)"))
    starts_at = models.DateTimeField(_("starts at"), default=clock.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    spent = models.BigIntegerField(_("spent (fen)"), default=0)
    spend_day = models.DateField(_("day of spent_day"), null=True, blank=True)
    spent_day = models.BigIntegerField(_("spent that day (fen)"), default=0)
    review = models.CharField(_("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING,
                              db_index=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    submitted_at = models.DateTimeField(_("sent for review at"), default=clock.now)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("ad campaign")
        verbose_name_plural = _("ad campaigns")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(daily_budget__gt=0) & Q(total_budget__gt=0), name="ads_budgets_positive"),
            models.CheckConstraint(condition=Q(spent__gte=0) & Q(spent__lte=F("total_budget")),
                                   name="ads_spent_within_total"),
            models.CheckConstraint(condition=Q(spent_day__gte=0) & Q(spent_day__lte=F("daily_budget")),
                                   name="ads_spent_day_within_daily"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def spent_on(self, day) -> int:
        return self.spent_day if self.spend_day == day else 0


class AdProduct(models.Model):
    """A product a campaign promotes: one ad. Its impression and click counters feed its predicted click
    rate (with the placement's prior)."""

    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    impressions = models.BigIntegerField(_("impressions"), default=0)
    clicks = models.BigIntegerField(_("clicks"), default=0)

    class Meta:
        verbose_name = _("promoted product")
        verbose_name_plural = _("promoted products")
        constraints = [models.UniqueConstraint(fields=["campaign", "product"], name="ads_uniq_campaign_product")]


class AdTarget(models.Model):
    """Where a campaign's ads may show: a search keyword with a match type, or a placement (the
    discovery feed, or a category's pages)."""

    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=10, choices=TargetKind.choices)
    keyword = models.CharField(_("keyword"), max_length=40, blank=True)
    match_type = models.CharField(_("match type"), max_length=8, choices=MatchType.choices, blank=True)
    placement = models.CharField(_("placement"), max_length=10, choices=Placement.choices,
                                 default=Placement.SEARCH)
    category = models.ForeignKey("catalog.Category", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("ad target")
        verbose_name_plural = _("ad targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "keyword", "match_type"], condition=Q(kind="keyword"),
                                    name="ads_uniq_keyword"),
            models.UniqueConstraint(fields=["campaign", "placement"],
                                    condition=Q(kind="placement") & Q(category__isnull=True),
                                    name="ads_uniq_placement"),
            models.UniqueConstraint(fields=["campaign", "category"], condition=Q(kind="placement"),
                                    name="ads_uniq_category"),
        ]

    def __str__(self) -> str:
        return self.keyword or self.placement


class AdTargetTerm(models.Model):
    """The inverted index of keyword targets: one row per term a keyword can be found by."""

    target = models.ForeignKey(AdTarget, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=40, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["target", "term"], name="ads_uniq_target_term")]


class AdBid(models.Model):
    """The max cost per click (fen) the merchant bids on one target."""

    target = models.OneToOneField(AdTarget, on_delete=models.CASCADE, related_name="bid")
    max_cpc = models.BigIntegerField(_("max cost per click (fen)"))
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [models.CheckConstraint(condition=Q(max_cpc__gt=0), name="ads_bid_positive")]


class AdImpression(models.Model):
    """One sponsored result shown, with the price a click on it costs (fixed by the auction that placed
    it). The click link carries the impression's id, signed (`AdClick`)."""

    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="+")
    ad = models.ForeignKey(AdProduct, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(AdTarget, null=True, on_delete=models.SET_NULL, related_name="+")
    placement = models.CharField(max_length=10, choices=Placement.choices)
    query = models.CharField(max_length=60, blank=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    device = models.CharField(max_length=32, blank=True)
    rank = models.PositiveSmallIntegerField(default=1)
    price = models.BigIntegerField(_("price per click (fen)"))
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("ad impression")
        verbose_name_plural = _("ad impressions")
        indexes = [models.Index(fields=["campaign", "created_at"], name="ads_imp_campaign_time")]


class AdClick(models.Model):
    """One click on a sponsored result, billed or not (`reason` says why not). A billed click is the
    ledger transaction `ad-click:<id>` (ads balance → ads revenue); a refund reverses it."""

    impression = models.ForeignKey(AdImpression, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="+")
    ad = models.ForeignKey(AdProduct, on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    device = models.CharField(max_length=32, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    price = models.BigIntegerField(_("price (fen)"), default=0)
    billed = models.BooleanField(_("billed"), default=False)
    reason = models.CharField(_("not billed because"), max_length=20, choices=ClickReason.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refund_note = models.CharField(_("refund note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ad click")
        verbose_name_plural = _("ad clicks")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["campaign", "created_at"], name="ads_click_campaign_time"),
                   models.Index(fields=["ip", "created_at"], name="ads_click_ip_time"),
                   models.Index(fields=["viewer", "created_at"], name="ads_click_viewer_time")]
        constraints = [models.CheckConstraint(condition=Q(billed=False) | Q(price__gt=0), name="ads_billed_priced")]


class AdClickGuard(models.Model):
    """One row per (visitor, ad): when that visitor's last billed click was. Moved by a conditional UPDATE
    (or created under a unique key) so a visitor is billed at most once per ad in 30 minutes, even when
    the same click arrives twice at once."""

    key = models.CharField(max_length=80, unique=True)
    billed_at = models.DateTimeField()


class AdConversion(models.Model):
    """An order line bought by a shopper within 7 days of a billed click on that product's ad."""

    click = models.ForeignKey(AdClick, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(AdCampaign, on_delete=models.CASCADE, related_name="+")
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    amount = models.BigIntegerField(_("amount (fen)"))
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("ad conversion")
        verbose_name_plural = _("ad conversions")
