"""A short-lived shared cache of the product page for anonymous visitors.

It lives in the web layer so that every app whose content shows on the product page (the catalog,
notes that tag the product, reviews) can drop the cached copy when its part changes, each from a
subscriber of its own events, without naming the storefront that renders the page.


The product page is the hottest page of a shop (shares and live rooms send crowds to it). For
visitors without a session or pending messages the page is the same for everyone but the CSRF
token, so one rendering is cached per product and language for `TTL` seconds and served with the
visitor's own token swapped in. Stock shown may be up to `TTL` seconds old; the cart and checkout
re-check it. Any change to the product (catalog.product_changed) drops the cached pages at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

TTL = 15


def _key(product_id: int, language: str) -> str:
    return f"pdp:{product_id}:{language}"


def shareable(request) -> bool:
    """Only visitors who see nothing personal: not logged in, no session, no pending messages."""
    return (request.method == "GET" and not request.user.is_authenticated
            and settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES)


# Where a rendered page carries the CSRF token: form fields and the HTMX header on <body>.
_TOKEN_SLOTS = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")|("X-CSRFToken": ")[^"]*(")')


def _with_token(html: str, token: str) -> str:
    return _TOKEN_SLOTS.sub(lambda m: f"{m.group(1) or m.group(3)}{token}{m.group(2) or m.group(4)}", html)


def serve(request, product_id: int, render: Callable) -> HttpResponse:
    key = _key(product_id, get_language())
    html = cache.get(key)
    hit = html is not None
    if not hit:
        response = render().render()  # raises Http404 for a product that is not visible: never cached
        if response.status_code != 200:
            return response
        html = response.content.decode()
        cache.set(key, html, TTL)
    response = HttpResponse(_with_token(html, get_token(request)))
    response["X-Page-Cache"] = "hit" if hit else "miss"
    return response


def forget(product_id: int) -> None:
    cache.delete_many([_key(product_id, code) for code, _name in settings.LANGUAGES])
