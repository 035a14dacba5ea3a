"""Which language a visitor gets: the one they chose, else the browser's, else zh-Hans.

The choice (the language switch, Django's /i18n/setlang/) is remembered in the language cookie and
always wins. A first visit follows the browser's Accept-Language — an en-US browser sees English, a
zh-CN or zh-TW one Chinese — and anything we do not speak falls back to the site default
(LANGUAGE_CODE, zh-Hans). Django's own LocaleMiddleware does the same for requests, but the two ASGI
entry points that never build a request (the flash-sale fast path and the live-room WebSocket) need
the rule too, so it lives here as one function of two header values.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

MAX_ACCEPT_LANGUAGE = 256  # a longer header is someone else's problem: read only its start


def supported(code: str) -> str | None:
    """The supported language for `code` ("en-US" → "en", "zh-CN" → "zh-hans"), or None."""
    if not code or code == "*":
        return None
    try:
        return get_supported_language_variant(code)
    except LookupError:
        return None


def preferred_language(*, cookie: str = "", accept_language: str = "") -> str:
    chosen = cookie if cookie in {code for code, _name in settings.LANGUAGES} else None
    if chosen:
        return chosen
    for code, _quality in parse_accept_lang_header(accept_language[:MAX_ACCEPT_LANGUAGE].lower()):
        language = supported(code)
        if language:
            return language
    return settings.LANGUAGE_CODE


def language_of_scope(scope) -> str:
    """preferred_language for an ASGI scope (HTTP or WebSocket)."""
    cookie_header = accept = ""
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            cookie_header = value.decode("latin-1")
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    cookie = ""
    for part in cookie_header.split(";"):
        name, _sep, value = part.strip().partition("=")
        if name == settings.LANGUAGE_COOKIE_NAME:
            cookie = value
    return preferred_language(cookie=cookie, accept_language=accept)


def reading_language() -> str:
    """The supported language the current request (or task) is answered in: "zh-hans" or "en"."""
    from django.utils.translation import get_language

    return supported(get_language() or "") or settings.LANGUAGE_CODE


def in_reading_language(queryset, *, field: str = "language"):
    """What people wrote, narrowed to the reader's language and to texts of no telling language
    (docs/i18n.md). Pages offer the rest behind a link ("12 reviews in other languages"), so a page
    never mixes languages unasked."""
    return queryset.filter(**{f"{field}__in": [reading_language(), ""]})
