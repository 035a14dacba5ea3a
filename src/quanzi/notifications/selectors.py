"""Read side of notifications (keyword arguments only): the bell, the list, the settings page."""

from __future__ import annotations

from quanzi.core.http import cursor_page
from quanzi.notifications.constants import Kind
from quanzi.notifications.models import Notification, NotificationPreference, SenderMute


def unread_count(*, user) -> int:
    if not getattr(user, "pk", None):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notifications_page(*, user, cursor: str | None = None, limit: int = 20) -> tuple[list[Notification], str | None]:
    qs = Notification.objects.filter(recipient_id=user.pk).select_related("actor")
    return cursor_page(qs, cursor=cursor, limit=limit)


def notification_for(*, user, notification_id: int) -> Notification | None:
    """One of the user's own notifications (None for anybody else's), with its actor."""
    return Notification.objects.filter(pk=notification_id, recipient_id=user.pk).select_related("actor").first()


def preferences(*, user) -> dict[str, bool]:
    prefs = {k: True for k in Kind.values}
    for kind, enabled in NotificationPreference.objects.filter(user_id=user.pk).values_list("kind", "enabled"):
        prefs[kind] = enabled
    return prefs


def muted_senders(*, user) -> list:
    """The people the user stopped notifications from, newest first, with their profiles."""
    from quanzi.social.selectors import users_by_ids

    rows = list(SenderMute.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
                .values_list("sender_id", flat=True)[:200])
    users = users_by_ids(user_ids=rows)
    return [users[pk] for pk in rows if pk in users]
