#!/usr/bin/env python
"""Analytics benchmark on PostgreSQL, and on chDB (ClickHouse in-process). A script, not a test: loopback
database only, every loop bounded, the data wiped at the start (and the database dropped with `--drop`).

    .venv/bin/python bench/analytics.py --events 1000000        # a quick run (~5 minutes)
    .venv/bin/python bench/analytics.py                         # 10M events, 200k users, 50k products, 90 days
    .venv/bin/python bench/analytics.py --reuse                 # the reports again on the data already loaded
    .venv/bin/python bench/analytics.py --no-chdb --drop        # PostgreSQL only, then drop the database

1. Generates `--events` facts over `--days` days, day by day as they would arrive: sessions of `--users`
   users (skewed: a few are very active) viewing pages and products of `--products` products in `--shops`
   shops; some order (created, then paid minutes later, a few refunded), share a link that others open and
   buy through, or follow. Actors are the real keyed hashes (`services.actor_of_user`).
2. Ingest: the first `--orm-sample` facts through `services.record` (the ORM path), the rest through the
   batch path `ingest.record_batch` (COPY into a temporary table, then INSERT … SELECT … ON CONFLICT DO
   NOTHING, plus the DirtyMarks), in chunks of `--chunk`. Events/s of each path count only the time spent
   in it (generating the facts is timed apart). Goal: ≥ 20,000 events/s through the batch path.
3. Rollups: `rollups.rollup_dirty_days()` until no day is marked (all `--days` days), and one day again
   (`recompute_day`).
4. Reports, each run `--repeat` times (p50/p99): from the rollups `selectors.overview` over 7/30/90 days
   (platform and the busiest shop) and `selectors.event_counts` (goal: p99 < 1 s); from the raw events,
   `--raw-repeat` times, `funnel` (3 steps, 30 days), `cohorts` (56 days), `repurchase` and `sharing`
   (30 days) — no goal on PostgreSQL (they are what ClickHouse is for), printed for comparison.
5. chDB (`--chdb`, default on): needs `quanzi.analytics.clickhouse` (its `store()` on a `chdb:<path>` store).
   The same events are copied from PostgreSQL into an on-disk chDB store under var/ (`--chdb-path`), then
   its funnel over 90 days of raw events (goal < 2 s) and its overview are timed. Without the module the
   section says so and is skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import random
import shutil
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qz_analytics_bench"
HARD_MAX_SECONDS = 3 * 3600  # the whole run, at 10M events
REPORT_BUDGET_SECONDS = 120  # per report: fewer repeats rather than an unbounded run
FUNNEL = ("product.view", "order.created", "order.paid")
CHANNELS = ("organic", "organic", "organic", "note", "live", "group", "flash", "bargain")


# ---------------------------------------------------------------- the data

class World:
    """The users, products and shops the facts are about (actors hashed once per user)."""

    def __init__(self, users: int, products: int, shops: int, seed: int = 19):
        from quanzi.analytics.services import actor_of_user

        self.rng = random.Random(seed)
        self.users, self.products, self.shops = users, products, shops
        self._actor_of_user = actor_of_user
        self._actors: dict[int, str] = {}

    def actor(self, user: int) -> str:
        a = self._actors.get(user)
        if a is None:
            a = self._actors[user] = self._actor_of_user(user)
        return a

    def user(self) -> int:
        return 1 + int(self.users * self.rng.random() ** 1.6)  # active users are few and busy

    def product(self) -> tuple[int, int]:
        p = 1 + int(self.products * self.rng.random() ** 2)
        return p, 1 + p % self.shops  # (product, its shop)


def facts(world: World, *, events: int, days: int, today: dt.date) -> Iterator:
    """`events` facts, day after day (oldest first), about 6–7 a session. Exactly `events` are yielded."""
    from quanzi.analytics import constants as names
    from quanzi.analytics.services import SHANGHAI, Fact

    rng, made, n = world.rng, 0, 0
    per_day = events / days
    for d in range(days):
        day = today - dt.timedelta(days=days - 1 - d)
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
        target = round(per_day * (d + 1)) if d < days - 1 else events
        while made < target:
            user = world.user()
            actor = world.actor(user)
            t = midnight + dt.timedelta(seconds=rng.randrange(0, 22 * 3600))
            session: list = []
            n += 1
            session.append(Fact(key=f"b:{actor}:{n:x}p", name=names.PAGE_VIEW, occurred_at=t, actor=actor,
                                props={"path": "/"}))
            product, shop = world.product()
            for i in range(rng.randint(1, 6)):
                if i:
                    product, shop = world.product()
                t += dt.timedelta(seconds=rng.randrange(5, 90))
                session.append(Fact(key=f"b:{actor}:{n:x}v{i}", name=names.PRODUCT_VIEW, occurred_at=t, actor=actor,
                                    shop_id=shop, object_type="product", object_id=product))
            for i in range(rng.randint(0, 4)):
                session.append(Fact(key=f"b:{actor}:{n:x}i{i}", name=names.IMPRESSION, occurred_at=t, actor=actor))
            if rng.random() < 0.12:  # a few seconds after the last view (same-time steps: docs/bench.md)
                t += dt.timedelta(seconds=rng.randrange(5, 120))
                session += _order(rng, names, Fact, f"{n:x}", actor, shop, t, rng.choice(CHANNELS))
            if rng.random() < 0.03:
                session += _share(world, names, Fact, f"{n:x}", actor, shop, t)
            if rng.random() < 0.02:
                session.append(Fact(key=f"{names.FOLLOWED}:{n:x}", name=names.FOLLOWED, occurred_at=t, actor=actor,
                                    object_type="user", object_id=world.user()))
            yield from session[:target - made]
            made += min(len(session), target - made)


def _order(rng, names, Fact, tag: str, actor: str, shop: int, t: dt.datetime, channel: str) -> list:
    amount = rng.randrange(990, 29_900)
    out = [Fact(key=f"{names.ORDER_CREATED}:{tag}", name=names.ORDER_CREATED, occurred_at=t, actor=actor,
                shop_id=shop, object_type="order", amount=amount, channel=channel)]
    if rng.random() < 0.85:
        paid = t + dt.timedelta(seconds=rng.randrange(20, 600))
        out.append(Fact(key=f"{names.ORDER_PAID}:{tag}", name=names.ORDER_PAID, occurred_at=paid, actor=actor,
                        shop_id=shop, object_type="order", amount=amount, channel=channel))
        if rng.random() < 0.03:
            out.append(Fact(key=f"{names.ORDER_REFUNDED}:{tag}", name=names.ORDER_REFUNDED,
                            occurred_at=paid + dt.timedelta(hours=1), actor=actor, shop_id=shop,
                            object_type="order", amount=amount, channel=channel))
    return out


def _share(world: World, names, Fact, tag: str, actor: str, shop: int, t: dt.datetime) -> list:
    rng = world.rng
    out = [Fact(key=f"{names.SHARE_CREATED}:{tag}", name=names.SHARE_CREATED, occurred_at=t, actor=actor,
                shop_id=shop, object_type="share")]
    for i in range(rng.randint(0, 4)):
        other = world.actor(world.user())
        if other == actor:
            continue  # self-clicks are not recorded (handlers.py)
        t = t + dt.timedelta(seconds=rng.randrange(30, 1800))
        out.append(Fact(key=f"{names.SHARE_CLICKED}:{tag}:{i}", name=names.SHARE_CLICKED, occurred_at=t, actor=other,
                        shop_id=shop, object_type="share"))
        if rng.random() < 0.15:
            out += _order(rng, names, Fact, f"{tag}s{i}", other, shop, t, "share")
    return out


def chunks(it: Iterator, size: int) -> Iterator[tuple[list, float]]:
    """(chunk, seconds spent generating it)."""
    while True:
        t = time.perf_counter()
        chunk = [f for _, f in zip(range(size), it, strict=False)]
        if not chunk:
            return
        yield chunk, time.perf_counter() - t


# ---------------------------------------------------------------- steps

def wipe() -> None:
    from quanzi.analytics.testing import wipe as wipe_log

    wipe_log()


def ensure_partitions(days: int) -> str:
    """The day partitions of the raw log, when analytics/partitions.py exists (else the plain table)."""
    try:
        from quanzi.analytics import partitions
    except ImportError:
        return "plain table (no quanzi.analytics.partitions)"
    ensure = getattr(partitions, "ensure", None)
    if ensure is None:
        return "partitions module without ensure()"
    params = inspect.signature(ensure).parameters
    kwargs = {k: v for k, v in (("days_ahead", 2), ("days_back", days + 2)) if k in params}
    ensure(**kwargs)
    return f"partitioned by day (partitions.ensure({', '.join(f'{k}={v}' for k, v in kwargs.items())}))"


def ingest(args, today: dt.date) -> dict:
    from quanzi.analytics.ingest import record_batch
    from quanzi.analytics.services import record

    world = World(args.users, args.products, args.shops)
    stream = facts(world, events=args.events, days=args.days, today=today)
    out = {"orm": [0, 0.0], "batch": [0, 0.0], "gen_s": 0.0, "deciles": []}
    done, decile_n, decile_s = 0, 0, 0.0
    deadline = time.monotonic() + HARD_MAX_SECONDS / 2
    for chunk, gen_s in chunks(stream, args.chunk):
        out["gen_s"] += gen_s
        path = "orm" if done < args.orm_sample else "batch"
        t = time.perf_counter()
        (record if path == "orm" else record_batch)(chunk)
        spent = time.perf_counter() - t
        out[path][0] += len(chunk)
        out[path][1] += spent
        done += len(chunk)
        if path == "batch":
            decile_n, decile_s = decile_n + len(chunk), decile_s + spent
            if decile_n >= args.events // 10:
                out["deciles"].append(decile_n / decile_s)
                decile_n, decile_s = 0, 0.0
        if done % (args.events // 20 or 1) < args.chunk:
            print(f"  ingested {done:,} / {args.events:,} ({path} {out[path][0] / max(out[path][1], 1e-9):,.0f}/s)",
                  flush=True)
        if time.monotonic() > deadline:
            print("  ingest stopped: time limit", flush=True)
            break
    out["done"] = done
    return out


def rollup() -> dict:
    from quanzi.analytics.rollups import recompute_day, rollup_dirty_days
    from quanzi.analytics.testing import rolled_up_days, rollup_count

    t, days = time.perf_counter(), 0
    for _ in range(100):  # each run takes up to 10,000 marks
        n = rollup_dirty_days()
        if not n:
            break
        days += n
    total = time.perf_counter() - t
    middle = rolled_up_days()
    one = 0.0
    if middle:
        t = time.perf_counter()
        recompute_day(middle[len(middle) // 2])
        one = time.perf_counter() - t
    return {"days": days, "seconds": total, "one_day_s": one, "rows": rollup_count()}


def timed(fn, repeat: int) -> tuple[harness.Latencies, object]:
    lat, result = harness.Latencies(), None
    deadline = time.monotonic() + REPORT_BUDGET_SECONDS
    for i in range(repeat):
        t = time.perf_counter()
        result = fn()
        lat.add(time.perf_counter() - t)
        if i and time.monotonic() > deadline:
            break
    return lat, result


def busiest_shop() -> int:
    from quanzi.analytics.testing import busiest_shop as busiest

    return busiest()


def reports(args, today: dt.date) -> list[tuple[str, harness.Latencies, str, bool]]:
    """(label, latencies, what it found, from the rollups?)"""
    from quanzi.analytics import selectors

    shop = busiest_shop()
    out = []

    def since(days: int) -> dt.date:
        return today - dt.timedelta(days=days - 1)

    for days in (7, 30, 90):
        for who, shop_id in (("platform", None), (f"shop {shop}", shop)):
            lat, ov = timed(lambda d=days, s=shop_id: selectors.overview(since=since(d), until=today, shop_id=s),
                            args.repeat)
            out.append((f"overview {days} d, {who}", lat, f"GMV ¥{ov.totals['gmv'] / 100:,.0f}, "
                        f"{ov.totals['orders']:,} orders, {ov.totals['buyers']:,} buyers", True))
    for who, shop_id in (("platform", None), (f"shop {shop}", shop)):
        lat, counts = timed(lambda s=shop_id: selectors.event_counts(since=since(30), until=today, shop_id=s),
                            args.repeat)
        out.append((f"event_counts 30 d, {who}", lat, f"{sum(counts.values()):,} events", True))
    raw = [
        ("funnel 3 steps, 30 d (raw)", lambda: selectors.funnel(steps=list(FUNNEL), since=since(30), until=today,
                                                                 window=dt.timedelta(days=1)),
         lambda r: " → ".join(f"{s.actors:,}" for s in r)),
        ("cohorts 56 d (raw)", lambda: selectors.cohorts(since=since(56), until=today),
         lambda r: f"{len(r)} weekly cohorts, {sum(c.size for c in r):,} people"),
        ("repurchase 30 d (raw)", lambda: selectors.repurchase(since=since(30), until=today),
         lambda r: f"{r['buyers']:,} buyers, {r['repeat_buyers']:,} again"),
        ("sharing 30 d (raw)", lambda: selectors.sharing(since=since(30), until=today),
         lambda r: f"K = {r['k_factor']} ({r['sharers']:,} sharers)"),
    ]
    for label, fn, describe in raw:
        lat, result = timed(fn, args.raw_repeat)
        out.append((label, lat, describe(result), False))
    return out


# ---------------------------------------------------------------- chDB

def chdb_part(args, today: dt.date, database_url: str) -> list[tuple[str, str, str]]:
    """The same events in an on-disk chDB store, its funnel over `--days` days and its overview. Needs
    quanzi.analytics.clickhouse (issue 19's ClickHouse path); without it, one row that says so."""
    try:
        from quanzi.analytics import clickhouse
    except ImportError:
        return [("chDB", "skipped: needs quanzi.analytics.clickhouse (not in this tree yet)", "funnel < 2 s")]
    return chdb_run(clickhouse, args, today, database_url)


def chdb_load(clickhouse, target, database_url: str) -> str:
    """Copy the PostgreSQL log into chDB: with ClickHouse's postgresql() table function (one streaming
    INSERT … SELECT, the fast way to seed a store), else through the module's own export job."""
    from django.db import connection

    from quanzi.analytics.testing import EVENT_TABLE, event_count

    parts = urllib.parse.urlparse(database_url)
    source = {"hostport": f"{parts.hostname or '127.0.0.1'}:{parts.port or 5432}",
              "db": urllib.parse.unquote(parts.path[1:]), "user": urllib.parse.unquote(parts.username or "postgres"),
              "password": urllib.parse.unquote(parts.password or ""), "table": EVENT_TABLE}
    columns = ", ".join(clickhouse.COLUMNS)
    try:
        target.execute(f"INSERT INTO {clickhouse.EVENTS} ({columns}) SELECT {columns} FROM postgresql("
                       "{hostport:String}, {db:String}, {table:String}, {user:String}, {password:String})", source)
        return "postgresql() table function"
    except Exception as exc:  # an older chDB without the PostgreSQL engine: the export job, bounded
        print(f"  postgresql() failed ({str(exc)[:120]}); using export_new_events", flush=True)
    target.execute(f"TRUNCATE TABLE {clickhouse.EVENTS}")
    total = event_count()
    for _ in range(total // 50_000 + 10):
        if not clickhouse.export_new_events(limit=50_000):
            break
    connection.close()
    return "export_new_events"


def chdb_run(clickhouse, args, today: dt.date, database_url: str) -> list[tuple[str, str, str]]:
    from django.conf import settings

    from quanzi.analytics.testing import event_count

    shutil.rmtree(args.chdb_path, ignore_errors=True)
    Path(args.chdb_path).parent.mkdir(parents=True, exist_ok=True)
    settings.QUANZI = {**settings.QUANZI, "ANALYTICS_CLICKHOUSE": f"chdb:{args.chdb_path}"}
    target = clickhouse.store()
    target.ensure_schema()
    t = time.perf_counter()
    how = chdb_load(clickhouse, target, database_url)
    load_s = time.perf_counter() - t
    [(stored,)] = target.query(f"SELECT count() FROM {clickhouse.EVENTS}")
    t = time.perf_counter()
    target.execute(f"OPTIMIZE TABLE {clickhouse.EVENTS} FINAL")
    optimize_s = time.perf_counter() - t
    size = sum(f.stat().st_size for f in Path(args.chdb_path).rglob("*") if f.is_file())
    expected = event_count()
    rows = [("chDB load", f"{stored:,} of {expected:,} events in {load_s:.1f} s ({how}), OPTIMIZE FINAL "
             f"{optimize_s:.1f} s, {size / 2**20:,.0f} MiB on disk", "all" if stored == expected else "MISSING")]

    def since(days: int) -> dt.date:
        return today - dt.timedelta(days=days - 1)

    repeat = max(args.raw_repeat, min(args.repeat, 10))
    checks = [
        (f"chDB funnel 3 steps, {args.days} d (raw)", "< 2 s",
         lambda: clickhouse.funnel(steps=list(FUNNEL), since=since(args.days), until=today, window=dt.timedelta(days=1)),
         lambda r: " → ".join(f"{s.actors:,}" for s in r)),
        ("chDB funnel 3 steps, 30 d (raw)", "",
         lambda: clickhouse.funnel(steps=list(FUNNEL), since=since(30), until=today, window=dt.timedelta(days=1)),
         lambda r: " → ".join(f"{s.actors:,}" for s in r)),
        ("chDB overview 30 d, platform (raw)", "",
         lambda: clickhouse.overview(since=since(30), until=today),
         lambda r: f"GMV ¥{r.totals['gmv'] / 100:,.0f}, {r.totals['orders']:,} orders"),
        (f"chDB overview {args.days} d, platform (raw)", "",
         lambda: clickhouse.overview(since=since(args.days), until=today),
         lambda r: f"GMV ¥{r.totals['gmv'] / 100:,.0f}, {r.totals['orders']:,} orders"),
        ("chDB cohorts 56 d (raw)", "", lambda: clickhouse.cohorts(since=since(56), until=today),
         lambda r: f"{len(r)} weekly cohorts, {sum(c.size for c in r):,} people"),
        ("chDB repurchase 30 d (raw)", "", lambda: clickhouse.repurchase(since=since(30), until=today),
         lambda r: f"{r['buyers']:,} buyers, {r['repeat_buyers']:,} again"),
        ("chDB sharing 30 d (raw)", "", lambda: clickhouse.sharing(since=since(30), until=today),
         lambda r: f"K = {r['k_factor']} ({r['sharers']:,} sharers)"),
    ]
    for label, goal, fn, describe in checks:
        lat, result = timed(fn, repeat)
        verdict = f"{goal} {'PASS' if lat.p99 < 2 else 'MISS'}" if goal else ""
        rows.append((f"{label}: p50 / p99", f"{harness.ms(lat.p50)} / {harness.ms(lat.p99)} (n={len(lat.values)}; "
                     f"{describe(result)})", verdict))
    return rows


# ---------------------------------------------------------------- output

def storage() -> str:
    from django.db import connection

    from quanzi.analytics.testing import EVENT_TABLE, ROLLUP_TABLE

    with connection.cursor() as cur:
        sizes = []
        for table in (EVENT_TABLE, ROLLUP_TABLE):
            cur.execute("SELECT coalesce(sum(pg_total_relation_size(relid)), 0), count(*) "
                        "FROM pg_partition_tree(%s)", [table])
            size, parts = cur.fetchone()
            extra = f" in {parts - 1} partitions" if parts > 1 else ""
            sizes.append(f"{table} {size / 2**20:,.0f} MiB{extra}")
    return ", ".join(sizes)


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urllib.parse.urlparse(url)
    name = urllib.parse.unquote(parts.path[1:])
    with psycopg.connect(parts._replace(path="/postgres", query="").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(f"dropped {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=DEFAULT_DB)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--users", type=int, default=200_000)
    ap.add_argument("--products", type=int, default=50_000)
    ap.add_argument("--shops", type=int, default=2_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--chunk", type=int, default=20_000, help="facts per call of record/record_batch")
    ap.add_argument("--orm-sample", type=int, default=100_000, help="facts through services.record first")
    ap.add_argument("--repeat", type=int, default=30, help="runs of each rollup dashboard")
    ap.add_argument("--raw-repeat", type=int, default=3, help="runs of each raw-event report")
    ap.add_argument("--reuse", action="store_true", help="keep the data already loaded: reports only")
    ap.add_argument("--chdb", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--chdb-path", default=str(harness.ROOT / "var" / "bench-chdb"))
    ap.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    ap.add_argument("--json")
    args = ap.parse_args()
    harness.check_loopback(args.database_url.replace("postgres://", "http://", 1).replace("postgresql://", "http://", 1))
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/analytics.py measures PostgreSQL: give a postgres:// URL")
    if not (1_000 <= args.events <= 50_000_000 and 1 <= args.days <= 92 and args.chunk >= 100):
        sys.exit("--events 1,000 … 50,000,000, --days 1 … 92, --chunk ≥ 100")
    args.orm_sample = min(args.orm_sample, args.events // 2)
    harness.configure_django(args.database_url)
    from django.db import connection

    from quanzi.analytics.services import report_day
    from quanzi.analytics.testing import event_count
    from quanzi.core import clock

    info = harness.machine_info()
    today = report_day(clock.now())
    rows: list[tuple[str, str, str]] = [
        ("machine", f"{info['nproc']} × {info['cpu']}, {info['memory']}", info.get("load average before the run", "")),
        ("database", info.get("database", "?"), ""),
    ]
    result: dict = {"machine": info, "args": vars(args)}
    if not args.reuse:
        wipe()
        layout = ensure_partitions(args.days)
        print(f"generating and ingesting {args.events:,} events ({layout}) …", flush=True)
        ing = ingest(args, today)
        (orm_n, orm_s), (b_n, b_s) = ing["orm"], ing["batch"]
        orm_rate, b_rate = orm_n / orm_s if orm_s else 0.0, b_n / b_s if b_s else 0.0
        rows += [
            ("data", f"{event_count():,} events stored of {ing['done']:,}; {args.users:,} users, "
             f"{args.products:,} products, {args.shops:,} shops, {args.days} days", ""),
            ("raw table", layout, ""),
            ("generating the facts (Python)", f"{ing['gen_s']:.0f} s (not in the rates)", ""),
            ("ingest, ORM path services.record", f"{orm_rate:,.0f} events/s ({orm_n:,} events, chunks of "
             f"{args.chunk:,})", ""),
            ("ingest, batch path ingest.record_batch", f"{b_rate:,.0f} events/s ({b_n:,} events in {b_s:.0f} s)",
             f"≥ 20,000/s {'PASS' if b_rate >= 20_000 else 'MISS'}"),
            ("batch path by tenth of the load", ", ".join(f"{r / 1000:.0f}k" for r in ing["deciles"]) + " events/s",
             ""),
        ]
        result["ingest"] = {"orm_events_per_s": orm_rate, "batch_events_per_s": b_rate, **ing}
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print("rolling up …", flush=True)
        r = rollup()
        rows += [
            ("rollup of every marked day", f"{r['seconds']:.1f} s for {r['days']} days ({r['rows']:,} rollup rows)", ""),
            ("recompute one day", f"{r['one_day_s'] * 1000:,.0f} ms", ""),
        ]
        result["rollup"] = r
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    else:
        rows.append(("data", f"{event_count():,} events (reused)", ""))
    rows.append(("storage", storage(), ""))
    print("reports …", flush=True)
    result["reports"] = {}
    for label, lat, found, from_rollups in reports(args, today):
        goal = (f"p99 < 1 s {'PASS' if lat.p99 < 1 else 'MISS'}" if from_rollups
                else f"no goal on PG{' (> 1 s)' if lat.p99 >= 1 else ''}")
        rows.append((f"{label}: p50 / p99", f"{harness.ms(lat.p50)} / {harness.ms(lat.p99)} (n={len(lat.values)}; "
                     f"{found})", goal))
        result["reports"][label] = {**lat.summary(), "found": found}
    if args.chdb:
        print("chDB …", flush=True)
        rows += chdb_part(args, today, args.database_url)
    harness.print_table(f"bench/analytics.py — analytics on PostgreSQL{' and chDB' if args.chdb else ''}", rows)
    result["rows"] = rows
    harness.write_json(args.json, result)
    if args.drop:
        drop_database(args.database_url)
        shutil.rmtree(args.chdb_path, ignore_errors=True)


if __name__ == "__main__":
    main()
