"""Keyword matching in Chinese (jieba, through catalog.search) and the organic relevance floor. Pure:
strings in, booleans and numbers out.

- exact: the query is the keyword (case, width and spaces aside);
- phrase: the keyword appears in the query, in order (茶杯 in 陶瓷茶杯套装);
- broad: every word of the keyword is among the query's terms, or every word of the query is among the
  keyword's terms (绿茶 broad-matches 西湖龙井绿茶 and 茶).

Retrieval uses an inverted index of each keyword's terms (`index_terms`, jieba's search-mode words plus
every CJK character), so any keyword that can match a query shares at least one term with it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import jieba

from quanzi.ads.constants import MatchType
from quanzi.catalog.search import query_terms, segment

_SPACE = re.compile(r"\s+")
MAX_QUERY_CHARS = 60


def normalize(text: str) -> str:
    """NFKC, lower case, one space between words, no edge spaces."""
    text = unicodedata.normalize("NFKC", str(text or ""))[:200]
    return _SPACE.sub(" ", text).strip().lower()


def _compact(text: str) -> str:
    return text.replace(" ", "")


def _words(text: str) -> list[str]:
    return [w.strip() for w in jieba.lcut(text) if w.strip()]


def index_terms(keyword: str) -> list[str]:
    """The terms a keyword is found by: its search-mode segmentation and its words."""
    norm = normalize(keyword)
    return list(dict.fromkeys([*segment(norm), *query_terms(norm)]))


@dataclass(frozen=True)
class Query:
    norm: str
    compact: str
    words: tuple[str, ...]  # jieba words in order
    terms: frozenset[str]  # everything the query can be matched on
    required: tuple[str, ...]  # the words that must all appear for relevance (catalog's query terms)

    @property
    def lookup_terms(self) -> list[str]:
        return sorted(self.terms)


def parse_query(text: str) -> Query:
    return _parse(normalize(text)[:MAX_QUERY_CHARS])


@functools.lru_cache(maxsize=4096)
def _parse(norm: str) -> Query:
    """A query's segmentation, once per process for the queries people repeat most."""
    required = tuple(query_terms(norm))
    return Query(norm=norm, compact=_compact(norm), words=tuple(_words(norm)),
                 terms=frozenset([*segment(norm), *required]), required=required)


def _contiguous(needle: tuple[str, ...], hay: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


@dataclass(frozen=True)
class _Keyword:
    norm: str
    compact: str
    cjk: bool
    words: tuple[str, ...]
    terms: tuple[str, ...]  # its words (all must be in a broad-matched query)
    own: frozenset[str]  # everything it can be found by


@functools.lru_cache(maxsize=16384)
def _keyword(keyword: str) -> _Keyword:
    """A keyword's segmentation, computed once per process (serving matches many keywords per query)."""
    kw = normalize(keyword)
    return _Keyword(norm=kw, compact=_compact(kw), cjk=bool(re.search(r"[\u4e00-\u9fff]", kw)),
                    words=tuple(_words(kw)), terms=tuple(query_terms(kw)), own=frozenset(index_terms(kw)))


def matches(*, keyword: str, match_type: str, query: Query) -> bool:
    """Whether a keyword target of this match type matches the query."""
    kw = _keyword(keyword)
    if not kw.norm or not query.norm:
        return False
    if match_type == MatchType.EXACT:
        return kw.compact == query.compact
    if match_type == MatchType.PHRASE:
        if kw.compact == query.compact:
            return True
        if kw.cjk:  # Chinese: no spaces between words, the characters in order
            return kw.compact in query.compact
        return _contiguous(kw.words, query.words)
    if match_type == MatchType.BROAD:
        if kw.terms and all(t in query.terms for t in kw.terms):
            return True
        return bool(query.required) and all(t in kw.own for t in query.required)
    return False


@functools.lru_cache(maxsize=8192)
def _title_terms(title: str) -> frozenset[str]:
    return frozenset(segment(title))


def relevance(*, title: str, query: Query) -> float:
    """The share of the query's words found in the product's title (0…1): the organic relevance floor
    keeps a sponsored product off a query it has nothing to do with, whatever its bid."""
    if not query.required:
        return 0.0
    terms = _title_terms(str(title or "").lower())
    return sum(1 for t in query.required if t in terms) / len(query.required)
