"""Where text enters: every form, query string, upload name and API JSON body goes through the rules of
`quanzi.core.text` here, once, before any view or API operation reads it — no field checks its own.

- `HostileInputMiddleware` (settings.MIDDLEWARE, before anything reads the request): query strings,
  form fields and uploaded files' names are checked and cleaned (bidirectional controls removed; a NUL
  refused — a lone surrogate cannot survive Django's UTF-8 decoding of forms, which replaces it). A
  form or query string with more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields, or a body Django refuses
  to parse, is a 400 (413 when too large) in the one error shape under /api/, a plain 400 elsewhere.
- `ApiParser` (the NinjaAPI's parser): JSON bodies are depth-bounded before parsing and every string,
  keys included, is checked (`core.text.loads`): a lone surrogate or NUL is 400 `invalid_characters`,
  deep nesting 400 `too_deeply_nested`, whatever the request's content type says.

Provider callbacks (payment notifications) are left alone: their handlers verify the signature over
the exact bytes and answer in the provider's own words.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from quanzi.core.errors import DomainError
from quanzi.core.http import error_response
from quanzi.core.text import check_text, loads, needs_cleaning

EXEMPT_PREFIXES = ("/api/v1/payments/notify/",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refusal(request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None) -> HttpResponse:
    """A refused request: the error shape under /api/ (and for JSON clients), a short text page elsewhere."""
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return error_response(status, code, message, fields)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _cleaned(data: QueryDict) -> QueryDict | None:
    """A cleaned copy of `data`, or None when nothing in it needs cleaning (the common case: no copy)."""
    if not any(needs_cleaning(key) or any(needs_cleaning(v) for v in values) for key, values in data.lists()):
        return None
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        copy.setlist(check_text(key, key), [check_text(v, key) for v in values])
    copy._mutable = False
    return copy


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(EXEMPT_PREFIXES):
            refused = self.clean(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def clean(self, request: HttpRequest) -> HttpResponse | None:
        try:
            cleaned = _cleaned(request.GET)
            if cleaned is not None:
                request.GET = cleaned
            if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.content_type in FORM_TYPES:
                cleaned = _cleaned(request.POST)
                if cleaned is not None:
                    request.POST = cleaned
                for upload in request.FILES.values():
                    if upload.name and needs_cleaning(upload.name):
                        upload.name = check_text(upload.name, "file")
        except (TooManyFieldsSent, TooManyFilesSent):
            return refusal(request, 400, "too_many_fields", _("The request has too many fields."))
        except RequestDataTooBig:
            return refusal(request, 413, "payload_too_large", _("The request body is too large."))
        except SuspiciousOperation:
            return refusal(request, 400, "malformed_body", _("The request body could not be read."))
        except DomainError as exc:
            return refusal(request, exc.status, exc.code, exc.message, exc.fields)
        return None


class ApiParser(Parser):
    """Ninja's JSON parser with the edge's rules (`core.text.loads`). A refusal reaches the API's error
    handlers as the cause of Ninja's "cannot parse" HttpError and is answered with its own code."""

    def parse_body(self, request: HttpRequest):
        return loads(request.body)
