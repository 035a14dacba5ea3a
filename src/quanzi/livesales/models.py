"""Commerce inside live rooms: live-only prices, the host's commission on attributed sales, gifts,
the prepaid tip balance, tips and the tipper's age declaration.

Money is integer fen. The ledger is the truth for every balance; `TipBalance.balance` mirrors the
tipper's ledger account (`user:<id>:tip_balance`) in the same transaction as each posting, so a row
lock on it serialises a tipper's top-ups and tips (no overdraft, exact daily limit).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.campaigns import CampaignPool, CampaignWindow, status_field
from quanzi.core import clock
from quanzi.livesales.constants import POOL_KIND, HostCommissionStatus, LivePriceStatus, TopUpStatus

__all__ = ["Gift", "HostCommission", "HostCommissionStatus", "LivePrice", "LivePriceBuyer", "LivePriceStatus",
           "RoomSalesTerms", "Tip", "TipBalance", "TipperDeclaration", "TopUp", "TopUpStatus"]


def new_topup_number() -> str:
    return "T" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


class LivePrice(CampaignWindow, CampaignPool):
    """A live-only price for one SKU during a period (window, status, per-viewer limit from the campaign
    base), with its own stock set aside in the catalog pool `live:<id>` (`stock_pool`; the pool's
    conditional UPDATE is what makes it exact)."""

    POOL_KIND = POOL_KIND
    RUNNING_STATUS = LivePriceStatus.ACTIVE
    ENDED_STATUS = LivePriceStatus.ENDED

    room = models.ForeignKey("live.LiveRoom", verbose_name=_("live room"), on_delete=models.CASCADE,
                             related_name="live_prices")
    sku = models.ForeignKey("catalog.Sku", verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    price = models.BigIntegerField(_("live price (fen)"))
    stock = models.PositiveIntegerField(_("stock set aside"))
    ends_at = models.DateTimeField(_("ends at"), db_index=True)  # the sweep ends prices by it
    status = status_field(LivePriceStatus, default=LivePriceStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    returned = models.PositiveIntegerField(_("units returned to the SKU"), default=0)

    class Meta:
        verbose_name = _("live price")
        verbose_name_plural = _("live prices")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "ends_at"], name="livesales_price_due")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="livesales_price_positive"),
            models.CheckConstraint(condition=Q(per_user_limit__gte=1), name="livesales_limit_positive"),
            models.UniqueConstraint(fields=["room", "sku"], condition=Q(status="active"),
                                    name="livesales_one_active_price_per_sku"),
        ]

    def __str__(self) -> str:
        return f"{self.stock_pool} {self.price}"


class LivePriceBuyer(models.Model):
    """One row per (live price, viewer): the row lock that makes the per-viewer limit exact when the
    same viewer buys twice at once (the second waits, then counts the first's order)."""

    live_price = models.ForeignKey(LivePrice, on_delete=models.CASCADE, related_name="buyers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["live_price", "user"], name="livesales_uniq_price_buyer")]


class RoomSalesTerms(models.Model):
    """The host's commission on sales attributed to this room (basis points of what the buyer paid)."""

    room = models.OneToOneField("live.LiveRoom", verbose_name=_("live room"), on_delete=models.CASCADE,
                                related_name="sales_terms")
    host_commission_bps = models.PositiveIntegerField(_("host commission (bps)"), default=1000)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("room sales terms")
        verbose_name_plural = _("room sales terms")
        constraints = [models.CheckConstraint(condition=Q(host_commission_bps__lte=3000),
                                              name="livesales_host_bps_cap")]


class HostCommission(models.Model):
    """The host's commission on one attributed order line. `amount` is fixed at payment; `reversed`
    grows with refunds (only the difference is ever posted)."""

    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("live.LiveRoom", verbose_name=_("live room"), on_delete=models.PROTECT,
                             related_name="host_commissions")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("host"), on_delete=models.PROTECT,
                             related_name="+")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    base = models.BigIntegerField(_("line total (fen)"))
    rate_bps = models.PositiveIntegerField(_("rate (bps)"))
    amount = models.BigIntegerField(_("commission (fen)"))
    reversed = models.BigIntegerField(_("reversed (fen)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=HostCommissionStatus.choices,
                              default=HostCommissionStatus.PENDING)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("host commission")
        verbose_name_plural = _("host commissions")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=Q(reversed__gte=0) & Q(reversed__lte=models.F("amount")),
                                              name="livesales_reversed_within_amount")]

    @property
    def kept(self) -> int:
        return self.amount - self.reversed


class Gift(models.Model):
    """A virtual gift viewers send in a room (打赏). `icon` is an emoji, or an image URL."""

    name = models.CharField(_("name"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=30, blank=True)
    icon = models.CharField(_("icon"), max_length=200, default="🎁")
    price = models.BigIntegerField(_("price (fen)"))
    sort = models.PositiveSmallIntegerField(_("sort"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        ordering = ["sort", "price", "pk"]
        constraints = [models.CheckConstraint(condition=Q(price__gt=0), name="livesales_gift_price_positive")]

    def __str__(self) -> str:
        return self.name

    @property
    def icon_is_image(self) -> bool:
        return self.icon.startswith(("/", "http://", "https://"))


class TipBalance(models.Model):
    """The tipper's prepaid balance (fen), mirroring the ledger account `user:<id>:tip_balance`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tip_balance")
    balance = models.BigIntegerField(_("balance (fen)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("tip balance")
        verbose_name_plural = _("tip balances")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="livesales_balance_non_negative")]


class TopUp(models.Model):
    """Money paid through the payment provider into the tip balance (payment purpose "tip_topup")."""

    number = models.CharField(_("number"), max_length=20, unique=True, default=new_topup_number)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    amount = models.BigIntegerField(_("amount (fen)"))
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=TopUpStatus.choices, default=TopUpStatus.CREATED)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tip balance top-up")
        verbose_name_plural = _("tip balance top-ups")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="livesales_topup_positive")]


class Tip(models.Model):
    """One tip: `count` gifts sent in a room. The ledger transaction `tip:<id>` moved `amount` from the
    tipper's balance to the host (`host_share`) and the platform (`platform_share`)."""

    room = models.ForeignKey("live.LiveRoom", verbose_name=_("live room"), on_delete=models.PROTECT,
                             related_name="tips")
    tipper = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tipper"), on_delete=models.PROTECT,
                               related_name="+")
    host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("host"), on_delete=models.PROTECT,
                             related_name="+")
    gift = models.ForeignKey(Gift, verbose_name=_("gift"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    amount = models.BigIntegerField(_("amount (fen)"))
    host_share = models.BigIntegerField(_("host's share (fen)"))
    platform_share = models.BigIntegerField(_("platform's share (fen)"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["tipper", "created_at"], name="livesales_tip_daily"),
                   models.Index(fields=["room", "tipper"], name="livesales_tip_board")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="livesales_tip_positive"),
            models.CheckConstraint(condition=Q(amount=models.F("host_share") + models.F("platform_share")),
                                   name="livesales_tip_split_exact"),
        ]


class TipperDeclaration(models.Model):
    """The age signal tipping needs (2022 rules on live tipping: no tips from minors): the user's
    real-name declaration with a date of birth. Made once; an operator may correct it in the admin."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tipper_declaration")
    real_name = models.CharField(_("real name"), max_length=40)
    birth_date = models.DateField(_("date of birth"))
    declared_at = models.DateTimeField(_("declared at"), default=clock.now)

    class Meta:
        verbose_name = _("tipper declaration")
        verbose_name_plural = _("tipper declarations")
