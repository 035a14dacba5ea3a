"""The two full-text backends behind one interface, picked by `connection.vendor`: PostgreSQL (a GIN-indexed
tsvector, `ts_rank`) and SQLite (FTS5, `bm25`). Both take the query as groups of alternatives of token
lists — `[[["手机"], ["移动电话"]], [["壳"]]]` means (手机 OR 移动电话) AND 壳 — and quote every token,
so no operator of either query language can come from a shopper."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

Groups = list[list[list[str]]]
PRICE_BANDS = [(0, 5000), (5000, 10000), (10000, 20000), (20000, 50000), (50000, None)]  # fen, [low, high)
RATING_STEPS = (45, 40)  # tenths of a star: ≥ 4.5, ≥ 4
SORTS = {
    "sales": "d.sold_count DESC, d.product_id DESC",
    "price_asc": "d.min_price ASC, d.product_id ASC",
    "price_desc": "d.min_price DESC, d.product_id DESC",
    "new": "d.created_at DESC, d.product_id DESC",
}


@dataclass
class Filters:
    category: int | None = None
    shop: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    rating_min: int | None = None  # tenths of a star

    def parts(self) -> dict[str, tuple[str, list]]:
        """Each active filter as SQL over the alias `d` with its parameters."""
        out: dict[str, tuple[str, list]] = {}
        if self.category is not None:
            out["category"] = ("d.category_id = %s", [self.category])
        if self.shop is not None:
            out["shop"] = ("d.shop_id = %s", [self.shop])
        price, args = [], []
        if self.price_min is not None:
            price.append("d.min_price >= %s")
            args.append(self.price_min)
        if self.price_max is not None:
            price.append("d.min_price <= %s")
            args.append(self.price_max)
        if price:
            out["price"] = (" AND ".join(price), args)
        if self.rating_min:
            out["rating"] = ("d.rating_count > 0 AND d.rating_sum * 10 >= %s * d.rating_count", [self.rating_min])
        return out


@dataclass
class Page:
    product_ids: list[int]
    total: int
    facets: dict[str, list[dict]] = field(default_factory=dict)


def _pg_query(groups: Groups) -> str:
    def lexeme(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join("(" + " | ".join("(" + " & ".join(lexeme(t) for t in alt) + ")" for alt in group) + ")"
                      for group in groups)


def _fts5_query(groups: Groups) -> str:
    def phrase(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    return " AND ".join("(" + " OR ".join("(" + " AND ".join(phrase(t) for t in alt) + ")" for alt in group) + ")"
                        for group in groups)


def query_string(groups: Groups) -> str:
    return _pg_query(groups) if connection.vendor == "postgresql" else _fts5_query(groups)


def _matches(relevance: bool) -> str:
    """SELECT of the sellable rows matching the words (one parameter: the query), with their relevance."""
    columns = ("d.product_id, d.category_id, d.shop_id, d.min_price, d.rating_sum, d.rating_count, d.sold_count, "
               "d.created_at, d.category_label, d.category_label_en, d.shop_label")
    if connection.vendor == "postgresql":
        rank = "ts_rank(d.search_vector, q.q) * d.boost" if relevance else "0"
        return (f"SELECT {columns}, {rank} AS rank FROM search_searchdocument d, (SELECT %s::tsquery AS q) q "
                f"WHERE d.sellable AND d.search_vector @@ q.q")
    rank = "-bm25(search_fts) * d.boost" if relevance else "0"
    return (f"SELECT {columns}, {rank} AS rank FROM search_fts JOIN search_searchdocument d "
            f"ON d.product_id = search_fts.rowid WHERE search_fts MATCH %s AND d.sellable")


def _band_sql() -> str:
    whens = " ".join(f"WHEN d.min_price < {high} THEN {i}" for i, (_low, high) in enumerate(PRICE_BANDS) if high)
    return f"CASE {whens} ELSE {len(PRICE_BANDS) - 1} END"


def _only(parts: dict[str, tuple[str, list]], *, without: str = "") -> tuple[str, list]:
    chosen = [(sql, args) for name, (sql, args) in parts.items() if name != without]
    if not chosen:
        return "1 = 1", []
    return " AND ".join(f"({sql})" for sql, _ in chosen), [a for _, args in chosen for a in args]


@dataclass
class Found:
    matched: int  # rows matching the words, before the filters
    total: int  # of them, those passing every filter
    facets: dict[str, list[dict]]
    product_ids: list[int]


def search(groups: Groups, filters: Filters, *, sort: str, limit: int, offset: int) -> Found:
    """One statement: the matching rows once (a materialised CTE), then over them the counts per category,
    shop, price band and rating step — each with every *other* filter applied, so a chosen category still
    shows its neighbours — the totals, and the page's product ids in order (relevance × sales/rating boost,
    or the chosen sort)."""
    parts = filters.parts()
    band = _band_sql()
    selects, params = [], [query_string(groups)]
    for kind, key, labels in (("category", "d.category_id", "MAX(d.category_label), MAX(d.category_label_en)"),
                              ("shop", "d.shop_id", "MAX(d.shop_label), ''"),
                              ("price", band, "'', ''")):
        cond, args = _only(parts, without=kind)
        selects.append(f"SELECT '{kind}', {key}, {labels}, SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) "
                       f"FROM m d GROUP BY {key}")
        params += args
    cond, args = _only(parts, without="rating")
    for step in RATING_STEPS:
        selects.append(f"SELECT 'rating', {step}, '', '', SUM(CASE WHEN {cond} AND d.rating_count > 0 AND "
                       f"d.rating_sum * 10 >= {step} * d.rating_count THEN 1 ELSE 0 END) FROM m d")
        params += args
    cond, args = _only(parts)
    selects.append(f"SELECT 'total', 0, '', '', SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) FROM m d")
    params += args
    selects.append("SELECT 'matched', 0, '', '', COUNT(*) FROM m d")
    order = SORTS.get(sort, "d.rank DESC, d.product_id DESC")
    selects.append(f"SELECT 'item', p.product_id, '', '', p.n FROM (SELECT d.product_id, ROW_NUMBER() OVER "
                   f"(ORDER BY {order}) AS n FROM m d WHERE {cond}) p WHERE p.n > %s AND p.n <= %s")
    params += [*args, offset, offset + limit]
    materialised = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = f"WITH m AS {materialised}({_matches(sort not in SORTS)}) " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    facets: dict[str, list[dict]] = {"category": [], "shop": [], "price": [], "rating": []}
    found = Found(matched=0, total=0, facets=facets, product_ids=[])
    items = []
    for kind, key, label, label_en, count in rows:
        count = int(count or 0)
        if kind == "total":
            found.total = count
        elif kind == "matched":
            found.matched = count
        elif kind == "item":
            items.append((count, int(key)))
        elif count:
            facets[kind].append({"key": int(key), "label": label or "", "label_en": label_en or "", "count": count})
    found.product_ids = [pid for _n, pid in sorted(items)]
    return found
