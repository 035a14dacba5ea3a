"""Cross-cutting request middleware: the visitor's language (core.language), NUL characters, …"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers

from quanzi.core.http import error_response
from quanzi.core.language import preferred_language


def _chosen_language(request) -> str:
    return preferred_language(cookie=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
                              accept_language=request.headers.get("Accept-Language", ""))


class ChosenLanguageMiddleware:
    """The language the visitor chose (cookie), else their browser's (Accept-Language), else zh-Hans."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _chosen_language(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards, even for nested in-process requests
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
            patch_vary_headers(response, ("Accept-Language",))  # caches must not serve one language to all
        return response


class RejectNulCharactersMiddleware:
    """No text with a NUL character reaches the database (PostgreSQL refuses it with a 500).

    Checked once at the edge for the path, the query string, form fields and JSON bodies, so every
    view and API operation is covered: 400 in the error shape under /api/, a plain 400 elsewhere.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    # Provider callbacks must always get the provider's own answer ("failure"), never our 400;
    # their handlers sanitise what they store.
    EXEMPT_PREFIXES = ("/api/v1/payments/notify/",)

    def __call__(self, request):
        if not request.path.startswith(self.EXEMPT_PREFIXES) and self._has_nul(request):
            if request.path.startswith("/api/"):
                return error_response(400, "invalid_characters", "The request contains a NUL character.")
            return HttpResponseBadRequest("The request contains a NUL character.")
        return self.get_response(request)

    def _has_nul(self, request) -> bool:
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
            return True
        if request.method not in ("POST", "PUT", "PATCH"):
            return False
        if request.content_type in self.FORM_TYPES:
            return any("\x00" in k or "\x00" in v for k, vs in request.POST.lists() for v in vs)
        body = request.body
        return b"\x00" in body or b"\\u0000" in body


# ---------------------------------------------------------------- the error shape for every /api/ answer

API_PREFIX = "/api/"
STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 406: "not_acceptable", 408: "request_timeout", 409: "conflict",
                411: "length_required", 413: "payload_too_large", 414: "uri_too_long",
                415: "unsupported_media_type", 422: "business_rule", 429: "rate_limited",
                500: "internal_error", 502: "bad_gateway", 503: "unavailable", 504: "gateway_timeout"}
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Content-Language", "Vary")


def _status_message(status: int) -> str:
    from django.utils.translation import gettext

    messages = {
        400: gettext("The request could not be understood."),
        401: gettext("Log in first."),
        403: gettext("You may not do this."),
        404: gettext("Not found."),
        405: gettext("This method is not allowed here."),
        413: gettext("The request body is too large."),
        429: gettext("Too many requests. Try again later."),
    }
    if status >= 500:
        return gettext("Something went wrong on our side.")
    return messages.get(status, gettext("The request could not be handled."))


def _too_large(request) -> bool:
    """Content-Length above what this kind of body may be: QUANZI_MAX_REQUEST_BYTES for uploads
    (multipart), DATA_UPLOAD_MAX_MEMORY_SIZE for everything else (forms, JSON)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    if request.content_type == "multipart/form-data":
        limit = settings.QUANZI.get("MAX_REQUEST_BYTES") or 0
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return bool(limit) and length > limit


class ApiErrorMiddleware:
    """Under /api/ every error is the one JSON shape `{"error": {"code", "message", "fields"}}` with its
    status — including what is answered outside the API's own handlers: an unknown path or an encoded
    slash that matches no route (Django's 404 page, its debug page in dev), a method an operation does
    not take (405, `Allow` kept), a body too large (413, refused by its Content-Length before anything
    reads it; pages get an HTML 413), Django's 400 and 500 pages. Pages keep their HTML error pages.

    First in MIDDLEWARE, so it sees what every other middleware answers. Deliberate non-JSON answers are
    left alone: only HTML error pages are replaced (a provider callback's `text/plain` "failure" stays).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith(API_PREFIX)
        if _too_large(request):
            with translation.override(_chosen_language(request)):
                return self._too_large_response(request, is_api)
        response = self.get_response(request)
        if is_api and response.status_code >= 400 and self._is_html_error(response):
            with translation.override(getattr(request, "LANGUAGE_CODE", None) or _chosen_language(request)):
                return self._as_error_shape(response)
        return response

    @staticmethod
    def _is_html_error(response) -> bool:
        if getattr(response, "streaming", False):
            return False
        content_type = (response.get("Content-Type") or "").lower()
        return content_type.startswith("text/html") or not content_type

    @staticmethod
    def _as_error_shape(response):
        status = response.status_code
        fields = {"allow": response["Allow"]} if status == 405 and "Allow" in response else None
        shaped = error_response(status, STATUS_CODES.get(status, "http_error"), _status_message(status), fields)
        for name in KEPT_HEADERS:
            if name in response and name not in shaped:
                shaped[name] = response[name]
        return shaped

    @staticmethod
    def _too_large_response(request, is_api: bool):
        from django.http import HttpResponse
        from django.utils.html import escape
        from django.utils.translation import gettext

        # The body is never read; the connection cannot be reused for another request.
        if is_api:
            response = error_response(413, "payload_too_large", _status_message(413))
        else:  # a plain page: this answer comes before sessions and users exist for the request
            html = (f'<!doctype html><html lang="{escape(translation.get_language())}"><meta charset="utf-8">'
                    f"<title>413</title><h1>{escape(_status_message(413))}</h1>"
                    f"<p>{escape(gettext('Send a smaller file or fewer files at once.'))}</p>"
                    f'<p><a href="/">圈子 Quanzi</a></p></html>')
            response = HttpResponse(html, status=413)
        response["Connection"] = "close"
        return response


# ---------------------------------------------------------------- Content-Security-Policy


class ContentSecurityPolicyMiddleware:
    """Adds the policy of core.csp to every response that does not carry one (QUANZI_CSP_MODE: enforce,
    report-only, off). Cheap: a few string joins per response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from quanzi.core import csp

        name = csp.header_name()
        if name and "Content-Security-Policy" not in response and "Content-Security-Policy-Report-Only" not in response:
            response[name] = csp.build_policy()
        return response


