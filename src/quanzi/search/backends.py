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
    """SELECT of the sellable rows matching the words (one parameter: the query), with their relevance: the
    text's rank times the stored boost (sales and rating), or the boost alone when `relevance` is False —
    for one word, whose text rank is the same for every row that has it (the vectors carry no positions or
    weights), so reading each row's vector to rank it would change nothing."""
    columns = ("d.product_id, d.category_id, d.shop_id, d.min_price, d.rating_sum, d.rating_count, d.sold_count, "
               "d.created_at")  # narrow: every matching row is copied, and labels are looked up for the shown keys
    if connection.vendor == "postgresql":
        rank = "ts_rank(d.search_vector, q.q) * d.boost" if relevance else "d.boost"
        return (f"SELECT {columns}, {rank} AS rank FROM search_searchdocument d, (SELECT %s::tsquery AS q) q "
                f"WHERE d.sellable AND d.search_vector @@ q.q")
    rank = "-bm25(search_fts) * d.boost" if relevance else "d.boost"
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


FACETS = ("category", "shop", "price")
SHOWN = 12  # categories and shops a result page offers as filters
# The aggregate pass's columns after the grouping keys: a count per facet (every *other* filter
# applied, so a chosen category still shows its neighbours), the total, the rows matching the words, and the
# counts per rating step (every filter but the rating's).
COUNTS = ("category", "shop", "price", "total", "matched", *(f"rating{step}" for step in RATING_STEPS))


def _aggregates(parts: dict[str, tuple[str, list]]) -> tuple[str, list]:
    columns, params = [], []
    for kind in FACETS:
        cond, args = _only(parts, without=kind)
        columns.append(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)")
        params += args
    cond, args = _only(parts)
    columns += [f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)", "COUNT(*)"]
    params += args
    cond, args = _only(parts, without="rating")
    for step in RATING_STEPS:
        columns.append(f"SUM(CASE WHEN {cond} AND d.rating_count > 0 AND d.rating_sum * 10 >= {step} * d.rating_count "
                       f"THEN 1 ELSE 0 END)")
        params += args
    return ", ".join(columns), params


def search(groups: Groups, filters: Filters, *, sort: str, limit: int, offset: int) -> Found:
    """One statement: the matching rows once (a materialised CTE of narrow columns), then one aggregate pass
    over them — the counts per category, shop and price band, the totals and the rating steps (PostgreSQL's
    GROUPING SETS; the same rows from four GROUP BYs on SQLite) — and the page's product ids in order
    (relevance × the sales/rating boost, or the chosen sort). A second statement names the shown facets."""
    parts = filters.parts()
    keys = {"category": "d.category_id", "shop": "d.shop_id", "price": _band_sql()}
    aggregates, agg_params = _aggregates(parts)
    pad = ", ".join(["NULL"] * len(COUNTS))
    params: list = [query_string(groups)]
    if connection.vendor == "postgresql":
        grouped = (f"SELECT GROUPING({keys['category']}, {keys['shop']}, {keys['price']}), {keys['category']}, "
                   f"{keys['shop']}, {keys['price']}, {aggregates} FROM m d GROUP BY GROUPING SETS "
                   f"(({keys['category']}), ({keys['shop']}), ({keys['price']}), ())")
        params += agg_params
    else:  # the same rows: the GROUPING() bit mask says which keys a row is not grouped by (category 4, shop 2, price 1)
        selects = []
        for mask, kind in ((3, "category"), (5, "shop"), (6, "price"), (7, "")):
            chosen = [keys[k] if k == kind else "NULL" for k in FACETS]
            group_by = f" GROUP BY {keys[kind]}" if kind else ""
            selects.append(f"SELECT {mask}, {', '.join(chosen)}, {aggregates} FROM m d{group_by}")
            params += agg_params
        grouped = " UNION ALL ".join(selects)
    cond, args = _only(parts)
    order = SORTS.get(sort, "d.rank DESC, d.product_id DESC")
    page = (f"SELECT -1, p.product_id, p.n, NULL, {pad} FROM (SELECT d.product_id, ROW_NUMBER() OVER "
            f"(ORDER BY {order}) AS n FROM m d WHERE {cond}) p WHERE p.n > %s AND p.n <= %s")
    params += [*args, offset, offset + limit]
    materialised = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = f"WITH m AS {materialised}({_matches(sort not in SORTS and _is_many_words(groups))}) {grouped} UNION ALL {page}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = _found(cursor.fetchall())
        _label(found, cursor)
    return found


def _is_many_words(groups: Groups) -> bool:
    """Whether the text rank can tell rows apart: more than one token or alternative in the query."""
    return len(groups) > 1 or any(len(group) > 1 or any(len(alt) > 1 for alt in group) for group in groups)


def _found(rows) -> Found:
    facets: dict[str, list[dict]] = {"category": [], "shop": [], "price": [], "rating": []}
    found = Found(matched=0, total=0, facets=facets, product_ids=[])
    items = []
    for mask, category, shop, band, *counts in rows:
        if mask == -1:  # a row of the page: (product id, its place)
            items.append((int(shop), int(category)))
            continue
        count = dict(zip(COUNTS, (int(c or 0) for c in counts), strict=True))
        if mask == 7:
            found.total, found.matched = count["total"], count["matched"]
            for step in RATING_STEPS:
                if count[f"rating{step}"]:
                    facets["rating"].append({"key": step, "label": "", "label_en": "", "count": count[f"rating{step}"]})
            continue
        kind, key = {3: ("category", category), 5: ("shop", shop), 6: ("price", band)}[mask]
        if count[kind] and key is not None:
            facets[kind].append({"key": int(key), "label": "", "label_en": "", "count": count[kind]})
    for kind in ("category", "shop"):  # the most frequent first; a page shows at most SHOWN of them
        facets[kind] = sorted(facets[kind], key=lambda f: (-f["count"], f["key"]))[:SHOWN]
    found.product_ids = [pid for _n, pid in sorted(items)]
    return found


def _label(found: Found, cursor) -> None:
    """The names of the shown categories and shops, from one index row of each (a second statement of at most
    2 × SHOWN key lookups; run only when there are facets to name)."""
    selects, params = [], []
    for kind, column, labels in (("category", "category_id", "d.category_label, d.category_label_en"),
                                 ("shop", "shop_id", "d.shop_label, ''")):
        for facet in found.facets[kind]:
            selects.append(f"SELECT * FROM (SELECT '{kind}', d.{column}, {labels} FROM search_searchdocument d "
                           f"WHERE d.{column} = %s LIMIT 1) {kind[0]}{len(selects)}")
            params.append(facet["key"])
    if not selects:
        return
    cursor.execute(" UNION ALL ".join(selects), params)
    names = {(kind, int(key)): (label or "", label_en or "") for kind, key, label, label_en in cursor.fetchall()}
    for kind in ("category", "shop"):
        for facet in found.facets[kind]:
            facet["label"], facet["label_en"] = names.get((kind, facet["key"]), ("", ""))
