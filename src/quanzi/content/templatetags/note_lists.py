"""Note lists other apps' pages embed (e.g. the social profile), without those apps' views knowing content."""

from __future__ import annotations

from django import template

from quanzi.content import selectors
from quanzi.core.errors import DomainError

register = template.Library()


@register.simple_tag
def author_notes(author, viewer=None, cursor: str | None = None, limit: int = 20) -> dict:
    """{"notes": [...], "next_cursor": ...}: the author's published notes, newest first; the author also
    sees their drafts and hidden notes. A bad cursor starts from the first page."""
    viewer = viewer if getattr(viewer, "is_authenticated", False) else None
    author_id = getattr(author, "pk", author)
    try:
        notes, next_cursor = selectors.notes_by_author(author_id=author_id, viewer=viewer, cursor=cursor or None, limit=limit)
    except DomainError:
        notes, next_cursor = selectors.notes_by_author(author_id=author_id, viewer=viewer, limit=limit)
    return {"notes": notes, "next_cursor": next_cursor}
