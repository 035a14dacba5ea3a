"""Facts notifications publishes (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("notifications.harassment_reported")
class HarassmentReported(DomainEvent):
    """A recipient reported a notification's sender as harassment (once per notification): a signal for
    trust and safety; the sender's caps already shrank (notifications/harassment.py)."""

    report_id: int
    reporter_id: int
    sender_id: int
    kind: str
