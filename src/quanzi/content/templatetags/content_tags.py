"""Note text with #topic and @mention links, built safely: every piece of user text is escaped
on its own and links are assembled with format_html — never |safe on raw user text."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from quanzi.content import selectors
from quanzi.content.services import MENTION_RE, TOPIC_RE

register = template.Library()

_TOKEN_RE = re.compile(f"(?P<topic>{TOPIC_RE.pattern})|(?P<mention>{MENTION_RE.pattern})")


@register.simple_tag
def rich_text(text: str, mentions=None):
    """Escape `text`, link #topics to /t/<name>/ and @nicknames of mentioned users to /u/<uid>/."""
    by_nick = {}
    for m in (mentions.all() if hasattr(mentions, "all") else mentions or []):
        by_nick[m.user.nickname] = m.user.uid
    out, pos = [], 0
    text = text or ""
    for match in _TOKEN_RE.finditer(text):
        out.append(conditional_escape(text[pos:match.start()]))
        token = match.group(0)
        if match.group("topic"):
            name = token[1:]
            out.append(format_html('<a class="topic-link" href="{}">#{}</a>', reverse("content:topic", args=[name]),
                                   name))
        elif token[1:] in by_nick:
            out.append(format_html('<a class="mention-link" href="/u/{}/">{}</a>', by_nick[token[1:]], token))
        else:
            out.append(conditional_escape(token))
        pos = match.end()
    out.append(conditional_escape(text[pos:]))
    return mark_safe("".join(str(p) for p in out).replace("\n", "<br>"))  # noqa: S308 - every piece escaped


@register.simple_tag
def notes_for_product(product, limit: int = 6):
    return selectors.notes_tagging_product(product_id=getattr(product, "pk", product), limit=limit)


@register.filter
def first_thumb(note) -> str:
    from quanzi.core.images import media_url

    images = list(note.images.all())
    return media_url(images[0].thumb) if images else ""


@register.simple_tag
def my_collections(user):
    """The signed-in user's collections for the "Save to…" menu (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return selectors.collection_names_for_user(user=user)
