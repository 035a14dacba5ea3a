"""Engagement counters on Note (likes_total, comments_total, favourites_total).

They are maintained from model signals, so every path that adds or removes a like, a favourite or a
comment — services, cascades (a deleted collection or user), the admin, tests — keeps them right:
likes and favourites with atomic F() increments (no read-modify-write race), visible comments by
recounting that one note (a comment's visibility changes by moderation as well as by deletion).
Bulk SQL (bench loads, imports) bypasses signals: `manage.py content_check --repair` rebuilds the
counters from the rows in three set-based UPDATEs, and `content_check` alone reports any drift.
"""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save

from .models import Comment, CommentStatus, Favourite, Like, Note

FIELDS = {"likes_total": (Like, {}), "favourites_total": (Favourite, {}),
          "comments_total": (Comment, {"status": CommentStatus.VISIBLE})}


def _counted(model, extra):
    return Coalesce(Subquery(model.objects.filter(note_id=OuterRef("pk"), **extra).order_by()
                             .values("note_id").annotate(c=Count("id")).values("c"),
                             output_field=IntegerField()), Value(0))


def _bump(note_id, field: str, delta: int) -> None:
    if note_id:
        Note.objects.filter(pk=note_id).update(**{field: F(field) + delta})


def _recount_comments(note_id) -> None:
    if note_id:
        Note.objects.filter(pk=note_id).update(
            comments_total=Comment.objects.filter(note_id=note_id, status=CommentStatus.VISIBLE).count())


def _on_like_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _bump(instance.note_id, "likes_total", 1)


def _on_like_deleted(sender, instance, **kwargs):
    _bump(instance.note_id, "likes_total", -1)


def _on_favourite_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _bump(instance.note_id, "favourites_total", 1)


def _on_favourite_deleted(sender, instance, **kwargs):
    _bump(instance.note_id, "favourites_total", -1)


def _on_comment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _recount_comments(instance.note_id)


def connect() -> None:
    post_save.connect(_on_like_saved, sender=Like, dispatch_uid="content_like_saved")
    post_delete.connect(_on_like_deleted, sender=Like, dispatch_uid="content_like_deleted")
    post_save.connect(_on_favourite_saved, sender=Favourite, dispatch_uid="content_favourite_saved")
    post_delete.connect(_on_favourite_deleted, sender=Favourite, dispatch_uid="content_favourite_deleted")
    post_save.connect(_on_comment_changed, sender=Comment, dispatch_uid="content_comment_saved")
    post_delete.connect(_on_comment_changed, sender=Comment, dispatch_uid="content_comment_deleted")


def drifted(limit: int = 100) -> list[dict]:
    """Notes whose counters differ from their rows (at most `limit`), with both values."""
    annotations = {f"real_{field}": _counted(model, extra) for field, (model, extra) in FIELDS.items()}
    qs = Note.objects.annotate(**annotations)
    out = []
    for note in qs.only("id", *FIELDS).iterator(chunk_size=2000):
        wrong = {f: (getattr(note, f), getattr(note, f"real_{f}")) for f in FIELDS
                 if getattr(note, f) != getattr(note, f"real_{f}")}
        if wrong:
            out.append({"note_id": note.pk, **wrong})
            if len(out) >= limit:
                break
    return out


def rebuild() -> int:
    """Set every note's counters from its rows (three set-based UPDATEs). Returns the notes touched."""
    return Note.objects.update(**{field: _counted(model, extra) for field, (model, extra) in FIELDS.items()})
