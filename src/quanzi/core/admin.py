"""Operator admin of the kernel: the outbox, with its dead letters and a retry button."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanzi.core import outbox
from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyInline
from quanzi.core.models import OutboxDelivery, OutboxEvent, OutboxStatus


def _retry(event: OutboxEvent, note: str) -> None:
    if outbox.retry_dead(event_ids=[event.pk]):
        outbox.deliver(event.pk)


class DeliveryInline(ReadOnlyInline):
    model = OutboxDelivery
    fields = ("subscriber", "status", "attempts", "next_attempt_at", "updated_at", "last_error")
    readonly_fields = fields


@admin.register(OutboxEvent)
class OutboxEventAdmin(DecisionAdmin):
    list_display = ("id", "name", "status", "attempts", "created_at", "next_attempt_at", "short_error")
    list_filter = ("status", "name")
    search_fields = ("=id", "name")
    ordering = ("-id",)
    readonly_fields = ("name", "payload", "created_at", "status", "attempts", "next_attempt_at", "done_at",
                       "last_error")
    inlines = [DeliveryInline]
    decisions = (
        Decision(name="retry_dead_letters", label=_("Retry now"), run=_retry, ask_note=False,
                 applies=lambda e: e.status == OutboxStatus.DEAD,
                 help=_("Runs the subscribers that failed again (the ones that succeeded do not run twice).")),
    )

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxEvent) -> str:
        return (obj.last_error or "").strip().splitlines()[-1][:120] if obj.last_error else ""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
