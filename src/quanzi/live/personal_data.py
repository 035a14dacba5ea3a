"""Personal data held by live: what the person said in rooms, reminders, viewing sessions, sanctions,
and rooms they hosted. Chat messages are emptied, reminders go; rooms, sessions and sanctions stay
(stats, moderation history), linked to the pseudonymised user."""

from quanzi.core.personal_data import declare, rows
from quanzi.live.models import HostPermit, LiveRoom, RoomEvent, RoomReminder, ViewerSession


def export(user) -> dict:
    return {
        "messages": rows(RoomEvent.objects.filter(user=user).order_by("created_at"), "room_id", "kind", "data",
                         "created_at"),
        "rooms_hosted": rows(LiveRoom.objects.filter(host=user), "id", "title", "status", "scheduled_at"),
        "reminders": rows(RoomReminder.objects.filter(user=user), "room_id"),
        "rooms_watched": ViewerSession.objects.filter(user=user).count(),
        "host_permit": rows(HostPermit.objects.filter(user=user), "note"),
    }


def erase(user) -> None:
    RoomEvent.objects.filter(user=user).update(data={}, deleted=True)
    RoomReminder.objects.filter(user=user).delete()


declare(
    app="live",
    personal={
        "live.HostPermit.user": "link", "live.LiveRoom.host": "link", "live.RoomEvent.user": "link",
        "live.RoomEvent.data": "content", "live.RoomReminder.user": "activity", "live.ViewerSession.user": "link",
        "live.RoomSanction.user": "link", "live.RoomSanction.by": "link",
    },
    not_personal={
        "live.HostPermit.note": "the operator's note on a host permit",
        "live.LiveRoom.title": "a public broadcast's title, about the goods on sale",
    },
    export=export, erase=erase,
)
