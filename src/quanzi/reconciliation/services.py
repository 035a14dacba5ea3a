"""Reconciliation use cases (docs/reconciliation.md): compare a provider's bill of one day with
Quanzi's payments, refunds and ledger; the daily sweep; the operator's resolution.

A run never holds a database transaction across a call to the provider: it claims the day (a short
transaction that sets a lease), downloads the bill, reads Quanzi's records, compares in plain Python
(`compare.py`) and writes the outcome in one transaction under the run's row lock.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.ledger.selectors import account_amounts_by_key
from quanzi.payments.providers import ProviderError, payment_providers
from quanzi.payments.selectors import (
    payments_by_number,
    payments_captured_between,
    provider_codes_enabled,
    provider_codes_used_between,
    refunds_by_number,
    refunds_succeeded_between,
    second_trades,
)
from quanzi.payments.services import payment_number_of, provider_cash
from quanzi.reconciliation import selectors
from quanzi.reconciliation.compare import (
    Bill,
    Found,
    MalformedStatement,
    Outcome,
    QPayment,
    QRefund,
    QSecondTrade,
    QuanziDay,
    compare,
    needs_previous_bill,
    read_bill,
)
from quanzi.reconciliation.constants import MismatchStatus, RunStatus
from quanzi.reconciliation.models import Mismatch, ReconciliationRun
from quanzi.reconciliation.states import MISMATCH, RUN

logger = logging.getLogger("quanzi.reconciliation")

TZ = ZoneInfo("Asia/Shanghai")  # the providers' bills are by China Standard Time
RETRY_BASE = dt.timedelta(minutes=5)  # a provider that could not give its bill: 5, 10, 20, 40 min, then hourly
RETRY_MAX = dt.timedelta(hours=1)
RETRY_DAYS = 7  # failed runs of the last week keep being retried
CHUNK = 500
EARLIEST_DAY = dt.date(2000, 1, 1)  # before any provider's bill (and far from datetime's limits)


def bill_hour() -> int:
    """The hour (Asia/Shanghai) from which yesterday's bills are available (QUANZI_RECONCILE_HOUR, 10)."""
    return int(settings.QUANZI.get("RECONCILE_HOUR", 10))


def late_window() -> dt.timedelta:
    """How long after the provider's payment (refund) time Quanzi may record it and still belong to the
    provider's previous day (QUANZI_RECONCILE_LATE_MINUTES, 30): see docs/reconciliation.md."""
    return dt.timedelta(minutes=int(settings.QUANZI.get("RECONCILE_LATE_MINUTES", 30)))


def lease() -> dt.timedelta:
    """How long a run may take before the next sweep takes it over (QUANZI_RECONCILE_LEASE_MINUTES, 15):
    longer than the slowest provider-day, or two workers compare the same day (harmless, wasted)."""
    return dt.timedelta(minutes=int(settings.QUANZI.get("RECONCILE_LEASE_MINUTES", 15)))


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or clock.now()).astimezone(TZ).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[00:00, next 00:00) of `day` in Asia/Shanghai, as aware datetimes."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=TZ)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)


def _with_bill(codes) -> list[str]:
    return sorted(code for code in codes if callable(getattr(payment_providers.get(code), "statement", None)))


def reconcilable_providers(*, day: dt.date) -> list[str]:
    """The providers whose bill of `day` is compared: the enabled ones, and any other that captured a
    payment or completed a refund that day (a provider switched off keeps its last days reconciled)."""
    start, end = day_bounds(day)
    return _with_bill(set(provider_codes_enabled()) | provider_codes_used_between(start=start, end=end))


# ---------------------------------------------------------------- one run


