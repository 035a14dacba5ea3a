"""Wallet data: withdrawal settings, the per-user lock row, withdrawals and their decision log.

Balances are never stored here: they are derived from the ledger (`wallet/accounts.py`). A
`Withdrawal` row is the business fact that the ledger transactions `withdrawal.hold`,
`withdrawal.paid` and `withdrawal.return` (keyed by its number) are booked against.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.wallet.constants import AccountType, WithdrawalStatus  # noqa: F401 - re-exported

MIN_AMOUNT_DEFAULT = 1_000  # ¥10
DAILY_LIMIT_DEFAULT = 500_000  # ¥5,000 per user per calendar day (Asia/Shanghai)
APPROVAL_THRESHOLD_DEFAULT = 50_000  # above ¥500 an operator approves


class WithdrawalSettings(models.Model):
    """One row, edited by the operator in the admin; `current()` gives the defaults when there is none."""

    min_amount = models.BigIntegerField(_("minimum withdrawal (fen)"), default=MIN_AMOUNT_DEFAULT)
    daily_limit = models.BigIntegerField(_("daily limit per user (fen)"), default=DAILY_LIMIT_DEFAULT,
                                         help_text=_("Per calendar day in Asia/Shanghai; rejected and failed "
                                                     "withdrawals do not count."))
    fee_bps = models.PositiveIntegerField(_("fee (basis points)"), default=0,
                                          help_text=_("100 bps = 1 %. Rounded down."))
    fee_min = models.BigIntegerField(_("minimum fee (fen)"), default=0,
                                     help_text=_("Charged when the rate gives less; 0 = none."))
    approval_threshold = models.BigIntegerField(
        _("approval threshold (fen)"), default=APPROVAL_THRESHOLD_DEFAULT,
        help_text=_("Withdrawals above this amount wait for an operator; smaller ones are paid at once."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("withdrawal settings")
        verbose_name_plural = _("withdrawal settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(min_amount__gt=0), name="wallet_settings_min_positive"),
            models.CheckConstraint(condition=models.Q(daily_limit__gt=0), name="wallet_settings_limit_positive"),
            models.CheckConstraint(condition=models.Q(fee_bps__lte=10_000), name="wallet_settings_fee_bps_max"),
            models.CheckConstraint(condition=models.Q(fee_min__gte=0), name="wallet_settings_fee_min_nonneg"),
            models.CheckConstraint(condition=models.Q(approval_threshold__gte=0),
                                   name="wallet_settings_threshold_nonneg"),
        ]

    def __str__(self) -> str:
        return str(_("Withdrawal settings"))

    @classmethod
    def current(cls) -> WithdrawalSettings:
        return cls.objects.order_by("id").first() or cls()


class Wallet(models.Model):
    """The per-user row a withdrawal locks (`SELECT … FOR UPDATE`) so two requests at once queue:
    the second one sees the first one's hold before it checks the balance. Holds no money."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="wallet")
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")

    def __str__(self) -> str:
        return f"wallet of {self.user_id}"


def new_withdrawal_number() -> str:
    return "TX" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


class Withdrawal(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True, default=new_withdrawal_number)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="withdrawals")
    amount = models.BigIntegerField(_("amount (fen)"), help_text=_("Taken from the wallet."))
    fee = models.BigIntegerField(_("fee (fen)"), default=0)
    net = models.BigIntegerField(_("net (fen)"), help_text=_("Paid to the account: amount − fee."))
    account_type = models.CharField(_("account type"), max_length=10, choices=AccountType.choices)
    account_number = models.CharField(_("account"), max_length=64)
    account_name = models.CharField(_("account holder"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=WithdrawalStatus.choices,
                              default=WithdrawalStatus.REQUESTED, db_index=True)
    created_at = models.DateTimeField(_("requested at"), default=clock.now, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    operator_note = models.CharField(_("operator note"), max_length=200, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    provider = models.CharField(_("payout provider"), max_length=20, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("sent to provider at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, db_index=True,
                                         help_text=_("When the payout sweep next sends or queries this transfer."))

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="wallet_wd_user_created")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="withdrawal_amount_positive"),
            models.CheckConstraint(condition=models.Q(fee__gte=0) & models.Q(net__gt=0),
                                   name="withdrawal_fee_net_valid"),
            models.CheckConstraint(condition=models.Q(net=models.F("amount") - models.F("fee")),
                                   name="withdrawal_net_is_amount_minus_fee"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_account(self) -> str:
        """What pages show: the last four characters only (e-mail: first letter and domain)."""
        value = self.account_number
        if "@" in value:
            local, _sep, domain = value.partition("@")
            return f"{local[:1]}***@{domain}"
        return f"****{value[-4:]}"


class WithdrawalEvent(models.Model):
    """Every transition of a withdrawal: who (None = the system or the provider), from → to, and why."""

    withdrawal = models.ForeignKey(Withdrawal, verbose_name=_("withdrawal"), on_delete=models.CASCADE,
                                   related_name="events")
    from_status = models.CharField(_("from"), max_length=10, blank=True, choices=WithdrawalStatus.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=WithdrawalStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        verbose_name = _("withdrawal event")
        verbose_name_plural = _("withdrawal events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.withdrawal_id}: {self.from_status or '∅'} → {self.to_status}"
