"""The design tokens, read from quanzi.css's `:root` (the one place they are written down), and the
text / background pairs whose contrast must reach WCAG AA (4.5:1 for body text).

/styleguide/ shows the tokens and the pairs' ratios; web/tests/test_contrast.py fails when a pair drops
below its minimum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TOKENS_CSS = Path(__file__).resolve().parent / "static" / "quanzi" / "css" / "quanzi.css"
AA_TEXT = 4.5
AA_LARGE = 3.0  # text of 24px, or 18.66px bold, and up; icons and fills next to a label

_ROOT = re.compile(r":root\s*\{(?P<body>.*?)\n\}", re.S)
_DECLARATION = re.compile(r"(?P<name>--[a-z0-9-]+)\s*:\s*(?P<value>[^;]+);")
_GROUP = re.compile(r"/\*\s*-+\s*(?P<title>[^*]+?)\s*(?:\*/|$)", re.M)
_VAR = re.compile(r"var\(\s*(--[a-z0-9-]+)\s*\)")
_HEX = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$", re.I)
_RGBA = re.compile(r"^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$", re.I)

# (text token, background token, minimum ratio, where the pair is used)
TEXT_PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("--text", "--card", AA_TEXT, "body text on cards"),
    ("--text", "--bg", AA_TEXT, "body text on the page"),
    ("--text-2", "--card", AA_TEXT, "secondary text on cards"),
    ("--text-2", "--surface-2", AA_TEXT, "secondary text on grey chips, pills"),
    ("--muted", "--card", AA_TEXT, "muted text on cards"),
    ("--muted", "--bg", AA_TEXT, "muted text on the page"),
    ("--muted", "--surface-2", AA_TEXT, "placeholders in the search box, muted tags"),
    ("--price", "--card", AA_TEXT, "prices on cards"),
    ("--price", "--bg", AA_TEXT, "prices on the page"),
    ("--red-dark", "--red-soft", AA_TEXT, "hot stat figures, legends on a red tint"),
    ("--red-ink", "--red-soft", AA_TEXT, "red tags, active tabs, errors"),
    ("--red-ink", "--card", AA_TEXT, "danger text, chat names"),
    ("--ok-ink", "--ok-soft", AA_TEXT, "success tags and alerts"),
    ("--ok-ink", "--card", AA_TEXT, "success text"),
    ("--warn-ink", "--warn-soft", AA_TEXT, "warning tags and alerts"),
    ("--warn-ink", "--card", AA_TEXT, "warning text"),
    ("--info-ink", "--info-soft", AA_TEXT, "info tags and alerts"),
    ("--info-ink", "--card", AA_TEXT, "topic and mention links"),
    ("--warm-ink", "--warm-soft", AA_TEXT, "warm tags"),
    ("--on-color", "--red-ink", AA_TEXT, "solid badges, counts, active console tab"),
    ("--on-color", "--red-dark", AA_TEXT, "primary button (gradient start)"),
    ("--on-color", "--red-strong", AA_TEXT, "primary button (gradient end)"),
    ("--on-color", "--warm-dark", AA_TEXT, "warm button (gradient start)"),
    ("--on-color", "--warm-strong", AA_TEXT, "warm button (gradient end)"),
    ("--on-color", "--ok-ink", AA_TEXT, "payment mark, friend badge"),
    ("--on-color", "--warn-ink", AA_TEXT, "warning toast, sandbox mark"),
    ("--on-color", "--info-ink", AA_TEXT, "payment mark"),
    ("--on-color", "--toast-bg", AA_TEXT, "toasts"),
    ("--on-color", "--text", AA_TEXT, "skip link"),
    ("--text", "--glass", AA_TEXT, "top bar, tab bar, banner button"),
    ("--muted", "--glass", AA_TEXT, "inactive tab bar labels"),
    ("--on-color", "--scrim-2", AA_TEXT, "live room overlays on a dark stage (over --media-bg)"),
)


@dataclass(frozen=True)
class Token:
    name: str
    value: str
    group: str


@lru_cache(maxsize=1)
def _parse(text: str) -> tuple[Token, ...]:
    match = _ROOT.search(text)
    if not match:
        return ()
    tokens, group = [], ""
    for line in match.group("body").splitlines():
        heading = _GROUP.search(line)
        if heading:
            group = heading.group("title").split(":")[0].split(".")[0].strip()
        for found in _DECLARATION.finditer(line):
            tokens.append(Token(found.group("name"), found.group("value").strip(), group))
    return tuple(tokens)


def tokens(text: str | None = None) -> tuple[Token, ...]:
    """Every custom property of quanzi.css's :root, in order, with its group ("colour", "type", …)."""
    return _parse(text if text is not None else TOKENS_CSS.read_text(encoding="utf-8"))


def values(text: str | None = None) -> dict[str, str]:
    return {token.name: token.value for token in tokens(text)}


def resolve(name: str, table: dict[str, str], depth: int = 0) -> str:
    """A token's final value, following var(--other) references."""
    if depth > 10 or name not in table:
        raise KeyError(name)
    return _VAR.sub(lambda m: resolve(m.group(1), table, depth + 1), table[name]).strip()


def rgba(value: str) -> tuple[float, float, float, float]:
    """'#1f2329', '#fff' or 'rgba(0, 0, 0, .45)' → (r, g, b, alpha) with r, g, b in 0…255."""
    value = value.strip()
    if _HEX.match(value):
        digits = value[1:]
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), 1.0)
    found = _RGBA.match(value)
    if found:
        r, g, b, a = found.groups()
        return (int(r), int(g), int(b), float(a) if a is not None else 1.0)
    raise ValueError(f"not a plain colour: {value!r}")


def _over(top, bottom) -> tuple[float, float, float, float]:
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3)) + (1.0,)


def _luminance(colour) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str, backdrop: str = "#fff") -> float:
    """WCAG contrast ratio of two colours; a translucent background is laid over `backdrop` first, a
    translucent foreground over the result."""
    base = _over(rgba(background), rgba(backdrop))
    fore = _over(rgba(foreground), base)
    light, dark = sorted((_luminance(fore), _luminance(base)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# translucent surfaces and what they are laid over on the pages
BACKDROPS = {"--scrim-2": "--media-bg", "--scrim-3": "--media-bg", "--glass": "--text", "--toast-bg": "--card"}


def pair_ratios(text: str | None = None) -> list[dict]:
    """The declared pairs with their resolved colours and ratios (the worst backdrop for glass)."""
    table = values(text)
    rows = []
    for fore, back, minimum, usage in TEXT_PAIRS:
        fg, bg = resolve(fore, table), resolve(back, table)
        backdrop = resolve(BACKDROPS[back], table) if back in BACKDROPS else "#fff"
        ratio = contrast(fg, bg, backdrop)
        rows.append({"fg": fore, "bg": back, "fg_value": fg, "bg_value": bg, "ratio": round(ratio, 2),
                     "minimum": minimum, "ok": ratio >= minimum, "usage": usage})
    return rows
