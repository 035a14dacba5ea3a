"""Create, read-mark and configure notifications.

`notify` is the one way in: it never notifies the actor themself, never across a block, respects the
recipient's per-kind preference, and the harassment controls (a muted sender, per-sender caps, reports:
harassment.py). Messages are English msgids (gettext_noop) with
params; Notification.text() translates them for whoever looks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.notifications import harassment
from quanzi.notifications.constants import Kind
from quanzi.notifications.events import HarassmentReported
from quanzi.notifications.models import HarassmentReport, Notification, NotificationPreference, SenderMute
from quanzi.social.selectors import is_blocked


def _is_enabled(user_id: int, kind: str) -> bool:
    return not NotificationPreference.objects.filter(user_id=user_id, kind=kind, enabled=False).exists()


def notify(*, recipient_id: int | None, kind: str, message: str, actor_id: int | None = None,
           target_type: str = "", target_id: int | None = None, params: dict | None = None,
           dedupe: bool = False) -> Notification | None:
    if not recipient_id or recipient_id == actor_id:
        return None
    if actor_id and is_blocked(user_a_id=recipient_id, user_b_id=actor_id):
        return None
    if not _is_enabled(recipient_id, kind):
        return None
    if dedupe and Notification.objects.filter(recipient_id=recipient_id, kind=kind, actor_id=actor_id,
                                              target_type=target_type, target_id=target_id,
                                              read_at__isnull=True).exists():
        return None
    if actor_id and not harassment.admit(recipient_id=recipient_id, sender_id=actor_id, kind=kind):
        return None  # muted by the recipient, over a cap, or reported too often (harassment.py)
    return Notification.objects.create(recipient_id=recipient_id, kind=kind, actor_id=actor_id,
                                       target_type=target_type, target_id=target_id, message=message,
                                       text_params=params or {})


def mark_read(*, user, ids: Iterable[int] | None = None, all: bool = False) -> int:  # noqa: A002 - API word
    qs = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if not all:
        ids = [int(i) for i in (ids or [])]
        if not ids:
            return 0
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())


def set_preference(*, user, kind: str, enabled: bool) -> NotificationPreference:
    if kind not in Kind.values:
        raise ValidationFailed(_("Unknown notification kind."), fields={"kind": _("Unknown kind.")})
    pref, _created = NotificationPreference.objects.update_or_create(user=user, kind=kind,
                                                                     defaults={"enabled": bool(enabled)})
    return pref


# ---------------------------------------------------------------- harassment: mutes and reports

def _sender(uid: str):
    from quanzi.social.selectors import user_by_uid

    sender = user_by_uid(uid=str(uid)[:40])
    if sender is None:
        raise NotFound(_("User not found."), code="user_not_found")
    return sender


def sender_mute(*, user, sender_uid: str) -> SenderMute:
    """Stop every notification `sender_uid` causes from reaching `user` (idempotent)."""
    sender = _sender(sender_uid)
    if sender.pk == user.pk:
        raise ValidationFailed(_("You cannot mute yourself."), code="cannot_mute_self")
    mute, _created = SenderMute.objects.get_or_create(user=user, sender=sender)
    return mute


def sender_unmute(*, user, sender_uid: str) -> int:
    return SenderMute.objects.filter(user=user, sender=_sender(sender_uid)).delete()[0]


@transaction.atomic
def harassment_report(*, user, notification_id: int, reason: str = "") -> HarassmentReport:
    """Report the sender of one of the user's own notifications as harassment (another person's
    notification → 404; a notification nobody sent cannot be reported; reporting it again changes nothing).
    Also mutes the sender for the reporter — they asked not to hear from them."""
    from quanzi.core.text import check_text

    n = Notification.objects.filter(pk=notification_id, recipient_id=user.pk).first()
    if n is None:
        raise NotFound(_("Notification not found."), code="notification_not_found")
    if not n.actor_id:
        raise ValidationFailed(_("Nobody sent this notification."), code="no_sender")
    report, created = HarassmentReport.objects.get_or_create(
        reporter=user, notification=n, defaults={"sender_id": n.actor_id, "kind": n.kind,
                                                 "reason": check_text(str(reason or "")[:200], "reason")})
    SenderMute.objects.get_or_create(user=user, sender_id=n.actor_id)
    if created:
        publish(HarassmentReported(report_id=report.pk, reporter_id=user.pk, sender_id=n.actor_id, kind=n.kind))
    return report
