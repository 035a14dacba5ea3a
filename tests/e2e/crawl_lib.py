"""The crawl a browser makes through Quanzi: shared by bench/crawl.py (a running demo) and
tests/e2e/test_e2e_crawl.py (the live test server).

From home (and /merchant/ for a merchant) it follows the same-site links breadth first, one page of
each kind (`page_kind`: /p/1/ stands for every product page), and for every page records what a user
would trip over: an HTTP error, a JavaScript error or console error, a page wider than the screen
(`document.documentElement.scrollWidth > innerWidth`, the sideways scroll a phone user hates) and,
where asked, axe-core's critical and serious violations (vendored in vendor/axe.min.js, MPL-2.0,
evaluated through DevTools so the page's Content-Security-Policy stays on: nothing is downloaded).

Links that change state are never followed: logout, anything under /i18n/, and every link whose path
ends in an action word (…/delete/, …/join/, …) — a crawl looks, it does not buy; /share/… (each visit
mints a share link, and is rate-limited) is left out too.
"""

from __future__ import annotations

import collections
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}
STATE_CHANGING = re.compile(
    r"/(logout|delete|remove|join|buy|start|help|open|cancel|confirm|pay|follow|block|like|favourite|"
    r"read-all|remind|end|approve|reject|advance-parcel|default|token|revoke)/?$|^/i18n/|^/admin/logout")
SKIP_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".svg", ".pdf", ".csv", ".zip", ".txt", ".xml", ".json")
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""


# Segments after these always name one object (a user, group, bargain, order, withdrawal, topic), whatever
# their characters: a random code may hold no digit at all (a bargain's ten characters from 31 have none
# about one time in twenty, and the crawl then took /b/zgmpqznbvn/ for a kind of page of its own).
NAMED_AFTER = {"u", "g", "b", "orders", "withdrawals", "rooms", "t"}


def page_kind(path: str) -> str:
    """One page of each kind is enough: the path with every segment that holds an id (a digit: /p/24/,
    /u/u8b660f89717c/), a percent-encoded name (/t/%E5%96%9D%E8%8C%B6/) or follows a segment of
    `NAMED_AFTER` (/b/zgmpqznbvn/, /t/desksetup/) as N."""
    parts = urlsplit(path).path.split("/")
    return "/".join("N" if segment and (re.search(r"[\d%]", segment) or (i and parts[i - 1] in NAMED_AFTER))
                    else segment for i, segment in enumerate(parts))


def same_site_paths(page, site: str) -> list[str]:
    """The page's links to this site that a crawl may follow (no state change, no file or download link, no
    share link)."""
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")  # no downloads
    paths = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        if not url.startswith(site):
            continue
        path = url[len(site):] or "/"
        bare = urlsplit(path).path
        if STATE_CHANGING.search(bare) or bare.endswith(SKIP_EXTENSIONS) or bare.startswith(("/media/", "/share/")):
            continue
        paths.append(path)
    return paths


def log_in(page, identifier: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_test_id("login-identifier").fill(identifier)
    page.get_by_test_id("login-password").fill(password)
    with page.expect_navigation():
        page.get_by_test_id("login-submit").click()
    if urlsplit(page.url).path.startswith("/login"):
        raise RuntimeError(f"could not log in as {identifier}")


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def axe_violations(page, source: str) -> list[dict]:
    """axe-core's critical and serious violations on the page: id, impact, node count, first targets."""
    page.evaluate(source)  # through DevTools: the page's CSP (no inline script) stays on
    return page.evaluate(AXE_RUN)


@dataclass
class CrawlResult:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    axe: collections.Counter = field(default_factory=collections.Counter)  # (impact, rule) → pages
    seconds: collections.Counter = field(default_factory=collections.Counter)  # "load" / "axe" → time spent


def crawl(context, *, site: str, label: str, start: tuple[str, ...] = ("/",), max_pages: int = 200,
          run_axe: Callable[[str, int], bool] = lambda path, n: False, skip_axe: Callable[[str], bool] = lambda p: False,
          logged_in: bool = False, result: CrawlResult | None = None) -> CrawlResult:
    """Crawl from `start` in `context` (already logged in, if it should be) and return what was seen.

    `run_axe(path, n)` says whether the n-th visited page (1-based) gets an axe run; `skip_axe(path)`
    leaves third-party pages out of it. `logged_in`: a page that sends the visitor to the login page is a
    problem (a link signed them out, or a page forgot who they are). Every problem is one line starting with `label`.
    """
    result = result if result is not None else CrawlResult()
    page = context.new_page()
    current = {"path": ""}
    page.on("pageerror", lambda exc: result.problems.append(f"{label} JS error on {current['path']}: {exc}"))

    def on_console(message) -> None:
        if message.type == "error":
            source = (message.location or {}).get("url", "").removeprefix(site)  # which file failed to load
            result.problems.append(f"{label} console error on {current['path']}: {message.text[:200]}"
                                   + (f" ({source})" if source and source != current["path"] else ""))

    page.on("console", on_console)
    queue = collections.deque(start)
    seen = {page_kind(path) for path in start}
    axe_source = ""
    visits = 0  # in this call (`result` may gather several passes)
    while queue and visits < max_pages:
        path = queue.popleft()
        current["path"] = path
        loading = time.perf_counter()
        try:
            response = page.goto(path, wait_until="load")
        except Exception as exc:  # noqa: BLE001 - a page that never loads is a problem to report, not a crash
            result.problems.append(f"{label} could not load {path}: {str(exc).splitlines()[0]}")
            continue
        result.visited.append(path)
        visits += 1
        result.seconds["load"] += time.perf_counter() - loading
        if response is not None and response.status >= 400:
            result.problems.append(f"{label} HTTP {response.status} on {path}")
            continue
        landed = urlsplit(page.url).path
        if landed != urlsplit(path).path:  # redirected: the page it landed on is a kind too
            seen.add(page_kind(landed))
            if logged_in and landed.startswith("/login"):
                result.problems.append(f"{label} sent to the login page (signed out?) by {path}")
        if not page.evaluate("() => document.documentElement.lang"):
            result.problems.append(f"{label} no <html lang> (screen readers guess the language): {path}")
        wider = overflow(page)
        if wider > 0:
            result.problems.append(f"{label} {wider}px wider than the screen: {path}")
        if run_axe(path, visits) and not skip_axe(path):
            axe_source = axe_source or AXE.read_text(encoding="utf-8")
            checking = time.perf_counter()
            violations = axe_violations(page, axe_source)
            result.seconds["axe"] += time.perf_counter() - checking
            for violation in violations:
                result.axe[(violation["impact"], violation["id"])] += 1
                result.problems.append(f"{label} axe {violation['impact']} {violation['id']} "
                                       f"({violation['nodes']} nodes: {', '.join(violation['targets'])}) on {path}")
        for link in same_site_paths(page, site):
            kind = page_kind(link)
            if kind not in seen:
                seen.add(kind)
                queue.append(link)
    page.close()
    return result
