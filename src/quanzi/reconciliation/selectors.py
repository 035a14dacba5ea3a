"""Reconciliation reads: the sweep's due runs, the operator's to-do counts and pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from quanzi.reconciliation.constants import MismatchStatus, RunStatus
from quanzi.reconciliation.models import Mismatch, ReconciliationRun


def providers_started(*, day: dt.date) -> set[str]:
    """Providers with a run of `day`, whatever its status (the sweep starts each day once; retries below)."""
    return set(ReconciliationRun.objects.filter(day=day).values_list("provider", flat=True))


def runs_due_for_retry(*, now: dt.datetime, since: dt.date) -> list[tuple[str, dt.date]]:
    """(provider, day) of failed runs whose retry is due, and of runs whose runner's lease ran out."""
    return list(ReconciliationRun.objects
                .filter(status__in=[RunStatus.FAILED, RunStatus.RUNNING], next_attempt_at__lte=now, day__gte=since)
                .values_list("provider", "day"))


def run_get(*, provider: str, day: dt.date) -> ReconciliationRun | None:
    return ReconciliationRun.objects.filter(provider=provider, day=day).first()


def runs_with_counts():
    """Runs, newest day first, with `open_count` and `mismatch_count` annotated (one query)."""
    return (ReconciliationRun.objects
            .annotate(open_count=Count("mismatches", filter=Q(mismatches__status=MismatchStatus.OPEN)),
                      mismatch_count=Count("mismatches"))
            .order_by("-day", "provider"))


def mismatches_of(*, run_id: int, status: str | None = None) -> list[Mismatch]:
    qs = Mismatch.objects.filter(run_id=run_id).order_by("subject", "kind", "id")
    if status is not None:
        qs = qs.filter(status=status)
    return list(qs)


# ---- public interface used by the operator's to-do list (reconciliation's admin.todo slot entries)

def mismatch_count_open() -> int:
    """Mismatches no operator has resolved yet."""
    return Mismatch.objects.filter(status=MismatchStatus.OPEN).count()


def run_count_failed() -> int:
    """Days whose bill the provider could not give (retried by the sweep)."""
    return ReconciliationRun.objects.filter(status=RunStatus.FAILED).count()