# ---------------------------------------------------------------- WebSocket origins (ASGI)

CLOSE_FORBIDDEN_ORIGIN = 4403


def allowed_websocket_origins() -> list[str]:
    """SITE_URL's origin, plus QUANZI_WS_ALLOWED_ORIGINS — or, when that is empty, the ALLOWED_HOSTS
    names. "*" never counts: with ALLOWED_HOSTS=* only SITE_URL's origin is listed, and a handshake is
    otherwise allowed only from the same origin (see `same_origin`)."""
    from quanzi.core.csp import origin_of

    allowed = [origin_of(settings.QUANZI.get("SITE_URL", ""))]
    extra = settings.QUANZI.get("WS_ALLOWED_ORIGINS") or [h for h in settings.ALLOWED_HOSTS if h]
    allowed += [entry.strip().lower() for entry in extra if entry.strip() and "*" not in entry]
    return [entry for entry in allowed if entry]


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    """`origin` is a browser's Origin header. An allowed entry is a full origin (`https://a.example.com`,
    matched exactly, port included) or a host name (`a.example.com`, any port, http or https;
    `.example.com` also matches its subdomains)."""
    from urllib.parse import urlsplit

    origin = (origin or "").strip().lower()
    try:
        parts = urlsplit(origin)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or parts.path or parts.query:
        return False
    normalised = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    for entry in allowed:
        entry = entry.lower().rstrip("/")
        if "://" in entry:
            if normalised == entry:
                return True
        elif entry.startswith("."):
            if host == entry[1:] or host.endswith(entry):
                return True
        elif host == _host_of(entry):
            return True
    return False


def same_origin(origin: str, host: str) -> bool:
    """The page that opens the socket was served by the host the socket connects to: the Origin's
    host and port equal the handshake's Host header (a browser sets both; a foreign page cannot)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit((origin or "").strip().lower())
        origin_host, origin_port = parts.hostname or "", parts.port
        target = urlsplit("//" + (host or "").strip().lower())
        host_name, host_port = target.hostname or "", target.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not origin_host or parts.path or parts.query:
        return False
    default = 443 if parts.scheme == "https" else 80
    return origin_host == host_name and (origin_port or default) == (host_port or default)


def websocket_origin_allowed(origin: str, host: str) -> bool:
    """The rule WebSocketOriginCheck applies: a listed origin; or, only when ALLOWED_HOSTS is "*" (which
    lists nothing), the same origin as the handshake's Host."""
    if origin_allowed(origin, allowed_websocket_origins()):
        return True
    return "*" in settings.ALLOWED_HOSTS and same_origin(origin, host)


def _host_of(entry: str) -> str:
    """The host of an allowed-host entry: `shop.example.com`, `shop.example.com:8000`, `[::1]`, `[::1]:80`."""
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    return entry.split(":", 1)[0] if entry.count(":") == 1 else entry


class WebSocketOriginCheck:
    """ASGI middleware in front of every WebSocket route (config/asgi.py): a handshake whose Origin is
    not allowed (`websocket_origin_allowed`; a missing one is refused too: browsers always send one) is
    accepted and closed at once with 4403, so the page sees the same code as any other refusal, and
    nothing of the room is sent. Cross-site pages can therefore never drive a visitor's logged-in socket.
    HTTP passes through untouched."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "websocket":
            return await self.app(scope, receive, send)
        headers = {}
        for name, value in scope.get("headers") or []:
            if name in (b"origin", b"host"):
                headers.setdefault(name, value.decode("latin-1"))
        origin = headers.get(b"origin", "")
        if websocket_origin_allowed(origin, headers.get(b"host", "")):
            return await self.app(scope, receive, send)
        import logging

        logging.getLogger("quanzi.security").warning("WebSocket from a foreign origin refused: %r on %s",
                                                     origin[:200], scope.get("path", ""))
        message = await receive()
        if message.get("type") == "websocket.connect":
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_FORBIDDEN_ORIGIN})
