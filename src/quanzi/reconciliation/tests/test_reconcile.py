"""A provider's bill of one day against Quanzi's payments, refunds and ledger: a clean day reports
nothing, every kind of seeded mismatch is found exactly (and nothing else), re-running is idempotent,
late captures around midnight are not mismatches."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.ledger.testing import assert_books_balance, transaction_tamper
from quanzi.reconciliation import selectors, services
from quanzi.reconciliation.constants import MismatchKind as K
from quanzi.reconciliation.constants import MismatchStatus, RunStatus
from quanzi.reconciliation.constants import MismatchSubject as S
from quanzi.reconciliation.services import local_today
from quanzi.reconciliation.tests.conftest import CODE, at_time, captured, local, open_payment, refunded

pytestmark = pytest.mark.django_db


def found(run) -> set[tuple]:
    """(subject, kind, number, provider amount, Quanzi amount, ledger amount) of the run's open mismatches."""
    return {(m.subject, m.kind, m.number, m.provider_amount, m.quanzi_amount, m.ledger_amount)
            for m in selectors.mismatches_of(run_id=run.pk, status=MismatchStatus.OPEN)}


def test_a_clean_day_reports_nothing_and_totals_both_sides(provider, day, payer):
    a = captured(payer, 5900, local(day, 9))
    b = captured(payer, 12800, local(day, 20, 30))
    r = refunded(a, 900, local(day, 21))
    provider.bill_payment(day, a, 5900, fee=35)
    provider.bill_payment(day, b, 12800, fee=77)
    provider.bill_refund(day, a, r, 900, fee=5)

    run = services.reconcile(provider=CODE, day=day)

    assert run.status == RunStatus.DONE and found(run) == set() and run.mismatches_found == 0
    assert (run.provider_payments, run.provider_payment_total, run.quanzi_payments, run.quanzi_payment_total) == \
        (2, 18700, 2, 18700)
    assert (run.provider_refunds, run.provider_refund_total, run.quanzi_refunds, run.quanzi_refund_total) == \
        (1, 900, 1, 900)
    assert (run.provider_fees, run.provider_refund_fees, run.net_fees) == (112, 5, 107)  # reported, not mismatches
    assert provider.asked == [day]  # nothing recorded near midnight: the previous bill is not needed
    assert selectors.mismatch_count_open() == 0


