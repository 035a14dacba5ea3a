"""Guarantees merchants opt into, the deposit that backs them, and buyers' claims with their timeline.

Money never lives on these rows: the deposit's balance is the ledger's `shop:<id>:guarantee_deposit`
(accounts.py). `ShopDeposit` is the row a shop's deposit movements lock, so two claims paid at once read
and take the same balance one after the other."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.guarantees.constants import ClaimStatus, DepositStatus, GuaranteeKind


def new_deposit_number() -> str:
    return "GD" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


def new_claim_number() -> str:
    return "GC" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


class Guarantee(models.Model):
    """A promise a shop made (假一赔十, 7-day returns, shipping within 48 hours); shown to shoppers while the
    shop's deposit covers every promise it made."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("guarantee"), max_length=20, choices=GuaranteeKind.choices)
    deposit_required = models.BigIntegerField(_("deposit required (fen)"))
    opted_in_at = models.DateTimeField(_("opted in at"), default=clock.now)

    class Meta:
        verbose_name = _("guarantee")
        verbose_name_plural = _("guarantees")
        ordering = ["shop_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["shop", "kind"], name="guarantee_once_per_shop"),
                       models.CheckConstraint(condition=Q(deposit_required__gt=0), name="guarantee_deposit_positive")]


class ShopDeposit(models.Model):
    """One row per shop that opted in: the lock of its deposit's movements, and totals for the console."""

    shop = models.OneToOneField("shops.Shop", on_delete=models.CASCADE, related_name="+")
    paid_in = models.BigIntegerField(_("paid in (fen)"), default=0)
    paid_out = models.BigIntegerField(_("paid out to buyers (fen)"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("guarantee deposit")
        verbose_name_plural = _("guarantee deposits")


class DepositPayment(models.Model):
    """Money the merchant paid into the deposit through the cashier (payment purpose `guarantee_deposit`)."""

    number = models.CharField(_("number"), max_length=24, unique=True, default=new_deposit_number)
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("amount (fen)"))
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=DepositStatus.choices, default=DepositStatus.CREATED)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deposit payment")
        verbose_name_plural = _("deposit payments")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="guarantee_deposit_payment_positive")]


class Claim(models.Model):
    """A buyer's claim under a shop's guarantee, on one line of their order (states.CLAIM)."""

    number = models.CharField(_("number"), max_length=24, unique=True, default=new_claim_number)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(_("order number"), max_length=20)
    kind = models.CharField(_("reason"), max_length=20, choices=GuaranteeKind.choices)
    description = models.TextField(_("description"), max_length=1000)
    status = models.CharField(_("status"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.FILED,
                              db_index=True)
    line_paid = models.BigIntegerField(_("paid for the line (fen)"))
    cap = models.BigIntegerField(_("most the claim can pay (fen)"))
    answer_deadline = models.DateTimeField(_("merchant answers by"))
    merchant_note = models.CharField(_("merchant's answer"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.CharField(_("operator's note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount paid (fen)"), default=0)
    from_deposit = models.BigIntegerField(_("paid from the deposit (fen)"), default=0)
    from_fund = models.BigIntegerField(_("paid from the platform's fund (fen)"), default=0)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("filed at"), default=clock.now)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["shop", "status"]), models.Index(fields=["buyer", "-id"]),
                   models.Index(fields=["status", "answer_deadline"])]
        constraints = [
            models.UniqueConstraint(fields=["line", "kind"], name="claim_once_per_line_and_kind"),
            models.CheckConstraint(condition=Q(amount=models.F("from_deposit") + models.F("from_fund")),
                                   name="claim_paid_from_deposit_and_fund"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(amount__lte=models.F("cap")),
                                   name="claim_amount_within_cap"),
            models.CheckConstraint(condition=Q(from_deposit__gte=0) & Q(from_fund__gte=0),
                                   name="claim_sources_not_negative"),
        ]


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    image = models.CharField(max_length=255)
    thumb = models.CharField(max_length=255)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")


class ClaimEvent(models.Model):
    """The claim's timeline. `message` is an untranslated msgid (gettext_noop); `text()` translates it."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ClaimStatus.choices)
    message = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def text(self) -> str:
        message = gettext(self.message)
        return message % self.params if self.params else message
