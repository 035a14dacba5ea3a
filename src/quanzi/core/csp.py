"""The Content-Security-Policy every page is served with (core.middleware.ContentSecurityPolicyMiddleware).

Scripts run only from our own static files: no inline `<script>` blocks, no `on…=` attributes, no
`javascript:` URLs, no eval. Page code reads its data from `data-*` attributes or a `json_script`
block (`type="application/json"`, which is data, not script). HTMX works under it: it needs no eval for
the attributes Quanzi uses (`hx-get/post`, `hx-target`, `hx-swap`, `hx-trigger` without `[…]` filters,
JSON `hx-headers`/`hx-vals`).

Styles keep `'unsafe-inline'`: templates set computed sizes in `style="…"` attributes (progress bars,
swatches) and HTMX inserts its indicator `<style>`. Inline styles cannot run script; the remaining risk
(CSS-based data exfiltration) needs an injection that output escaping already prevents.

Other apps add the origins they need (the live room's WebSocket and media servers, a payment
gateway a form posts to) by registering `fn() -> {directive: [source, …]}` into `csp_sources` from
their `AppConfig.ready()`; operators add theirs with `QUANZI_CSP_EXTRA`. docs/deployment.md has it all.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings

from quanzi.core.registry import Registry

csp_sources: Registry[Callable[[], dict[str, list[str]]]] = Registry(
    "core.csp.csp_sources", keyed=True, owner=__name__,
    doc="Origins an app's pages need in the Content-Security-Policy: `fn() -> {directive: [source, …]}` "
        "(live streams and WebSockets, payment gateways).")

BASE_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],  # hls.js transmuxes in a worker it builds from a blob
    "object-src": ["'none'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
MODES = ("enforce", "report-only", "off")
NEVER_IN_SCRIPTS = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")


def origin_of(url: str, *, websocket: bool = False) -> str:
    """`https://cdn.example.com` from a URL ("" for a relative one); `websocket` maps http(s) to ws(s)."""
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return ""
    scheme = parts.scheme
    if websocket:
        scheme = {"http": "ws", "https": "wss"}.get(scheme, scheme)
    return f"{scheme}://{parts.netloc}"


def parse_extra(text: str) -> dict[str, list[str]]:
    """`"img-src https://cdn.example.com; connect-src wss://ws.example.com"` → {directive: [sources]}."""
    extra: dict[str, list[str]] = {}
    for part in (text or "").split(";"):
        words = part.split()
        if len(words) >= 2:
            extra.setdefault(words[0].lower(), []).extend(words[1:])
    return extra


def build_policy() -> str:
    """The policy string: the base, MEDIA_URL's origin (object storage or a CDN), what apps registered and
    QUANZI_CSP_EXTRA. Script sources never include inline code, eval or a scheme wildcard."""
    policy = {name: list(sources) for name, sources in BASE_POLICY.items()}
    additions: list[dict[str, list[str]]] = []
    media = origin_of(getattr(settings, "MEDIA_URL", "") or "")
    if media:
        additions.append({"img-src": [media], "media-src": [media]})
    additions += [provider() or {} for provider in csp_sources]
    additions.append(parse_extra(settings.QUANZI.get("CSP_EXTRA", "")))
    for addition in additions:
        for name, sources in addition.items():
            target = policy.setdefault(name, [])
            for source in sources:
                if not source or (name == "script-src" and source.lower() in NEVER_IN_SCRIPTS):
                    continue
                if source not in target:
                    target.append(source)
    report = settings.QUANZI.get("CSP_REPORT_URI", "")
    parts = [f"{name} {' '.join(sources)}" for name, sources in policy.items() if sources]
    if report:
        parts.append(f"report-uri {report}")
    return "; ".join(parts)


def header_name() -> str | None:
    """`Content-Security-Policy`, its `-Report-Only` variant, or None when QUANZI_CSP_MODE is "off"."""
    mode = settings.QUANZI.get("CSP_MODE", "enforce")
    if mode == "off":
        return None
    return "Content-Security-Policy-Report-Only" if mode == "report-only" else "Content-Security-Policy"
