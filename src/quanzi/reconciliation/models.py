"""Reconciliation of the payment providers' daily bills with Quanzi's payments, refunds and ledger
(docs/reconciliation.md): one run per provider and day, and the mismatches it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.reconciliation.constants import MismatchKind, MismatchStatus, MismatchSubject, RunStatus


class ReconciliationRun(models.Model):
    """The comparison of one provider's bill of one day (Asia/Shanghai) with Quanzi's books.

    Re-running the day updates this row: the totals are those of the last comparison."""

    provider = models.CharField(_("provider"), max_length=20)
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)  # bill fetches since the last success
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started at"), default=clock.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Running: the lease of whoever runs it; failed: when the sweep asks the provider again.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # The provider's side (its bill)
    provider_payments = models.PositiveIntegerField(_("provider payments"), default=0)
    provider_payment_total = models.BigIntegerField(_("provider payment total (fen)"), default=0)
    provider_refunds = models.PositiveIntegerField(_("provider refunds"), default=0)
    provider_refund_total = models.BigIntegerField(_("provider refund total (fen)"), default=0)
    provider_fees = models.BigIntegerField(_("provider fees on payments (fen)"), default=0)
    provider_refund_fees = models.BigIntegerField(_("provider fees returned on refunds (fen)"), default=0)
    # Quanzi's side (captured payments and succeeded refunds of the day)
    quanzi_payments = models.PositiveIntegerField(_("Quanzi payments"), default=0)
    quanzi_payment_total = models.BigIntegerField(_("Quanzi payment total (fen)"), default=0)
    quanzi_refunds = models.PositiveIntegerField(_("Quanzi refunds"), default=0)
    quanzi_refund_total = models.BigIntegerField(_("Quanzi refund total (fen)"), default=0)
    mismatches_found = models.PositiveIntegerField(_("mismatches found"), default=0)

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        constraints = [models.UniqueConstraint(fields=["provider", "day"], name="reconciliation_one_run_per_day")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.day.isoformat()}"

    @property
    def net_fees(self) -> int:
        return self.provider_fees - self.provider_refund_fees


class Mismatch(models.Model):
    """One difference between the bill and Quanzi's books, with both sides as they were found.

    Open mismatches are replaced by every run of their day; resolved ones are kept as history."""

    run = models.ForeignKey(ReconciliationRun, verbose_name=_("run"), on_delete=models.CASCADE,
                            related_name="mismatches")
    kind = models.CharField(_("kind"), max_length=24, choices=MismatchKind.choices)
    subject = models.CharField(_("of"), max_length=10, choices=MismatchSubject.choices)
    status = models.CharField(_("status"), max_length=10, choices=MismatchStatus.choices,
                              default=MismatchStatus.OPEN)
    fingerprint = models.CharField(max_length=200)  # subject:kind:number — what a re-run recognises
    payment_number = models.CharField(_("payment number"), max_length=64, blank=True)
    # our number of the trade at the provider (`out_trade_no`): the payment number, or `<number>_<n>`
    trade_number = models.CharField(_("trade number"), max_length=64, blank=True)
    refund_number = models.CharField(_("refund number"), max_length=64, blank=True)
    provider_trade_no = models.CharField(_("provider trade no."), max_length=64, blank=True)
    provider_refund_no = models.CharField(_("provider refund no."), max_length=64, blank=True)
    provider_amount = models.BigIntegerField(_("provider amount (fen)"), null=True, blank=True)
    quanzi_amount = models.BigIntegerField(_("Quanzi amount (fen)"), null=True, blank=True)
    ledger_amount = models.BigIntegerField(_("ledger amount (fen)"), null=True, blank=True)
    quanzi_status = models.CharField(_("Quanzi status"), max_length=40, blank=True)
    provider_at = models.DateTimeField(_("at the provider"), null=True, blank=True)
    quanzi_at = models.DateTimeField(_("in Quanzi"), null=True, blank=True)
    found_at = models.DateTimeField(_("found at"), default=clock.now)
    seen_at = models.DateTimeField(_("last seen at"), default=clock.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolution_note = models.CharField(_("resolution note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("reconciliation mismatch")
        verbose_name_plural = _("reconciliation mismatches")
        constraints = [models.UniqueConstraint(fields=["run", "fingerprint"], condition=models.Q(status="open"),
                                               name="reconciliation_one_open_mismatch")]
        indexes = [models.Index(fields=["status", "run"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.number}"

    @property
    def number(self) -> str:
        """Our number of what differs: the refund, else the trade at the provider, else the provider's."""
        return (self.refund_number or self.trade_number or self.payment_number or self.provider_refund_no
                or self.provider_trade_no)
