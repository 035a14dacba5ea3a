"""Test helpers of content, for other apps' tests and benchmarks (never imported by application code).

They write notes directly, as an import or an old row would: no event is published, no rate limit,
sensitive-word filter or image check applies. Tests of the use cases themselves go through
`quanzi.content.services`.
"""

from __future__ import annotations

from quanzi.content.constants import NoteStatus
from quanzi.content.models import Note, NoteImage
from quanzi.core import clock


def make_note(*, author, title: str = "note", body: str = "b", status: str = NoteStatus.PUBLISHED,
              published_at=None, images: int = 1, language: str = "") -> Note:
    """A note with `images` stored image names; a published note gets `published_at` (default now)."""
    if status == NoteStatus.PUBLISHED and published_at is None:
        published_at = clock.now()
    note = Note.objects.create(author=author, title=title, body=body, status=status, published_at=published_at,
                               language=language)
    NoteImage.objects.bulk_create([NoteImage(note=note, image=f"notes/{note.pk}_{n}.jpg",
                                             thumb=f"notes/{note.pk}_{n}_t.jpg", sort=n) for n in range(images)])
    return note


def note_force_status(*, note_id: int, status: str) -> None:
    """Change a note's status directly (as moderation or an import would, without its side effects)."""
    Note.objects.filter(pk=note_id).update(status=status)


def note_destroy(*, note_id: int) -> None:
    """Delete a note row and everything that cascades from it (benchmarks clean up after themselves)."""
    Note.objects.filter(pk=note_id).delete()


# ---- public interface used by demo, bench/ and the project's tests

def notes_by(*, author=None, status: str | None = None) -> list[Note]:
    """Notes (of one author, of one status) in id order, with images, product tags and topics loaded."""
    qs = Note.objects.order_by("pk").prefetch_related("images", "product_tags", "topics")
    if author is not None:
        qs = qs.filter(author=author)
    if status is not None:
        qs = qs.filter(status=status)
    return list(qs)


def engagement_counts(*, user=None) -> dict[str, int]:
    """How much engagement there is: likes, favourites (into `user`'s collections when given), comments,
    replies, and @mentions in comments (of `user` when given)."""
    from quanzi.content.models import Comment, Favourite, Like, Mention

    favourites, mentions = Favourite.objects.all(), Mention.objects.filter(comment__isnull=False)
    if user is not None:
        favourites, mentions = favourites.filter(collection__user=user), mentions.filter(user=user)
    return {"likes": Like.objects.count(), "favourites": favourites.count(), "comments": Comment.objects.count(),
            "replies": Comment.objects.filter(parent__isnull=False).count(), "comment_mentions": mentions.count()}
