"""Search's writes: the index rows (from the catalog's events and the reindex command), ratings from
reviews' events, synonyms (operators platform-wide, merchants for their own shop) and the query log."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog
from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.search import text
from quanzi.search.models import QueryStat, SearchDocument, SearchRating, Synonym, VocabularyTerm

BATCH = 500
MAX_SYNONYMS_PER_SHOP = 200
SYNONYMS_CACHE_KEY = "search:platform-synonyms"
GENERATION_KEY = "search:generation"
DOC_FIELDS = ["shop_id", "category_id", "title", "title_en", "shop_label", "category_label", "category_label_en",
              "tokens", "min_price", "sold_count", "rating_sum", "rating_count", "boost", "sellable", "created_at"]


def boost_of(*, sold_count: int, rating_sum: int, rating_count: int) -> float:
    """What relevance is multiplied by: 1 + 0.15·ln(1 + sales), ±5 % per star away from 3 when rated."""
    boost = 1.0 + 0.15 * math.log1p(max(0, sold_count))
    if rating_count > 0:
        boost *= 1.0 + 0.05 * (rating_sum / rating_count - 3.0)
    return round(boost, 4)


def _shop_synonyms(shop_ids: Iterable[int]) -> dict[int, dict[str, set[str]]]:
    """{shop id: {term: its synonyms}} for the shops' own lists (expanded into their documents)."""
    out: dict[int, dict[str, set[str]]] = {}
    for shop_id, term, synonym in Synonym.objects.filter(shop_id__in=set(shop_ids)).values_list(
            "shop_id", "term", "synonym"):
        words = out.setdefault(shop_id, {})
        words.setdefault(term, set()).add(synonym)
        words.setdefault(synonym, set()).add(term)
    return out


def document_of(product, *, rating: tuple[int, int] = (0, 0), shop_synonyms: dict[str, set[str]] | None = None
                ) -> SearchDocument:
    """The index row of a product loaded with its shop and category (both languages' texts)."""
    titles = [product.title_zh_hans or "", product.title_en or ""]
    others = [product.subtitle_zh_hans or "", product.subtitle_en or "", product.category.name_zh_hans or "",
              product.category.name_en or "", product.shop.name or ""]
    tokens = text.document_tokens(titles=titles, others=others)
    for term, synonyms in (shop_synonyms or {}).items():  # the merchant's words, found only in their goods
        needed = text.phrase_tokens(term)
        if needed and all(t in tokens for t in needed):
            tokens += [t for s in synonyms for t in text.segment(s) if t not in tokens]
    rating_sum, rating_count = rating
    return SearchDocument(
        product_id=product.pk, shop_id=product.shop_id, category_id=product.category_id,
        title=(product.title_zh_hans or product.title_en or "")[:120], title_en=(product.title_en or "")[:120],
        shop_label=product.shop.name[:80], category_label=(product.category.name_zh_hans or "")[:80],
        category_label_en=(product.category.name_en or "")[:80], tokens=" ".join(tokens),
        min_price=product.min_price, sold_count=product.sold_count, rating_sum=rating_sum, rating_count=rating_count,
        boost=boost_of(sold_count=product.sold_count, rating_sum=rating_sum, rating_count=rating_count),
        sellable=True, created_at=product.created_at)


def index_changed() -> None:
    """Move the index's generation on: cached results of the old one are no longer read (selectors)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted)
        cache.set(GENERATION_KEY, int(clock.now().timestamp() * 1000), None)


def documents_save(docs: list[SearchDocument]) -> None:
    """Insert or update index rows by product (one statement per batch)."""
    index_changed()
    now = clock.now()
    for doc in docs:
        doc.indexed_at = now
    SearchDocument.objects.bulk_create(docs, batch_size=BATCH, update_conflicts=True, unique_fields=["product_id"],
                                       update_fields=[*DOC_FIELDS, "indexed_at"])


def _index_batch(products: list) -> list[SearchDocument]:
    ids = [p.pk for p in products]
    ratings = {r.product_id: (r.rating_sum, r.rating_count) for r in SearchRating.objects.filter(product_id__in=ids)}
    synonyms = _shop_synonyms(p.shop_id for p in products)
    docs = [document_of(p, rating=ratings.get(p.pk, (0, 0)), shop_synonyms=synonyms.get(p.shop_id)) for p in products]
    documents_save(docs)
    return docs


@transaction.atomic
def products_index(*, product_ids: Iterable[int]) -> int:
    """Bring these products' rows up to date: sellable ones indexed, the others kept out of results."""
    ids = sorted({int(i) for i in product_ids})
    products = list(catalog.sellable_products().filter(pk__in=ids).select_related("shop", "category"))
    docs = _index_batch(products) if products else []
    gone = set(ids) - {p.pk for p in products}
    if gone:
        SearchDocument.objects.filter(product_id__in=gone).update(sellable=False)
        index_changed()
    vocabulary_add(docs)
    return len(docs)


