"""The claim and deposit-payment state machines (`core.states.StateMachine`): services check them under the
row's lock.

Claim:   filed ─merchant accepts─▶ accepted ─┐
           ├───merchant contests─▶ contested ├─operator─▶ upheld ─paid (same transaction)─▶ paid
           └───deadline passes───▶ lapsed ───┘        └──▶ rejected
Deposit payment: created ──payment captured──▶ paid
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.guarantees.constants import ClaimStatus as C
from quanzi.guarantees.constants import DepositStatus as D

CLAIM = StateMachine("guarantee_claim", {
    C.FILED: {C.ACCEPTED, C.CONTESTED, C.LAPSED},
    C.ACCEPTED: {C.UPHELD, C.REJECTED},
    C.CONTESTED: {C.UPHELD, C.REJECTED},
    C.LAPSED: {C.UPHELD, C.REJECTED},
    C.UPHELD: {C.PAID},
    C.REJECTED: set(),
    C.PAID: set(),
}, code="invalid_claim_state", message=_("A claim cannot go from %(a)s to %(b)s."), labels=dict(C.choices))

DEPOSIT_PAYMENT = StateMachine("guarantee_deposit_payment", {D.CREATED: {D.PAID}, D.PAID: set()},
                               code="invalid_state", message=_("A deposit payment cannot go from %(a)s to %(b)s."),
                               labels=dict(D.choices))
