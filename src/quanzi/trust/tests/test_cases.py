"""Detection on the stored signals opens a case, holds commissions by policy, and only an operator closes it."""

from __future__ import annotations

import pytest

from quanzi.core.errors import InvalidTransition, ValidationFailed
from quanzi.trust import services
from quanzi.trust.constants import CaseState, Label
from quanzi.trust.models import CaseEvent, CaseMember, RiskCase
from quanzi.trust.states import CASE


def test_the_state_machine_only_leaves_open_by_a_decision():
    assert CASE.can(CaseState.OPEN, CaseState.ACTIONED) and CASE.can(CaseState.OPEN, CaseState.DISMISSED)
    assert CASE.final_states == {CaseState.ACTIONED, CaseState.DISMISSED}
    with pytest.raises(InvalidTransition):
        CASE.check(CaseState.DISMISSED, CaseState.ACTIONED)


def test_detection_on_real_signals_opens_one_case_for_the_ring(ring):
    sharer, buyers = ring
    counts = services.detection_run()
    assert counts["opened"] == 1
    [case] = RiskCase.objects.all()
    assert set(case.members.values_list("user_id", flat=True)) == {sharer.pk, *(b.pk for b in buyers)}
    assert {e["rule"] for e in case.evidence} >= {"shared_address", "shared_device", "regular_timing", "ring_sharer"}
    assert all(m.verification_required for m in case.members.all())
    assert CaseEvent.objects.filter(case=case, action="opened").exists()
    again = services.detection_run()  # the next sweep updates the same case
    assert again["opened"] == 0 and again["updated"] >= 1 and RiskCase.objects.count() == 1


def test_dismissing_labels_the_accounts_legit_and_detection_does_not_reopen(ring, operator):
    services.detection_run()
    case = RiskCase.objects.get()
    services.case_decide(actor=operator, number=case.number, decision="legit", note="一家人")
    case.refresh_from_db()
    assert (case.state, case.label, case.decided_by) == (CaseState.DISMISSED, Label.LEGIT, operator)
    assert set(CaseMember.objects.values_list("label", flat=True)) == {Label.LEGIT}
    again = services.detection_run()
    assert again["skipped"] >= 1 and again["opened"] == 0 and RiskCase.objects.count() == 1
    with pytest.raises(InvalidTransition):
        services.case_decide(actor=operator, number=case.number, decision="fraud", note="改主意")


def test_confirming_fraud_needs_a_note(ring, operator):
    services.detection_run()
    case = RiskCase.objects.get()
    with pytest.raises(ValidationFailed):
        services.case_decide(actor=operator, number=case.number, decision="fraud", note="  ")
    with pytest.raises(ValidationFailed):
        services.case_decide(actor=operator, number=case.number, decision="ban", note="x")
    services.case_decide(actor=operator, number=case.number, decision="fraud", note="同一地址刷单")
    assert RiskCase.objects.get().state == CaseState.ACTIONED


def _commissions(sharer):
    from quanzi.commission.testing import commissions

    return [c for c in commissions() if c.beneficiary_id == sharer.pk]


def test_a_case_holds_the_ring_sharers_pending_commissions_and_dismissal_releases_them(ring, operator):
    sharer, buyers = ring
    pending = {c.pk for c in _commissions(sharer) if c.status == "pending"}
    assert pending  # (commission's own device check already held the ones after the fifth order)
    services.detection_run()
    case = RiskCase.objects.get()
    assert sharer.pk in set(case.members.values_list("user_id", flat=True))  # brought in as the ring's sharer
    by_trust = {c.pk for c in _commissions(sharer) if c.status == "held" and c.hold_reason == f"trust:{case.number}"}
    assert by_trust == pending
    assert case.held_commissions == len(pending)
    assert case.held_amount == sum(c.kept for c in _commissions(sharer) if c.pk in pending) > 0
    services.case_decide(actor=operator, number=case.number, decision="legit", note="同事拼单")
    assert {c.pk for c in _commissions(sharer) if c.status == "pending"} == pending


def test_confirmed_fraud_voids_the_held_commissions_and_the_ledger_stays_balanced(ring, operator, ledger_balanced):
    sharer, _buyers = ring
    pending = {c.pk for c in _commissions(sharer) if c.status == "pending"}
    services.detection_run()
    case = RiskCase.objects.get()
    services.case_decide(actor=operator, number=case.number, decision="fraud", note="一部手机三个号")
    assert {c.pk for c in _commissions(sharer) if c.status == "voided"} == pending
    assert CaseEvent.objects.filter(case=case, action="voided").exists()
    ledger_balanced()


def test_confirmed_fraud_can_leave_the_commissions_held(ring, operator):
    sharer, _buyers = ring
    services.detection_run()
    case = RiskCase.objects.get()
    services.case_decide(actor=operator, number=case.number, decision="fraud", note="先冻结", void_commissions=False)
    assert {c.status for c in _commissions(sharer)} == {"held"}
    assert RiskCase.objects.get().state == CaseState.ACTIONED


def test_the_detection_sweep_runs_at_most_once_per_quarter_hour(ring):
    from quanzi.core.sweeps import run_sweeps

    first = run_sweeps(["trust_detect"])["trust_detect"]
    assert first >= 1 and RiskCase.objects.count() == 1
    assert run_sweeps(["trust_detect"]) == {"trust_detect": 0}  # within 15 minutes: nothing runs
