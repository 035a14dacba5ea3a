"""Crawl a running Quanzi as a browser would and report what a user would trip over.

    make demo                                  # in another terminal (or any running site)
    .venv/bin/python bench/crawl.py            # http://127.0.0.1:8000, anonymous + shopper + merchant
    .venv/bin/python bench/crawl.py --site http://127.0.0.1:8765 --roles anonymous --max-pages 40

For each role (anonymous; the demo shopper; the demo merchant) and each screen (390×844 phone,
1280×800 desktop) it follows the same-site links from home, breadth first, and for every page
records: an HTTP error, a JavaScript error or console error, a page wider than the screen
(`document.documentElement.scrollWidth > innerWidth`, the horizontal scroll a phone user hates), and
mixed languages are left to the eye. On the first `--axe-pages` pages of each pass it runs axe-core
(vendored in tests/e2e/vendor/axe.min.js, MPL-2.0, injected into the page: nothing is downloaded)
and counts critical and serious violations. It prints one line per problem and a summary, and
exits 1 when there is any problem, so it can gate a release.

Links that change state are never followed: logout, anything under /i18n/, and every link whose
path ends in an action word (…/delete/, …/join/, …) — a crawl looks, it does not buy; /share/…
(each visit mints a share link, and is rate-limited) is left out too. One page of each kind is
visited: /p/1/ stands for every product page.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

AXE = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "vendor" / "axe.min.js"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}
ROLES = {
    "anonymous": None,
    "shopper": ("13800138000", "quanzi-demo-2026"),
    "merchant": ("merchant1@quanzi.demo", "quanzi-merchant-2026"),
}
STATE_CHANGING = re.compile(
    r"/(logout|delete|remove|join|buy|start|help|open|cancel|confirm|pay|follow|block|like|favourite|"
    r"read-all|remind|end|approve|reject|advance-parcel|default|token|revoke)/?$|^/i18n/|^/admin/logout")
SKIP_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".svg", ".pdf", ".csv", ".zip", ".txt", ".xml", ".json")


def same_site_paths(page, site: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
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
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state()


def crawl(browser, *, site: str, role: str, screen: str, max_pages: int, axe_pages: int,
          problems: list[str], axe_counts: collections.Counter) -> int:
    width, height = SCREENS[screen]
    context = browser.new_context(base_url=site, viewport={"width": width, "height": height},
                                  locale="zh-CN", has_touch=width < 600)
    context.set_default_timeout(15_000)
    page = context.new_page()
    current: dict[str, str] = {"path": ""}
    page.on("pageerror", lambda exc: problems.append(f"{role}/{screen} JS error on {current['path']}: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and problems.append(
        f"{role}/{screen} console error on {current['path']}: {msg.text[:200]}"))
    if ROLES[role]:
        log_in(page, *ROLES[role])
    queue = collections.deque(["/", "/merchant/"] if role == "merchant" else ["/"])
    seen: set[str] = set(queue)
    visited = 0
    axe_source = AXE.read_text(encoding="utf-8") if axe_pages else ""
    while queue and visited < max_pages:
        path = queue.popleft()
        current["path"] = path
        try:
            response = page.goto(path, wait_until="load")
        except Exception as exc:  # noqa: BLE001 - a page that never loads is a problem to report, not a crash
            problems.append(f"{role}/{screen} could not load {path}: {exc}")
            continue
        visited += 1
        if response is not None and response.status >= 400:
            problems.append(f"{role}/{screen} HTTP {response.status} on {path}")
            continue
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{role}/{screen} {overflow}px wider than the screen: {path}")
        if visited <= axe_pages:
            page.evaluate(axe_source)  # through DevTools: the page's CSP (no inline script) stays on
            result = page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
                    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
            }""")
            for violation in result:
                axe_counts[(violation["impact"], violation["id"])] += 1
                problems.append(f"{role}/{screen} axe {violation['impact']} {violation['id']} "
                                f"({violation['nodes']} nodes) on {path}")
        for link in same_site_paths(page, site):
            key = re.sub(r"\d+", "N", urlsplit(link).path)  # one of each kind of page is enough
            if key not in seen:
                seen.add(key)
                queue.append(link)
    context.close()
    return visited


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="http://127.0.0.1:8000")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--screens", default=",".join(SCREENS))
    parser.add_argument("--max-pages", type=int, default=120, help="per role and screen")
    parser.add_argument("--axe-pages", type=int, default=15, help="pages checked with axe per role and screen")
    parser.add_argument("--browser", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    axe_counts: collections.Counter = collections.Counter()
    site = args.site.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.browser, headless=True, args=BROWSER_ARGS)
        for role in args.roles.split(","):
            for screen in args.screens.split(","):
                visited = crawl(browser, site=site, role=role, screen=screen, max_pages=args.max_pages,
                                axe_pages=args.axe_pages, problems=problems, axe_counts=axe_counts)
                print(f"{role:9} {screen:7} {visited} pages")
        browser.close()
    for line in problems:
        print(line)
    print(f"\n{len(problems)} problems; axe critical/serious by rule: "
          + (", ".join(f"{rule} ({impact}) ×{n}" for (impact, rule), n in axe_counts.most_common()) or "none"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
