"""Live rooms (直播间): rooms and their shelves, hosting permits, the room's event log, reminders,
viewer sessions and moderation.

A room's real-time events (chat, pins, start/end, livesales' purchases and tips …) are numbered per
room by `LiveRoom.last_seq` (allocated atomically, see `quanzi.live.realtime`) and persisted as
`RoomEvent` rows, so a reconnecting viewer asks for what it missed and the replay reads the chat back
in order. Likes are aggregated (`LiveRoom.like_count`), never stored one row per tap.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.live.constants import CHAT_MAX, TITLE_MAX, PermitStatus, RoomStatus, Sanction  # noqa: F401 - re-exported


def new_room_number() -> str:
    """10 random digits: not guessable, not a counter."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9:010d}"


def new_stream_key() -> str:
    return secrets.token_urlsafe(24)


class HostPermit(models.Model):
    """An approved creator may host rooms without a shop (approved by an operator in the admin)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="host_permit")
    status = models.CharField(_("status"), max_length=10, choices=PermitStatus.choices, default=PermitStatus.APPLIED)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("host permit")
        verbose_name_plural = _("host permits")

    def __str__(self) -> str:
        return f"{self.user} ({self.status})"


class LiveRoom(models.Model):
    number = models.CharField(_("number"), max_length=10, unique=True, default=new_room_number)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("host"), on_delete=models.PROTECT,
                             related_name="live_rooms")
    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="live_rooms", help_text=_("Empty for an approved creator's room."))
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    cover = models.ImageField(_("cover"), upload_to="live/covers/", blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=RoomStatus.choices, default=RoomStatus.SCHEDULED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    play_url = models.CharField(_("HLS play URL"), max_length=500, blank=True,
                                help_text=_("Set when the media server accepts the stream; empty = cover image."))
    replay_url = models.CharField(_("replay URL"), max_length=500, blank=True)
    stream_key = models.CharField(_("stream key"), max_length=64, unique=True, default=new_stream_key)
    pinned = models.ForeignKey("live.ShelfItem", verbose_name=_("pinned product"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    last_seq = models.BigIntegerField(_("last event number"), default=0)
    like_count = models.BigIntegerField(_("likes"), default=0)
    peak_viewers = models.PositiveIntegerField(_("peak concurrent viewers"), default=0)
    ended_by_operator = models.BooleanField(_("ended by an operator"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("live room")
        verbose_name_plural = _("live rooms")
        ordering = ["-scheduled_at", "-pk"]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="live_room_status_sched")]

    def __str__(self) -> str:
        return f"{self.title} ({self.number})"

    @property
    def is_live(self) -> bool:
        return self.status == RoomStatus.LIVE

    @property
    def is_ended(self) -> bool:
        return self.status == RoomStatus.ENDED


class ShelfItem(models.Model):
    room = models.ForeignKey(LiveRoom, verbose_name=_("room"), on_delete=models.CASCADE, related_name="shelf")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    sort = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shelf item")
        verbose_name_plural = _("shelf items")
        ordering = ["sort", "pk"]
        constraints = [models.UniqueConstraint(fields=["room", "product"], name="live_uniq_shelf_product")]

    def __str__(self) -> str:
        return f"{self.room_id}:{self.product_id}"


class RoomEvent(models.Model):
    """One numbered real-time event of a room (chat, join, pin, start, end, purchase, tip …)."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=32)
    data = models.JSONField(_("data"), default=dict)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    deleted = models.BooleanField(_("deleted by the host"), default=False)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("room event")
        verbose_name_plural = _("room events")
        ordering = ["room", "seq"]
        constraints = [models.UniqueConstraint(fields=["room", "seq"], name="live_uniq_room_seq")]
        indexes = [models.Index(fields=["room", "kind", "seq"], name="live_event_kind")]


class RoomReminder(models.Model):
    """"Remind me": a notification when the room starts."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room reminder")
        verbose_name_plural = _("room reminders")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="live_uniq_reminder")]


class ViewerSession(models.Model):
    """One WebSocket connection of a viewer (anonymous: user empty): watch time and who watched."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="sessions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("viewer session")
        verbose_name_plural = _("viewer sessions")
        indexes = [models.Index(fields=["room", "joined_at"], name="live_session_room")]


class RoomSanction(models.Model):
    """A muted (may watch, may not chat) or removed (banned from the room) viewer."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="sanctions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Sanction.choices)
    until = models.DateTimeField(null=True, blank=True, help_text=_("Empty = for the whole room."))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room sanction")
        verbose_name_plural = _("room sanctions")
        constraints = [
            models.UniqueConstraint(fields=["room", "user", "kind"], name="live_uniq_sanction"),
            models.CheckConstraint(condition=Q(kind__in=["mute", "ban"]), name="live_sanction_kind"),
        ]
