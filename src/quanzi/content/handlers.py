"""Subscribers of the content app to its own facts (through the outbox)."""

from quanzi.content.events import NotePublished
from quanzi.content.models import NoteProductTag
from quanzi.core.events import subscribe
from quanzi.web import page_cache


@subscribe(NotePublished)
def forget_pages_of_tagged_products(event: NotePublished) -> None:
    """The anonymous product page lists notes that tag it: drop the tagged products' cached copies."""
    for product_id in NoteProductTag.objects.filter(note_id=event.note_id).values_list("product_id", flat=True):
        page_cache.forget(product_id)
