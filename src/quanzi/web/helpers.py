"""Small helpers shared by every app's HTML views: HTMX awareness, safe redirects, domain-error display.

They live in the web layer (not in the storefront) so that feature apps can render pages without
importing the shell that composes them.
"""

from __future__ import annotations

import json
import re
from functools import wraps
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def hx_redirect(url: str) -> HttpResponse:
    """Send an HTMX request's page (not its target) to another URL."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect that works for normal and HTMX requests alike."""
    return hx_redirect(url) if is_htmx(request) else HttpResponseRedirect(url)


def login_required(view):
    """Like Django's, but an HTMX request gets `HX-Redirect` so the whole page goes to the login."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        next_url = request.get_full_path()
        if is_htmx(request):
            next_url = request.headers.get("HX-Current-URL") or next_url
            next_url = safe_url(request, next_url, "/")
            return hx_redirect(f"{resolve_url(settings.LOGIN_URL)}?next={quote(next_url, safe='/')}")
        return redirect_to_login(next_url)

    return wrapper


def staff_required(view):
    """Operator pages: the login first, then 404 for anyone not staff (the same answer as an unknown page)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def safe_url(request: HttpRequest, url: str | None, default: str) -> str:
    """`url` if it stays on this site (no open redirects), else `default`. Absolute same-host URLs
    are reduced to their path."""
    if not url:
        return default
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return default
    if url.startswith(("http://", "https://")):
        parts = urlsplit(url)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
    return url or default


def next_url(request: HttpRequest, default: str = "/") -> str:
    return safe_url(request, request.POST.get("next") or request.GET.get("next"), default)


def trigger(response: HttpResponse, **events) -> HttpResponse:
    """Add HTMX client events (HX-Trigger), e.g. trigger(resp, **{"qz:toast": {...}})."""
    existing = json.loads(response.get("HX-Trigger", "{}") or "{}")
    existing.update(events)
    response["HX-Trigger"] = json.dumps(existing, ensure_ascii=True)
    return response


def int_or_none(value) -> int | None:
    """A whole number (ASCII digits, within a BIGINT's range) from a form or query string, else None: a
    40-digit or non-numeric id is then simply "no such object"."""
    text = str(value).strip() if value is not None else ""
    if not re.fullmatch(r"[+-]?[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if -(2**63) <= number < 2**63 else None


def client_ip(request: HttpRequest) -> str:
    """The client's address, behind a trusted proxy too (core.client_address)."""
    from quanzi.core.client_address import client_ip as real_client_ip

    return real_client_ip(request)


def error_context(exc) -> dict:
    """What a form shows for a DomainError: its message and per-field messages."""
    fields = {k: str(v) for k, v in (getattr(exc, "fields", None) or {}).items()}
    return {"error": exc.message, "error_code": getattr(exc, "code", ""), "field_errors": fields}


def address_first(request: HttpRequest, *, back_to: str) -> HttpResponse:
    """The shopper has no delivery address yet: open the address form, and once one is saved send them
    back to `back_to` (the group, bargain or live room they were buying from) instead of leaving them
    on the address book. HTMX requests get the same through HX-Redirect."""
    from django.contrib import messages
    from django.urls import reverse
    from django.utils.translation import gettext as _

    messages.info(request, _("Add a delivery address first; you will be brought back right after."))
    url = f"{reverse('storefront:addresses')}?next={quote(back_to, safe='/')}"
    return hx_redirect(url) if is_htmx(request) else HttpResponseRedirect(url)
