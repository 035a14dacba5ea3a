"""Template helpers shared by every Quanzi page (storefront, console, accounts, the feature apps).

`{% load quanzi_tags %}`: money (`yuan`), media URLs, localised names, status tones, counts.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from quanzi.core.images import media_url
from quanzi.core.money import format_yuan

register = template.Library()

STATUS_TONES = {
    "pending_payment": "warn", "awaiting_release": "info", "paid": "info", "shipped": "info",
    "delivered": "ok", "completed": "ok", "cancelled": "muted", "closed": "muted",
    # after-sales
    "requested": "warn", "awaiting_return": "warn", "return_shipped": "info", "rejected": "bad",
    "escalated": "warn", "refunded": "ok",
}


@register.filter
def yuan(fen) -> str:
    """12345 → "¥123.45"; empty for None or non-numbers."""
    if fen is None or fen == "":
        return ""
    try:
        return "¥" + format_yuan(int(fen))
    except (TypeError, ValueError):
        return ""


@register.filter
def yuan_plain(fen) -> str:
    """12345 → "123.45" (for inputs)."""
    try:
        return format_yuan(int(fen))
    except (TypeError, ValueError):
        return ""


@register.filter
def media(name) -> str:
    return media_url(str(name or ""))


@register.filter
def loc_name(obj) -> str:
    """A category's or banner's name in the active language (name_en / title_en when English)."""
    english = (get_language() or "").startswith("en")
    for base in ("name", "title"):
        if hasattr(obj, base):
            en = getattr(obj, f"{base}_en", "")
            return en if english and en else getattr(obj, base)
    return str(obj)


@register.filter
def tone(status) -> str:
    """A colour family for a status badge."""
    return STATUS_TONES.get(str(status), "muted")


@register.filter
def compact(number) -> str:
    """Sold counts: 987 → 987, 12345 → 1.2w (zh) / 12.3k (en)."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        return ""
    if n < 1000:
        return str(n)
    if (get_language() or "").startswith("zh") and n >= 10000:
        return f"{n / 10000:.1f}".rstrip("0").rstrip(".") + "万"
    return f"{n / 1000:.1f}".rstrip("0").rstrip(".") + "k"


@register.simple_tag
def sold_label(count) -> str:
    return str(_("%(n)s sold")) % {"n": compact(count)}


@register.filter
def initial(user) -> str:
    name = getattr(user, "display_name", "") or "?"
    return name[:1].upper()


@register.filter
def get_item(mapping, key):
    """{{ notes|get_item:shop.pk }} — a dict value by a variable key ("" if missing)."""
    try:
        return mapping.get(key, "") if hasattr(mapping, "get") else ""
    except TypeError:
        return ""

