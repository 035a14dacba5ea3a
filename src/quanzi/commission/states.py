"""The commission state machine: every allowed transition of a `Commission` in one table.

    accrual ──▶ pending ──order settled──▶ available
                  ▲  │                         │
    accrual ──▶ held ┴──operator voids──▶ voided
                  │                            │
                  └──────── line fully refunded ┴──▶ reversed

- accrual creates a commission `pending`, or `held` when a fraud signal trips; a pending one is held later
  when trust and safety opens a risk case on its beneficiary (`commissions_hold_for_review`);
- the operator releases a held one: back to `pending`, or straight to `available` when its order has
  already settled; or voids a pending or held one (the money goes back to the merchant);
- settlement makes pending ones `available` (withdrawable);
- a refund shrinks any of them; one whose line is fully refunded ends `reversed`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.commission.constants import CommissionStatus as S
from quanzi.core.states import StateMachine

COMMISSION = StateMachine("commission", {
    S.PENDING: {S.HELD, S.AVAILABLE, S.REVERSED, S.VOIDED},
    S.HELD: {S.PENDING, S.AVAILABLE, S.REVERSED, S.VOIDED},
    S.AVAILABLE: {S.REVERSED},
    S.REVERSED: set(),
    S.VOIDED: set(),
}, code="invalid_commission_state", message=_("This cannot change from %(a)s to %(b)s."),
    labels=dict(S.choices))

