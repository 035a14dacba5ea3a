"""Two operators deciding one case at the same moment, on PostgreSQL: exactly one decision lands, and the held
commissions are either all released or all voided, the ledger balanced."""

from __future__ import annotations

import pytest

from quanzi.core.errors import InvalidTransition
from quanzi.core.testing import run_pool
from quanzi.trust import services
from quanzi.trust.models import CaseEvent, RiskCase

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_decisions_on_one_case_land_once(ring, operator, make_user, ledger_balanced):
    from quanzi.commission.testing import commissions

    sharer, _buyers = ring
    services.detection_run()
    case = RiskCase.objects.get()
    other = make_user(is_staff=True)
    calls = [lambda: services.case_decide(actor=operator, number=case.number, decision="fraud", note="刷单"),
             lambda: services.case_decide(actor=other, number=case.number, decision="legit", note="正常")] * 3
    results = run_pool(calls, threads=6)
    assert [r[0] for r in results].count("ok") == 1
    assert all(isinstance(r[1], InvalidTransition) for r in results if r[0] == "error")
    case.refresh_from_db()
    trust_held = [c for c in commissions() if c.beneficiary_id == sharer.pk and c.hold_reason.startswith("trust:")]
    expected = "voided" if case.label == "fraud" else "pending"
    assert trust_held and {c.status for c in trust_held} == {expected}
    assert CaseEvent.objects.filter(case=case, action__in=("fraud", "legit")).count() == 1
    ledger_balanced()
