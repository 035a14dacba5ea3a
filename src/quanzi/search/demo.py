"""Demo data of search (order 95, after every app that adds products): the index and its vocabulary, a dozen
platform synonyms, one shop's own words, and a few logged queries so suggestions and the operator's page
have something to show."""

from __future__ import annotations

from quanzi.core.seeding import DemoSeeder

SYNONYMS = [
    ("手机", "移动电话"), ("卫衣", "hoodie"), ("t恤", "短袖"), ("连衣裙", "裙子"), ("耳机", "耳麦"),
    ("笔记本", "笔记本电脑"), ("运动鞋", "跑鞋"), ("茶叶", "茶"), ("保温杯", "水杯"), ("外套", "夹克"),
    ("充电宝", "移动电源"), ("零食", "小吃"),
]
QUERIES = [("卫衣", 12), ("连衣裙", 9), ("茶叶", 7), ("手机壳", 5), ("耳机", 4), ("t恤", 4), ("保温杯", 3),
           ("运动鞋", 3), ("围巾", 2), ("独角兽", 1)]


def seed_search(ctx):
    from quanzi.search import selectors, services
    from quanzi.search.models import Synonym
    from quanzi.shops.selectors import shop_get_selling

    result = services.reindex_all()
    added = 0
    for term, synonym in SYNONYMS:
        if not Synonym.objects.filter(shop__isnull=True, term=term, synonym=synonym).exists():
            services.synonym_add(term=term, synonym=synonym)
            added += 1
    shop_id = min(ctx.demo_shop_ids(), default=None)
    shop = shop_get_selling(shop_id=shop_id) if shop_id else None
    if shop is not None and not Synonym.objects.filter(shop=shop).exists():
        services.synonym_add(shop=shop, term="纯棉", synonym="全棉")
        added += 1
    for query, times in QUERIES:
        found = selectors.product_search(query=query, limit=1).total
        for _ in range(times):
            services.query_log(query=query, results=found)
    counts = {"indexed": result["indexed"], "vocabulary": result["vocabulary"], "synonyms": added,
              "queries": len(QUERIES)}
    ctx.log(f"  search: {counts}")
    return counts


def search_present(ctx) -> bool:
    from quanzi.search.models import QueryStat

    return QueryStat.objects.exists()


seeder = DemoSeeder(key="search", run=seed_search, present=search_present)
