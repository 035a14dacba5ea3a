#!/usr/bin/env python
"""Coupons benchmark, on PostgreSQL: a hot coupon claimed by a crowd, and the SQL cost of a checkout with coupons.

    .venv/bin/python bench/coupons.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qz_bench_coupons .venv/bin/python bench/coupons.py \
        --claims 10000 --units 1000 --clients 200 --processes 4 --workers 12

What it does:
1. Creates/migrates its database (--database-url, else $BENCH_DATABASE_URL, else $DATABASE_URL with the database
   name replaced by qz_bench_coupons — never the database a test or server uses) and prepares its own data
   through the services: a shop, a template of --units units (one per shopper), --claims shoppers (bulk).
2. Claims: --clients client threads, spread over --processes processes, each claiming for its own shoppers
   (services.coupon_claim, in-process). As a server would, each process runs the claims on a pool of --workers
   threads with one database connection each (PostgreSQL allows 100 connections here; 200 clients with a
   connection each would not fit): a client's latency includes the wait for a worker.
   Verified from the database: issued_count == units == coupons written, none over-issued, one per shopper.
3. Queries: SQL statements of one checkout_and_pay with 3 coupons (a shop coupon, a platform coupon and a
   platform free-shipping coupon, all applied) across N = 1, 5, 20 lines (CaptureQueriesContext), chosen by
   checkout (no choice) and chosen by the shopper ("a,b,c"). Goal: ≤ 20 whatever N, counting the statements of
   the checkout's transaction (transaction control and the after-commit outbox delivery are shown apart).
4. Prints the table; exits 1 if a check fails.

Bounded: every phase stops at a count and a deadline; only the local database is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import secrets
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

OWN_DB = "qz_bench_coupons"
HARD_MAX_SECONDS = 600
QUERY_BUDGET = 20


def bench_database_url(given: str | None) -> str:
    """--database-url or $BENCH_DATABASE_URL as given; else $DATABASE_URL's server with this bench's own database."""
    url = given or os.environ.get("BENCH_DATABASE_URL")
    if url:
        return harness.database_url(url)
    base = os.environ.get("DATABASE_URL") or harness.DEFAULT_DB
    parts = urllib.parse.urlparse(base)
    return harness.database_url(parts._replace(path="/" + OWN_DB).geturl())


# ---------------------------------------------------------------- data

def prepare(args, tag: str):
    from quanzi.accounts.testing import make_users_bulk
    from quanzi.catalog.demo import category_ensure
    from quanzi.core import clock
    from quanzi.coupons.testing import make_template
    from quanzi.shops.services import shop_apply, shop_approve

    [owner] = make_users_bulk(emails=[f"bench-cp-{tag}-owner@bench.quanzi.test"], nickname="bench coupons merchant")
    shop = shop_approve(shop_id=shop_apply(owner=owner, data={
        "name": f"券压测店 {tag}", "licence_number": f"91CPBENCH{tag}", "contact_name": "Bench",
        "contact_phone": "13800000000", "description": "bench/coupons.py"}).pk)
    category = category_ensure(slug="bench", name="压测", name_en="Bench")
    now = clock.now()
    hot = make_template(shop=shop, name=f"抢券 {tag}"[:40], amount_off=500, total_count=args.units, per_user_limit=1,
                        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=1))
    shoppers = make_users_bulk(emails=[f"bench-cp-{tag}-{i}@bench.quanzi.test" for i in range(args.claims)],
                               nickname="bench coupon shopper {i}")
    return shop, category, hot, [u.pk for u in shoppers]


# ---------------------------------------------------------------- claims

def _claim_process(user_ids: list[int], clients: int, workers: int, template_id: int, deadline: float,
                   out: queue.Queue) -> None:
    """One process: `clients` client threads, `workers` worker threads (one connection each)."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from quanzi.core.errors import DomainError
    from quanzi.coupons.services import coupon_claim

    User = get_user_model()
    connections.close_all()  # never share the parent's connection

    def one(user_id: int) -> str:
        if time.monotonic() > deadline:
            return "timeout"
        try:
            coupon_claim(user=User(pk=user_id), template_id=template_id)
            return "ok"
        except DomainError as exc:
            return exc.code
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            return f"error:{type(exc).__name__}"

    pool = ThreadPoolExecutor(max_workers=workers, initializer=lambda: None)
    outcomes: dict[str, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    shares = [user_ids[i::clients] for i in range(clients)]
    barrier = threading.Barrier(clients)

    def client(mine: list[int]) -> None:
        barrier.wait(timeout=60)
        for user_id in mine:
            started = time.perf_counter()
            result = pool.submit(one, user_id).result()
            took = time.perf_counter() - started
            with lock:
                outcomes[result] = outcomes.get(result, 0) + 1
                latencies.append(took)

    threads = [threading.Thread(target=client, args=(s,)) for s in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=HARD_MAX_SECONDS)
    pool.shutdown(wait=True)
    pool2 = ThreadPoolExecutor(max_workers=workers)  # close every worker's connection in its own thread
    list(pool2.map(lambda _i: connections.close_all(), range(workers)))
    pool2.shutdown()
    out.put((outcomes, latencies))


def run_claims(args, template_id: int, user_ids: list[int]) -> dict:
    import multiprocessing

    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue = context.Queue()
    deadline = time.monotonic() + HARD_MAX_SECONDS
    per = [args.clients // args.processes + (1 if n < args.clients % args.processes else 0)
           for n in range(args.processes)]
    users = [user_ids[n::args.processes] for n in range(args.processes)]
    started = time.perf_counter()
    procs = [context.Process(target=_claim_process, args=(users[n], per[n], args.workers, template_id, deadline,
                                                          results)) for n in range(args.processes)]
    for p in procs:
        p.start()
    outcomes: dict[str, int] = {}
    latencies = harness.Latencies()
    for _ in procs:
        got, lat = results.get(timeout=HARD_MAX_SECONDS)
        for k, v in got.items():
            outcomes[k] = outcomes.get(k, 0) + v
        latencies.values.extend(lat)
    elapsed = time.perf_counter() - started
    for p in procs:
        p.join(timeout=30)
    return {"outcomes": outcomes, "latencies": latencies, "elapsed": elapsed}


# ---------------------------------------------------------------- queries

def count_checkout_queries(shop, category, tag: str) -> list[tuple[int, int, int, int]]:
    """(N lines, coupons applied, statements of the checkout transaction when checkout chooses and when the
    shopper chooses, every statement captured including the after-commit outbox delivery)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from quanzi.accounts.services import address_create
    from quanzi.accounts.testing import make_users_bulk
    from quanzi.catalog.services import product_create, product_set_status
    from quanzi.core import clock
    from quanzi.coupons.testing import give, make_template
    from quanzi.orders.checkout import checkout_and_pay
    from quanzi.orders.services import CheckoutItem

    now = clock.now()
    when = {"starts_at": now - dt.timedelta(minutes=1), "ends_at": now + dt.timedelta(days=1)}
    skus = []
    for i in range(20):  # ¥3 each: 20 lines stay under the free-shipping threshold, so the fee can be waived
        product = product_create(shop=shop, data={"title": f"券查询 {i + 1}", "category_id": category.pk, "price": 300,
                                                  "stock": 1_000_000})
        product_set_status(product=product, status="on_shelf")
        skus.append(product.skus.get().pk)
    templates = [make_template(shop=shop, name="店铺减1元", amount_off=100, total_count=1000, per_user_limit=10, **when),
                 make_template(name="平台95折", kind="percent", percent_off=5, total_count=1000, per_user_limit=10,
                               **when),
                 make_template(name="平台包邮", kind="free_shipping", total_count=1000, per_user_limit=10, **when)]
    rows = []
    for n in (1, 5, 20):
        counts = []
        for choose in (False, True):
            [user] = make_users_bulk(emails=[f"bench-cp-{tag}-q{n}{int(choose)}@bench.quanzi.test"])
            address = address_create(user=user, data={"recipient": "压测", "phone": "13800138000", "province": "上海",
                                                      "city": "上海", "district": "黄浦区", "detail": "人民路 1 号"})
            coupons = [give(user, t) for t in templates]
            context = {"coupons": ",".join(str(c.pk) for c in coupons)} if choose else {}
            items = [CheckoutItem(sku_id, 1) for sku_id in skus[:n]]
            with CaptureQueriesContext(connection) as captured:
                with transaction.atomic():
                    orders, _payment = checkout_and_pay(user=user, items=items, address_id=address.pk,
                                                        clear_cart=False, context=context)
            applied = sum(1 for o in orders for a in o.adjustments if a["source"] == "coupon")
            counts.append((applied, _checkout_statements(captured.captured_queries), len(captured.captured_queries)))
        rows.append((n, min(counts[0][0], counts[1][0]), counts[0][1], counts[1][1], max(counts[0][2], counts[1][2])))
    return rows


CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _checkout_statements(queries: list[dict]) -> int:
    """The checkout transaction's own statements: up to its COMMIT (what follows is the outbox's after-commit
    delivery, a worker's job in production), transaction control left out."""
    n = 0
    for q in queries:
        sql = q["sql"].lstrip().upper()
        if sql.startswith("COMMIT"):
            break
        if not sql.startswith(CONTROL):
            n += 1
    return n


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--claims", type=int, default=10_000, help="claims, one shopper each (default 10,000)")
    parser.add_argument("--units", type=int, default=1_000, help="units of the hot coupon (default 1,000)")
    parser.add_argument("--clients", type=int, default=200, help="client threads (default 200)")
    parser.add_argument("--processes", type=int, default=4, help="processes the clients are spread over")
    parser.add_argument("--workers", type=int, default=12,
                        help="worker threads (database connections) per process (default 12)")
    parser.add_argument("--skip-claims", action="store_true")
    args = parser.parse_args()
    args.claims = max(1, min(args.claims, 200_000))
    args.clients = max(1, min(args.clients, args.claims, 2_000))
    args.processes = max(1, min(args.processes, args.clients))
    args.workers = max(1, min(args.workers, 80 // args.processes))

    url = bench_database_url(args.database_url)
    print(f"database: {url.rsplit('@', 1)[-1]}")
    harness.configure_django(url)
    info = harness.machine_info()
    tag = time.strftime("%m%d%H%M%S") + secrets.token_hex(2)
    shop, category, hot, user_ids = prepare(args, tag)
    rows: list[tuple[str, str, str]] = []
    ok = True

    if not args.skip_claims:
        from quanzi.coupons.testing import template_counts

        run = run_claims(args, hot.pk, user_ids)
        counts = template_counts(template_id=hot.pk)
        issued, written, holders = counts["issued"], counts["written"], counts["holders"]
        won = run["outcomes"].get("ok", 0)
        expected = min(args.units, args.claims)
        over = max(0, written - args.units)
        exact = issued == written == won == holders == expected
        ok &= exact and over == 0 and sum(run["outcomes"].values()) == args.claims
        lat = run["latencies"]
        rows += [
            ("claims (one shopper each)", f"{args.claims:,}", ""),
            ("clients / processes / DB connections", f"{args.clients} / {args.processes} / "
                                                     f"{args.processes * args.workers}", ""),
            ("outcomes", ", ".join(f"{k} {v:,}" for k, v in sorted(run["outcomes"].items())), ""),
            ("issued_count / coupons written / winners", f"{issued:,} / {written:,} / {won:,}",
             f"== {expected:,} {'OK' if exact else 'WRONG'}"),
            ("over-issued", str(over), "0 " + ("OK" if over == 0 else "WRONG")),
            ("claims/s", f"{args.claims / run['elapsed']:,.0f}", ""),
            ("claim latency p50 / p99 / max", f"{harness.ms(lat.p50)} / {harness.ms(lat.p99)} / "
                                              f"{harness.ms(lat.max)}", ""),
            ("wall time", f"{run['elapsed']:.1f} s", ""),
        ]

    for n, applied, best, chosen, everything in count_checkout_queries(shop, category, tag):
        fine = best <= QUERY_BUDGET and chosen <= QUERY_BUDGET and applied == 3
        ok &= fine
        rows.append((f"checkout SQL, 3 coupons, {n} line(s)",
                     f"{best} (best) / {chosen} (chosen); {everything} with BEGIN/COMMIT and outbox; {applied} applied",
                     f"≤ {QUERY_BUDGET}, 3 applied " + ("OK" if fine else "WRONG")))
    for k in ("date", "nproc", "cpu", "database", "load average before the run"):
        if k in info:
            rows.append((k, info[k], ""))
    harness.print_table("Coupons (bench/coupons.py)", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