def test_every_kind_of_mismatch_is_found_exactly(provider, day, payer):
    # matched and clean: no mismatch
    clean = captured(payer, 1000, local(day, 8))
    provider.bill_payment(day, clean, 1000)
    # the provider has a payment Quanzi does not know
    provider.bill_payment(day, "PNOTOURS0001", 4200, trade_no="T-stranger")
    # Quanzi captured a payment the provider does not bill
    only_ours = captured(payer, 3300, local(day, 10))
    # the amounts differ
    differs = captured(payer, 5000, local(day, 11))
    provider.bill_payment(day, differs, 4900)
    # the provider has the money, Quanzi never captured it (a lost notification)
    uncaptured = open_payment(payer, 2500)
    provider.bill_payment(day, uncaptured, 2500)
    # refunds: one with another amount at the provider, one the provider does not bill, one Quanzi never made
    paid = captured(payer, 9000, local(day, 9))
    provider.bill_payment(day, paid, 9000)
    refund_differs = refunded(paid, 1000, local(day, 13))
    provider.bill_refund(day, paid, refund_differs, 1200)
    refund_only_ours = refunded(paid, 500, local(day, 14))
    provider.bill_refund(day, paid, "RNOTOURS0001", 700)
    # the ledger: a capture transaction lost, another booked with the wrong amount, a refund's lost
    lost = captured(payer, 7000, local(day, 16))
    provider.bill_payment(day, lost, 7000)
    transaction_tamper(key=f"payment-capture:{lost}")
    wrong = captured(payer, 8000, local(day, 17))
    provider.bill_payment(day, wrong, 8000)
    transaction_tamper(key=f"payment-capture:{wrong}", entries=[(f"provider:{CODE}:cash", 8080),
                                                               ("platform:clearing", -8080)])
    refund_lost = refunded(wrong, 300, local(day, 18))
    provider.bill_refund(day, wrong, refund_lost, 300)
    transaction_tamper(key=f"refund:{refund_lost}")

    run = services.reconcile(provider=CODE, day=day)

    assert found(run) == {
        (S.PAYMENT, K.MISSING_IN_QUANZI, "PNOTOURS0001", 4200, None, None),
        (S.PAYMENT, K.MISSING_AT_PROVIDER, only_ours, None, 3300, None),
        (S.PAYMENT, K.AMOUNT_DIFFERS, differs, 4900, 5000, None),
        (S.PAYMENT, K.STATUS_DIFFERS, uncaptured, 2500, 2500, None),
        (S.REFUND, K.AMOUNT_DIFFERS, refund_differs, 1200, 1000, None),
        (S.REFUND, K.MISSING_AT_PROVIDER, refund_only_ours, None, 500, None),
        (S.REFUND, K.MISSING_IN_QUANZI, "RNOTOURS0001", 700, None, None),
        (S.PAYMENT, K.LEDGER_DIFFERS, lost, None, 7000, None),
        (S.PAYMENT, K.LEDGER_DIFFERS, wrong, None, 8000, 8080),
        (S.REFUND, K.LEDGER_DIFFERS, refund_lost, None, 300, None),
    }
    assert run.mismatches_found == 10 and selectors.mismatch_count_open() == 10
    by_number = {m.number: m for m in selectors.mismatches_of(run_id=run.pk)}
    assert by_number[uncaptured].quanzi_status == "created"
    assert by_number["PNOTOURS0001"].provider_trade_no == "T-stranger"
    assert abs(by_number[only_ours].quanzi_at - local(day, 10)) < dt.timedelta(seconds=1)
    # Quanzi's side: every payment it captured in the day, and every refund that succeeded
    assert (run.quanzi_payments, run.quanzi_payment_total) == (6, 1000 + 3300 + 5000 + 9000 + 7000 + 8000)
    assert (run.quanzi_refunds, run.quanzi_refund_total) == (3, 1800)
    assert (run.provider_payments, run.provider_payment_total) == (7, 1000 + 4200 + 4900 + 2500 + 9000 + 7000 + 8000)


def test_a_payment_of_another_provider_is_missing_in_quanzi_for_this_one(provider, day, payer):
    from quanzi.payments.services import payment_capture, payment_create

    other = payment_create(user=payer, purpose="reconciliation-test", items=[{"ref": "o1", "amount": 900}],
                           subject="other provider", provider="sandbox")
    payment_capture(payment_number=other.number, amount=900)
    provider.bill_payment(day, other.number, 900)

    run = services.reconcile(provider=CODE, day=day)

    (m,) = selectors.mismatches_of(run_id=run.pk)
    assert (m.kind, m.quanzi_amount, m.quanzi_status) == (K.MISSING_IN_QUANZI, 900, f"paid@sandbox:{other.number}")


