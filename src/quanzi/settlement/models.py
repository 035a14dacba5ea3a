import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.settlement.constants import PayoutStatus
from quanzi.shops.models import Shop


class TakeRatePolicy(models.Model):
    """The platform default take rate (one row). Category and shop overrides live on those rows."""

    default_bps = models.PositiveIntegerField(_("default take rate (bps)"), default=500,
                                              # xgettext:no-python-format
                                              help_text=_("500 = 5% of each settled order's goods."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("take rate policy")
        verbose_name_plural = _("take rate policy")

    def __str__(self) -> str:
        return f"{self.default_bps} bps"


class Settlement(models.Model):
    """What one order paid out to its merchant: gross, take rate, deductions (commission paid to
    sharers or hosts out of the merchant's share), net (mirrors the ledger entry)."""

    order_id = models.BigIntegerField(unique=True)
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="settlements")
    gross = models.BigIntegerField(_("gross (fen)"))
    fee = models.BigIntegerField(_("take rate (fen)"))
    deducted = models.BigIntegerField(_("commission deducted (fen)"), default=0)
    net = models.BigIntegerField(_("net (fen)"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")


def new_payout_number() -> str:
    return "W" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


class Payout(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True, default=new_payout_number)
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="payouts")
    amount = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED)
    bank_account = models.CharField(_("bank account"), max_length=60)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_positive")]

    def __str__(self) -> str:
        return self.number
