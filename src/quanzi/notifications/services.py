"""Create, read-mark and configure notifications.

`notify` is the one way in: it never notifies the actor themself, never across a block, and
respects the recipient's per-kind preference. Messages are English msgids (gettext_noop) with
params; Notification.text() translates them for whoever looks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import ValidationFailed
from quanzi.notifications.constants import Kind
from quanzi.notifications.models import Notification, NotificationPreference
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
