"""Pages of the web layer itself: the living style guide (/styleguide/, staff only)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.web import tokens

# the components /styleguide/ shows, in order; docs/design-system.md describes each
COMPONENTS = ("button", "price", "badge", "card", "avatar-stack", "countdown", "progress", "tabs", "sheet", "toast",
              "empty-state", "skeleton")
SWATCH_GROUPS = ("colour",)


def styleguide(request: HttpRequest) -> HttpResponse:
    """Every token and component on one page, in the current language. Operators only: anyone else
    gets the site's 404 (the page is a tool, not a place to discover)."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
    all_tokens = tokens.tokens()
    colours = [t for t in all_tokens if t.group == "colour" and not t.value.startswith(("linear-", "radial-"))]
    gradients = [t for t in all_tokens if t.group == "colour" and t.value.startswith(("linear-", "radial-"))]
    by_group = {
        "type": [t for t in all_tokens if t.group == "type" and t.name.startswith("--fs-")],
        "spacing": [t for t in all_tokens if t.group == "spacing" and t.name.startswith("--sp-")],
        "radius": [t for t in all_tokens if t.group == "radius"],
        "shadow": [t for t in all_tokens if t.group == "shadow" and not t.name.startswith("--shadow-text")],
    }
    people = [{"name": name} for name in (_("Lin"), _("Chen"), _("Wang"))]
    context = {
        "components": COMPONENTS,
        "colours": colours,
        "gradients": gradients,
        "type_scale": by_group["type"],
        "spacing": by_group["spacing"],
        "radii": by_group["radius"],
        "shadows": by_group["shadow"],
        "pairs": tokens.pair_ratios(),
        "people": people,
        "many_people": people * 3,
        "deadline": clock.now() + dt.timedelta(hours=2, minutes=5),
        "long_deadline": clock.now() + dt.timedelta(days=2, hours=3),
        "tab_links": [
            {"url": "#c-tabs", "label": _("All"), "active": True},
            {"url": "#c-tabs", "label": _("To pay"), "count": 2},
            {"url": "#c-tabs", "label": _("To ship")},
            {"url": "#c-tabs", "label": _("To receive")},
        ],
    }
    return render(request, "web/styleguide.html", context)
