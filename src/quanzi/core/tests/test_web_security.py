"""Issue 12's web-security defects: the client address behind a trusted proxy (core.client_address), the
Content-Security-Policy on every page with no inline script anywhere (core.csp), and WebSocket origins
checked even when ALLOWED_HOSTS is "*" (core.middleware.WebSocketOriginCheck)."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.test import Client, RequestFactory

from quanzi.core import csp
from quanzi.core.client_address import client_ip, client_ip_from_scope, parse_address, resolve_client_ip
from quanzi.core.middleware import CLOSE_FORBIDDEN_ORIGIN, WebSocketOriginCheck, origin_allowed, same_origin

SRC = Path(__file__).resolve().parents[2]  # src/quanzi
PROXIES = tuple(ipaddress.ip_network(n) for n in ("10.0.0.5/32", "10.1.0.0/16", "::1/128"))


# ---------------------------------------------------------------- the client address

@pytest.mark.parametrize("peer,header,expected", [
    ("203.0.113.9", None, "203.0.113.9"),  # no proxy in front
    ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # an untrusted peer's header is its own words
    ("10.0.0.5", "198.51.100.1", "198.51.100.1"),  # nginx appended the client it saw
    ("10.0.0.5", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the forged left part is never read
    ("10.0.0.5", "198.51.100.1, 10.1.2.3", "198.51.100.1"),  # two trusted hops: skipped right to left
    ("10.0.0.5", "10.1.2.3, 10.1.0.9", "10.1.2.3"),  # only proxies: the leftmost one
    ("10.0.0.5", "not-an-ip, 198.51.100.1", "198.51.100.1"),
    ("10.0.0.5", "198.51.100.1, garbage", "10.0.0.5"),  # an unreadable hop stops at the last good one
    ("10.0.0.5", "198.51.100.1:5123", "198.51.100.1"),  # with a port
    ("10.0.0.5", "[2001:db8::7]:443", "2001:db8::7"),
    ("::1", "::ffff:198.51.100.1", "198.51.100.1"),  # IPv4-mapped IPv6
    ("10.0.0.5", "", "10.0.0.5"),
])
def test_the_client_is_the_right_most_untrusted_hop(peer, header, expected):
    assert resolve_client_ip(peer, header, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_ignored():
    assert resolve_client_ip("10.0.0.5", "198.51.100.1", ()) == "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.QUANZI = {**settings.QUANZI, "TRUSTED_PROXIES": ["10.0.0.5"], "CLIENT_IP_HEADER": "X-Real-IP"}


def test_the_configured_header_is_read_for_requests_and_asgi_scopes(behind_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_REAL_IP="198.51.100.1",
                                   HTTP_X_FORWARDED_FOR="6.6.6.6")
    scope = {"client": ("10.0.0.5", 4000), "headers": [(b"x-real-ip", b"198.51.100.1"),
                                                       (b"x-forwarded-for", b"6.6.6.6")]}

    assert client_ip(request) == "198.51.100.1"
    assert client_ip_from_scope(scope) == "198.51.100.1"
    assert client_ip_from_scope({"client": ("203.0.113.1", 1), "headers": [(b"x-real-ip", b"1.2.3.4")]}) \
        == "203.0.113.1"


def test_a_unix_socket_peer_is_trusted_only_when_configured(settings):
    settings.QUANZI = {**settings.QUANZI, "TRUSTED_PROXIES": [], "CLIENT_IP_HEADER": "X-Forwarded-For"}
    scope = {"client": None, "headers": [(b"x-forwarded-for", b"198.51.100.1")]}
    assert client_ip_from_scope(scope) == ""
    settings.QUANZI = {**settings.QUANZI, "TRUSTED_PROXIES": ["unix"]}
    assert client_ip_from_scope(scope) == "198.51.100.1"


@pytest.mark.parametrize("value", ["", "x" * 100, "999.1.1.1", "1.2.3", "[nope]:80", "\x00"])
def test_unreadable_addresses_are_none(value):
    assert parse_address(value) is None


def test_a_bad_trusted_proxy_entry_fails_the_system_check(settings):
    from quanzi.core.checks import security_settings

    settings.QUANZI = {**settings.QUANZI, "TRUSTED_PROXIES": ["10.0.0.0/8", "nginx"]}

    assert [e.id for e in security_settings(None)] == ["quanzi.proxy.E001"]


# ---------------------------------------------------------------- Content-Security-Policy

def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/login/", "/register/", "/definitely/not/here/", "/api/v1/catalog/products"])
def test_every_response_carries_a_policy_without_inline_script(path):
    response = Client().get(path)

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and "'self'" in policy["form-action"]


def test_sources_that_apps_and_operators_add_never_open_scripts(settings):
    settings.MEDIA_URL = "https://cdn.example.com/media/"
    settings.QUANZI = {**settings.QUANZI, "CSP_EXTRA": "script-src 'unsafe-inline' https: https://js.example.com; "
                                                      "connect-src wss://ws.example.com",
                       "CSP_REPORT_URI": "/csp-report"}

    policy = directives(csp.build_policy())

    assert policy["script-src"] == ["'self'", "https://js.example.com"]
    assert "https://cdn.example.com" in policy["img-src"] and "wss://ws.example.com" in policy["connect-src"]
    assert policy["report-uri"] == ["/csp-report"]


@pytest.mark.django_db
def test_report_only_and_off_modes(settings):
    settings.QUANZI = {**settings.QUANZI, "CSP_MODE": "report-only"}
    response = Client().get("/login/")
    assert "Content-Security-Policy" not in response and "Content-Security-Policy-Report-Only" in response

    settings.QUANZI = {**settings.QUANZI, "CSP_MODE": "off"}
    response = Client().get("/login/")
    assert "Content-Security-Policy" not in response and "Content-Security-Policy-Report-Only" not in response


def test_an_unknown_csp_mode_fails_the_system_check(settings):
    from quanzi.core.checks import security_settings

    settings.QUANZI = {**settings.QUANZI, "CSP_MODE": "sometimes"}

    assert [e.id for e in security_settings(None)] == ["quanzi.csp.E001"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
HTMX_EVAL = re.compile(r"""\bhx-on\b|hx-on[:-]|hx-vals\s*=\s*["']\s*js:|hx-trigger\s*=\s*["'][^"']*\[""", re.I)


def test_no_template_has_inline_script_handlers_or_javascript_urls():
    """What the policy would block: every template (of every app) is clean, so every page still works."""
    offenders = []
    for path in sorted(SRC.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for name, pattern in (("inline <script>", INLINE_SCRIPT), ("on…= handler", INLINE_HANDLER),
                              ("javascript: URL", JS_URL), ("htmx eval", HTMX_EVAL)):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(SRC)}:{line}: {name}: {match.group(0)[:80]}")

    assert offenders == []


def test_the_template_scan_would_catch_each_kind():
    samples = ['<script>alert(1)</script>', '<button class="x" onclick="go()">', '<a href="javascript:history.back()">',
               '<div hx-on:click="x()">']
    patterns = (INLINE_SCRIPT, INLINE_HANDLER, JS_URL, HTMX_EVAL)
    assert all(p.search(s) for p, s in zip(patterns, samples, strict=True))
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script><script type="application/json">')
    assert not INLINE_HANDLER.search('<section class="x" data-component="button" action="/x">')


# ---------------------------------------------------------------- WebSocket origins

async def _accepting_app(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": "welcome"})


def handshake(origin: str | None, host: str = "testserver") -> dict:
    """The first frame the client gets: {"type": "websocket.send", ...} when let in, a close otherwise."""
    from channels.testing import WebsocketCommunicator

    headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin is not None else [])

    async def run():
        comm = WebsocketCommunicator(WebSocketOriginCheck(_accepting_app), "/ws/live/123456/", headers=headers)
        await comm.connect()
        frame = await comm.receive_output(timeout=2)
        await comm.disconnect()
        return frame

    return async_to_sync(run)()


@pytest.fixture
def wildcard_hosts(settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.QUANZI = {**settings.QUANZI, "SITE_URL": "https://shop.example.com", "WS_ALLOWED_ORIGINS": []}


def test_with_allowed_hosts_star_only_the_same_origin_gets_in(wildcard_hosts):
    assert handshake("https://shop.example.com", host="shop.example.com")["type"] == "websocket.send"
    assert handshake("http://192.168.1.5:8000", host="192.168.1.5:8000")["type"] == "websocket.send"

    for origin, host in [("https://evil.example", "shop.example.com"), ("http://shop.example.com:8001",
                         "shop.example.com:8000"), ("null", "shop.example.com"), (None, "shop.example.com")]:
        assert handshake(origin, host=host) == {"type": "websocket.close", "code": CLOSE_FORBIDDEN_ORIGIN}, origin


def test_listed_hosts_and_origins_get_in_and_no_one_else(settings):
    settings.ALLOWED_HOSTS = ["shop.example.com", ".example.org"]
    settings.QUANZI = {**settings.QUANZI, "SITE_URL": "https://shop.example.com", "WS_ALLOWED_ORIGINS": []}

    assert handshake("https://shop.example.com", host="ws.example.com")["type"] == "websocket.send"
    assert handshake("https://m.example.org")["type"] == "websocket.send"
    # same origin does not count when ALLOWED_HOSTS lists names: the Host could be anything (DNS rebinding)
    assert handshake("https://rebound.example", host="rebound.example")["code"] == CLOSE_FORBIDDEN_ORIGIN

    settings.QUANZI = {**settings.QUANZI, "WS_ALLOWED_ORIGINS": ["https://app.example.net"]}
    assert handshake("https://app.example.net")["type"] == "websocket.send"
    assert handshake("http://app.example.net")["code"] == CLOSE_FORBIDDEN_ORIGIN  # a full origin: scheme too
    assert handshake("https://m.example.org")["code"] == CLOSE_FORBIDDEN_ORIGIN  # the list replaces the hosts


@pytest.mark.parametrize("origin", ["https://shop.example.com.evil.example", "https://evilshop.example.com",
                                    "https://shop.example.com/path", "ftp://shop.example.com",
                                    "https://shop.example.com:99999", "https://[::1"])
def test_look_alike_origins_are_refused(origin):
    assert origin_allowed(origin, ["https://shop.example.com", "shop.example.com"]) is False


def test_same_origin_compares_host_and_port():
    assert same_origin("https://a.example", "a.example:443") and same_origin("http://a.example:80", "a.example")
    assert not same_origin("https://a.example", "a.example:8443") and not same_origin("https://a.example", "")


def test_the_asgi_application_checks_websocket_origins():
    from config.asgi import application

    assert isinstance(application.application_mapping["websocket"], WebSocketOriginCheck)