def sales_refresh(*, batch: int = 500) -> int:
    """Bring sales counts (and prices) up to date: the catalog counts a paid order's units without an event
    (its hot path), so the sweep compares the catalog's numbers with the index's and re-indexes the products
    that moved — sorting by sales and the sales boost lag by one sweep (minutes), never by a reindex."""
    current = dict(catalog.sellable_products().values_list("pk", "sold_count"))
    indexed = dict(SearchDocument.objects.filter(sellable=True).values_list("product_id", "sold_count"))
    moved = sorted(pk for pk, sold in current.items() if indexed.get(pk) != sold)
    for start in range(0, len(moved), batch):
        products_index(product_ids=moved[start:start + batch])
    return len(moved)


def shop_unlist(*, shop_id: int) -> int:
    """A suspended shop's goods leave the results at once."""
    index_changed()
    return SearchDocument.objects.filter(shop_id=shop_id, sellable=True).update(sellable=False)


def shop_reindex(*, shop_id: int) -> int:
    ids = list(catalog.sellable_products().filter(shop_id=shop_id).values_list("pk", flat=True))
    ids += list(SearchDocument.objects.filter(shop_id=shop_id).values_list("product_id", flat=True))
    return products_index(product_ids=ids)


def reindex_all(*, log=None) -> dict:
    """Rebuild every row from the catalog (batches of 500), mark rows of products no longer on sale, and
    rebuild the vocabulary. Ratings are kept (they live in SearchRating)."""
    seen: set[int] = set()
    last = 0
    while True:
        batch = list(catalog.sellable_products().filter(pk__gt=last).select_related("shop", "category")
                     .order_by("pk")[:BATCH])
        if not batch:
            break
        with transaction.atomic():
            _index_batch(batch)
        seen.update(p.pk for p in batch)
        last = batch[-1].pk
        if log:
            log(f"indexed {len(seen):,}")
    stale = set(SearchDocument.objects.filter(sellable=True).values_list("product_id", flat=True)) - seen
    for chunk in _chunks(sorted(stale), BATCH):
        SearchDocument.objects.filter(product_id__in=chunk).update(sellable=False)
    index_changed()
    terms = vocabulary_rebuild()
    return {"indexed": len(seen), "unlisted": len(stale), "vocabulary": terms}


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i:i + size]


# ---------------------------------------------------------------- vocabulary (typo correction, suggestions)

def _vocabulary_words(title: str, title_en: str, category: str, category_en: str) -> list[str]:
    """The words a title and category give the vocabulary: Chinese words, single characters included (a
    shopper typing the syllable "cha" means 茶, which the index holds as a character of 龙井茶), and Latin
    words of 3–40 letters."""
    words = text.segment(title) + text.segment(category) + text.words(title_en) + text.words(category_en)
    return [w for w in dict.fromkeys(words) if text.is_han(w) or (text.is_latin(w) and 3 <= len(w) <= 40)]


def _term_row(term: str, count: int) -> VocabularyTerm:
    full, initials = text.pinyin_of(term)
    return VocabularyTerm(term=term, pinyin=full[:160], initials=initials[:40], doc_count=count)


def vocabulary_rebuild() -> int:
    """Count every title and category word over the sellable rows (the words people can find)."""
    counts: Counter[str] = Counter()
    rows = SearchDocument.objects.filter(sellable=True).values_list(
        "title", "title_en", "category_label", "category_label_en")
    for row in rows.iterator(chunk_size=2000):
        counts.update(_vocabulary_words(*row))
    with transaction.atomic():
        VocabularyTerm.objects.all().delete()
        VocabularyTerm.objects.bulk_create([_term_row(t, n) for t, n in counts.items()], batch_size=2000)
    vocabulary_changed()
    return len(counts)


