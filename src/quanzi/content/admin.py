"""Operator moderation: reports, notes, comments, sensitive words, the decision audit trail."""

from __future__ import annotations

import contextvars

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin

from . import services
from .models import (
    Comment,
    CommentStatus,
    ModerationDecision,
    Note,
    NoteStatus,
    Report,
    ReportStatus,
    SensitiveWord,
)

_operator: contextvars.ContextVar = contextvars.ContextVar("content_operator", default=None)


class OperatorDecisionAdmin(DecisionAdmin):
    """Decisions here need the operator: `decide` makes the request's user available to `run`."""

    def decide(self, request, *args, **kwargs):
        token = _operator.set(request.user)
        try:
            return super().decide(request, *args, **kwargs)
        finally:
            _operator.reset(token)


def _op():
    return _operator.get()


@admin.register(Note)
class NoteAdmin(OperatorDecisionAdmin):
    list_display = ("id", "title", "author", "status", "published_at")
    list_filter = ("status",)
    search_fields = ("title", "body", "author__nickname", "author__uid")
    readonly_fields = ("author", "title", "body", "status", "location", "topics", "created_at", "published_at")
    decisions = (
        Decision("hide", _("Hide"), lambda n, note: services.moderate_hide(operator=_op(), note_id=n.pk, reason=note),
                 applies=lambda n: n.status == NoteStatus.PUBLISHED, note_required=True, danger=True,
                 help=_("The note disappears for everyone but its author, who sees this reason.")),
        Decision("restore", _("Restore"),
                 lambda n, note: services.moderate_restore(operator=_op(), note_id=n.pk, reason=note),
                 applies=lambda n: n.status == NoteStatus.HIDDEN, note_required=True),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(OperatorDecisionAdmin):
    list_display = ("id", "body", "author", "note", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body", "author__nickname")
    readonly_fields = ("note", "author", "parent", "body", "status", "created_at")
    decisions = (
        Decision("hide", _("Hide"),
                 lambda c, note: services.moderate_hide(operator=_op(), comment_id=c.pk, reason=note),
                 applies=lambda c: c.status == CommentStatus.VISIBLE, note_required=True, danger=True),
        Decision("restore", _("Restore"),
                 lambda c, note: services.moderate_restore(operator=_op(), comment_id=c.pk, reason=note),
                 applies=lambda c: c.status == CommentStatus.HIDDEN, note_required=True),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _hide_target(report: Report, note: str):
    if report.comment_id:
        return services.moderate_hide(operator=_op(), comment_id=report.comment_id, reason=note)
    return services.moderate_hide(operator=_op(), note_id=report.note_id, reason=note)


def _restore_target(report: Report, note: str):
    if report.comment_id:
        return services.moderate_restore(operator=_op(), comment_id=report.comment_id, reason=note)
    return services.moderate_restore(operator=_op(), note_id=report.note_id, reason=note)


@admin.register(Report)
class ReportAdmin(OperatorDecisionAdmin):
    list_display = ("id", "reason", "note", "comment", "reporter", "status", "created_at")
    list_filter = ("status", "reason")
    readonly_fields = ("reporter", "note", "comment", "reason", "detail", "status", "decided_by",
                       "decision_note", "decided_at", "created_at")
    decisions = (
        Decision("hide", _("Hide the reported content"), _hide_target,
                 applies=lambda r: r.status == ReportStatus.OPEN, note_required=True, danger=True),
        Decision("restore", _("Restore the reported content"), _restore_target, note_required=True),
        Decision("dismiss", _("Dismiss"),
                 lambda r, note: services.report_dismiss(operator=_op(), report_id=r.pk, note=note),
                 applies=lambda r: r.status == ReportStatus.OPEN),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(ReadOnlyAdmin):
    list_display = ("id", "action", "note", "comment", "operator", "reason", "created_at")
    list_filter = ("action",)


@admin.register(SensitiveWord)
class SensitiveWordAdmin(admin.ModelAdmin):
    list_display = ("word", "action")
    list_filter = ("action",)
    search_fields = ("word",)
