"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

- `browser`: one headless Chromium per test (skipped with a clear reason when the binary is missing;
  QUANZI_BROWSER points elsewhere).
- `site`: the live server's URL; settings.QUANZI["SITE_URL"] points at it for the test, so the sandbox
  cashier sends the browser back to this server, and the sandbox payment notifications and carrier
  webhooks (SANDBOX_TRANSPORT "inprocess") reach it through Django's test client.
- `open_page(name)`: a fresh browser context (its own cookies: one per person) in English on a phone-sized
  screen, and its page. Dialogs (`data-confirm`) are accepted. Any HTTP 5xx, any broken static or media
  file and any JavaScript error fails the test. When a test fails, every page is saved to
  var/e2e-failures/ (PNG + HTML) so a CI failure can be looked at.

The live server needs committed data: requesting `live_server` makes pytest-django run the test with a
transactional database (flushed afterwards), on SQLite (shared in-memory connection) and on PostgreSQL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

BROWSER = os.environ.get("QUANZI_BROWSER", "/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
FAILURES_DIR = Path(__file__).resolve().parents[2] / "var" / "e2e-failures"
TIMEOUT_MS = int(os.environ.get("QUANZI_E2E_TIMEOUT_MS", "10000"))  # per action and per expect()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell at teardown whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def browser(monkeypatch):
    if not (os.path.isfile(BROWSER) and os.access(BROWSER, os.X_OK)):
        pytest.skip(f"browser tests need Chromium at {BROWSER} (apt-get install chromium, or set QUANZI_BROWSER)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright (pip install -e '.[dev]')")
    # Playwright's sync API keeps an asyncio loop running in this thread; the ORM calls the tests make
    # between browser steps are plain synchronous code all the same.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_api.sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=BROWSER, headless=True, args=BROWSER_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def site(live_server, settings):
    settings.QUANZI = {**settings.QUANZI, "SITE_URL": live_server.url, "SANDBOX_TRANSPORT": "inprocess",
                       "SANDBOX_CHAOS": False}
    # As in production: zh-Hans unless the person picked a language. The browsers pick English (cookie);
    # the provider's and the carrier's callbacks carry no cookie.
    settings.LANGUAGE_CODE = "zh-hans"
    return live_server.url


@pytest.fixture
def open_page(browser, site, request):
    opened: list[tuple[str, object, object]] = []
    problems: list[str] = []

    def watch(name: str, page) -> None:
        def on_response(response):
            path = response.url.removeprefix(site)
            if response.status >= 500:
                problems.append(f"[{name}] HTTP {response.status} on {response.request.method} {path}")
            elif response.status >= 400 and path.startswith(("/static/", "/media/")):
                problems.append(f"[{name}] broken file: HTTP {response.status} on {path}")

        page.on("response", on_response)
        page.on("pageerror", lambda exc: problems.append(f"[{name}] JavaScript error on {page.url}: {exc}"))

        def on_console(message):  # what the Content-Security-Policy (core.csp) blocked: inline script, eval, …
            if message.type == "error" and "Content Security Policy" in message.text:
                problems.append(f"[{name}] CSP violation on {page.url}: {message.text[:300]}")

        page.on("console", on_console)

    def make(name: str = "shopper", *, width: int = 390, height: int = 844):
        context = browser.new_context(base_url=site, locale="en-US", viewport={"width": width, "height": height},
                                      device_scale_factor=1, has_touch=width < 600)
        context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
        context.set_default_timeout(TIMEOUT_MS)
        context.on("dialog", lambda dialog: dialog.accept())
        page = context.new_page()
        watch(name, page)
        opened.append((name, context, page))
        return page

    yield make

    failed = any(getattr(request.node, f"rep_{when}", None) is not None
                 and getattr(request.node, f"rep_{when}").failed for when in ("setup", "call"))
    if failed:
        FAILURES_DIR.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::")[-1])
        for name, context, _page in opened:
            for i, page in enumerate(context.pages):
                base = FAILURES_DIR / f"{stem}-{name}-{i}"
                try:
                    page.screenshot(path=str(base.with_suffix(".png")), full_page=True, timeout=5_000)
                    base.with_suffix(".html").write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
                except Exception as exc:  # noqa: BLE001 - a broken page must not hide the real failure
                    print(f"could not save {base}: {exc}")
        print(f"browser pages saved in {FAILURES_DIR}")
        if problems:
            print("browser problems:\n" + "\n".join(problems))
    for _name, context, _page in opened:
        context.close()
    if problems and not failed:
        pytest.fail("the browser saw problems:\n" + "\n".join(problems), pytrace=False)
