"""Text colours reach WCAG AA on the backgrounds they are used on (the pairs in quanzi.web.tokens), computed
from the token values in quanzi.css; focus stays visible; the base layout's controls have labels."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanzi.web import tokens


def test_the_tokens_are_read_from_quanzi_css():
    table = tokens.values()
    assert table["--text"].startswith("#")
    assert tokens.resolve("--price", table) == table["--red-dark"]
    groups = {token.group for token in tokens.tokens()}
    assert {"colour", "type", "spacing", "radius", "shadow"} <= groups


@pytest.mark.parametrize("pair", tokens.pair_ratios(), ids=lambda p: f"{p['fg']} on {p['bg']}")
def test_every_declared_text_pair_reaches_its_contrast(pair):
    assert pair["ratio"] >= pair["minimum"], pair


def test_every_pair_names_tokens_that_exist():
    table = tokens.values()
    for fore, back, minimum, usage in tokens.TEXT_PAIRS:
        assert fore in table and back in table and minimum >= tokens.AA_LARGE and usage


@pytest.mark.parametrize(("fg", "bg", "ratio"), [("#000", "#fff", 21.0), ("#fff", "#fff", 1.0),
                                                 ("#767676", "#ffffff", 4.54), ("rgba(0, 0, 0, .5)", "#fff", 3.98)])
def test_the_contrast_formula(fg, bg, ratio):
    assert tokens.contrast(fg, bg) == pytest.approx(ratio, abs=0.01)


def test_a_translucent_background_is_laid_over_its_backdrop():
    assert tokens.contrast("#fff", "rgba(0, 0, 0, .45)", "#111") > tokens.contrast("#fff", "rgba(0, 0, 0, .45)", "#fff")


@pytest.mark.parametrize("value", ["red", "var(--x)", "#12", "hsl(0, 0%, 0%)"])
def test_only_plain_colours_are_measured(value):
    with pytest.raises(ValueError):
        tokens.rgba(value)


def test_a_failing_pair_is_reported():
    css = ":root {\n  --text: #999;\n  --card: #fff;\n}\n"
    table = tokens.values(css)
    assert tokens.contrast(table["--text"], table["--card"]) < tokens.AA_TEXT


def test_focus_is_visible_and_never_removed_without_a_replacement():
    css = tokens.TOKENS_CSS.read_text(encoding="utf-8")
    assert re.search(r":focus-visible\s*\{\s*outline:\s*2px solid var\(--focus\)", css)
    # an `outline: none` is allowed only where the same rule draws a ring or a border instead,
    # or on <main> (focused by the skip link, not by the keyboard user's own moves)
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*outline:\s*(?:none|0)[^{}]*)\}", css):
        selector = selector.strip()
        assert selector == ".main:focus" or "box-shadow" in body or "border" in body or ":focus" not in selector, selector


def test_the_base_layout_controls_are_labelled(db):
    html = Client().get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html and 'id="main" tabindex="-1"' in html
    for control in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in control:
            continue
        named = re.search(r'aria-label="[^"]+"', control) or re.search(r'id="([^"]+)"', control)
        assert named, control
        if "aria-label" not in control:
            assert f'for="{named.group(1)}"' in html, control