def vocabulary_add(docs: list[SearchDocument]) -> None:
    """New words of freshly indexed rows (counts are exact after the next full reindex)."""
    words = {w for d in docs for w in _vocabulary_words(d.title, d.title_en, d.category_label, d.category_label_en)}
    if not words:
        return
    known = set(VocabularyTerm.objects.filter(term__in=words).values_list("term", flat=True))
    if words - known:
        VocabularyTerm.objects.bulk_create([_term_row(w, 1) for w in sorted(words - known)], ignore_conflicts=True)
        vocabulary_changed()


def vocabulary_changed() -> None:
    from quanzi.search import selectors

    selectors.forget_vocabulary()


# ---------------------------------------------------------------- ratings (reviews.created)

@transaction.atomic
def rating_add(*, product_id: int, rating: int) -> None:
    """One more review's stars for the product (1–5; anything else is ignored)."""
    if not 1 <= int(rating) <= 5:
        return
    n = SearchRating.objects.filter(product_id=product_id).update(rating_sum=F("rating_sum") + rating,
                                                                  rating_count=F("rating_count") + 1)
    if not n:
        SearchRating.objects.create(product_id=product_id, rating_sum=rating, rating_count=1)
    r = SearchRating.objects.get(product_id=product_id)
    doc = SearchDocument.objects.filter(product_id=product_id).first()
    if doc is not None:
        index_changed()
        SearchDocument.objects.filter(pk=doc.pk).update(
            rating_sum=r.rating_sum, rating_count=r.rating_count,
            boost=boost_of(sold_count=doc.sold_count, rating_sum=r.rating_sum, rating_count=r.rating_count))


# ---------------------------------------------------------------- synonyms

def _synonym_word(value, field: str) -> str:
    word = text.clean_query(value)
    if not word or len(word) > 40 or not text.words(word):
        raise ValidationFailed(_("Enter a word of 1 to 40 characters."), code="invalid_synonym",
                               fields={field: "invalid"})
    return word


def synonym_add(*, shop=None, term, synonym) -> Synonym:
    """`term` ⇄ `synonym`: platform-wide (shop None, operators) or for the shop's own goods (merchants)."""
    term, synonym = _synonym_word(term, "term"), _synonym_word(synonym, "synonym")
    if term == synonym:
        raise ValidationFailed(_("A word is not its own synonym."), code="invalid_synonym",
                               fields={"synonym": "same"})
    if shop is not None and Synonym.objects.filter(shop=shop).count() >= MAX_SYNONYMS_PER_SHOP:
        raise ValidationFailed(_("A shop has at most %(n)d synonyms.") % {"n": MAX_SYNONYMS_PER_SHOP},
                               code="too_many_synonyms")
    pair = sorted([term, synonym])
    exists = Synonym.objects.filter(shop=shop, term__in=pair, synonym__in=pair).exists()
    if exists:
        raise Conflict(_("This synonym is already on the list."), code="synonym_exists")
    try:
        with transaction.atomic():
            row = Synonym.objects.create(shop=shop, term=term, synonym=synonym)
    except IntegrityError:
        raise Conflict(_("This synonym is already on the list."), code="synonym_exists") from None
    _synonyms_changed(shop)
    return row


def synonym_delete(*, shop=None, synonym_id: int) -> None:
    """Remove one of the shop's synonyms (or a platform one when shop is None); another shop's is 404."""
    row = Synonym.objects.filter(pk=synonym_id, shop=shop).first()
    if row is None:
        raise NotFound(_("Synonym not found."))
    row.delete()
    _synonyms_changed(shop)


def _synonyms_changed(shop) -> None:
    index_changed()
    if shop is None:
        cache.delete(SYNONYMS_CACHE_KEY)
    else:
        shop_reindex(shop_id=shop.pk)  # the shop's goods carry its words in their rows


# ---------------------------------------------------------------- the query log

def query_log(*, query: str, results: int) -> None:
    """Count a search of this normalised query (no user, no person's time is kept)."""
    query = text.clean_query(query)
    if not query:
        return
    zero = 1 if results == 0 else 0
    changes = {"searches": F("searches") + 1, "zero_results": F("zero_results") + zero,
               "last_results": results, "last_searched_at": clock.now()}
    if QueryStat.objects.filter(query=query).update(**changes):
        return
    try:
        with transaction.atomic():
            QueryStat.objects.create(query=query, searches=1, zero_results=zero, last_results=results,
                                     last_searched_at=clock.now())
    except IntegrityError:  # a concurrent first search of the same words
        QueryStat.objects.filter(query=query).update(**changes)
