"""Operator admin for reviews: look, never edit; hide or restore only as a recorded decision
with a reason (ReviewModeration), per E-commerce Law art. 17 and 39."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from quanzi.core.adminkit import Decision, DecisionAdmin, ReadOnlyAdmin, ReadOnlyInline
from quanzi.reviews import services
from quanzi.reviews.models import FollowUp, MerchantReply, Review, ReviewModeration, ReviewStatus


class ModerationInline(ReadOnlyInline):
    model = ReviewModeration
    fields = ("created_at", "action", "operator", "reason")
    readonly_fields = fields


class FollowUpInline(ReadOnlyInline):
    model = FollowUp
    fields = ("text", "created_at")
    readonly_fields = fields


class ReplyInline(ReadOnlyInline):
    model = MerchantReply
    fields = ("text", "created_at")
    readonly_fields = fields


def _hide(review, note, operator):
    return services.review_hide(review_id=review.pk, operator=operator, reason=note)


def _restore(review, note, operator):
    return services.review_restore(review_id=review.pk, operator=operator, reason=note)


_BY_OPERATOR = {"hide_review": _hide, "restore_review": _restore}


def _needs_operator(obj, note):  # replaced per request in ReviewAdmin.decide
    raise RuntimeError("a review decision needs the operator")


@admin.register(Review)
class ReviewAdmin(DecisionAdmin):
    """Reviews are read-only here: no add, edit or delete. Hide and restore are recorded decisions
    that need a reason; the operator who decided is recorded with it."""

    list_display = ("id", "product", "shop", "author", "rating", "status", "created_at")
    list_filter = ("status", "rating")
    search_fields = ("text", "product__title", "author__nickname", "author__phone")
    list_select_related = ("product", "shop", "author")
    readonly_fields = ("order_line", "author", "product", "shop", "sku_label", "rating", "text", "status",
                       "created_at")
    fields = readonly_fields
    inlines = (FollowUpInline, ReplyInline, ModerationInline)
    decisions = (
        Decision("hide_review", _("Hide (recorded, with a reason)"), _needs_operator,
                 applies=lambda r: r.status == ReviewStatus.VISIBLE, note_required=True, danger=True,
                 help=_("The review disappears from the product and its rating. The reason is recorded.")),
        Decision("restore_review", _("Restore (recorded, with a reason)"), _needs_operator,
                 applies=lambda r: r.status == ReviewStatus.HIDDEN, note_required=True,
                 help=_("The review shows again and counts in the rating. The reason is recorded.")),
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def decide(self, request, objects, decision, **kwargs):
        fn = _BY_OPERATOR[decision.name]
        decision = replace(decision, run=lambda obj, note: fn(obj, note, request.user))
        return super().decide(request, objects, decision, **kwargs)


@admin.register(ReviewModeration)
class ReviewModerationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "review", "action", "operator", "reason")
    list_filter = ("action",)
    list_select_related = ("review", "operator")
