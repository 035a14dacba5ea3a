"""The flash-sale fast path: `POST /api/v1/flash/purchase` answered in front of Django.

At the start of a sale thousands of attempts arrive in a second and nearly all must be refused. Through
Django each attempt would pay for the middleware stack, a session read and a user read before its
first real check. Here the same endpoint (same body, same answers, same error shape) runs on the
event loop: the token is verified by its signature, the window comes from the process cache, and with
the Redis gate the one Lua script decides — a refusal costs no thread and no database connection.
Only admitted attempts go to a worker thread for the reservation and the order. Everything else, and
this path too when QUANZI["FLASH_FAST_PATH"] is off, goes to Django (flashsale.api.purchase).
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.utils import translation

from quanzi.core.errors import DomainError
from quanzi.core.http import error_body
from quanzi.core.language import language_of_scope

logger = logging.getLogger("quanzi.flashsale")
PATH = "/api/v1/flash/purchase"
MAX_BODY = 4096


class FlashFastPath:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST" \
                or not settings.QUANZI.get("FLASH_FAST_PATH", True):
            return await self.app(scope, receive, send)
        body, too_big = await _read_body(receive)
        with translation.override(_language(scope)):
            status, payload = await _handle(scope, body, too_big)
        data = json.dumps(payload, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                                (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": data})


async def _read_body(receive) -> tuple[bytes, bool]:
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= MAX_BODY:
            chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks), size > MAX_BODY


async def _handle(scope, body: bytes, too_big: bool) -> tuple[int, dict]:
    from quanzi.flashsale.purchase import apurchase

    if too_big:
        return 413, error_body("payload_too_large", translation.gettext("The request body is too large."))
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return 400, error_body("invalid_json", translation.gettext("The request body is not valid JSON."))
    if not isinstance(data, dict):
        return 400, error_body("validation_error", translation.gettext("Some fields are invalid."), {"body": "object"})
    from quanzi.core.client_address import client_ip_from_scope

    ip = client_ip_from_scope(scope)  # the real client behind a trusted proxy
    try:
        result = await apurchase(token=data.get("token"), quantity=data.get("quantity", 1), ip=ip)
    except DomainError as exc:
        return exc.status, exc.as_dict()
    except Exception:  # never a bare 500 page: log it and answer in the one shape
        logger.exception("flash purchase failed")
        return 500, error_body("server_error", translation.gettext("Something went wrong. Please try again."))
    return 201, result.as_dict()  # no I/O: the pay URL is built from settings


def _language(scope) -> str:
    """The visitor's chosen language (cookie), else Accept-Language, else the site default."""
    return language_of_scope(scope)
