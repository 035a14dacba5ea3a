"""Orders bought from a note remember the note (for content analytics and, later, creator rewards).

`content/pages.py` keeps the note a visitor came from per product (`?from_note=` on the product page,
kept in the session, through the web layer's page hooks) and has the page checkout pass it as
`context["from_note"] = {"<product id>": note id}`.
This provider checks the note is published and really tags the product, and adds a snapshot to the
order line's attribution (orders/pricing.py); core commerce never imports this app.
"""

from __future__ import annotations

from quanzi.content.models import Note, NoteProductTag, NoteStatus
from quanzi.core import clock


def note_attribution(*, user, sku, context: dict) -> dict:
    note_id = (context.get("from_note") or {}).get(str(sku.product_id))
    try:
        note_id = int(note_id)
    except (TypeError, ValueError):
        return {}
    tagged = NoteProductTag.objects.filter(note_id=note_id, product_id=sku.product_id,
                                           note__status=NoteStatus.PUBLISHED).exists()
    if not tagged:
        return {}
    author_id = Note.objects.filter(pk=note_id).values_list("author_id", flat=True).first()
    return {"note": {"id": note_id, "author_id": author_id, "at": clock.now().isoformat()}}
