"""The storefront, the console and the web layer name no feature app: features plug into page slots.

The scan looks for *references*, not English words: a URL name (`'reviews:my_reviews'`, `admin:wallet_…`),
a template or static path (`"circle/partials/…"`), an import (`quanzi.content`), a template tag library
(`{% load groupbuy_tags %}`). "Shop with your circle" or a `content` variable are fine.
"""

import re
from pathlib import Path

from django.apps import apps

SRC = Path(__file__).resolve().parents[2]  # src/quanzi
SHELL_AND_KERNEL = {"storefront", "console", "demo", "web", "core"}
CORE_COMMERCE = {"accounts", "shops", "catalog", "orders", "payments", "ledger", "shipping", "settlement", "search"}
SCANNED = [SRC / "storefront", SRC / "console", SRC / "web", SRC / "templates"]
SUFFIXES = {".py", ".html", ".js", ".css", ".txt"}


def feature_labels() -> set[str]:
    """Every installed Quanzi app that is neither shell, kernel nor core commerce: a new feature app
    is covered the day it is installed."""
    return {config.label for config in apps.get_app_configs()
            if config.name.startswith("quanzi.") and config.label not in SHELL_AND_KERNEL | CORE_COMMERCE}


def reference_pattern(labels) -> re.Pattern:
    names = "|".join(sorted(labels, key=len, reverse=True))
    return re.compile(
        rf"""['"](?:{names}):"""                  # a URL name: {{% url 'feed:feed' %}}, reverse("live:schedule")
        rf"""|\badmin:(?:{names})_"""             # an admin URL name: admin:wallet_withdrawal_changelist
        rf"""|['"](?:{names})/"""                 # a template or static path: "circle/partials/…", 'social/css/…'
        rf"""|\bquanzi\.(?:{names})\b"""          # an import or dotted path: quanzi.content.search
        rf"""|\bfrom\s+quanzi\s+import\s+(?:[\w\s,()]*\b)?(?:{names})\b"""  # from quanzi import content
        rf"""|\b(?:{names})_tags\b"""             # a template tag library: {{% load groupbuy_tags %}}
    )


def scanned_files() -> list[Path]:
    return sorted(path for root in SCANNED for path in root.rglob("*")
                  if path.suffix in SUFFIXES and "tests" not in path.relative_to(SRC).parts
                  and "__pycache__" not in path.parts)


def test_the_feature_apps_are_the_ones_the_layers_name():
    assert feature_labels() >= {"social", "content", "reviews", "feed", "circle", "notifications", "sharing",
                                "commission", "wallet", "groupbuy", "bargain", "flashsale", "live", "livesales"}


def test_the_pattern_finds_every_kind_of_reference_and_no_plain_words():
    pattern = reference_pattern(feature_labels())
    references = [
        """{% url 'feed:feed' %}""", """reverse("live:merchant_rooms")""",
        """reverse("admin:wallet_withdrawal_changelist")""", """{% include "circle/partials/x.html" %}""",
        """{% static 'social/css/social.css' %}""", """from quanzi.content import search""",
        """from quanzi import content""", """import quanzi.reviews.selectors""",
        """{% load i18n groupbuy_tags %}""", """{% url "livesales:my_tips" %}""",
    ]
    plain = ["Shop with your circle", "{% block content %}", "aria-live=\"polite\"", "the shop's social credit code",
             "delivered", "notifications are sent", "content = render(request)", "quanzi.core.images"]
    assert [text for text in references if not pattern.search(text)] == []
    assert [text for text in plain if pattern.search(text)] == []


def test_storefront_console_and_web_name_no_feature_app():
    pattern = reference_pattern(feature_labels())
    files = scanned_files()
    assert len(files) > 40  # the templates and modules of all three are really scanned
    assert {p.name for p in files} >= {"product.html", "me.html", "_layout.html", "base.html", "views.py",
                                       "operator_admin.py"}
    found = [f"{path.relative_to(SRC)}:{number}: {match.group(0)}"
             for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             for match in pattern.finditer(line)]
    assert found == []
