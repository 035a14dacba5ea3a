"""`{% slot "name" %}` renders a template slot; `{% slot_links "name" as links %}` lists a link slot;
`{% slot_styles "name" %}` links the stylesheets of a template slot's entries (in the page's <head>).

Both look the slot up in `quanzi.web.slots`; see that module for how apps fill slots.
"""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from quanzi.web.slots import entries

register = template.Library()


def _visible(entry, context) -> bool:
    return entry.visible is None or bool(entry.visible(context))


@register.simple_tag(takes_context=True)
def slot(context, name: str, key: str = "", **extra):
    """Render every entry of a template slot with the page's context (plus `extra` and the entry's
    own `context`). Keyword arguments pass values the slot's partials expect (`line=ln`); they are
    in the context before `visible` is asked. `key=` renders only the entry with that key (the
    search page shows the results of the chosen tab only)."""
    parts = []
    with context.push(**extra):
        for entry in entries(name):
            if (key and entry.key != key) or not _visible(entry, context):
                continue
            added = entry.context(context) if entry.context else {}
            with context.push(**(added or {})):
                parts.append(get_template(entry.template).template.render(context))
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def slot_links(context, name: str, active: str = ""):
    """The visible links of a link slot as dicts: key, label, url, icon, active, testid, extra.
    An entry is active when its `active` equals `active=` (or the page's `console_tab`/`active_tab`)."""
    current = active or context.get("console_tab") or context.get("active_tab") or ""
    links = []
    for entry in entries(name):
        if not _visible(entry, context):
            continue
        url = _url(entry, context)
        if url is None:
            continue
        links.append({"key": entry.key, "label": entry.label, "url": url, "icon": entry.icon,
                      "active": bool(entry.active) and entry.active == current,
                      "testid": entry.testid, "extra": entry.extra})
    return links


@register.simple_tag(takes_context=True)
def slot_styles(context, *names: str, key: str = ""):
    """`<link rel="stylesheet">` for the `stylesheets` of the entries of template slots (each file once),
    for the page's `<head>`; `key=` as in `{% slot %}`. Hidden entries' stylesheets are linked too: a
    stylesheet is harmless, and `visible` may need variables that only the entry's place has (`line`)."""
    paths = []
    for name in names:
        for entry in entries(name):
            if not key or entry.key == key:
                paths += [path for path in entry.stylesheets if path not in paths]
    return format_html_join("", '<link rel="stylesheet" href="{}">', ((static(path),) for path in paths))


@register.simple_tag(takes_context=True)
def slot_has(context, name: str) -> bool:
    """Whether a slot has any visible entry (to hide a section's frame when it would be empty)."""
    return any(_visible(entry, context) for entry in entries(name))


def _url(entry, context) -> str | None:
    if entry.url.startswith("/"):
        url = entry.url
    else:
        args = entry.url_args(context) if entry.url_args else []
        try:
            url = reverse(entry.url, args=args)
        except NoReverseMatch:
            return None  # the app's URLs are not mounted (a test configuration): no dead link
    return f"{url}?{entry.query}" if entry.query else url