def day_check(*, day: dt.date) -> None:
    """Refuse a day that is not over yet (its bill does not exist) or older than any bill."""
    if day >= local_today():
        raise ValidationFailed(_("Only a day that is over can be reconciled."), code="day_not_over",
                               fields={"day": day.isoformat()})
    if day < EARLIEST_DAY:
        raise ValidationFailed(_("There is no bill of a day before %(day)s.") % {"day": EARLIEST_DAY.isoformat()},
                               code="day_too_old", fields={"day": day.isoformat()})


def reconcile(*, provider: str, day: dt.date, force: bool = False) -> ReconciliationRun | None:
    """Reconcile `provider`'s bill of `day` (Asia/Shanghai) with Quanzi's records.

    Without `force` (the sweep) a day already reconciled, being reconciled (lease) or waiting for its
    retry is left alone and None is returned. With `force` (the command, the operator) it runs again:
    open mismatches are replaced, resolved ones kept. A provider that cannot give its bill leaves the
    run `failed` with the error, retried by the sweep after a backoff."""
    adapter = payment_providers.get(provider)
    if adapter is None or not callable(getattr(adapter, "statement", None)):
        raise NotFound(_("No payment provider %(code)s with a daily bill.") % {"code": provider},
                       code="unknown_provider", fields={"provider": provider})
    day_check(day=day)
    run = _claim(provider, day, force)
    if run is None:
        return None
    try:
        bill = read_bill(adapter.statement(day=day))
        quanzi = _quanzi_day(provider, day, bill)
        previous = read_bill(adapter.statement(day=day - dt.timedelta(days=1))) \
            if needs_previous_bill(bill, quanzi) else None
    except (ProviderError, MalformedStatement) as exc:
        logger.warning("reconciliation %s %s: bill unavailable: %s", provider, day, exc)
        return _fail(run.pk, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - an adapter's bug must not stop the other providers
        logger.exception("reconciliation %s %s: bill unavailable", provider, day)
        return _fail(run.pk, f"{type(exc).__name__}: {exc}")
    ledger = account_amounts_by_key(keys=quanzi.ledger_keys(), account_code=provider_cash(provider))
    outcome = compare(bill, quanzi, previous, ledger)
    return _record(run.pk, bill, outcome)


@transaction.atomic
def _claim(provider: str, day: dt.date, force: bool) -> ReconciliationRun | None:
    now, until = clock.now(), clock.now() + lease()
    run, created = ReconciliationRun.objects.get_or_create(
        provider=provider, day=day,
        defaults={"status": RunStatus.RUNNING, "started_at": now, "next_attempt_at": until, "attempts": 1})
    if created:
        return run
    run = ReconciliationRun.objects.select_for_update().get(pk=run.pk)
    if not force and (run.status == RunStatus.DONE or (run.next_attempt_at and run.next_attempt_at > now)):
        return None
    RUN.check(run.status, RunStatus.RUNNING)
    run.status, run.started_at, run.next_attempt_at = RunStatus.RUNNING, now, until
    run.attempts += 1
    run.save(update_fields=["status", "started_at", "next_attempt_at", "attempts"])
    return run


@transaction.atomic
def _fail(run_id: int, error: str) -> ReconciliationRun:
    run = ReconciliationRun.objects.select_for_update().get(pk=run_id)
    if not RUN.can(run.status, RunStatus.FAILED):  # someone else finished the day meanwhile: keep that
        return run
    now = clock.now()
    run.status, run.last_error, run.finished_at = RunStatus.FAILED, error[:300], now
    run.next_attempt_at = now + min(RETRY_BASE * 2 ** max(run.attempts - 1, 0), RETRY_MAX)
    run.save(update_fields=["status", "last_error", "finished_at", "next_attempt_at"])
    return run


def _quanzi_day(provider: str, day: dt.date, bill: Bill) -> QuanziDay:
    start, end = day_bounds(day)
    in_day = [_payment(p) for p in payments_captured_between(provider=provider, start=start, end=end)]
    payments = {q.number: q for q in in_day}
    trades = [item.trade_number for item in bill.payments.values() if item.trade_number]
    for chunk in _chunks({payment_number_of(t) for t in trades} - set(payments)):
        payments.update({n: _payment(p) for n, p in payments_by_number(numbers=chunk).items()})
    seconds_in_day = [_second(r) for r in second_trades(provider=provider, start=start, end=end)]
    seconds = {s.trade: s for s in seconds_in_day}
    for chunk in _chunks(set(trades) - set(seconds)):
        seconds.update({s.trade: s for s in map(_second, second_trades(provider=provider, trade_numbers=chunk))})
    refunds_in_day = [_refund(r) for r in refunds_succeeded_between(provider=provider, start=start, end=end)]
    refunds = {q.number: q for q in refunds_in_day}
    wanted = {item.refund_number for item in bill.refunds.values() if item.refund_number} - set(refunds)
    for chunk in _chunks(wanted):
        refunds.update({n: _refund(r) for n, r in refunds_by_number(numbers=chunk).items()})
    return QuanziDay(provider=provider, payments_in_day=in_day, second_trades_in_day=seconds_in_day,
                     refunds_in_day=refunds_in_day, payments_named=payments, second_trades_named=seconds,
                     refunds_named=refunds, margin_end=start + late_window())


def _chunks(values) -> list[list[str]]:
    values = sorted(values)
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


def _payment(p) -> QPayment:
    return QPayment(number=p.number, trade=p.trade_number or p.number, provider=p.provider, amount=p.amount,
                    status=p.status, at=p.paid_at, trade_no=p.provider_trade_no)


def _second(r) -> QSecondTrade:
    return QSecondTrade(trade=r.trade_number, payment_number=r.payment.number, provider=r.provider or r.payment.provider,
                        amount=r.amount, at=r.created_at)


def _refund(r) -> QRefund:
    return QRefund(number=r.number, payment_number=r.payment.number, provider=r.provider or r.payment.provider,
                   amount=r.amount, status=r.status, at=r.succeeded_at, refund_no=r.provider_refund_no)


MISMATCH_FIELDS = ("kind", "subject", "payment_number", "trade_number", "refund_number", "provider_trade_no", "provider_refund_no",
                   "provider_amount", "quanzi_amount", "ledger_amount", "quanzi_status", "provider_at", "quanzi_at")


def _sides(m: Mismatch) -> tuple:
    return (m.provider_amount, m.quanzi_amount, m.ledger_amount, m.quanzi_status)


@transaction.atomic
def _record(run_id: int, bill: Bill, outcome: Outcome) -> ReconciliationRun:
    """Write the outcome: open mismatches of the day replaced (same fingerprint → same row, updated;
    gone → deleted; new → created), a resolved mismatch found again with the same values stays resolved."""
    run = ReconciliationRun.objects.select_for_update().get(pk=run_id)
    if not RUN.can(run.status, RunStatus.DONE):
        return run  # another run of the day finished while this one compared: its result stands
    now = clock.now()
    open_rows = {m.fingerprint: m for m in run.mismatches.filter(status=MismatchStatus.OPEN)}
    resolved: dict[str, set] = {}
    for m in run.mismatches.filter(status=MismatchStatus.RESOLVED):
        resolved.setdefault(m.fingerprint, set()).add(_sides(m))
    create, update, seen = [], [], set()
    for found in outcome.found:
        if found.fingerprint in seen:
            continue
        seen.add(found.fingerprint)
        row = open_rows.pop(found.fingerprint, None)
        if row is None and found.sides in resolved.get(found.fingerprint, ()):
            continue  # the operator already decided on exactly this difference
        if row is None:
            create.append(Mismatch(run=run, fingerprint=found.fingerprint, found_at=now, seen_at=now,
                                   **_fields(found)))
        else:
            for name, value in _fields(found).items():
                setattr(row, name, value)
            row.seen_at = now
            update.append(row)
    Mismatch.objects.filter(pk__in=[m.pk for m in open_rows.values()]).delete()  # no longer differ
    Mismatch.objects.bulk_update(update, [*MISMATCH_FIELDS, "seen_at"])
    Mismatch.objects.bulk_create(create)
    _set_totals(run, bill, outcome)
    run.status, run.finished_at, run.last_error, run.attempts, run.next_attempt_at = (
        RunStatus.DONE, now, "", 0, None)
    run.mismatches_found = len(seen)
    run.save()
    return run


def _fields(found: Found) -> dict:
    return {name: getattr(found, name) for name in MISMATCH_FIELDS}


def _set_totals(run: ReconciliationRun, bill: Bill, outcome: Outcome) -> None:
    run.provider_payments, run.provider_payment_total = bill.payment_count, bill.payment_total
    run.provider_refunds, run.provider_refund_total = bill.refund_count, bill.refund_total
    run.provider_fees, run.provider_refund_fees = bill.fees, bill.refund_fees
    run.quanzi_payments, run.quanzi_payment_total = outcome.quanzi_payments, outcome.quanzi_payment_total
    run.quanzi_refunds, run.quanzi_refund_total = outcome.quanzi_refunds, outcome.quanzi_refund_total


# ---------------------------------------------------------------- the daily job


def reconcile_due() -> int:
    """The sweep: from QUANZI_RECONCILE_HOUR (Asia/Shanghai) on, yesterday's bill of every provider
    not reconciled yet; at any hour, failed (or abandoned) runs of the last RETRY_DAYS days whose
    retry is due. Returns how many runs it made."""
    now = clock.now()
    local = now.astimezone(TZ)
    due: set[tuple[str, dt.date]] = set()
    if local.hour >= bill_hour():
        yesterday = local.date() - dt.timedelta(days=1)
        started = selectors.providers_started(day=yesterday)
        due |= {(code, yesterday) for code in reconcilable_providers(day=yesterday) if code not in started}
    retry = selectors.runs_due_for_retry(now=now, since=local.date() - dt.timedelta(days=RETRY_DAYS))
    registered = set(_with_bill({provider for provider, _ in retry}))
    due |= {(provider, day) for provider, day in retry if provider in registered}
    made = 0
    for provider, day in sorted(due, key=lambda pair: (pair[1], pair[0])):
        made += reconcile(provider=provider, day=day) is not None
    return made


# ---------------------------------------------------------------- the operator


@transaction.atomic
def mismatch_resolve(*, mismatch_id: int, actor=None, note: str) -> Mismatch:
    """The operator resolves a mismatch with a note (what was done: "refunded by hand", "the provider
    corrected its bill"…). Re-runs of the day keep it resolved while the same difference is found."""
    note = _clean_note(note)
    mismatch = Mismatch.objects.select_for_update().filter(pk=mismatch_id).first()
    if mismatch is None:
        raise NotFound(_("Unknown mismatch."), code="mismatch_not_found")
    MISMATCH.check(mismatch.status, MismatchStatus.RESOLVED)
    mismatch.status, mismatch.resolved_at, mismatch.resolution_note = MismatchStatus.RESOLVED, clock.now(), note
    mismatch.resolved_by = actor if getattr(actor, "pk", None) else None
    mismatch.save(update_fields=["status", "resolved_at", "resolution_note", "resolved_by"])
    return mismatch


NOTE_MAX = 500


def _clean_note(note) -> str:
    note = str(note or "").strip()
    if not note:
        raise ValidationFailed(_("Write a note: what was done about this mismatch."), code="note_required",
                               fields={"note": "required"})
    if len(note) > NOTE_MAX:
        raise ValidationFailed(_("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX},
                               code="note_too_long", fields={"note": "too long"})
    if "\x00" in note or any("\ud800" <= ch <= "\udfff" for ch in note):
        raise ValidationFailed(_("The note contains characters that cannot be stored."), code="note_invalid",
                               fields={"note": "invalid"})
    return note
