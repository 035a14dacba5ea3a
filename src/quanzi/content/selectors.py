"""Read side of content: counters read from the note (content/counters.py); images, tags and topics
prefetched. Every function takes keyword arguments only; other apps (feed, notifications, the
storefront) read notes and comments here, never from content's models."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value

from quanzi.core.http import cursor_page
from quanzi.core.language import in_reading_language

from .constants import CommentStatus, NoteStatus
from .models import Collection, Comment, Favourite, Like, Mention, Note, NoteProductTag, Share


def _sellable_tags() -> QuerySet[NoteProductTag]:
    """Product tags whose product can be sold now (catalog decides), product joined for the cards."""
    from quanzi.catalog.selectors import sellable_q

    return NoteProductTag.objects.select_related("product").filter(sellable_q(prefix="product"))


def published_note_q(*, prefix: str = "") -> Q:
    """"This note is published" as a filter, for a query over another model that reaches notes
    through a foreign key: `InboxEntry.objects.filter(published_note_q(prefix="note"))`."""
    return Q(**{f"{prefix}__status" if prefix else "status": NoteStatus.PUBLISHED})


def annotated_notes(*, viewer=None) -> QuerySet[Note]:
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
    return qs.prefetch_related("images", "topics", Prefetch("product_tags", queryset=_sellable_tags()),
                               Prefetch("mentions", queryset=Mention.objects.select_related("user")))


def note_detail(*, note_id: int, viewer=None) -> Note | None:
    """Published notes for everyone; drafts and hidden notes only for their author (None otherwise)."""
    note = _with_media(annotated_notes(viewer=viewer)).filter(pk=note_id).exclude(status=NoteStatus.DELETED).first()
    if note is None:
        return None
    if note.status != NoteStatus.PUBLISHED and note.author_id != getattr(viewer, "pk", None):
        return None
    return note


def note_for_edit(*, note_id: int, author) -> Note | None:
    return _with_media(Note.objects.all()).filter(
        pk=note_id, author_id=author.pk).exclude(status=NoteStatus.DELETED).first()


def notes_by_author(*, author_id: int, viewer=None, cursor: str | None = None,
                    limit: int = 20) -> tuple[list, str | None]:
    qs = annotated_notes(viewer=viewer).filter(author_id=author_id)
    if getattr(viewer, "pk", None) == author_id:
        qs = qs.exclude(status=NoteStatus.DELETED)
    else:
        qs = qs.filter(status=NoteStatus.PUBLISHED)
    return cursor_page(qs.prefetch_related("images"), cursor=cursor, limit=limit)


def notes_tagging_product(*, product_id: int, limit: int = 6) -> list[Note]:
    """The newest published notes tagging the product, in the reader's language when there are any."""
    tagging = in_reading_language(Note.objects.filter(status=NoteStatus.PUBLISHED, product_tags__product_id=product_id))
    return list(annotated_notes().filter(pk__in=tagging.values("pk")).prefetch_related("images").order_by("-id")[:limit])


def topic_notes(*, name: str, viewer=None, cursor: str | None = None, limit: int = 20) -> tuple[list, str | None]:
    qs = annotated_notes(viewer=viewer).filter(status=NoteStatus.PUBLISHED, topics__name=name)
    return cursor_page(qs.prefetch_related("images"), cursor=cursor, limit=limit)