def test_re_running_a_day_replaces_open_mismatches_and_keeps_resolved_ones(provider, day, payer, make_user):
    operator = make_user(is_staff=True)
    only_ours = captured(payer, 3300, local(day, 10))
    differs = captured(payer, 5000, local(day, 11))
    provider.bill_payment(day, differs, 4900)
    provider.bill_payment(day, "PNOTOURS0002", 100)
    first = services.reconcile(provider=CODE, day=day)
    ids = {m.number: m.pk for m in selectors.mismatches_of(run_id=first.pk)}

    again = services.reconcile(provider=CODE, day=day, force=True)

    assert again.pk == first.pk and {m.number: m.pk for m in selectors.mismatches_of(run_id=again.pk)} == ids
    # the operator resolves one; the provider corrects another in its bill
    services.mismatch_resolve(mismatch_id=ids[differs], actor=operator, note="the provider charged ¥1 less")
    provider.bills[day] = [line for line in provider.bills[day] if line.payment_number != "PNOTOURS0002"]

    third = services.reconcile(provider=CODE, day=day, force=True)

    rows = {(m.number, m.status) for m in selectors.mismatches_of(run_id=third.pk)}
    assert rows == {(only_ours, MismatchStatus.OPEN), (differs, MismatchStatus.RESOLVED)}
    assert third.mismatches_found == 2 and selectors.mismatch_count_open() == 1

    # the same number with another difference is a new mismatch; the resolved one stays as history
    provider.bills[day] = [line for line in provider.bills[day] if line.payment_number != differs]
    provider.bill_payment(day, differs, 4000)
    fourth = services.reconcile(provider=CODE, day=day, force=True)
    history = [(m.number, m.status, m.provider_amount) for m in selectors.mismatches_of(run_id=fourth.pk)
               if m.number == differs]
    assert sorted(history) == [(differs, MismatchStatus.OPEN, 4000), (differs, MismatchStatus.RESOLVED, 4900)]


def test_the_sweep_leaves_a_reconciled_day_alone_but_the_command_runs_it_again(provider, day, payer):
    services.reconcile(provider=CODE, day=day)
    assert services.reconcile(provider=CODE, day=day) is None  # done: the sweep's call does nothing
    assert provider.asked == [day]
    assert services.reconcile(provider=CODE, day=day, force=True).status == RunStatus.DONE
    assert provider.asked == [day, day]


def test_a_capture_just_after_midnight_matches_the_bill_of_the_day_the_shopper_paid(provider, day, payer):
    next_day = day + dt.timedelta(days=1)
    late = captured(payer, 6600, local(next_day, 0, 4))  # paid at 23:59:50, notified 4 minutes later
    provider.bill_payment(day, late, 6600, at=local(day, 23, 59, 50))
    late_refund = refunded(late, 600, local(next_day, 0, 10))
    provider.bill_refund(day, late, late_refund, 600, at=local(day, 23, 59, 58))

    first = services.reconcile(provider=CODE, day=day)
    second = services.reconcile(provider=CODE, day=next_day)

    assert found(first) == set() and (first.quanzi_payments, first.quanzi_refunds) == (1, 1)
    assert found(second) == set() and (second.quanzi_payments, second.quanzi_refunds) == (0, 0)
    assert provider.asked == [day, next_day, day]  # the previous bill was asked for the records after midnight


def test_a_capture_after_midnight_in_neither_bill_is_missing_at_the_provider(provider, day, payer):
    next_day = day + dt.timedelta(days=1)
    early = captured(payer, 6600, local(next_day, 0, 4))
    beyond_window = captured(payer, 7700, local(next_day, 0, 31))  # 30 minutes by default
    provider.bill_payment(day, beyond_window, 7700, at=local(day, 23, 59))

    run = services.reconcile(provider=CODE, day=next_day)

    # a capture more than the late window after the provider's time is worth a look (docs/reconciliation.md)
    assert found(run) == {(S.PAYMENT, K.MISSING_AT_PROVIDER, early, None, 6600, None),
                          (S.PAYMENT, K.MISSING_AT_PROVIDER, beyond_window, None, 7700, None)}


def test_the_late_window_is_configurable(provider, day, payer, settings):
    settings.QUANZI = {**settings.QUANZI, "RECONCILE_LATE_MINUTES": 90}
    next_day = day + dt.timedelta(days=1)
    late = captured(payer, 7700, local(next_day, 1, 0))
    provider.bill_payment(day, late, 7700, at=local(day, 23, 59))

    assert found(services.reconcile(provider=CODE, day=next_day)) == set()


