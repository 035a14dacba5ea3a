"""Test helpers of the web layer for any app's page tests (never imported by application code)."""

from __future__ import annotations

import re


def scripts_of(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html)


def assert_catalog_first(html: str, lang: str) -> list[str]:
    sources = scripts_of(html)
    assert sources and sources[0] == f"/jsi18n/?l={lang}", sources[:3]
    assert sum(src.startswith("/jsi18n/") for src in sources) == 1
    return sources


WORD_ATTRIBUTES = re.compile(r"\sdata-(?:t|text|msg)-[a-z-]+=|\sdata-(?:days-format|copied|won-text|sold-out)=")
