"""Engagement counters on Note (likes_total, comments_total, favourites_total).

The services keep them: every use case that adds or removes a like, a favourite or a comment, or
changes a comment's visibility, calls one of the functions below inside its own transaction —
likes and favourites with atomic F() increments of the rows it actually changed (no
read-modify-write race), visible comments and cascades (a deleted collection) by recounting the
notes concerned. There are no model signals: a write that bypasses the services (bulk SQL for bench
loads or imports, a test's direct ORM write) leaves the counters as they were, `manage.py
content_check` reports the drift and `--repair` rebuilds every counter from the rows in three
set-based UPDATEs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from .constants import CommentStatus
from .models import Comment, Favourite, Like, Note

FIELDS = {"likes_total": (Like, {}), "favourites_total": (Favourite, {}),
          "comments_total": (Comment, {"status": CommentStatus.VISIBLE})}


def _counted(model, extra):
    return Coalesce(Subquery(model.objects.filter(note_id=OuterRef("pk"), **extra).order_by()
                             .values("note_id").annotate(c=Count("id")).values("c"),
                             output_field=IntegerField()), Value(0))


def _bump(note_id: int | None, field: str, delta: int) -> None:
    if note_id and delta:
        Note.objects.filter(pk=note_id).update(**{field: F(field) + delta})


def likes_changed(*, note_id: int, delta: int) -> None:
    """`delta` likes were added (positive) or removed (negative) on the note."""
    _bump(note_id, "likes_total", delta)


def favourites_changed(*, note_id: int, delta: int) -> None:
    """`delta` favourites (in any collections) were added or removed on the note."""
    _bump(note_id, "favourites_total", delta)


def comments_changed(*, note_id: int) -> None:
    """A comment of the note was added, deleted, hidden or restored: recount its visible comments."""
    if note_id:
        Note.objects.filter(pk=note_id).update(
            comments_total=Comment.objects.filter(note_id=note_id, status=CommentStatus.VISIBLE).count())


def favourites_recount(*, note_ids: Iterable[int]) -> None:
    """Recount the favourites of these notes (after a cascade removed an unknown number of them)."""
    ids = sorted(set(note_ids))
    if ids:
        Note.objects.filter(pk__in=ids).update(favourites_total=_counted(Favourite, {}))


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
