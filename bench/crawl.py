"""Crawl a running Quanzi as a browser would and report what a user would trip over.

    make demo                                  # in another terminal (or any running site)
    .venv/bin/python bench/crawl.py            # http://127.0.0.1:8000, anonymous + shopper + merchant
    .venv/bin/python bench/crawl.py --site http://127.0.0.1:8765 --roles anonymous --max-pages 40

For each role (anonymous; the demo shopper; the demo merchant) and each screen (390×844 phone,
1280×800 desktop) it follows the same-site links from home, breadth first, and for every page
records: an HTTP error, a JavaScript error or console error, a page without `<html lang>`, a page
wider than the screen (`document.documentElement.scrollWidth > innerWidth`, the horizontal scroll a
phone user hates); mixed languages are left to the eye. On the first `--axe-pages` pages of each pass
it runs axe-core (vendored in tests/e2e/vendor/axe.min.js, MPL-2.0, injected into the page: nothing is
downloaded) and counts critical and serious violations. It prints one line per problem and a summary,
and exits 1 when there is any problem, so it can gate a release.

The crawl itself (which links are followed, what one "kind" of page is, the checks) lives in
tests/e2e/crawl_lib.py, shared with tests/e2e/test_e2e_crawl.py, which runs it on every build against
the demo's small plan: links that change state are never followed (logout, /i18n/, every path ending
in an action word such as …/delete/ or …/join/; /share/… mints a link on each visit), and one page of
each kind is visited: /p/1/ stands for every product page.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))

from crawl_lib import BROWSER_ARGS, SCREENS, CrawlResult, crawl, log_in  # noqa: E402

ROLES = {
    "anonymous": None,
    "shopper": ("13800138000", "quanzi-demo-2026"),  # quanzi.demo.data.DEMO_SHOPPER
    "merchant": ("merchant1@quanzi.demo", "quanzi-merchant-2026"),  # the live host, MERCHANT_PASSWORD
}
THIRD_PARTY = ("/api/v1/docs",)  # django-ninja's Swagger UI: left out of axe


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

    site = args.site.rstrip("/")
    overall = CrawlResult()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.browser, headless=True, args=BROWSER_ARGS)
        for role in args.roles.split(","):
            for screen in args.screens.split(","):
                width, height = SCREENS[screen]
                context = browser.new_context(base_url=site, viewport={"width": width, "height": height},
                                              locale="zh-CN", has_touch=width < 600)
                context.set_default_timeout(15_000)
                if ROLES[role]:
                    login_page = context.new_page()
                    log_in(login_page, *ROLES[role])
                    login_page.close()
                before = len(overall.visited)
                crawl(context, site=site, label=f"{role}/{screen}",
                      start=("/", "/merchant/") if role == "merchant" else ("/",), max_pages=args.max_pages,
                      run_axe=lambda path, n: n <= args.axe_pages,
                      skip_axe=lambda path: path.startswith(THIRD_PARTY),
                      logged_in=bool(ROLES[role]), result=overall)
                context.close()
                print(f"{role:9} {screen:7} {len(overall.visited) - before} pages")
        browser.close()
    for line in overall.problems:
        print(line)
    counts: collections.Counter = overall.axe
    print(f"\n{len(overall.problems)} problems; axe critical/serious by rule: "
          + (", ".join(f"{rule} ({impact}) ×{n}" for (impact, rule), n in counts.most_common()) or "none"))
    return 1 if overall.problems else 0


if __name__ == "__main__":
    sys.exit(main())
