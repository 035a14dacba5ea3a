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
from quanzi.wallet.models import WithdrawalStatus as S

WITHDRAWAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.PAID, S.FAILED}),
    S.PAID: frozenset(),
    S.FAILED: frozenset(),
    S.REJECTED: frozenset(),
}

FINAL = frozenset(s for s, nxt in WITHDRAWAL_TRANSITIONS.items() if not nxt)
# Statuses whose amount still counts against the daily limit (the money did or may leave).
COUNTS_TOWARDS_LIMIT = frozenset({S.REQUESTED, S.APPROVED, S.PAID})


def check_transition(current: str, target: str) -> None:
    """Raise `invalid_withdrawal_state` (409) unless current → target is in the table."""
    if target not in WITHDRAWAL_TRANSITIONS.get(current, frozenset()):
        raise InvalidTransition(
            _("This withdrawal is %(status)s and can no longer be changed that way.")
            % {"status": S(current).label if current in S.values else current},
            code="invalid_withdrawal_state", fields={"status": current})
