"""The platform's view of payments and refunds (provider-neutral), and the sandbox provider's own
records (`Sandbox*`), kept apart as if they lived in another company's database."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.payments.constants import PaymentStatus, RefundStatus


def new_payment_number() -> str:
    return "P" + clock.now().strftime("%Y%m%d") + secrets.token_hex(6).upper()


def new_refund_number() -> str:
    return "R" + clock.now().strftime("%Y%m%d") + secrets.token_hex(6).upper()


class Payment(models.Model):
    """Money the shopper is asked to pay once, for one or more items (orders, a tip, a fee)."""

    number = models.CharField(_("number"), max_length=32, unique=True, default=new_payment_number)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=20, default="sandbox", blank=True)  # "" until chosen
    method = models.CharField(_("method"), max_length=20, blank=True)  # "page", "wap", "native", "h5", "jsapi"
    # The trade at the provider: the payment number for the first one, "<number>_<n>" after the shopper
    # switched provider or method (the old trade is closed first; providers never reuse a closed number).
    trade_number = models.CharField(_("trade number"), max_length=40, blank=True, db_index=True)
    attempt = models.PositiveSmallIntegerField(default=0)  # how many trades were opened
    action = models.JSONField(default=dict, blank=True)  # the last PayAction: {"kind", "url", "params"}
    payer = models.CharField(_("payer"), max_length=64, blank=True)  # the provider's buyer id, when it says
    purpose = models.CharField(_("purpose"), max_length=20, default="orders")  # who handles payment.captured
    items = models.JSONField(default=list)  # [{"ref": "<order number>", "amount": fen}, …]
    subject = models.CharField(_("subject"), max_length=120)
    amount = models.BigIntegerField(_("amount (fen)"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED)
    provider_trade_no = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    next_query_at = models.DateTimeField(null=True, blank=True)  # when the poll sweep asks the provider next

    class Meta:
        verbose_name_plural = _("payments")
        verbose_name = _("payment")
        indexes = [models.Index(fields=["status", "expires_at"]), models.Index(fields=["status", "next_query_at"])]

    def __str__(self) -> str:
        return self.number


class Refund(models.Model):
    number = models.CharField(_("number"), max_length=32, unique=True, default=new_refund_number)
    key = models.CharField(max_length=120, unique=True)  # one refund per business reason, ever
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reference = models.CharField(max_length=60, blank=True)  # e.g. the order number
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    provider_refund_no = models.CharField(max_length=64, blank=True)
    # The trade refunded: the payment's captured trade, or a second trade that was paid too (paid twice).
    provider = models.CharField(_("provider"), max_length=20, blank=True)
    trade_number = models.CharField(_("trade number"), max_length=40, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)  # the provider accepted it, not final yet
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("refunds")
        verbose_name = _("refund")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return self.number


class PaymentNotification(models.Model):
    """Every notification a provider sent, valid or not, kept for audit and debugging."""

    provider = models.CharField(_("provider"), max_length=20)
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True, db_index=True)
    body = models.JSONField()
    signature_ok = models.BooleanField(default=False)
    outcome = models.CharField(_("outcome"), max_length=40)
    received_at = models.DateTimeField(_("received at"), default=clock.now)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-id"]


# ---------------------------------------------------------------- the sandbox provider's own books

class SandboxTrade(models.Model):
    out_trade_no = models.CharField(max_length=32, unique=True)
    trade_no = models.CharField(max_length=40, unique=True)
    total_amount = models.CharField(max_length=20)  # yuan with two decimals, as Alipay speaks
    subject = models.CharField(_("subject"), max_length=120)
    status = models.CharField(_("status"), max_length=20, default="WAIT_BUYER_PAY")  # TRADE_SUCCESS / TRADE_CLOSED
    notify_url = models.CharField(max_length=300)
    return_url = models.CharField(max_length=300)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    notify_attempts = models.PositiveIntegerField(default=0)
    next_notify_at = models.DateTimeField(null=True, blank=True)
    notified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("sandbox trade")
        verbose_name_plural = _("sandbox trades")


class SandboxRefund(models.Model):
    trade = models.ForeignKey(SandboxTrade, on_delete=models.CASCADE, related_name="refunds")
    out_request_no = models.CharField(max_length=40, unique=True)
    refund_amount = models.CharField(max_length=20)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")


