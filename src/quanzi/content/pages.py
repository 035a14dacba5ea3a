"""What content adds to pages it does not own (registered in ContentConfig.ready()).

- The search page's Notes, Users and Topics tabs (`search.tabs` slot): each tab's results are
  fetched here, only when the shopper is on that tab.
- Note attribution: a product page opened from a note (`?from_note=<id>`) remembers the note in the
  session (`web.page_hooks.product_visit_hooks`), and the page checkout passes what it remembered
  as `context["from_note"]` (`checkout_context_providers`), which `attribution.note_attribution`
  checks and stores on the order line.
"""

from __future__ import annotations

from quanzi.content import search
from quanzi.web.helpers import int_or_none

SEARCH_PAGE_SIZE = 20
FROM_NOTE_KEY = "from_note"  # session: {"<product id>": note id}
REMEMBERED_PRODUCTS = 20


def _viewer(context):
    user = context.get("user")
    return user if user is not None and user.is_authenticated else None


def search_tab_notes(context) -> dict:
    """Notes tab: one page of matching notes, and whether there is a next page."""
    query, page = context.get("query"), context.get("page") or 1
    if not query:
        return {}
    rows = search.search_notes(query=query, viewer=_viewer(context), limit=SEARCH_PAGE_SIZE + 1,
                               offset=(page - 1) * SEARCH_PAGE_SIZE)
    return {"notes": rows[:SEARCH_PAGE_SIZE], "has_next": len(rows) > SEARCH_PAGE_SIZE}


def search_tab_users(context) -> dict:
    query = context.get("query")
    return {"users": search.search_users(query=query, viewer=_viewer(context), limit=SEARCH_PAGE_SIZE)
            if query else []}


def search_tab_topics(context) -> dict:
    query = context.get("query")
    return {"topics": search.search_topics(query=query, limit=SEARCH_PAGE_SIZE) if query else []}


def remember_note(request, product_id: int) -> None:
    """`?from_note=<id>` on a product page: keep the note for checkout (the 20 latest products)."""
    note_id = int_or_none(request.GET.get("from_note"))
    if note_id is None:
        return
    remembered = dict(request.session.get(FROM_NOTE_KEY, {}))
    remembered[str(product_id)] = note_id
    request.session[FROM_NOTE_KEY] = dict(list(remembered.items())[-REMEMBERED_PRODUCTS:])


def checkout_from_note(request) -> dict:
    return {"from_note": request.session.get(FROM_NOTE_KEY, {})}
