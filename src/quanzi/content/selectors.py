"""Read side of content: counts are annotated (never stored); images, tags and topics prefetched."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet, Value

from quanzi.core.http import cursor_page

from .models import (
    Collection,
    Comment,
    CommentStatus,
    Favourite,
    Like,
    Mention,
    Note,
    NoteProductTag,
    NoteStatus,
)


def _tags_qs():
    from quanzi.catalog.models import ProductStatus
    from quanzi.shops.models import ShopStatus

    return NoteProductTag.objects.select_related("product").filter(
        product__status=ProductStatus.ON_SHELF, product__shop__status=ShopStatus.APPROVED)


def annotated_notes(viewer=None) -> QuerySet[Note]:
    viewer_id = getattr(viewer, "pk", None)
    # The counters on Note (content/counters.py), not COUNTs: counting a popular note's likes was the
    # largest part of a feed page.
    qs = Note.objects.select_related("author").annotate(
        like_count=F("likes_total"), comment_count=F("comments_total"), favourite_count=F("favourites_total"),
    )
    if viewer_id:
        qs = qs.annotate(
            viewer_liked=Exists(Like.objects.filter(note=OuterRef("pk"), user_id=viewer_id)),
            viewer_favourited=Exists(Favourite.objects.filter(note=OuterRef("pk"), collection__user_id=viewer_id)),
        )
    else:
        qs = qs.annotate(viewer_liked=Value(False), viewer_favourited=Value(False))
    return qs


def _with_media(qs: QuerySet[Note]) -> QuerySet[Note]:
    return qs.prefetch_related("images", "topics", Prefetch("product_tags", queryset=_tags_qs()),
                               Prefetch("mentions", queryset=Mention.objects.select_related("user")))


def note_detail(note_id: int, viewer=None) -> Note | None:
    """Published notes for everyone; drafts and hidden notes only for their author (None otherwise)."""
    note = _with_media(annotated_notes(viewer)).filter(pk=note_id).exclude(status=NoteStatus.DELETED).first()
    if note is None:
        return None
    if note.status != NoteStatus.PUBLISHED and note.author_id != getattr(viewer, "pk", None):
        return None
    return note


def note_for_edit(note_id: int, author) -> Note | None:
    return _with_media(Note.objects.all()).filter(
        pk=note_id, author_id=author.pk).exclude(status=NoteStatus.DELETED).first()


def notes_by_author(author_id: int, viewer=None, cursor: str | None = None, limit: int = 20) -> tuple[list, str | None]:
    qs = annotated_notes(viewer).filter(author_id=author_id)
    if getattr(viewer, "pk", None) == author_id:
        qs = qs.exclude(status=NoteStatus.DELETED)
    else:
        qs = qs.filter(status=NoteStatus.PUBLISHED)
    return cursor_page(qs.prefetch_related("images"), cursor=cursor, limit=limit)


def notes_tagging_product(product_id: int, limit: int = 6) -> list[Note]:
    return list(annotated_notes().filter(status=NoteStatus.PUBLISHED, product_tags__product_id=product_id)
                .prefetch_related("images").order_by("-id")[:limit])


def topic_notes(name: str, viewer=None, cursor: str | None = None, limit: int = 20) -> tuple[list, str | None]:
    qs = annotated_notes(viewer).filter(status=NoteStatus.PUBLISHED, topics__name=name)
    return cursor_page(qs.prefetch_related("images"), cursor=cursor, limit=limit)


def comments_for_note(note_id: int, cursor: str | None = None, limit: int = 20) -> tuple[list, str | None]:
    """Top-level visible comments, newest first, each with its visible replies (oldest first)."""
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("user"))
    replies = Comment.objects.filter(status=CommentStatus.VISIBLE).select_related("author") \
        .prefetch_related(mentions).order_by("id")
    qs = Comment.objects.filter(note_id=note_id, parent__isnull=True, status=CommentStatus.VISIBLE) \
        .select_related("author").prefetch_related(
            mentions, Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    return cursor_page(qs, cursor=cursor, limit=limit)


def collections_for_user(user) -> list[Collection]:
    return list(Collection.objects.filter(user=user).annotate(note_count=Count("favourites")).order_by("id"))


def collection_of(user, collection_id: int) -> Collection | None:
    """The user's own collection (None for someone else's: the page answers 404)."""
    return Collection.objects.filter(pk=collection_id, user=user).first()


def collection_notes(collection: Collection, viewer, cursor: str | None = None, limit: int = 20):
    """Published notes in a collection, most recently saved first (hidden/deleted notes drop out).
    Pages on the favourite's id, then hydrates the cards: 3 queries per page."""
    favs, next_cursor = cursor_page(
        Favourite.objects.filter(collection=collection, note__status=NoteStatus.PUBLISHED).only("id", "note_id"),
        cursor=cursor, limit=limit)
    notes = {n.pk: n for n in annotated_notes(viewer).filter(pk__in=[f.note_id for f in favs])
             .prefetch_related("images")}
    return [notes[f.note_id] for f in favs if f.note_id in notes], next_cursor


def share_count(note_id: int) -> int:
    from .models import Share

    return Share.objects.filter(note_id=note_id).count()


def published_note_count(author_id: int) -> int:
    return Note.objects.filter(author_id=author_id, status=NoteStatus.PUBLISHED).count()


def likes_received(author_id: int) -> int:
    """Likes on the author's published notes (derived, so it never drifts)."""
    return Like.objects.filter(note__author_id=author_id, note__status=NoteStatus.PUBLISHED).count()
