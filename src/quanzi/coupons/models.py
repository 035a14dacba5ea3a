"""Coupons: what a merchant or the platform offers (`CouponTemplate`), the units shoppers hold (`Coupon`),
and the coupons' view of each order that used one (`CouponOrder`: what the platform owes the merchant).

Exactness lives in the schema and in conditional UPDATEs (services.py): `issued_count ≤ total_count` and
`spent_amount ≤ budget_amount` are CHECK constraints; one shopper's n-th coupon of a template is unique.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quanzi.core import clock
from quanzi.coupons.constants import (
    Channel,
    CouponStatus,
    Issuer,
    Kind,
    Scope,
    ShareRewardStatus,
    TemplateStatus,
)


class CouponTemplate(models.Model):
    issuer = models.CharField(_("issued by"), max_length=10, choices=Issuer.choices)
    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")  # set for a shop's coupon; the merchant funds it
    name = models.CharField(_("name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount_off = models.BigIntegerField(_("amount off (fen)"), default=0)  # FIXED
    percent_off = models.PositiveSmallIntegerField(_("percent off"), default=0)  # PERCENT, 1–90
    max_discount = models.BigIntegerField(_("discount cap (fen)"), default=0)  # PERCENT: 0 = no cap
    min_spend = models.BigIntegerField(_("minimum spend (fen)"), default=0)  # on the goods in scope, after campaign prices
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope.choices, default=Scope.ALL)
    scope_ids = models.JSONField(_("shop, category or product ids"), default=list, blank=True)
    new_users_only = models.BooleanField(_("new customers only"), default=False)  # no paid order yet
    channel = models.CharField(_("how shoppers get it"), max_length=10, choices=Channel.choices, default=Channel.PUBLIC)
    code = models.CharField(pgettext_lazy("coupon", "code"), max_length=32, null=True, blank=True, unique=True)  # upper case
    starts_at = models.DateTimeField(_("claimable from"), default=clock.now)
    ends_at = models.DateTimeField(_("claimable until"))
    valid_days = models.PositiveSmallIntegerField(_("valid for days after claim"), null=True, blank=True)
    total_count = models.PositiveIntegerField(_("units"))
    issued_count = models.PositiveIntegerField(default=0)
    per_user_limit = models.PositiveSmallIntegerField(_("per shopper"), default=1)
    budget_amount = models.BigIntegerField(_("budget (fen)"), null=True, blank=True)  # discounts held + used
    spent_amount = models.BigIntegerField(default=0)
    stacking_group = models.CharField(_("stacking group"), max_length=20)  # one coupon per group per order
    # Share-a-coupon: a shopper may share a public coupon; the sharer earns one of `share_reward` (a coupon of the
    # same issuer, channel "reward") per friend's order with it that settles not refunded in full.
    share_reward = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("reward for sharing"))
    status = models.CharField(_("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.LIVE)
    # What it brought, counted when an order with it is paid (the merchant's "watch" page):
    used_count = models.PositiveIntegerField(default=0)
    used_amount = models.BigIntegerField(default=0)  # the discounts given on paid orders
    gmv = models.BigIntegerField(default=0)  # what those orders' shoppers paid
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        indexes = [models.Index(fields=["status", "channel", "ends_at"]), models.Index(fields=["shop", "-id"])]
        constraints = [
            models.CheckConstraint(condition=Q(issued_count__lte=F("total_count")), name="coupon_issued_within_total"),
            models.CheckConstraint(condition=Q(budget_amount__isnull=True) | Q(spent_amount__lte=F("budget_amount")),
                                   name="coupon_spent_within_budget"),
            models.CheckConstraint(condition=Q(spent_amount__gte=0), name="coupon_spent_not_negative"),
            models.CheckConstraint(condition=Q(issuer="platform", shop__isnull=True) | Q(issuer="shop", shop__isnull=False),
                                   name="coupon_issuer_matches_shop"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def funded_by(self) -> str:
        return "platform" if self.issuer == Issuer.PLATFORM else "merchant"

    @property
    def left(self) -> int:
        return max(0, self.total_count - self.issued_count)


class Coupon(models.Model):
    template = models.ForeignKey(CouponTemplate, on_delete=models.PROTECT, related_name="coupons")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    n = models.PositiveSmallIntegerField()  # this shopper's 1st, 2nd, … of the template: the per-user limit's key
    status = models.CharField(max_length=10, choices=CouponStatus.choices, default=CouponStatus.AVAILABLE)
    claimed_at = models.DateTimeField(default=clock.now)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    how = models.CharField(max_length=10, default="centre")  # centre | shop | product | code | grant | share | reward
    share = models.ForeignKey("CouponShare", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order_id = models.BigIntegerField(null=True, blank=True)  # the order holding or having used it
    held_amount = models.BigIntegerField(default=0)  # the discount it gave that order
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "status", "valid_until"]), models.Index(fields=["order_id"])]
        constraints = [models.UniqueConstraint(fields=["template", "user", "n"], name="coupon_nth_per_user")]


class CouponOrder(models.Model):
    """An order that used coupons, as the coupons app sees it: which coupons, and the part of the discount the
    platform funds — the merchant is paid it (ledger `expense:coupons` → merchant pending), and it is clawed
    back in proportion as lines are refunded. Settlement reads it through `settlement_deductions`."""

    order_id = models.BigIntegerField(primary_key=True)
    user_id = models.BigIntegerField()
    shop_id = models.BigIntegerField()
    platform_funded = models.BigIntegerField(default=0)  # the platform's share of the order's discounts
    platform_shipping = models.BigIntegerField(default=0)  # … of which a free-shipping benefit
    subsidy_posted = models.BigIntegerField(default=0)  # paid to the merchant so far, less claw-backs
    paid = models.BooleanField(default=False)


class CouponShare(models.Model):
    """A shopper's link to a coupon (share-a-coupon): friends who open it claim the coupon as from them. The
    sharer is rewarded — with one unit of the template's `share_reward` coupon — for each friend's order with it
    that is paid and settles not refunded in full (never for the claim itself)."""

    code = models.CharField(max_length=12, unique=True)
    template = models.ForeignKey(CouponTemplate, on_delete=models.CASCADE, related_name="shares")
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claims = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["template", "sharer"], name="coupon_share_once")]


class ShareReward(models.Model):
    """The reward a sharer is due for one friend's coupon, from the moment the friend's order with it is paid:
    waiting → granted when the order settles not refunded in full, or void when it is refunded in full."""

    share = models.ForeignKey(CouponShare, on_delete=models.CASCADE, related_name="rewards")
    coupon = models.OneToOneField(Coupon, on_delete=models.CASCADE, related_name="share_reward")  # the friend's
    order_id = models.BigIntegerField(db_index=True)
    status = models.CharField(max_length=10, choices=ShareRewardStatus.choices, default=ShareRewardStatus.WAITING)
    reward_coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    decided_at = models.DateTimeField(null=True, blank=True)
