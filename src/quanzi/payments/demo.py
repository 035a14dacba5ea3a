"""Demo data of payments: the sandbox provider's own books, kept consistent with what the seed did."""

from __future__ import annotations

from quanzi.payments.models import SandboxTrade


def sandbox_trade_mark_notified(*, trade_id: int) -> None:
    """The seed delivered the trade's notification in-process: the sandbox must not send it again."""
    SandboxTrade.objects.filter(pk=trade_id).update(notified=True, notify_attempts=1, next_notify_at=None)
