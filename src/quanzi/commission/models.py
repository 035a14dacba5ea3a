"""Distribution commission: programme settings, merchant plans, tiers, commissions and their holds.

Money never lives here: a `Commission` row records what was computed and where it stands; the money
itself is in the ledger (merchant pending → the beneficiary's earnings_pending → wallet). See
docs/distribution.md for the lifecycle and the legal limits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.commission.constants import MAX_CAP_BPS, MAX_LEVELS, CommissionStatus, HoldAction  # noqa: F401 - re-exported
from quanzi.core import clock


class CommissionSettings(models.Model):
    """The operator's programme settings (one row; `selectors.commission_settings()` gives defaults
    when there is none). Validated by `services.settings_validate` (also the admin form's clean)."""

    levels = models.PositiveSmallIntegerField(_("commission levels"), default=2,
                                              help_text=_("1 = only the sharer; 2 = also the sharer's upline; at most 3."))
    level2_share_bps = models.PositiveIntegerField(_("level-2 share of the pool (bps)"), default=2000)
    level3_share_bps = models.PositiveIntegerField(_("level-3 share of the pool (bps)"), default=1000)
    cap_bps = models.PositiveIntegerField(_("cap on a line's total commission (bps of its price)"), default=MAX_CAP_BPS)
    self_purchase_rebate = models.BooleanField(_("self-purchase rebate"), default=False)
    team_sales_for_tiers = models.BooleanField(_("directs' sales count for tiers"), default=False)
    tier_period_days = models.PositiveIntegerField(_("tier evaluation period (days)"), default=30)
    # Fraud thresholds: a commission is held when the sharer reaches one of them in `fraud_window_hours`.
    fraud_window_hours = models.PositiveIntegerField(_("fraud window (hours)"), default=24)
    max_orders_per_device = models.PositiveIntegerField(_("attributed orders per device"), default=5)
    max_orders_per_ip = models.PositiveIntegerField(_("attributed orders per IP"), default=10)
    max_orders_per_address = models.PositiveIntegerField(_("attributed orders per delivery address"), default=5)
    max_orders_per_payer = models.PositiveIntegerField(_("attributed orders per payment account"), default=5)
    quick_refund_minutes = models.PositiveIntegerField(_("a refund within this many minutes is immediate"), default=30)
    max_quick_refunds = models.PositiveIntegerField(_("immediate refunds"), default=3)
    new_account_hours = models.PositiveIntegerField(_("an account younger than this is new (hours)"), default=24)
    max_new_account_buyers = models.PositiveIntegerField(_("new accounts buying through one sharer"), default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commission settings")
        verbose_name_plural = _("commission settings")

    def __str__(self) -> str:
        return str(_("Commission settings"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from quanzi.commission.services import settings_validate
        from quanzi.core.errors import DomainError

        try:
            settings_validate(self)
        except DomainError as exc:
            raise ValidationError(exc.fields or exc.message)


class DistributionPlan(models.Model):
    """A merchant opts one product, or a whole category of its products, into distribution.
    An enabled product plan beats the category plan; disabled plans are ignored."""

    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE,
                             related_name="distribution_plans")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("catalog.Category", verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    rate_bps = models.PositiveIntegerField(_("commission pool (bps of the line price)"))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("distribution plan")
        verbose_name_plural = _("distribution plans")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=(Q(product__isnull=False) & Q(category__isnull=True))
                                   | (Q(product__isnull=True) & Q(category__isnull=False)), name="plan_one_target"),
            models.UniqueConstraint(fields=["shop", "product"], condition=Q(product__isnull=False),
                                    name="plan_uniq_product"),
            models.UniqueConstraint(fields=["shop", "category"], condition=Q(category__isnull=False),
                                    name="plan_uniq_category"),
        ]

    def __str__(self) -> str:
        return f"plan {self.pk} ({self.rate_bps} bps)"

    @property
    def target_type(self) -> str:
        return "product" if self.product_id else "category"


class Tier(models.Model):
    """A shopkeeper tier. The highest tier (by rank) whose thresholds a user meets is theirs."""

    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    name = models.CharField(_("name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=30, blank=True)
    level1_share_bps = models.PositiveIntegerField(_("sharer's share of the pool (bps)"))
    min_own_sales = models.BigIntegerField(_("own distribution sales over the period (fen)"), default=0)
    min_team_sales = models.BigIntegerField(_("directs' sales over the period (fen)"), default=0,
                                            help_text=_("Only used when directs' sales count for tiers."))

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    def display_name(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "").lower()
        return self.name_en if lang.startswith("en") and self.name_en else self.name


class UserTier(models.Model):
    """The tier a user holds now (no row = the lowest tier)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commission_tier")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("user tier")
        verbose_name_plural = _("user tiers")


class TierChange(models.Model):
    """History of tier changes. A tier change never moves money."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tier_changes")
    from_tier = models.ForeignKey(Tier, null=True, on_delete=models.PROTECT, related_name="+")
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    own_sales = models.BigIntegerField(default=0)
    team_sales = models.BigIntegerField(default=0)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-at", "-id"]


class JobRun(models.Model):
    """Last run of a job that must run at most once per period although sweeps run every 30 s."""

    name = models.CharField(max_length=40, unique=True)
    last_run_at = models.DateTimeField()


class Commission(models.Model):
    """One level of commission on one order line. `amount − reversed` is what the beneficiary keeps."""

    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    shop_id = models.BigIntegerField(db_index=True)
    product_id = models.BigIntegerField()
    beneficiary = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commissions")
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    base = models.BigIntegerField(_("base (line total, fen)"))
    base_refunded = models.BigIntegerField(default=0)
    rate_bps = models.PositiveIntegerField(_("plan rate (bps)"))
    share_bps = models.PositiveIntegerField(_("share of the pool (bps)"))
    amount = models.BigIntegerField(_("amount (fen)"))
    reversed = models.BigIntegerField(_("reversed (fen)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=CommissionStatus.choices,
                              default=CommissionStatus.PENDING)
    self_purchase = models.BooleanField(default=False)
    # Risk signals captured at accrual (cheap to count per sharer later).
    device = models.CharField(max_length=32, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    address_hash = models.CharField(max_length=16, blank=True)
    payer = models.CharField(max_length=64, blank=True)
    buyer_new = models.BooleanField(default=False)
    quick_refund = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "level"], name="commission_uniq_line_level"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=MAX_LEVELS), name="commission_level_cap"),
            models.CheckConstraint(condition=Q(reversed__gte=0) & Q(reversed__lte=models.F("amount")),
                                   name="commission_reversed_within"),
        ]
        indexes = [
            models.Index(fields=["beneficiary", "status"]),
            models.Index(fields=["sharer", "level", "created_at"]),
            models.Index(fields=["order", "status"]),
        ]

    def __str__(self) -> str:
        return f"commission {self.pk} L{self.level} {self.amount}"

    @property
    def kept(self) -> int:
        return self.amount - self.reversed


class CommissionHoldLog(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="hold_logs")
    action = models.CharField(max_length=10, choices=HoldAction.choices)
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("commission hold log")
        verbose_name_plural = _("commission hold logs")
        ordering = ["-at", "-id"]
