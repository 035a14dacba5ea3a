"""Personal data held by notifications. The person's own notifications, preferences, mutes and cap
counters go; notifications they caused for others stay (the actor shows as the pseudonymised user) with
their text parameters emptied; harassment reports stay as evidence against the sender, the reporter's
words emptied."""

from django.db.models import Q

from quanzi.core.personal_data import declare, rows
from quanzi.notifications.models import (
    HarassmentReport,
    Notification,
    NotificationPreference,
    SenderDailyCount,
    SenderMute,
)


def export(user) -> dict:
    return {
        "notifications": [{"kind": n.kind, "text": n.text(), "created_at": n.created_at.isoformat(),
                           "read": n.read_at is not None}
                          for n in Notification.objects.filter(recipient=user).select_related("actor")[:1000]],
        "preferences": rows(NotificationPreference.objects.filter(user=user), "kind", "enabled"),
        "muted_senders": rows(SenderMute.objects.filter(user=user), "sender__uid", "created_at"),
        "harassment_reports": rows(HarassmentReport.objects.filter(reporter=user), "kind", "reason", "created_at"),
    }


def erase(user) -> None:
    Notification.objects.filter(recipient=user).delete()
    Notification.objects.filter(actor=user).update(text_params={})
    NotificationPreference.objects.filter(user=user).delete()
    SenderMute.objects.filter(Q(user=user) | Q(sender=user)).delete()
    HarassmentReport.objects.filter(reporter=user).update(reason="")
    SenderDailyCount.objects.filter(Q(sender_id=user.pk) | Q(recipient_id=user.pk)).delete()


declare(
    app="notifications",
    personal={
        "notifications.Notification.recipient": "activity", "notifications.Notification.actor": "link",
        "notifications.Notification.text_params": "content", "notifications.NotificationPreference.user": "activity",
        "notifications.SenderMute.user": "activity", "notifications.SenderMute.sender": "activity",
        "notifications.HarassmentReport.reporter": "link", "notifications.HarassmentReport.sender": "link",
        "notifications.HarassmentReport.reason": "content", "notifications.SenderDailyCount.recipient_id": "activity",
    },
    not_personal={"notifications.Notification.message": "a code-made message (an English msgid)"},
    export=export, erase=erase,
)
