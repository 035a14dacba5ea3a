"""Notifications API (/api/v1/notifications): list (cursor), unread count, mark read, preferences, and
the harassment controls: muted senders and reports (notifications/harassment.py)."""

from __future__ import annotations

from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.notifications import selectors, services

router = Router(tags=["notifications"])


class ActorOut(Schema):
    uid: str
    nickname: str


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    actor: ActorOut | None
    target_type: str
    target_id: int | None
    read: bool
    created_at: str


class PageOut(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class UnreadCountOut(Schema):
    unread: int


class ReadIn(Schema):
    ids: list[int] = []
    all: bool = False


class ReadOut(Schema):
    updated: int
    unread: int


class PrefsIn(Schema):
    preferences: dict[str, bool]


class PrefsOut(Schema):
    preferences: dict[str, bool]


def notification_out(n) -> dict:
    return {
        "id": n.pk, "kind": n.kind, "text": n.text(), "link": n.link(),
        "actor": {"uid": n.actor.uid, "nickname": n.actor.display_name} if n.actor_id else None,
        "target_type": n.target_type, "target_id": n.target_id, "read": n.read_at is not None,
        "created_at": n.created_at.isoformat(),
    }


@router.get("", response=PageOut, auth=auth)
def list_notifications(request, cursor: str | None = None, limit: int = 20):
    items, next_cursor = selectors.notifications_page(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [notification_out(n) for n in items], "next_cursor": next_cursor}


@router.get("/unread-count", response=UnreadCountOut, auth=auth)
def unread_count(request):
    return {"unread": selectors.unread_count(user=request.auth)}


@router.post("/read", response=ReadOut, auth=auth)
def read(request, payload: ReadIn):
    updated = services.mark_read(user=request.auth, ids=payload.ids, all=payload.all)
    return {"updated": updated, "unread": selectors.unread_count(user=request.auth)}


@router.get("/preferences", response=PrefsOut, auth=auth)
def get_preferences(request):
    return {"preferences": selectors.preferences(user=request.auth)}


@router.put("/preferences", response=PrefsOut, auth=auth)
def put_preferences(request, payload: PrefsIn):
    from django.db import transaction

    with transaction.atomic():
        for kind, enabled in payload.preferences.items():
            services.set_preference(user=request.auth, kind=kind, enabled=enabled)
    return {"preferences": selectors.preferences(user=request.auth)}


class SenderMuteIn(Schema):
    uid: str  # the sender's public id


class MutedSenderOut(Schema):
    uid: str
    nickname: str


class MutedSendersOut(Schema):
    muted: list[MutedSenderOut]


class HarassmentReportIn(Schema):
    reason: str = ""


class HarassmentReportOut(Schema):
    reported: bool
    sender_muted: bool


def _mutes(user) -> dict:
    return {"muted": [{"uid": u.uid, "nickname": u.display_name} for u in selectors.muted_senders(user=user)]}


@router.get("/mutes", response=MutedSendersOut, auth=auth, summary="People whose notifications I stopped")
def list_mutes(request):
    return _mutes(request.auth)


@router.post("/mutes", response=MutedSendersOut, auth=auth, summary="Stop every notification a person causes")
def mute(request, payload: SenderMuteIn):
    """Their likes, comments, replies, @mentions, follows and live notices stop reaching you."""
    services.sender_mute(user=request.auth, sender_uid=payload.uid)
    return _mutes(request.auth)


@router.delete("/mutes/{uid}", response=MutedSendersOut, auth=auth, summary="Hear from a muted person again")
def unmute(request, uid: str):
    services.sender_unmute(user=request.auth, sender_uid=uid)
    return _mutes(request.auth)


@router.post("/{notification_id}/report", response=HarassmentReportOut, auth=auth,
             summary="Report a notification's sender as harassment")
def report(request, notification_id: int, payload: HarassmentReportIn):
    """Only your own notifications (404 otherwise); the sender is muted for you, and each person who
    reports them lowers how many notifications they can cause (after 3, none)."""
    services.harassment_report(user=request.auth, notification_id=notification_id, reason=payload.reason)
    return {"reported": True, "sender_muted": True}
