"""Facts of notes and their interactions (see core.events)."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("content.note_published")
class NotePublished(DomainEvent):
    note_id: int
    author_id: int
    mentioned_ids: list[int]


@event("content.note_liked")
class NoteLiked(DomainEvent):
    note_id: int
    user_id: int
    author_id: int


@event("content.commented")
class Commented(DomainEvent):
    comment_id: int
    note_id: int
    parent_id: int | None
    author_id: int
    mentioned_ids: list[int]
    note_author_id: int
