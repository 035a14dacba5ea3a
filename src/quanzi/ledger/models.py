"""Double-entry ledger. Postings are immutable; balances are sums of postings.

Sign convention: a posting's amount is positive for a debit and negative for a credit, so every
transaction's postings sum to zero. Asset accounts (cash at the payment provider) carry positive
balances; liabilities (what the platform owes merchants and shoppers) and revenue carry negative
balances, shown to people with the sign flipped (`Account.display_balance`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.ledger.constants import AccountKind


class Account(models.Model):
    code = models.CharField(_("code"), max_length=100, unique=True)  # "merchant:12:pending"
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    name = models.CharField(_("name"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name_plural = _("ledger accounts")
        verbose_name = _("ledger account")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def credit_normal(self) -> bool:
        return self.kind in (AccountKind.LIABILITY, AccountKind.REVENUE)


class Transaction(models.Model):
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=40, db_index=True)  # "payment.capture", "order.settle", …
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    ref_type = models.CharField(max_length=30, blank=True)
    ref_id = models.CharField(max_length=60, blank=True)
    reverses = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = _("ledger transactions")
        verbose_name = _("ledger transaction")
        indexes = [models.Index(fields=["ref_type", "ref_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class Posting(models.Model):
    transaction = models.ForeignKey(Transaction, verbose_name=_("transaction"), on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="postings")
    amount = models.BigIntegerField(_("amount (fen)"))  # fen; + debit, − credit
    currency = models.CharField(_("currency"), max_length=3, default="CNY")

    class Meta:
        verbose_name_plural = _("postings")
        verbose_name = _("posting")
        indexes = [models.Index(fields=["account", "amount"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"
