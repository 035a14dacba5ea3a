"""Issue 13's "done": every page a crawl from home reaches fits the screen, logs no error and passes axe.

The demo's small plan (`quanzi.demo.runner.run_seeders(small=True)`, every feature's data: orders in
every state, notes, group buys, a bargain, flash sales, live rooms, share-to-earn, a merchant with a
console full of work) is seeded into the test database; then anonymous, the demo shopper and the demo
merchant (console pages under /merchant/ included, and the live room's WebSocket served) each crawl
breadth first from home on a phone (390×844) and a desktop (1280×800), in English on one and zh-Hans
on the other, one page of each kind (/p/1/ stands for every product page), never following a link that
changes state (the rules are tests/e2e/crawl_lib.py's, shared with bench/crawl.py). Every page must
answer below 400, say its language, be no wider than the screen, log no console or JavaScript error,
and show axe-core no critical or serious violation (each kind of page once per screen for a visitor and
once signed in; the API's Swagger UI, a third-party page, is left out of axe but not of the rest).
Every problem of every page is listed in the one assertion message. About two minutes on two cores.
"""

from __future__ import annotations

import collections
import time

import pytest

pytest.importorskip("playwright.sync_api")

from crawl_lib import SCREENS, CrawlResult, crawl, log_in, page_kind  # noqa: E402
from test_e2e_live import ws_server  # noqa: E402,F401 - the live rooms' WebSockets (uvicorn on the test database)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("ws_server")]

ROLES = ("anonymous", "shopper", "merchant")
# Each role reads English on one screen and zh-Hans (the default) on the other: long English words and
# dense Chinese lines both have to fit a phone.
LANGUAGE = {("anonymous", "phone"): "en", ("shopper", "phone"): "zh-hans", ("merchant", "phone"): "en",
            ("anonymous", "desktop"): "zh-hans", ("shopper", "desktop"): "en", ("merchant", "desktop"): "zh-hans"}
LOCALE = {"en": "en-US", "zh-hans": "zh-CN"}
THIRD_PARTY = ("/api/v1/docs",)  # django-ninja's Swagger UI: axe is not ours to fix there
MAX_PAGES = 150  # per role and screen; far more than the site has kinds of pages
# The pages every feature lives on: if these are not all reached, the crawl (or a link) is broken.
MUST_REACH = {
    "anonymous": {"/", "/p/N/", "/feed/", "/n/N/", "/groupbuy/", "/flash/", "/flash/N/", "/bargain/", "/live/",
                  "/live/N/", "/search/", "/shop/N/", "/login/", "/register/"},
    "shopper": {"/", "/p/N/", "/cart/", "/checkout/", "/orders/", "/orders/N/", "/n/N/", "/feed/", "/g/N/", "/b/N/",
                "/bargain/", "/flash/N/", "/live/N/", "/me/", "/me/wallet/", "/notifications/"},
    "merchant": {"/merchant/", "/merchant/products/", "/merchant/products/N/", "/merchant/products/new/",
                 "/merchant/orders/", "/merchant/orders/N/", "/merchant/after-sales/N/", "/merchant/live/N/",
                 "/live/N/console/", "/merchant/groupbuy/", "/merchant/flash/", "/merchant/bargain/"},
}


@pytest.fixture
def demo_world(transactional_db):
    from quanzi.demo.data import DEMO_SHOPPER, MERCHANT_PASSWORD
    from quanzi.demo.runner import run_seeders

    run = run_seeders(small=True)
    assert {"shop", "social", "groupbuy", "bargain", "flash", "live"} <= set(run.added), run.added
    return {"anonymous": None, "shopper": (DEMO_SHOPPER["phone"], DEMO_SHOPPER["password"]),
            "merchant": (run.results["live"]["host_login"], MERCHANT_PASSWORD),
            "shopper_group_order": _group_order_path(DEMO_SHOPPER["phone"])}


def _group_order_path(phone: str) -> str:
    """The demo shopper's group-buy order: its page links to the group. The crawl takes one order of the
    order list (the first, the last seeded), which need not be a group's, so it starts there too."""
    from quanzi.accounts.selectors import user_get_by_phone
    from quanzi.orders.testing import order_lines_of_price

    shopper = user_get_by_phone(phone=phone)
    numbers = [ln.order.number for ln in order_lines_of_price(price_source="group") if ln.order.user_id == shopper.pk]
    assert numbers, "the demo shopper has no group-buy order"
    return f"/orders/{numbers[-1]}/"


def test_every_page_a_crawl_reaches_fits_logs_no_error_and_passes_axe(browser, site, demo_world):
    results: dict[tuple[str, str], CrawlResult] = {}
    # axe checks each kind of page once per screen for a visitor and once for a signed-in person (the
    # first role that reaches it): the same page again only costs time.
    checked: set[tuple[str, bool, str]] = set()

    def run_axe(screen: str, signed_in: bool):
        def first_time(path: str, _n: int) -> bool:
            key = (screen, signed_in, page_kind(path))
            fresh = key not in checked
            checked.add(key)
            return fresh
        return first_time

    started = time.monotonic()
    for screen, (width, height) in SCREENS.items():
        for role in ROLES:
            language = LANGUAGE[role, screen]
            context = browser.new_context(base_url=site, viewport={"width": width, "height": height},
                                          locale=LOCALE[language], has_touch=width < 600, device_scale_factor=1)
            context.add_cookies([{"name": "django_language", "value": language, "url": site}])
            context.set_default_timeout(15_000)
            signed_in = demo_world[role] is not None
            if signed_in:
                login_page = context.new_page()
                log_in(login_page, *demo_world[role])
                login_page.close()
            start = {"merchant": ("/", "/merchant/"), "shopper": ("/", demo_world["shopper_group_order"])}.get(role, ("/",))
            results[role, screen] = crawl(context, site=site, label=f"{role}/{screen}", start=start,
                                          max_pages=MAX_PAGES, logged_in=signed_in,
                                          run_axe=run_axe(screen, signed_in),
                                          skip_axe=lambda path: path.startswith(THIRD_PARTY))
            context.close()
    elapsed = time.monotonic() - started

    problems = [line for result in results.values() for line in result.problems]
    for (role, screen), result in results.items():
        reached = {page_kind(path) for path in result.visited}
        missing = MUST_REACH[role] - reached
        if missing:
            problems.append(f"{role}/{screen} never reached {sorted(missing)} (visited {sorted(reached)})")
        if len(result.visited) >= MAX_PAGES:
            problems.append(f"{role}/{screen} stopped at {MAX_PAGES} pages: a link makes endless kinds of pages")
    summary = ", ".join(f"{role}/{screen} {len(r.visited)}" for (role, screen), r in results.items())
    seconds = sum((r.seconds for r in results.values()), collections.Counter())
    print(f"\nload {seconds['load']:.0f}s, axe {seconds['axe']:.0f}s")
    for (role, screen), result in results.items():
        print(f"{role}/{screen}: " + " ".join(sorted({page_kind(path) for path in result.visited})))
    print(f"\ncrawled in {elapsed:.0f}s: {summary}")
    assert problems == [], f"{len(problems)} problems ({summary} pages):\n" + "\n".join(problems)
