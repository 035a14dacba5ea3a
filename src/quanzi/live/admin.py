"""Operator pages: rooms (operators can end any room), hosting permits (approve creators), sanctions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import DomainError
from quanzi.live import services
from quanzi.live.models import HostPermit, LiveRoom, RoomSanction, RoomStatus, ShelfItem


class ShelfInline(admin.TabularInline):
    model = ShelfItem
    extra = 0
    raw_id_fields = ("product",)


@admin.register(LiveRoom)
class LiveRoomAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "host", "shop", "status", "scheduled_at", "started_at", "ended_at",
                    "peak_viewers", "like_count")
    list_filter = ("status", "ended_by_operator")
    search_fields = ("number", "title")
    raw_id_fields = ("host", "shop", "pinned")
    readonly_fields = ("number", "status", "started_at", "ended_at", "stream_key", "last_seq", "like_count",
                       "peak_viewers", "ended_by_operator", "play_url")
    inlines = [ShelfInline]
    actions = ["end_rooms"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("End the selected rooms now (operator)"))
    def end_rooms(self, request, queryset):
        ended = 0
        for room in queryset.exclude(status=RoomStatus.ENDED):
            try:
                services.room_end(room=room, by_operator=True)
                ended += 1
            except DomainError as exc:
                messages.error(request, f"{room.number}: {exc.message}")
        messages.success(request, _("%(n)d room(s) ended.") % {"n": ended})


@admin.register(HostPermit)
class HostPermitAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "note", "created_at", "decided_at")
    list_filter = ("status",)
    raw_id_fields = ("user",)
    readonly_fields = ("decided_at",)
    actions = ["approve", "revoke"]

    @admin.action(description=_("Approve as live host"))
    def approve(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.permit_decide(permit_id=pk, approve=True)
        messages.success(request, _("Approved."))

    @admin.action(description=_("Revoke hosting"))
    def revoke(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.permit_decide(permit_id=pk, approve=False)
        messages.success(request, _("Revoked."))


@admin.register(RoomSanction)
class RoomSanctionAdmin(admin.ModelAdmin):
    list_display = ("room", "user", "kind", "until", "by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("room", "user", "by")
