"""Test helpers of notifications, for other apps' tests (never imported by application code)."""

from __future__ import annotations

from quanzi.notifications.models import Notification


def notifications_of(*, user, kind: str | None = None) -> list[Notification]:
    """Every notification the user received (optionally of one kind), oldest first."""
    qs = Notification.objects.filter(recipient_id=user.pk).select_related("actor").order_by("id")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs)
