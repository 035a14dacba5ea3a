"""The HTTP edge shared by every API router: the one error shape, idempotency, cursor pages."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, JsonResponse

from quanzi.core.errors import DomainError, ValidationFailed

logger = logging.getLogger("quanzi.http")


def money_json(amount: int) -> dict:
    """Money in API answers: integer fen plus the currency (CONVENTIONS.md)."""
    return {"amount": amount, "currency": "CNY"}


def iso(value) -> str | None:
    """A datetime in API answers (ISO 8601), or None."""
    return value.isoformat() if value else None


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status,
                        json_dumps_params={"ensure_ascii": False})


def validation_fields(errors: list[dict]) -> dict[str, str]:
    """Turn pydantic/ninja error lists into {"field.path": "message"}."""
    fields: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form", "file", "payload")]
        fields[".".join(loc) or "body"] = err.get("msg", "invalid")
    return fields


def install_error_handlers(api: Any) -> None:
    """Make a NinjaAPI answer every error in the one shape, never with a 500 for bad input."""
    from ninja.errors import AuthenticationError, HttpError
    from ninja.errors import ValidationError as NinjaValidationError

    @api.exception_handler(DomainError)
    def _domain(request, exc: DomainError):
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def _validation(request, exc):
        return error_response(400, "validation_error", "Some fields are invalid.", validation_fields(exc.errors))

    @api.exception_handler(OverflowError)
    def _overflow(request, exc):
        return error_response(400, "validation_error", "A number is out of range.")

    @api.exception_handler(AuthenticationError)
    def _auth(request, exc):
        return error_response(401, "not_authenticated", "Log in first.")

    @api.exception_handler(HttpError)
    def _http(request, exc):
        if isinstance(exc.__cause__, DomainError):  # the parser refused the body (quanzi.web.input.ApiParser)
            cause = exc.__cause__
            return error_response(cause.status, cause.code, cause.message, cause.fields)
        if exc.status_code == 403 and "csrf" in str(exc).lower():
            return error_response(403, "csrf_failed", "The CSRF token is missing or wrong.")
        if exc.status_code == 400 and "parse request body" in str(exc).lower():
            return error_response(400, "malformed_json", "The request body is not valid JSON.")
        return error_response(exc.status_code, "http_error", str(exc))

    @api.exception_handler(Http404)
    def _404(request, exc):
        return error_response(404, "not_found", "Not found.")

    @api.exception_handler(json.JSONDecodeError)
    def _json(request, exc):
        return error_response(400, "malformed_json", "The request body is not valid JSON.")

    from django.core.exceptions import (
        RequestDataTooBig,
        SuspiciousOperation,
        TooManyFieldsSent,
        TooManyFilesSent,
    )
    from django.db import DataError, OperationalError

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request, exc):
        """Bodies Django refuses to parse (a form with more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields…)."""
        if isinstance(exc, RequestDataTooBig):
            return error_response(413, "payload_too_large", "The request body is too large.")
        if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
            return error_response(400, "too_many_fields", "The request has too many fields.")
        return error_response(400, "malformed_body", "The request body could not be read.")

    @api.exception_handler(DataError)
    def _data_error(request, exc):
        """A value the database refuses (a number beyond its column's range) is bad input, not a 500."""
        logger.warning("database refused a value on %s %s: %s", request.method, request.path, exc)
        return error_response(400, "validation_error", "A value is out of range.")

    @api.exception_handler(OperationalError)
    def _db_busy(request, exc):
        if "deadlock" in str(exc).lower() or "could not serialize" in str(exc).lower() or "locked" in str(exc).lower():
            logger.warning("database contention on %s %s: %s", request.method, request.path, exc)
            response = error_response(503, "busy", "The shop is very busy; please try again.")
            response["Retry-After"] = "1"
            return response
        logger.exception("database error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")


def _hash_body(request: HttpRequest) -> str:
    return hashlib.sha256(request.body or b"").hexdigest()


def idempotent(scope: str) -> Callable:
    """Decorate a Ninja operation so a retry with the same Idempotency-Key replays the first result.

    The operation and the record commit in one transaction; a concurrent duplicate blocks on the
    unique (scope, key) index, fails, and then replays the winner's stored response. A reused key
    with a different body answers 409.
    """
    from quanzi.core.models import IdempotencyRecord

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(request: HttpRequest, *args, **kwargs):
            key = request.headers.get("Idempotency-Key", "").strip()
            if not key:
                return fn(request, *args, **kwargs)
            if len(key) > 200:
                raise ValidationFailed("Idempotency-Key is too long (200 characters at most).",
                                       fields={"Idempotency-Key": "too long"})
            user_id = getattr(getattr(request, "auth", None), "pk", None) or getattr(request.user, "pk", None)
            full_scope = f"{scope}:{user_id or 'anon'}"
            body_hash = _hash_body(request)
            replay = _replay(full_scope, key, body_hash)
            if replay is not None:
                return replay
            try:
                with transaction.atomic():
                    request.idempotent_transaction = True  # see in_idempotent_transaction
                    status, body = _call_json(fn, request, *args, **kwargs)
                    if status >= 500 or status == 409 and body.get("error", {}).get("code") == "idempotency_key_reused":
                        return JsonResponse(body, status=status)
                    IdempotencyRecord.objects.create(scope=full_scope, key=key, request_hash=body_hash,
                                                     status_code=status, response_body=body)
            except DomainError as exc:
                # A retry that raced the first request (and lost the stock it took) replays it.
                replay = _replay(full_scope, key, body_hash)
                if replay is not None:
                    return replay
                return error_response(exc.status, exc.code, exc.message, exc.fields)
            except IntegrityError:
                replay = _replay(full_scope, key, body_hash)
                if replay is not None:
                    return replay
                raise
            return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})

        return wrapper

    return decorate


