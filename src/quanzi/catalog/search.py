"""Product search with jieba: segment titles into terms at write time, segment the query at read
time, and intersect. Portable across SQLite and PostgreSQL; see docs/catalog.md for scale-out."""

from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)
_WORD = re.compile(r"[\w\u4e00-\u9fff]+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_QUERY_TERMS = 8


def segment(text: str) -> list[str]:
    """Lower-cased, de-duplicated terms: jieba's search-mode words plus every single CJK character."""
    terms: list[str] = []
    seen: set[str] = set()
    for chunk in _WORD.findall((text or "").lower()):
        words = [w.strip() for w in jieba.cut_for_search(chunk)]
        singles = [c for c in chunk if _CJK.match(c)]  # so a one-character query (茶, 杯) finds it too
        for word in [*words, *singles]:
            if word and len(word) <= 40 and word not in seen:
                seen.add(word)
                terms.append(word)
    return terms


def query_terms(query: str) -> list[str]:
    """Terms that must all match. Single CJK characters are dropped when longer words exist."""
    words = [w for w in (jieba.lcut(c) for c in _WORD.findall((query or "").lower())) for w in w]
    words = [w.strip() for w in words if w.strip()]
    longer = [w for w in words if len(w) > 1]
    return list(dict.fromkeys(longer or words))[:MAX_QUERY_TERMS]