def test_days_are_asia_shanghai_days(provider, day, payer):
    # 23:30 in Shanghai is 15:30 UTC the same day; 00:30 in Shanghai is 16:30 UTC the day before
    inside = captured(payer, 100, local(day, 23, 30))
    outside = captured(payer, 200, local(day + dt.timedelta(days=1), 0, 31))
    provider.bill_payment(day, inside, 100)
    provider.bill_payment(day + dt.timedelta(days=1), outside, 200)

    run = services.reconcile(provider=CODE, day=day)

    assert found(run) == set() and run.quanzi_payment_total == 100


def test_reconciling_leaves_the_books_alone(provider, day, payer):
    a = captured(payer, 5900, local(day, 9))
    provider.bill_payment(day, a, 5000)
    services.reconcile(provider=CODE, day=day)
    assert_books_balance()


def test_a_day_that_is_not_over_or_an_unknown_provider_is_refused(provider):
    with pytest.raises(ValidationFailed) as exc:
        services.reconcile(provider=CODE, day=local_today())
    assert exc.value.code == "day_not_over"
    with pytest.raises(NotFound) as exc:
        services.reconcile(provider="nosuch", day=local_today() - dt.timedelta(days=1))
    assert exc.value.code == "unknown_provider"
    for old in (dt.date(1, 1, 1), dt.date(1999, 12, 31)):
        with pytest.raises(ValidationFailed) as exc:
            services.reconcile(provider=CODE, day=old)
        assert exc.value.code == "day_too_old"
    assert selectors.run_count_failed() == 0 and not selectors.providers_started(day=dt.date(1, 1, 1))


def test_a_billed_refund_quanzi_has_not_completed_is_a_status_difference(provider, day, payer):
    from quanzi.payments.services import refund_create
    from quanzi.payments.testing import refund_get

    paid = captured(payer, 4000, local(day, 9))
    provider.bill_payment(day, paid, 4000)
    with at_time(local(day, 12)):
        refund_create(payment_number=paid, amount=1500, key="test:waiting", reason="test")  # never submitted
    waiting = refund_get(key="test:waiting")
    provider.bill_refund(day, paid, waiting.number, 1500)

    run = services.reconcile(provider=CODE, day=day)

    (m,) = selectors.mismatches_of(run_id=run.pk)
    assert (m.subject, m.kind, m.number, m.provider_amount, m.quanzi_status) == \
        (S.REFUND, K.STATUS_DIFFERS, waiting.number, 1500, "pending")
    assert (run.provider_refunds, run.quanzi_refunds) == (1, 0)


def test_a_payment_paid_twice_matches_both_trades_and_a_missing_second_trade_is_found(provider, day, payer):
    from quanzi.payments.services import payment_capture

    first = captured(payer, 2000, local(day, 9))
    with at_time(local(day, 9, 5)):  # the shopper paid a second trade of the same payment
        payment_capture(payment_number=first, amount=2000, trade_no=f"T{first}_2", trade_number=f"{first}_2")
    provider.bill_payment(day, first, 2000)
    provider.bill_payment(day, f"{first}_2", 2000)

    both = services.reconcile(provider=CODE, day=day)

    assert found(both) == set() and (both.quanzi_payments, both.quanzi_payment_total) == (2, 4000)

    provider.bills[day] = [line for line in provider.bills[day] if line.payment_number == first]
    again = services.reconcile(provider=CODE, day=day, force=True)

    assert found(again) == {(S.PAYMENT, K.MISSING_AT_PROVIDER, f"{first}_2", None, 2000, None)}


def test_a_line_without_our_number_is_missing_in_quanzi_under_the_providers_number(provider, day, payer):
    from quanzi.payments.providers import StatementLine

    provider.bills[day] = [StatementLine(kind="payment", payment_number="", provider_trade_no="2026ADJ0001",
                                         amount=800, at=local(day, 3))]

    run = services.reconcile(provider=CODE, day=day)

    (m,) = selectors.mismatches_of(run_id=run.pk)
    assert (m.kind, m.number, m.provider_amount, m.quanzi_amount) == (K.MISSING_IN_QUANZI, "2026ADJ0001", 800, None)