def in_idempotent_transaction(request: HttpRequest) -> bool:
    """Whether `@idempotent` opened a transaction for this request's operation alone (a key was sent):
    the operation may then join it without a savepoint, since any error aborts it whole."""
    return bool(getattr(request, "idempotent_transaction", False))


def _call_json(fn: Callable, request: HttpRequest, *args, **kwargs) -> tuple[int, dict]:
    """Run the operation and turn its result into (status, JSON body) for storing.

    Domain errors propagate and roll the operation back; they are not stored, so a retry after
    `out_of_stock` runs again (and may succeed once stock is back)."""
    from ninja.responses import NinjaJSONEncoder

    result = fn(request, *args, **kwargs)
    status = 200
    if isinstance(result, tuple):
        status, result = result
    if hasattr(result, "model_dump"):
        result = result.model_dump(mode="json")
    body = json.loads(json.dumps(result, cls=NinjaJSONEncoder))
    return status, body


def _replay(scope: str, key: str, body_hash: str) -> JsonResponse | None:
    from quanzi.core.models import IdempotencyRecord

    record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if record is None:
        return None
    if record.request_hash != body_hash:
        return error_response(409, "idempotency_key_reused",
                              "This Idempotency-Key was already used with a different request.")
    response = JsonResponse(record.response_body, status=record.status_code,
                            json_dumps_params={"ensure_ascii": False})
    response["Idempotent-Replay"] = "true"
    return response


def encode_cursor(value: int) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("The cursor is not valid.", fields={"cursor": "invalid"})


def cursor_page(queryset, *, cursor: str | None, limit: int, key: str = "id") -> tuple[list, str | None]:
    """Keyset pagination, newest first, on a unique integer column. Returns (items, next_cursor)."""
    limit = max(1, min(int(limit or 20), 100))
    after = decode_cursor(cursor)
    if after is not None:
        queryset = queryset.filter(**{f"{key}__lt": after})
    items = list(queryset.order_by(f"-{key}")[: limit + 1])
    next_cursor = encode_cursor(getattr(items[limit - 1], key)) if len(items) > limit else None
    return items[:limit], next_cursor


BOT_AGENT = re.compile(r"bot|spider|crawl|slurp|curl|wget|python-|httpclient|headless|scrapy|java/|go-http",
                       re.IGNORECASE)


def is_bot_agent(user_agent: str) -> bool:
    """Whether a User-Agent is automated traffic (crawlers, scripts, headless browsers) or missing: such
    requests are not billed (ad clicks) and not counted (analytics beacons)."""
    agent = (user_agent or "").strip()
    return not agent or bool(BOT_AGENT.search(agent))


def client_fingerprint(request: HttpRequest) -> dict[str, str]:
    """Who is asking, coarsely, for fraud signals (share clicks, attributed orders): the client IP and
    a hash of the browser's headers. Set server-side on checkout contexts; never trusted from the body."""
    from quanzi.core.client_address import client_ip

    agent = request.META.get("HTTP_USER_AGENT", "") + "|" + request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    return {"ip": client_ip(request),  # the real client behind a trusted proxy (core.client_address)
            "device": hashlib.sha256(agent.encode("utf-8", "replace")).hexdigest()[:16]}
