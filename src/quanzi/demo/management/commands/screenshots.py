"""`manage.py screenshots`: a gallery of the main pages of a running demo, on a phone and on a desktop.

    make demo                                   # in another terminal
    .venv/bin/python manage.py screenshots      # writes docs/screens/*.png and docs/screens/README.md

It drives Chromium (Playwright, a dev dependency) as the demo's people — an anonymous visitor, the demo
shopper, a demo merchant — through the pages a newcomer would look at first, at 390×844 (a phone) and
1280×800, in Chinese (or `--language en`). Pages whose address holds a number (a product, a group, a
live room…) are found the way a person finds them: by following the first link of that kind from a
list page, so the gallery never needs ids from the database and works against any seeded site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

MAX_TRIES = 8  # links of one kind tried before giving up on a path
SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}
PEOPLE = {
    "shopper": ("13800138000", "quanzi-demo-2026"),
    "merchant": ("merchant1@quanzi.demo", "quanzi-merchant-2026"),
}


@dataclass(frozen=True)
class Shot:
    name: str  # the file's stem
    title: str  # the gallery's caption
    path: str  # a path, or "list-path -> css selector of the link to follow"
    who: str = "shopper"  # "anonymous", "shopper" or "merchant"


SHOTS = (
    Shot("home", "Home", "/", "anonymous"),
    Shot("product", "Product", "/ -> [data-testid=product-card]", "anonymous"),
    Shot("group", "Group buy", "/groupbuy/ -> [data-testid=gb-campaign]", "shopper"),
    Shot("group-page", "A group", "/groupbuy/ -> [data-testid=gb-campaign] -> a[href^='/g/']", "shopper"),
    Shot("bargain", "Bargain", "/me/bargains/ -> a[href^='/b/']", "shopper"),
    Shot("flash", "Flash sale", "/flash/ -> [data-testid=fs-session]", "shopper"),
    Shot("live", "Live room", "/live/ -> [data-testid=live-card]", "shopper"),
    Shot("discover", "Discover", "/feed/", "shopper"),
    Shot("note", "A note", "/feed/ -> a[href^='/n/']", "anonymous"),
    Shot("cart", "Cart", "/cart/", "shopper"),
    Shot("order", "An order", "/orders/ -> a[href^='/orders/2']", "shopper"),
    Shot("me", "Me", "/me/", "shopper"),
    Shot("console", "Merchant console", "/merchant/", "merchant"),
    Shot("console-groupbuy", "Console: group buys", "/merchant/groupbuy/", "merchant"),
)


def _save_small(png: bytes, file: Path) -> None:
    """Pages are flat colours: a 256-colour palette keeps them sharp at a third of the bytes (the gallery
    lives in the repository)."""
    import io

    from PIL import Image

    Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                        dither=Image.Dither.NONE).save(file, optimize=True)


class Command(BaseCommand):
    help = "Take screenshots of the main pages of a running demo (phone and desktop) into docs/screens/."

    def add_arguments(self, parser):
        parser.add_argument("--site", default=settings.QUANZI.get("SITE_URL", "http://127.0.0.1:8000"))
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screens"))
        parser.add_argument("--language", default="zh-hans", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--browser", default="/usr/bin/chromium")
        parser.add_argument("--only", default="", help="comma-separated shot names (default: all)")

    def handle(self, *args, site, out, language, browser, only, **options):
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise CommandError("screenshots need Playwright: pip install -e '.[dev]'") from exc
        wanted = {name.strip() for name in only.split(",") if name.strip()}
        shots = [shot for shot in SHOTS if not wanted or shot.name in wanted]
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        taken: list[tuple[Shot, dict[str, str]]] = []
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=browser, headless=True,
                                                  args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            try:
                for shot in shots:
                    files = {}
                    for screen, (width, height) in SCREENS.items():
                        page = self._page(chromium, site=site.rstrip("/"), who=shot.who, language=language,
                                          width=width, height=height)
                        try:
                            url = self._open(page, shot.path)
                        except CommandError as exc:
                            self.stderr.write(f"  {shot.name}: {exc}")
                            page.context.close()
                            continue
                        file = out_dir / f"{shot.name}-{screen}.png"
                        _save_small(page.screenshot(), file)
                        files[screen] = file.name
                        self.stdout.write(f"  {file.name}  {url}")
                        page.context.close()
                    if files:
                        taken.append((shot, files))
            finally:
                chromium.close()
        self._write_index(out_dir, taken, language)
        self.stdout.write(self.style.SUCCESS(f"{sum(len(f) for _s, f in taken)} screenshots in {out_dir}"))

    def _page(self, chromium, *, site, who, language, width, height):
        context = chromium.new_context(base_url=site, viewport={"width": width, "height": height},
                                       device_scale_factor=1, has_touch=width < 600,
                                       locale="zh-CN" if language.startswith("zh") else "en-US")
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": site}])
        page = context.new_page()
        if who != "anonymous":
            identifier, password = PEOPLE[who]
            page.goto("/login/")
            page.get_by_test_id("login-identifier").fill(identifier)
            page.get_by_test_id("login-password").fill(password)
            page.get_by_test_id("login-submit").click()
            page.wait_for_load_state()
            if "/login/" in page.url:
                raise CommandError(f"could not sign in as the demo {who} (is this the seeded demo?)")
        return page

    def _open(self, page, path: str) -> str:
        """Go to `path`, or to "list-path -> selector [-> selector…]": follow a link of each kind (the
        first one that leads on, when a later hop needs a page that has its own link)."""
        list_path, *selectors = (part.strip() for part in path.split("->"))
        if not self._follow(page, list_path, selectors):
            raise CommandError(f"no way through {path!r}")
        return page.url

    def _follow(self, page, href: str, selectors: list[str]) -> bool:
        page.goto(href)
        page.wait_for_load_state("networkidle")  # lists that fill themselves in (HTMX) are there now
        if not selectors:
            return True
        hrefs = [h for h in page.locator(selectors[0]).evaluate_all("els => els.map(e => e.getAttribute('href'))")
                 if h and re.match(r"^/[^/]", h)]
        return any(self._follow(page, h, selectors[1:]) for h in dict.fromkeys(hrefs[:MAX_TRIES]))

    @staticmethod
    def _write_index(out_dir: Path, taken, language: str) -> None:
        lines = ["# Screens", "", f"Taken by `manage.py screenshots` (language {language}): a phone (390×844) "
                 "and a desktop (1280×800) view of each page.", "",
                 "| page | phone | desktop |", "| --- | --- | --- |"]
        for shot, files in taken:
            cells = [f"![{shot.title}, {screen}]({files[screen]})" if screen in files else "—" for screen in SCREENS]
            lines.append(f"| {shot.title} | " + " | ".join(cells) + " |")
        (out_dir / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
