"""The daily job: yesterday's bill once per provider and day, from the configured hour (Asia/Shanghai);
a provider that cannot give its bill is retried after a backoff, and the failure is visible. And the
`reconcile` command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from quanzi.core.sweeps import registered_sweeps, run_sweeps
from quanzi.reconciliation import selectors, services
from quanzi.reconciliation.constants import MismatchStatus, RunStatus
from quanzi.reconciliation.tests.conftest import CODE, at_time, captured, failing, local

pytestmark = pytest.mark.django_db

TODAY = dt.date.today() + dt.timedelta(days=30)  # a day the tests travel to; the bills are of the day before
YESTERDAY = TODAY - dt.timedelta(days=1)


def sweep() -> int:
    made = run_sweeps(["reconciliation"])["reconciliation"]
    assert made >= 0, "the sweep raised (see the log)"
    return made


def test_the_sweep_is_registered():
    assert "reconciliation" in registered_sweeps()


def test_yesterday_is_reconciled_once_from_ten_o_clock(provider):
    with at_time(local(TODAY, 9, 59)):
        sweep()
    assert provider.asked == [] and selectors.run_get(provider=CODE, day=YESTERDAY) is None

    with at_time(local(TODAY, 10, 0, 5)):
        assert sweep() >= 1
    run = selectors.run_get(provider=CODE, day=YESTERDAY)
    assert run.status == RunStatus.DONE and provider.asked == [YESTERDAY]

    with at_time(local(TODAY, 10, 1)):
        sweep()
    with at_time(local(TODAY, 23, 59)):
        sweep()
    assert provider.asked == [YESTERDAY]  # once per provider and day

    with at_time(local(TODAY + dt.timedelta(days=1), 10, 0, 5)):
        sweep()
    assert provider.asked == [YESTERDAY, TODAY]


def test_the_hour_is_configurable(provider, settings):
    settings.QUANZI = {**settings.QUANZI, "RECONCILE_HOUR": 14}
    with at_time(local(TODAY, 13, 59)):
        sweep()
    assert provider.asked == []
    with at_time(local(TODAY, 14, 0, 5)):
        sweep()
    assert provider.asked == [YESTERDAY]


def test_the_sweep_finds_the_days_mismatches(provider, payer):
    only_ours = captured(payer, 3300, local(YESTERDAY, 10))
    with at_time(local(TODAY, 10, 0, 5)):
        sweep()
    (m,) = selectors.mismatches_of(run_id=selectors.run_get(provider=CODE, day=YESTERDAY).pk)
    assert (m.payment_number, m.status) == (only_ours, MismatchStatus.OPEN)
    assert selectors.mismatch_count_open() == 1


def test_a_provider_that_cannot_give_its_bill_is_retried_and_the_failure_is_visible(provider):
    provider.error = failing("bill for that day is not ready (code 1002)")
    with at_time(local(TODAY, 10, 0, 5)):
        sweep()
    run = selectors.run_get(provider=CODE, day=YESTERDAY)
    assert run.status == RunStatus.FAILED and "bill for that day is not ready (code 1002)" in run.last_error
    assert run.attempts == 1 and selectors.run_count_failed() == 1

    with at_time(local(TODAY, 10, 4)):
        sweep()  # the backoff: 5 minutes after the first failure
    assert provider.asked == [YESTERDAY]
    with at_time(local(TODAY, 10, 5, 10)):
        sweep()
    run.refresh_from_db()
    assert provider.asked == [YESTERDAY, YESTERDAY] and run.attempts == 2 and run.status == RunStatus.FAILED
    assert run.next_attempt_at - run.finished_at == dt.timedelta(minutes=10)  # doubling

    provider.error = None
    with at_time(local(TODAY, 10, 16)):
        sweep()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.last_error == "" and run.attempts == 0
    assert selectors.run_count_failed() == 0


def test_failed_days_keep_being_retried_the_days_after(provider):
    provider.error = failing()
    with at_time(local(TODAY, 10, 0, 5)):
        sweep()
    provider.error = None
    with at_time(local(TODAY + dt.timedelta(days=1), 3, 0)):  # before the hour: only retries
        sweep()
    assert selectors.run_get(provider=CODE, day=YESTERDAY).status == RunStatus.DONE


def test_a_malformed_bill_is_a_failure_too(provider):
    from quanzi.payments.providers import StatementLine

    provider.bills[YESTERDAY] = [StatementLine(kind="payment", payment_number="P1", provider_trade_no="T1",
                                               amount=12.5)]  # type: ignore[arg-type]
    with at_time(local(TODAY, 10, 0, 5)):
        sweep()
    run = selectors.run_get(provider=CODE, day=YESTERDAY)
    assert run.status == RunStatus.FAILED and "MalformedStatement" in run.last_error


def test_an_adapter_bug_fails_its_run_and_not_the_other_providers(provider, caplog):
    provider.error = RuntimeError("adapter bug")
    with at_time(local(TODAY, 10, 0, 5)):
        sweep()
    run = selectors.run_get(provider=CODE, day=YESTERDAY)
    assert run.status == RunStatus.FAILED and run.last_error == "RuntimeError: adapter bug"


def test_an_abandoned_run_is_taken_over_after_its_lease(provider):
    with at_time(local(TODAY, 10, 0, 5)):
        run = services._claim(CODE, YESTERDAY, force=False)  # a worker claimed the day, then died
    with at_time(local(TODAY, 10, 14)):
        sweep()
    assert provider.asked == [] and run.status == RunStatus.RUNNING
    with at_time(local(TODAY, 10, 16)):
        sweep()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and provider.asked == [YESTERDAY]


# ---------------------------------------------------------------- manage.py reconcile


def test_the_command_reconciles_a_day_and_prints_its_mismatches(provider, payer):
    day = services.local_today() - dt.timedelta(days=3)
    only_ours = captured(payer, 3300, local(day, 10))
    out = io.StringIO()
    call_command("reconcile", provider=CODE, day=day.isoformat(), stdout=out)
    text = out.getvalue()
    assert f"{CODE} {day}" in text and only_ours in text and "missing_at_provider" in text
    assert "1 open mismatch" in text


def test_the_command_refuses_bad_input_and_reports_a_failed_bill(provider):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("reconcile", provider=CODE, day="2026-13-45")
    with pytest.raises(CommandError, match="nosuch"):
        call_command("reconcile", provider="nosuch", day="2026-01-01")
    for provider_code in (CODE, None):  # one provider, or every provider with a bill
        with pytest.raises(CommandError, match="no bill of a day before"):
            call_command("reconcile", provider=provider_code, day="0001-01-01")
        with pytest.raises(CommandError, match="day that is over"):
            call_command("reconcile", provider=provider_code, day=services.local_today().isoformat())
    with pytest.raises(CommandError):
        call_command("reconcile", provider=CODE, day=services.local_today().isoformat())
    provider.error = failing("down for maintenance")
    with pytest.raises(CommandError, match="down for maintenance"):
        call_command("reconcile", provider=CODE, day=(services.local_today() - dt.timedelta(days=2)).isoformat(),
                     stdout=io.StringIO())


def test_the_lease_is_configurable_for_slow_bills(provider, settings):
    settings.QUANZI = {**settings.QUANZI, "RECONCILE_LEASE_MINUTES": 60}
    with at_time(local(TODAY, 10, 0, 5)):
        run = services._claim(CODE, YESTERDAY, force=False)  # a worker still busy with a huge bill
    with at_time(local(TODAY, 10, 30)):
        sweep()
    assert provider.asked == []  # still its run
    with at_time(local(TODAY, 11, 1)):
        sweep()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and provider.asked == [YESTERDAY]
