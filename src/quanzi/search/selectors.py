"""Search's reads: products for a query (results, facets with counts, the corrected query), suggestions, and
the lists of the merchant's and operator's pages. A search is two statements (facets, totals and the page's
ids, then the shown facets' names: backends.search), plus the page's products by key; synonyms and the
vocabulary come from caches, and results are cached for QUANZI["SEARCH_CACHE_SECONDS"] (30) under the index's generation, which every index
write moves on, so a change is searchable at once (tests/test_search.py pins the statements)."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language
from rapidfuzz import fuzz, process

from quanzi.catalog import selectors as catalog
from quanzi.search import backends, text
from quanzi.search.backends import PRICE_BANDS, Filters
from quanzi.search.models import QueryStat, Synonym, VocabularyTerm
from quanzi.search.services import GENERATION_KEY, SYNONYMS_CACHE_KEY

SORTS = ("relevance", "sales", "price_asc", "price_desc", "new")
MAX_LIMIT = 50
MAX_OFFSET = 2000
SUGGESTIONS = 8
VOCABULARY_SECONDS = 300
MAX_ALTERNATIVES = 6


@dataclass
class SearchResult:
    query: str
    product_ids: list[int] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[dict]] = field(default_factory=lambda: {"category": [], "shop": [], "price": [],
                                                                   "rating": []})
    corrected_query: str = ""

    @property
    def searched(self) -> str:
        """The words the results are for: the correction when there was one."""
        return self.corrected_query or self.query


# ---------------------------------------------------------------- synonyms and the vocabulary (cached)

def platform_synonyms() -> dict[str, list[str]]:
    """{word: its synonyms} of the operators' list, both ways (cached until the list changes)."""
    found = cache.get(SYNONYMS_CACHE_KEY)
    if found is None:
        found = {}
        for term, synonym in Synonym.objects.filter(shop__isnull=True).values_list("term", "synonym"):
            found.setdefault(term, []).append(synonym)
            found.setdefault(synonym, []).append(term)
        cache.set(SYNONYMS_CACHE_KEY, found, 600)
    return found


_vocabulary: dict = {"at": 0.0, "terms": None}
_vocabulary_lock = threading.Lock()


def forget_vocabulary() -> None:
    _vocabulary["at"] = 0.0


def vocabulary() -> dict:
    """The index's words for typo correction, kept in this process for five minutes: {"terms": set,
    "han": [words], "latin": [words], "by_pinyin": {pinyin: best word}, "pinyins": [pinyin]}."""
    if _vocabulary["terms"] is not None and time.monotonic() - _vocabulary["at"] < VOCABULARY_SECONDS:
        return _vocabulary
    with _vocabulary_lock:
        rows = list(VocabularyTerm.objects.order_by("-doc_count", "term").values_list("term", "pinyin")[:200_000])
        by_pinyin: dict[str, str] = {}
        for term, pinyin in rows:
            if pinyin:
                by_pinyin.setdefault(pinyin, term)  # the most used word of each sound
        _vocabulary.update(terms={t for t, _ in rows}, han=[t for t, _ in rows if text.is_han(t) and len(t) > 1],
                           latin=[t for t, _ in rows if text.is_latin(t)], by_pinyin=by_pinyin,
                           pinyins=list(by_pinyin), at=time.monotonic())
    return _vocabulary


def correct_term(term: str) -> str | None:
    """The nearest word of the index for a word that found nothing: a homophone (为衣 → 卫衣), a pinyin
    spelled nearly right (weiyii → 卫衣), a near spelling (hodie → hoodie); None when nothing is close."""
    vocab = vocabulary()
    if term in vocab["terms"]:
        return None
    if text.is_han(term):
        full, _initials = text.pinyin_of(term)
        if full in vocab["by_pinyin"]:
            return vocab["by_pinyin"][full]
        best = process.extractOne(term, vocab["han"], scorer=fuzz.ratio, score_cutoff=66)
        return best[0] if best else None
    if text.is_latin(term) and len(term) >= 3:
        candidates = [c for c in (
            process.extractOne(term, vocab["latin"], scorer=fuzz.ratio, score_cutoff=80),
            process.extractOne(term, vocab["pinyins"], scorer=fuzz.ratio, score_cutoff=80)) if c]
        if candidates:
            word = max(candidates, key=lambda c: c[1])[0]
            return vocab["by_pinyin"].get(word, word)
    return None


# ---------------------------------------------------------------- the product search

def _groups(terms: list[str]) -> backends.Groups:
    synonyms = platform_synonyms()
    groups = []
    for term in terms:
        alternatives = [term, *synonyms.get(term, [])][:MAX_ALTERNATIVES]
        group = []
        for alt in alternatives:
            tokens = text.term_tokens(term) if alt == term else text.phrase_tokens(alt)
            if tokens and tokens not in group:
                group.append(tokens)
        groups.append(group)
    return groups


def _filters(*, category, shop, price_min, price_max, rating_min) -> Filters:
    def whole(value, low=0, high=10**12):
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            return None
        return number if low <= number <= high else None

    rating = None
    try:
        rating = round(float(rating_min) * 10) if rating_min not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        rating = None
    return Filters(category=whole(category, 1), shop=whole(shop, 1), price_min=whole(price_min),
                   price_max=whole(price_max), rating_min=rating if rating and 0 < rating <= 50 else None)


