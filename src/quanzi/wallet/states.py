"""The withdrawal state machine: every allowed transition in one table.

    requested ──approve──▶ approved ──provider ok──▶ paid
        │                     └──provider failed──▶ failed   (money back to the wallet)
        └──reject──▶ rejected                                 (money back to the wallet)

Small withdrawals (≤ the approval threshold) are approved by the system in the same transaction as
the request. `approved` also covers "sent, the provider said pending": the payout sweep queries it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidTransition
from quanzi.core.states import StateMachine
from quanzi.wallet.constants import WithdrawalStatus as S

WITHDRAWAL = StateMachine("withdrawal", {
    S.REQUESTED: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.PAID, S.FAILED},
    S.PAID: set(),
    S.FAILED: set(),
    S.REJECTED: set(),
}, code="invalid_withdrawal_state", labels=dict(S.choices))

# Statuses whose amount still counts against the daily limit (the money did or may leave).
COUNTS_TOWARDS_LIMIT = frozenset({S.REQUESTED, S.APPROVED, S.PAID})


def check_transition(current: str, target: str) -> None:
    """Raise `invalid_withdrawal_state` (409) unless current → target is in the table. The message
    names the withdrawal's status only (what the user can act on), hence not `WITHDRAWAL.check`'s."""
    if not WITHDRAWAL.can(current, target):
        raise InvalidTransition(
            _("This withdrawal is %(status)s and can no longer be changed that way.")
            % {"status": WITHDRAWAL.label(current)},
            code=WITHDRAWAL.code, fields={"status": current})
