"""Content similarity for the cold start of new products: a product nobody has looked at yet has no
neighbours by behaviour, so it gets the products whose words are most alike — its title and subtitle cut
into jieba terms (the catalogue's own tokeniser) plus its category as one more term — weighed by TF-IDF and
compared by cosine. Plain scipy: the matrix of the products that need it times the matrix of all products,
so the cost grows with the new products, not with the square of the catalogue.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse


def _terms(title: str, subtitle: str, category_id: int) -> list[str]:
    from quanzi.catalog.search import segment

    return [*segment(f"{title} {subtitle}"), f"category:{category_id}"]


def _tfidf(docs: list[list[str]]) -> sparse.csr_matrix:
    """Rows L2-normalised TF-IDF vectors of the term lists (terms counted once per document)."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, terms in enumerate(docs):
        for term in set(terms):
            rows.append(row)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
    shape = (len(docs), max(len(vocabulary), 1))
    counts = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    idf = np.array([math.log((1 + len(docs)) / (1 + n)) + 1 for n in df], dtype=np.float32)
    weighted = counts @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sparse.diags(1 / norms) @ weighted).tocsr()


def similar_by_words(*, exclude_sources: set[int], keep: int, max_sources: int) -> dict[int, list[tuple[int, float]]]:
    """{new product id: [(similar product id, cosine), …]} for the sellable products not in `exclude_sources`
    (the newest `max_sources` of them), each compared with every sellable product."""
    from quanzi.catalog.selectors import sellable_products

    catalogue = list(sellable_products().order_by("-pk").values_list("pk", "title", "subtitle", "category_id"))
    if len(catalogue) < 2:
        return {}
    ids = np.array([pk for pk, *_rest in catalogue])
    vectors = _tfidf([_terms(title, subtitle, category) for _pk, title, subtitle, category in catalogue])
    sources = [row for row, pk in enumerate(ids.tolist()) if pk not in exclude_sources][:max_sources]
    if not sources:
        return {}
    sim = (vectors[sources] @ vectors.T).tocsr()
    result: dict[int, list[tuple[int, float]]] = {}
    for at, row in enumerate(sources):
        start, end = sim.indptr[at], sim.indptr[at + 1]
        scored = sorted(((float(score), int(ids[col])) for col, score in zip(
            sim.indices[start:end].tolist(), sim.data[start:end].tolist(), strict=True)
            if col != row and score > 0), key=lambda sv: (-sv[0], sv[1]))
        if scored:
            result[int(ids[row])] = [(pk, round(score, 6)) for score, pk in scored[:keep]]
    return result