def product_search(*, query, category=None, shop=None, price_min=None, price_max=None, rating_min=None,
                   sort: str = "relevance", limit: int = 20, offset: int = 0) -> SearchResult:
    """Sellable products for the query: every word (or one of its synonyms) must match; a query that
    finds nothing is corrected word by word to the nearest words of the index and searched again.
    Filters: category and shop ids, price in fen, rating_min in stars (4, 4.5). Bad values are ignored."""
    q = text.clean_query(query)
    result = SearchResult(query=q)
    terms = text.query_terms(q)
    if not terms:
        return result
    filters = _filters(category=category, shop=shop, price_min=price_min, price_max=price_max,
                       rating_min=rating_min)
    sort = sort if sort in SORTS else "relevance"
    limit, offset = max(1, min(int(limit), MAX_LIMIT)), max(0, min(int(offset), MAX_OFFSET))
    key = _cache_key(terms, filters, sort, limit, offset)
    cached = cache.get(key) if key else None
    if cached is None:
        cached = _search(terms, filters, sort=sort, limit=limit, offset=offset)
        if key:
            cache.set(key, cached, _cache_seconds())
    found, result.corrected_query = cached
    result.total, result.facets, result.product_ids = found.total, _labelled(found.facets), found.product_ids
    return result


def _search(terms: list[str], filters: Filters, *, sort: str, limit: int, offset: int):
    found = backends.search(_groups(terms), filters, sort=sort, limit=limit, offset=offset)
    if not found.matched:  # nothing matches the words at all: correct them
        fixed = [correct_term(t) or t for t in terms]
        if fixed != terms:
            return backends.search(_groups(fixed), filters, sort=sort, limit=limit, offset=offset), " ".join(fixed)
    return found, ""


def _cache_seconds() -> int:
    return int(settings.QUANZI.get("SEARCH_CACHE_SECONDS", 30))


def _cache_key(terms, filters: Filters, sort: str, limit: int, offset: int) -> str:
    """The result cache's key (no key when the cache is off): the words, filters and page, under the index's
    generation, which every write to the index moves on (services.index_changed)."""
    if _cache_seconds() <= 0:
        return ""
    generation = cache.get(GENERATION_KEY, 0)
    raw = repr((terms, sorted(vars(filters).items()), sort, limit, offset))
    return f"search:r:{generation}:{hashlib.sha1(raw.encode()).hexdigest()}"


def _labelled(facets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    english = (get_language() or "").startswith("en")
    out: dict[str, list[dict]] = {}
    for kind, items in facets.items():
        rows = []
        for item in items:
            label = item["label_en"] if english and item["label_en"] else item["label"]
            if kind == "price":
                low, high = PRICE_BANDS[item["key"]]
                label = f"¥{low // 100}–{high // 100}" if high else f"¥{low // 100}+"
                rows.append({"key": item["key"], "label": label, "count": item["count"], "price_min": low,
                             "price_max": high - 1 if high else None})
            elif kind == "rating":
                stars = f"{item['key'] / 10:g}"  # "4.5", "4": also the rating_min value that chooses it
                rows.append({"key": item["key"], "label": stars, "stars": stars, "count": item["count"]})
            else:
                rows.append({"key": item["key"], "label": label, "count": item["count"]})
        if kind in ("category", "shop"):
            rows.sort(key=lambda r: (-r["count"], r["key"]))
            rows = rows[:12]
        elif kind == "rating":
            rows.sort(key=lambda r: -r["key"])
        else:
            rows.sort(key=lambda r: r["key"])
        out[kind] = rows
    return out


def products_in_order(*, product_ids: list[int]) -> list:
    """The catalog's products of a result page (with their shop), in the result's order; one statement.
    Anything that stopped being sellable since it was indexed is left out."""
    found = {p.pk: p for p in catalog.sellable_products().select_related("shop").filter(pk__in=product_ids)}
    return [found[i] for i in product_ids if i in found]


# ---------------------------------------------------------------- suggestions

def suggest(*, query, limit: int = SUGGESTIONS) -> list[str]:
    """At most eight completions: popular past queries that found something, then the index's words whose
    characters, pinyin or initials start with what was typed ("weiy" → 卫衣). Two statements."""
    q = text.clean_query(query)
    limit = max(1, min(int(limit), SUGGESTIONS))
    if not q:
        return list(QueryStat.objects.filter(last_results__gt=0).order_by("-searches", "query")
                    .values_list("query", flat=True)[:limit])
    found = list(QueryStat.objects.filter(query__startswith=q, last_results__gt=0).exclude(query=q)
                 .order_by("-searches", "query").values_list("query", flat=True)[:limit])
    compact = q.replace(" ", "")
    words = Q(term__startswith=q)
    if text.is_latin(compact):
        words |= Q(pinyin__startswith=compact) | Q(initials__startswith=compact)
    for term in VocabularyTerm.objects.filter(words).exclude(term=q).order_by("-doc_count", "term") \
            .values_list("term", flat=True)[:limit]:
        if term not in found:
            found.append(term)
    return found[:limit]


# ---------------------------------------------------------------- pages of the merchant and the operator

def synonyms_of_shop(*, shop_id: int) -> list[Synonym]:
    return list(Synonym.objects.filter(shop_id=shop_id).order_by("term", "id")[:500])


def platform_synonym_list() -> list[Synonym]:
    return list(Synonym.objects.filter(shop__isnull=True).order_by("term", "id")[:1000])


def top_queries(*, limit: int = 50) -> list[QueryStat]:
    return list(QueryStat.objects.order_by("-searches", "query")[:limit])


def zero_result_queries(*, limit: int = 50) -> list[QueryStat]:
    """Queries whose latest search found nothing, most searched first: words to add as synonyms."""
    return list(QueryStat.objects.filter(last_results=0).order_by("-zero_results", "query")[:limit])
