#!/usr/bin/env python
"""Sponsored-listings benchmark on PostgreSQL (a script, not a test). Loopback database only, every loop
bounded. In-process: it measures the serving path and click billing themselves, without HTTP.

    .venv/bin/python bench/ads.py                                   # 50 campaigns, 10,000 clicks, 60 threads
    .venv/bin/python bench/ads.py --campaigns 200 --clicks 20000 --threads 80
    .venv/bin/python bench/ads.py --database-url postgres://postgres@127.0.0.1:5432/qz_ads_bench

1. Makes (through the services) N shops, each with two products and a running campaign on tea and
   earphone keywords in every match type, funded through the sandbox cashier.
2. Serving: for a sample of queries, the time of organic search (`catalog.selectors.product_search`)
   alone and of the sponsored results (`ads.selectors.sponsored_for_search`, impressions recorded) —
   p50/p99 of the overhead ads add to a search.
3. Billing: 20 campaigns with ¥50 total budgets at ¥0.37 a click; C clicks from T threads (one
   connection each, released together), each click from its own visitor and address. Then, per
   campaign: spend ≤ budget, spend = the sum of billed clicks = what left the shop's ads balance in the
   ledger; the ledger balances. Prints clicks/s and the overspend (must be 0).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qz_ads_bench"
UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 bench"
WORDS = ["绿茶", "红茶", "乌龙茶", "茶杯", "耳机", "蓝牙耳机", "充电器", "T恤"]
QUERIES = ["绿茶", "龙井绿茶", "茶", "蓝牙耳机", "耳机", "降噪耳机", "红茶礼盒", "T恤", "咖啡", "手机壳"]
PRICE = 37
BUDGET = 5000
HARD_MAX_SECONDS = 600


def setup(n_campaigns: int):
    from quanzi.accounts.testing import make_users_bulk
    from quanzi.ads import services
    from quanzi.catalog.services import product_create, product_set_status
    from quanzi.catalog.testing import make_category
    from quanzi.payments.testing import sandbox_pay
    from quanzi.shops.testing import make_shop

    tag = random.randrange(10**6)
    category = make_category(name="基准", name_en="Bench", slug=f"bench-{tag}")
    services.placement_set(placement="search", reserve_price=10, slots=2)
    made = []
    owners = make_users_bulk(phones=[f"166{tag % 1000:03d}{i:05d}" for i in range(n_campaigns)], nickname="bench {i}")
    for i, owner in enumerate(owners):
        shop = make_shop(owner=owner, name=f"基准店 {tag}-{i}")
        word = WORDS[i % len(WORDS)]
        products = []
        for j, title in enumerate((f"{word} 精选 {i}", f"{word} 礼盒装 {i}")):
            p = product_create(shop=shop, data={"title": title, "category_id": category.pk, "price": 5900 + j,
                                                "stock": 100, "returnable_7day": True, "max_per_order": 0}, options=[])
            product_set_status(product=p, status="on_shelf")
            products.append(p)
        _topup, payment = services.topup_start(user=owner, amount=100_000)
        sandbox_pay(payment.number)
        campaign = services.campaign_create(
            user=owner, name=f"bench {i}", daily_budget=BUDGET, total_budget=BUDGET, product_ids=[p.pk for p in products],
            keywords=[{"keyword": word, "match_type": "broad", "max_cpc": PRICE + i % 50},
                      {"keyword": word[:1], "match_type": "broad", "max_cpc": PRICE},
                      {"keyword": "精选", "match_type": "phrase", "max_cpc": PRICE}])
        services.campaign_set_status(user=owner, number=campaign.number, status="active")
        made.append((shop, campaign))
    return made


def serving(samples: int) -> dict:
    from quanzi.ads.selectors import sponsored_for_search
    from quanzi.catalog.selectors import product_search

    rng = random.Random(7)
    organic, ads = harness.Latencies(), harness.Latencies()
    served = 0
    deadline = time.monotonic() + HARD_MAX_SECONDS / 3
    for i in range(samples):
        if time.monotonic() > deadline:
            break
        q = rng.choice(QUERIES)
        t = time.perf_counter()
        product_search(query=q, limit=20)
        organic.add(time.perf_counter() - t)
        t = time.perf_counter()
        served += len(sponsored_for_search(query=q, device=f"serve{i}", rng=lambda: 0.0))
        ads.add(time.perf_counter() - t)
    return {"organic": organic, "ads": ads, "served": served}


def billing(made, clicks: int, threads: int) -> dict:
    from quanzi.ads import services
    from quanzi.ads.testing import impressions_make
    from quanzi.core.testing import run_pool

    targets = made[:20]
    per = clicks // len(targets)
    calls = []
    for k, (_shop, campaign) in enumerate(targets):
        ids = impressions_make(campaign_id=campaign.pk, count=per, price=PRICE, device_prefix=f"c{k}v")
        for i, pk in enumerate(ids):
            token = services.click_token(pk)
            n = k * per + i
            calls.append((token, f"c{k}v{i}", f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"))
    random.Random(3).shuffle(calls)
    fns = [lambda c=c: services.click_record(token=c[0], device=c[1], ip=c[2], user_agent=UA) for c in calls]
    t = time.perf_counter()
    results = run_pool(fns, threads=threads)
    elapsed = time.perf_counter() - t
    errors = [r[1] for r in results if r[0] != "ok"]
    return {"targets": targets, "elapsed": elapsed, "clicks": len(fns), "errors": errors,
            "billed": sum(1 for r in results if r[0] == "ok" and r[1].billed)}


def verify(targets) -> dict:
    from quanzi.ads import accounts as acct
    from quanzi.ads.testing import campaigns, clicks
    from quanzi.ledger.selectors import balance, unbalanced_transactions

    overspend, mismatch = 0, 0
    for shop, campaign in targets:
        [c] = [x for x in campaigns(shop_id=shop.pk) if x.pk == campaign.pk]
        billed = sum(k.price for k in clicks(campaign_id=c.pk) if k.billed and k.refunded_at is None)
        overspend += max(c.spent - c.total_budget, 0)
        ledger_moved = 100_000 - (-balance(code=acct.ads_prepaid(shop.pk)))
        mismatch += int(not (c.spent == billed == ledger_moved))
    return {"overspend": overspend, "mismatch": mismatch, "unbalanced": len(unbalanced_transactions())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--campaigns", type=int, default=50)
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--clicks", type=int, default=10_000)
    ap.add_argument("--threads", type=int, default=60, help="one PostgreSQL connection each (max_connections!)")
    ap.add_argument("--json")
    args = ap.parse_args()
    url = args.database_url or DEFAULT_DB
    if "127.0.0.1" not in url and "localhost" not in url:
        sys.exit("bench/ads.py only talks to a local database")
    if args.campaigns < 20:
        sys.exit("--campaigns must be at least 20 (billing uses 20 of them)")
    harness.configure_django(url)
    from django.conf import settings
    from django.core.cache import cache

    # the sandbox's payment notifications reach this process directly (no server runs here)
    settings.QUANZI = {**settings.QUANZI, "SANDBOX_TRANSPORT": "inprocess", "SANDBOX_CHAOS": False}
    from django.db import connection

    info = harness.machine_info()
    t = time.perf_counter()
    made = setup(args.campaigns)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    setup_s = time.perf_counter() - t
    cache.clear()
    s = serving(args.samples)
    b = billing(made, args.clicks, args.threads)
    v = verify(b["targets"])
    overhead = s["ads"]
    rows = [
        ("machine", f"{info['nproc']} × {info['cpu']}", info.get("load average before the run", "")),
        ("setup", f"{args.campaigns} campaigns in {setup_s:.1f} s", ""),
        ("organic search p50 / p99", f"{harness.ms(s['organic'].p50)} / {harness.ms(s['organic'].p99)}", ""),
        ("sponsored results p50 / p99 (the overhead)", f"{harness.ms(overhead.p50)} / {harness.ms(overhead.p99)}",
         "p99 ≤ 5 ms"),
        ("ads served", f"{s['served']} in {len(overhead.values)} searches", ""),
        ("clicks / threads", f"{b['clicks']:,} / {args.threads}", ""),
        ("clicks per second", f"{b['clicks'] / b['elapsed']:.0f}", ""),
        ("billed clicks", f"{b['billed']:,} (budget allows {len(b['targets']) * (BUDGET // PRICE):,})", ""),
        ("errors", str(len(b["errors"])), "0"),
        ("overspend (fen)", str(v["overspend"]), "0"),
        ("campaigns where spend ≠ billed ≠ ledger", str(v["mismatch"]), "0"),
        ("unbalanced ledger transactions", str(v["unbalanced"]), "0"),
    ]
    harness.print_table("bench/ads.py — sponsored listings (in-process, PostgreSQL)", rows)
    harness.write_json(args.json, {"machine": info, "rows": rows, "serving": overhead.summary(),
                                   "organic": s["organic"].summary()})
    if v["overspend"] or v["mismatch"] or v["unbalanced"] or b["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
