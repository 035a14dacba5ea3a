"""Stylesheets use quanzi.css's design tokens: no `var(--x)` that nothing defines (an undefined
variable silently falls back, which is how promotions once got a red of their own)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

SRC = Path(settings.BASE_DIR) / "src" / "quanzi"
DEFINED = re.compile(r"(--[a-z0-9-]+)\s*:")
USED = re.compile(r"var\(\s*(--[a-z0-9-]+)")
# set elsewhere on purpose: a banner's colour by an inline style, Django admin's own variables
SET_ELSEWHERE = {"--banner"}
ADMIN_CSS = "console/css/admin.css"


def test_every_css_variable_used_is_defined():
    tokens = set(DEFINED.findall((SRC / "web/static/quanzi/css/quanzi.css").read_text(encoding="utf-8")))
    undefined = {}
    for path in SRC.glob("*/static/**/*.css"):
        if path.as_posix().endswith(ADMIN_CSS):
            continue
        text = path.read_text(encoding="utf-8")
        missing = set(USED.findall(text)) - tokens - set(DEFINED.findall(text)) - SET_ELSEWHERE
        if missing:
            undefined[path.relative_to(SRC).as_posix()] = sorted(missing)
    assert not undefined, undefined
