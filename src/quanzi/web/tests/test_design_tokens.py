"""Stylesheets use quanzi.css's design tokens (docs/design-system.md).

* no `var(--x)` that nothing defines (an undefined variable silently falls back, which is how
  promotions once got a red of their own);
* no colour written down outside the token block: a hex, rgb()/hsl()… or a named colour in a
  declaration of any app's stylesheet fails, except as the value of a custom property in quanzi.css's
  `:root` (the tokens) and in the operator admin's theme blocks (console/css/admin.css sets Django
  admin's own variables, on pages that do not load quanzi.css). A colour as a `var(--x, #fff)` fallback
  is a colour outside the block too.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

SRC = Path(settings.BASE_DIR) / "src" / "quanzi"
TOKENS_CSS = SRC / "web/static/quanzi/css/quanzi.css"
DEFINED = re.compile(r"(--[a-z0-9-]+)\s*:")
USED = re.compile(r"var\(\s*(--[a-z0-9-]+)")
# set elsewhere on purpose: a banner's colour by an inline style, Django admin's own variables
SET_ELSEWHERE = {"--banner"}
ADMIN_CSS = "console/css/admin.css"
COMMENT = re.compile(r"/\*.*?\*/", re.S)
NAMED = ("white|black|red|green|blue|yellow|orange|purple|pink|gr[ae]y|silver|maroon|navy|teal|olive|lime|aqua|"
         "fuchsia|gold|crimson|tomato|coral|salmon|violet|indigo|brown|beige|ivory|khaki|tan|wheat|"
         "whitesmoke|gainsboro|lightgr[ae]y|darkgr[ae]y|dimgr[ae]y|darkred|firebrick|hotpink|deeppink")
COLOUR = re.compile(rf"#[0-9a-fA-F]{{3,8}}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(|(?<![\w-])(?:{NAMED})(?![\w-])",
                    re.I)


def stylesheets() -> list[Path]:
    return sorted(SRC.glob("*/static/**/*.css"))


def rules(css: str):
    """(selector chain, declarations) for every block of declarations: @media and @keyframes blocks are
    walked into; a declaration is (property, value)."""
    css = COMMENT.sub("", css)
    stack: list[tuple[str, int]] = []
    mark = 0
    for index, char in enumerate(css):
        if char == "{":
            stack.append((css[mark:index].rsplit(";", 1)[-1].strip(), index + 1))
            mark = index + 1
        elif char == "}":
            prelude, start = stack.pop()
            body = css[start:index]
            mark = index + 1
            if "{" in body:
                continue  # a container (@media, @keyframes, @supports): its blocks were seen already
            chain = (*(p for p, _ in stack), prelude)
            declarations = [part.split(":", 1) for part in body.split(";") if ":" in part]
            yield chain, [(prop.strip(), value.strip()) for prop, value in declarations]


def colour_allowed(path: Path, chain: tuple[str, ...], prop: str) -> bool:
    if not prop.startswith("--"):
        return False
    selector = chain[-1]
    if path == TOKENS_CSS:
        return selector == ":root"
    if path.as_posix().endswith(ADMIN_CSS):
        return selector.startswith((":root", "html[data-theme"))
    return False


def hard_coded_colours(path: Path) -> list[str]:
    found = []
    for chain, declarations in rules(path.read_text(encoding="utf-8")):
        for prop, value in declarations:
            if COLOUR.search(value) and not colour_allowed(path, chain, prop):
                found.append(f"{chain[-1]} {{ {prop}: {value} }}")
    return found


def test_every_css_variable_used_is_defined():
    tokens = set(DEFINED.findall(TOKENS_CSS.read_text(encoding="utf-8")))
    undefined = {}
    for path in stylesheets():
        if path.as_posix().endswith(ADMIN_CSS):
            continue
        text = path.read_text(encoding="utf-8")
        missing = set(USED.findall(text)) - tokens - set(DEFINED.findall(text)) - SET_ELSEWHERE
        if missing:
            undefined[path.relative_to(SRC).as_posix()] = sorted(missing)
    assert not undefined, undefined


def test_no_colour_is_written_outside_the_token_block():
    offenders = {path.relative_to(SRC).as_posix(): found for path in stylesheets() if (found := hard_coded_colours(path))}
    assert not offenders, offenders


def test_the_scan_sees_colours(tmp_path):
    """The checker itself: it flags hex, functional and named colours in rules, @media blocks included,
    and leaves custom properties of quanzi.css's :root, comments and #id selectors alone."""
    css = tmp_path / "x.css"
    css.write_text("/* #fff in a comment */ #main { color: var(--text); }\n"
                   ".a { color: #fff; }\n@media (min-width: 1px) { .b { background: rgba(0, 0, 0, .5); } }\n"
                   ".c { border: 1px solid white; }\n.d { --local: #123456; }\n.e { color: whitesmoke-ish; }\n"
                   ".f { color: var(--red, #ff2442); margin: var(--sp-2, 8px); }\n",
                   encoding="utf-8")
    found = hard_coded_colours(css)
    assert found == [".a { color: #fff }", ".b { background: rgba(0, 0, 0, .5) }", ".c { border: 1px solid white }",
                     ".d { --local: #123456 }", ".f { color: var(--red, #ff2442) }"]
    assert hard_coded_colours(TOKENS_CSS) == []
