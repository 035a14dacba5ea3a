"""Public constants of reconciliation: the statuses of a run and of a mismatch, and the kinds of mismatch."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("In progress")
    DONE = "done", _("Reconciled")
    FAILED = "failed", _("Bill unavailable, will retry")


class MismatchKind(models.TextChoices):
    MISSING_IN_QUANZI = "missing_in_quanzi", _("Missing in Quanzi")
    MISSING_AT_PROVIDER = "missing_at_provider", _("Missing at the provider")
    AMOUNT_DIFFERS = "amount_differs", _("Amount differs")
    STATUS_DIFFERS = "status_differs", _("Status differs")
    LEDGER_DIFFERS = "ledger_differs", _("Ledger differs")


class MismatchSubject(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class MismatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
