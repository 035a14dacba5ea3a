"""Small helpers shared by the browser tests: logging in, flash messages, test data through the services."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "Str0ngPass!x"  # what the root conftest's make_user gives every user
SNAPSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-snapshots"


def snap(page: Page, name: str) -> None:
    """With QUANZI_E2E_SNAPSHOTS=1, save a full-page screenshot of a key step (to look at the pages)."""
    if os.environ.get("QUANZI_E2E_SNAPSHOTS"):
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SNAPSHOTS / f"{name}.png"), full_page=True)


def yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


def flash(page: Page):
    return page.get_by_test_id("flash")


def login(page: Page, identifier: str, password: str = PASSWORD, *, next_path: str = "") -> None:
    page.goto("/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_test_id("login-identifier").fill(identifier)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(flash(page).filter(has_text="Welcome back")).to_be_visible()


def exact(text: str) -> re.Pattern:
    """A pattern for Playwright's text matchers: the whole (trimmed) text, nothing more."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


def any_language(msgid: str) -> re.Pattern:
    """The English message or its zh-Hans translation (for text the site wrongly writes in the default
    language although the person reads English: see the browser-tests report)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid)
    return re.compile(rf"^\s*(?:{re.escape(msgid)}|{re.escape(chinese)})\s*$")


def create_product(*, shop, category, title: str, price: int, stock: int, options=None, skus=None):
    """A product on the shelf, through the catalog services (options: [{"name", "values"}])."""
    from quanzi.catalog.services import product_create, product_set_status

    product = product_create(shop=shop, data={"title": title, "category_id": category.pk, "price": price,
                                              "stock": stock, "returnable_7day": True},
                             options=options or [], skus=skus)
    product_set_status(product=product, status="on_shelf")
    return product
