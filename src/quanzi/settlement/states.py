"""The merchant payout state machine (core.states): the operator pays a requested payout (approval
and the bank transfer are one step today) or rejects it, and the amount returns to the merchant."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.settlement.constants import PayoutStatus as P

PAYOUT = StateMachine("payout", {
    P.REQUESTED: {P.PAID, P.REJECTED},
    P.APPROVED: {P.PAID, P.REJECTED},  # not used yet: a two-step (approve, then transfer) payout
    P.PAID: set(),
    P.REJECTED: set(),
}, code="invalid_payout_state", message=_("This payout was already decided."))
