"""/feed/: Following | Discover tabs, HTMX "load more".

Discover keeps the note ids already shown in the session (last 500) so "load more" and reloads
never repeat a note; ?reset=1 starts over.
"""

from __future__ import annotations

from django.template.response import TemplateResponse

from quanzi.core.errors import DomainError

from . import selectors

SESSION_SEEN = "feed_seen"


def feed(request):
    tab = request.GET.get("tab") or ("following" if request.user.is_authenticated else "discover")
    if tab not in ("following", "discover"):
        tab = "following"
    htmx = request.headers.get("HX-Request") == "true"
    ctx = {"tab": tab, "items": [], "notes": [], "next_cursor": None, "more": False, "error": ""}
    if tab == "following":
        if request.user.is_authenticated:
            try:
                ctx["items"], ctx["next_cursor"] = selectors.following_feed(
                    user=request.user, cursor=request.GET.get("cursor"), limit=20)
            except DomainError as exc:
                ctx["error"] = exc.message
    else:
        seen = [] if request.GET.get("reset") else list(request.session.get(SESSION_SEEN, []))
        user = request.user if request.user.is_authenticated else None
        notes = selectors.discovery_feed(user=user, session_seen_ids=seen, limit=20)
        request.session[SESSION_SEEN] = (seen + [n.pk for n in notes])[-selectors.SEEN_CAP:]
        ctx["notes"], ctx["more"] = notes, len(notes) == 20
    template = "feed/partials/page.html" if htmx else "feed/feed.html"
    return TemplateResponse(request, template, ctx)
