"""Search over notes, users and topics.

Notes use the same jieba inverted index as products (catalog/search.py): a published note's title
(weight 3), topics (2) and body (1) are segmented into NoteSearchTerm rows at publish/update time;
hiding or deleting the note removes them. A query matches notes holding *every* query term, best
score first, then newest. Users and topics are small lookups by substring (icontains).

Blocked users (either direction, social.selectors.blocked_ids) never appear in the viewer's results.
The read functions take keyword arguments only (the storefront's search page calls them).
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from quanzi.catalog.search import query_terms, segment

from .models import Note, NoteSearchTerm, NoteStatus, Topic

TITLE_WEIGHT, TOPIC_WEIGHT, BODY_WEIGHT = 3, 2, 1
MAX_LIMIT = 100  # callers ask for one extra row to know whether a next page exists
QUERY_MAX = 60


def _blocked(viewer) -> set[int]:
    viewer_id = getattr(viewer, "pk", None)
    if not viewer_id:
        return set()
    from quanzi.social.selectors import blocked_ids

    return blocked_ids(user_id=viewer_id)


def _limit(limit: int | None, default: int = 20) -> int:
    return max(1, min(int(limit or default), MAX_LIMIT))


# ---------------------------------------------------------------- index (write side)

def note_unindex(note: Note | int) -> None:
    NoteSearchTerm.objects.filter(note_id=getattr(note, "pk", note)).delete()


def note_reindex(note: Note) -> None:
    """Rebuild a note's terms; a note that is not published is removed from the index."""
    if note.status != NoteStatus.PUBLISHED:
        note_unindex(note)
        return
    weights: dict[str, int] = {}
    topics = " ".join(note.topics.values_list("name", flat=True))
    for text, weight in ((note.title, TITLE_WEIGHT), (topics, TOPIC_WEIGHT), (note.body, BODY_WEIGHT)):
        for term in segment(text):
            weights[term] = max(weights.get(term, 0), weight)
    note_unindex(note)
    NoteSearchTerm.objects.bulk_create([NoteSearchTerm(term=t, note=note, weight=w) for t, w in weights.items()])


# ---------------------------------------------------------------- selectors (read side)

def search_notes(*, query: str, viewer=None, limit: int = 20, offset: int = 0) -> list[Note]:
    """Published notes matching all query terms: best score, then newest. Counts annotated, images prefetched."""
    from .selectors import annotated_notes

    terms = query_terms((query or "")[:QUERY_MAX])
    if not terms:
        return []
    limit, offset = _limit(limit), max(0, int(offset or 0))
    rows = NoteSearchTerm.objects.filter(term__in=terms, note__status=NoteStatus.PUBLISHED)
    blocked = _blocked(viewer)
    if blocked:
        rows = rows.exclude(note__author_id__in=blocked)
    ranked = list(rows.values("note_id").annotate(hits=Count("term"), score=Sum("weight"))
                  .filter(hits=len(terms))
                  .order_by("-score", "-note__published_at", "-note_id")
                  .values_list("note_id", flat=True)[offset: offset + limit])
    if not ranked:
        return []
    by_id = {n.pk: n for n in annotated_notes(viewer=viewer).filter(pk__in=ranked).prefetch_related("images")}
    return [by_id[pk] for pk in ranked if pk in by_id]


def search_users(*, query: str, viewer=None, limit: int = 20) -> list:
    """Active users whose nickname contains the query, most followed first, with `follower_count` and
    `avatar_url` (social profile thumbnail URL, "" if none)."""
    from quanzi.core.images import media_url
    from quanzi.social.selectors import avatar_of, user_search

    query = (query or "").strip()[:QUERY_MAX]
    if not query:
        return []
    users = user_search(query=query, exclude_ids=_blocked(viewer), limit=_limit(limit))
    for u in users:
        u.avatar_url = media_url(avatar_of(user=u))
    return users


def search_topics(*, query: str, limit: int = 20) -> list[Topic]:
    """Topics whose name contains the query, with `note_count` (published notes), busiest first."""
    query = (query or "").strip().lstrip("#")[:QUERY_MAX]
    if not query:
        return []
    return list(Topic.objects.filter(name__icontains=query)
                .annotate(note_count=Count("notes", filter=Q(notes__status=NoteStatus.PUBLISHED), distinct=True))
                .order_by("-note_count", "name")[:_limit(limit)])