def comments_for_note(*, note_id: int, cursor: str | None = None, limit: int = 20) -> tuple[list, str | None]:
    """Top-level visible comments, newest first, each with its visible replies (oldest first)."""
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("user"))
    replies = Comment.objects.filter(status=CommentStatus.VISIBLE).select_related("author") \
        .prefetch_related(mentions).order_by("id")
    qs = Comment.objects.filter(note_id=note_id, parent__isnull=True, status=CommentStatus.VISIBLE) \
        .select_related("author").prefetch_related(
            mentions, Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    return cursor_page(qs, cursor=cursor, limit=limit)


def comment_of(*, comment_id: int) -> Comment | None:
    """One comment, whatever its status (for pages that act on it and then show its note)."""
    return Comment.objects.filter(pk=comment_id).first()


def collections_for_user(*, user) -> list[Collection]:
    return list(Collection.objects.filter(user=user).annotate(note_count=Count("favourites")).order_by("id"))


def collection_names_for_user(*, user) -> list[Collection]:
    """The user's collections, id and name only, for a "Save to…" menu (one query)."""
    return list(Collection.objects.filter(user=user).order_by("id").only("id", "name"))


def collection_of(*, user, collection_id: int) -> Collection | None:
    """The user's own collection (None for someone else's: the page answers 404)."""
    return Collection.objects.filter(pk=collection_id, user=user).first()


def collection_notes(*, collection: Collection, viewer, cursor: str | None = None, limit: int = 20):
    """Published notes in a collection, most recently saved first (hidden/deleted notes drop out).
    Pages on the favourite's id, then hydrates the cards: 3 queries per page."""
    favs, next_cursor = cursor_page(
        Favourite.objects.filter(collection=collection, note__status=NoteStatus.PUBLISHED).only("id", "note_id"),
        cursor=cursor, limit=limit)
    notes = {n.pk: n for n in annotated_notes(viewer=viewer).filter(pk__in=[f.note_id for f in favs])
             .prefetch_related("images")}
    return [notes[f.note_id] for f in favs if f.note_id in notes], next_cursor


def share_count(*, note_id: int) -> int:
    return Share.objects.filter(note_id=note_id).count()


# Both are registered as profile counters (social.selectors.profile_counters), called with user_id.

def published_note_count(*, user_id: int) -> int:
    """Notes the user has published (derived, so it never drifts)."""
    return Note.objects.filter(author_id=user_id, status=NoteStatus.PUBLISHED).count()


def likes_received(*, user_id: int) -> int:
    """Likes on the user's published notes (derived, so it never drifts)."""
    return Like.objects.filter(note__author_id=user_id, note__status=NoteStatus.PUBLISHED).count()


# ---------------------------------------------------------------- for the feed


def note_cards(*, note_ids: list[int], viewer=None) -> dict[int, Note]:
    """{id: note} ready for cards — counters, author, images, sellable product tags — in 1 + 2
    prefetch queries for any number of notes. Any status: the caller decides what it shows."""
    if not note_ids:
        return {}
    qs = annotated_notes(viewer=viewer).filter(pk__in=note_ids).prefetch_related(
        "images", Prefetch("product_tags", queryset=_sellable_tags()))
    return {n.pk: n for n in qs}


def note_publication(*, note_id: int) -> tuple[int, dt.datetime | None] | None:
    """(author id, published at) of a published note; None for any other note."""
    row = Note.objects.filter(pk=note_id, status=NoteStatus.PUBLISHED).values_list(
        "author_id", "published_at").first()
    return (row[0], row[1]) if row else None


_NEWEST_NOTES_SQL = """
    SELECT n.id, n.published_at
    FROM unnest(%s::bigint[]) AS a(author_id)
    CROSS JOIN LATERAL (
        SELECT id, published_at FROM content_note
        WHERE author_id = a.author_id AND status = 'published' AND published_at IS NOT NULL {before}
        ORDER BY published_at DESC, id DESC LIMIT %s) n
    ORDER BY n.published_at DESC, n.id DESC LIMIT %s"""


def newest_published_notes(*, author_ids: list[int], limit: int,
                           before: tuple[dt.datetime, int | None] | None = None) -> list[tuple[int, dt.datetime]]:
    """[(note id, published at)] of these authors' newest published notes, newest first, at most `limit`.

    `before=(at, id)` keeps the notes that sort after that keyset (published earlier, or at the same
    time with a smaller id); `before=(at, None)` keeps every note published at or before `at`.

    On PostgreSQL one statement walks each author's partial index (content_note_author_pub) for at
    most `limit` rows (a LATERAL join), so many prolific authors never sort all their notes, and
    the statement is not rebuilt per author by the ORM. Elsewhere a single sorted query."""
    if not author_ids:
        return []
    if connection.vendor == "postgresql":
        cond, extra = "", []
        if before is not None:
            at, key = before
            if key is None:
                cond, extra = "AND published_at <= %s", [at]
            else:
                cond, extra = "AND (published_at < %s OR (published_at = %s AND id < %s))", [at, at, key]
        with connection.cursor() as cur:
            cur.execute(_NEWEST_NOTES_SQL.format(before=cond), [list(author_ids), *extra, limit, limit])
            return [(pk, at) for pk, at in cur.fetchall()]
    notes = Note.objects.filter(author_id__in=author_ids, status=NoteStatus.PUBLISHED, published_at__isnull=False)
    if before is not None:
        at, key = before
        notes = notes.filter(Q(published_at__lte=at) if key is None
                             else Q(published_at__lt=at) | Q(published_at=at, pk__lt=key))
    return list(notes.order_by("-published_at", "-id").values_list("pk", "published_at")[:limit])


def recent_published_note_stats(*, since: dt.datetime, limit: int) -> list[tuple]:
    """[(note id, author id, published at, likes, visible comments, favourites, language)] of the newest
    published notes since `since`, newest first: the input of the discovery ranking."""
    return list(Note.objects.filter(status=NoteStatus.PUBLISHED, published_at__gte=since)
                .order_by("-published_at", "-id")
                .values_list("pk", "author_id", "published_at", "likes_total", "comments_total",
                             "favourites_total", "language")[:limit])


# ---------------------------------------------------------------- for notifications


def note_title(*, note_id: int) -> str | None:
    """A note's title ("" if it has none), or None when there is no such note."""
    return Note.objects.filter(pk=note_id).values_list("title", flat=True).first()


def comment_summary(*, comment_id: int) -> dict | None:
    """{"id", "note_id", "author_id", "parent_id", "body"} of a comment (any status), or None."""
    return Comment.objects.filter(pk=comment_id).values("id", "note_id", "author_id", "parent_id", "body").first()
