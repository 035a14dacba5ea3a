#!/usr/bin/env python
"""Group-buy benchmark: many groups filling at once over HTTP, extra joiners racing for the last spots.

    .venv/bin/python bench/group_buy.py                       # 1,000 groups of 3, 2 extra racers each,
                                                              # PostgreSQL + Redis, then PostgreSQL alone
    .venv/bin/python bench/group_buy.py --groups 200 --clients 100 --modes pg
    .venv/bin/python bench/group_buy.py --modes pg-redis,pg,sqlite   # + the embedded SQLite default, 1 worker

What it does (docs/group-buy.md#benchmark has the numbers measured on the project's machine):
1. Per mode, in a child process: creates/migrates the database (PostgreSQL: --database-url, default
   $BENCH_DATABASE_URL, $DATABASE_URL or the local qz_bench; SQLite: a fresh var/bench-groupbuy.sqlite3)
   and prepares this run's data: a merchant with an approved shop and one product (services), an
   active campaign — groups of --size, one unit per member, exactly groups × size units set aside —
   and groups × (size + extra) shoppers, each with an address and an API token (bulk ORM inserts).
2. Starts uvicorn (bench/harness.py `asgi_server`: config.asgi, QUANZI_ENV=bench, --workers, at most
   --inflight concurrent requests per worker), with REDIS_URL set (pg-redis) or unset (pg, sqlite).
3. Load: --clients threads with one keep-alive connection each take tasks from a shared queue. A
   leader opens a group (POST /api/v1/groupbuy/campaigns/<id>/groups) and pays; then size − 1 + extra
   joiners, released together by a barrier, race: POST /api/v1/groupbuy/groups/<number>/join. Whoever
   gets 201 pays at once through the sandbox provider's signed notification (POST
   /api/v1/payments/notify/sandbox, as bench/checkout.py does); 409 group_full (or group_closed: the
   group had already filled and succeeded when the request got its turn) is a rejected joiner.
   Joins of open groups go before new groups, so groups fill while others are being opened. An answer
   ≥ 500 is sent again (same Idempotency-Key, at most twice), as an app and the provider would; such
   retries are counted, and a request that still fails is a failed request.
4. Verifies from the database: groups with more paid members than their size, oversold units (units in
   live group orders + units left in the pool = units set aside), payments charged for an order that is
   not a paid member and not refunded, held orders of succeeded groups not released, the ledger.
5. Prints a table per mode and one comparing the modes: attempts/s (opens + joins sent), successful
   joins/s (spots won and paid), p50/p99 latencies, the exactness counts. Exits 1 if any count is wrong.

Bounded: every phase stops at a count and a deadline; only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

OPEN_PATH = "/api/v1/groupbuy/campaigns/{id}/groups"
JOIN_PATH = "/api/v1/groupbuy/groups/{number}/join"
NOTIFY_PATH = "/api/v1/payments/notify/sandbox"
READY_PATH = "/api/v1/catalog/categories"
MODES = {"pg-redis": "PostgreSQL + Redis", "pg": "PostgreSQL alone", "sqlite": "SQLite (embedded default)"}
RETRIES_5XX = 2
HARD_MAX_SECONDS = 900  # the load phase never runs longer than this, whatever the arguments
SQLITE_PATH = harness.ROOT / "var" / "bench-groupbuy.sqlite3"


# ---------------------------------------------------------------- data

@dataclass
class Shopper:
    user_id: int
    token: str
    address_id: int


@dataclass
class Fixture:
    tag: str
    campaign_id: int
    sku_id: int
    set_aside: int
    leaders: list[Shopper]
    joiners: list[list[Shopper]]  # per group: size - 1 + extra


def prepare(args: argparse.Namespace) -> Fixture:
    """This run's shop, product, campaign (services) and shoppers (bulk ORM inserts)."""
    import datetime as dt
    import secrets

    from quanzi.accounts.testing import make_addresses_bulk, make_api_tokens_bulk, make_users_bulk
    from quanzi.catalog.demo import category_ensure
    from quanzi.catalog.services import product_create, product_set_status
    from quanzi.core import clock
    from quanzi.groupbuy.services import campaign_activate, campaign_create
    from quanzi.shops.services import shop_apply, shop_approve

    tag = time.strftime("%m%d%H%M%S") + secrets.token_hex(2)
    category = category_ensure(slug="bench", name="压测", name_en="Bench")
    [owner] = make_users_bulk(emails=[f"gb-{tag}@bench.quanzi.test"], nickname="bench merchant")
    shop = shop_apply(owner=owner, data={"name": f"拼团压测店 {tag}", "licence_number": f"91GB{tag}",
                                         "contact_name": "Bench", "contact_phone": "13800000000",
                                         "description": "bench/group_buy.py"})
    shop = shop_approve(shop_id=shop.pk)
    set_aside = args.groups * args.size
    product = product_create(shop=shop, data={"title": f"拼团压测 {tag} 苹果", "category_id": category.pk,
                                              "price": 5990, "stock": set_aside + 100})
    product_set_status(product=product, status="on_shelf")
    sku = product.skus.get()
    now = clock.now()
    campaign = campaign_create(shop=shop, product_id=product.pk, group_size=args.size, fill_seconds=3600,
                               skus=[{"sku_id": sku.pk, "group_price": 3990, "stock": set_aside}], per_user_limit=1,
                               starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=1),
                               title=f"bench {tag}")
    campaign_activate(campaign_id=campaign.pk, shop=shop)

    per_group = args.size + args.extra
    count = args.groups * per_group
    users = make_users_bulk(emails=[f"gb-{tag}-{i}@bench.quanzi.test" for i in range(count)], nickname="拼团 {i}",
                            password_hash="!bench")
    addresses = make_addresses_bulk(users=users)
    keys = make_api_tokens_bulk(users=users, name="bench")
    shoppers = [Shopper(u.pk, k, a) for u, k, a in zip(users, keys, addresses, strict=True)]
    leaders = shoppers[::per_group]
    joiners = [shoppers[g * per_group + 1:(g + 1) * per_group] for g in range(args.groups)]
    return Fixture(tag, campaign.pk, sku.pk, set_aside, leaders, joiners)


def notify_form(payment_number: str, amount_fen: int) -> dict:
    from checkout import notify_form as signed_form  # the same signed sandbox form bench/checkout.py sends

    return signed_form(payment_number, amount_fen)


# ---------------------------------------------------------------- load

@dataclass
class Stats:
    open_lat: list[float] = field(default_factory=list)
    join_lat: list[float] = field(default_factory=list)
    notify_lat: list[float] = field(default_factory=list)
    win_to_paid: list[float] = field(default_factory=list)  # join sent → payment acknowledged, winners only
    opens: int = 0
    opened: int = 0
    join_attempts: int = 0
    joins_won: int = 0
    joins_paid: int = 0
    rejected_full: int = 0
    rejected_closed: int = 0  # arrived after the group had filled and succeeded
    payments: list[str] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    race_lag: list[float] = field(default_factory=list)  # spread of a group's join send times
    retried_5xx: Counter = field(default_factory=Counter)  # answers ≥ 500 that were sent again


def _error_code(status: int, data: bytes) -> str:
    try:
        return f"{status} {json.loads(data)['error']['code']}"
    except (ValueError, KeyError, TypeError):
        return f"{status} {data[:60]!r}"


class Work:
    """Tasks for the clients: joins (front, a group's joiners together) before opens (back)."""

    def __init__(self, groups: int):
        self.cond = threading.Condition()
        self.joins: collections.deque = collections.deque()
        self.opens: collections.deque = collections.deque(range(groups))
        self.in_flight = 0

    def take(self, deadline: float):
        with self.cond:
            while True:
                if time.perf_counter() > deadline:
                    self.cond.notify_all()
                    return None
                if self.joins:
                    self.in_flight += 1
                    return self.joins.popleft()
                if self.opens:
                    self.in_flight += 1
                    return ("open", self.opens.popleft())
                if self.in_flight == 0:
                    self.cond.notify_all()
                    return None
                self.cond.wait(0.5)

    def done(self, follow_up: list | None = None) -> None:
        with self.cond:
            self.in_flight -= 1
            if follow_up:
                self.joins.extend(follow_up)  # one group's joiners stay next to each other
            self.cond.notify_all()


def run_load(server: harness.Server, fx: Fixture, args: argparse.Namespace) -> tuple[Stats, float, dict]:
    work = Work(args.groups)
    lock = threading.Lock()
    total = Stats()
    deadline = time.perf_counter() + min(args.max_seconds, HARD_MAX_SECONDS)
    numbers: dict[int, str] = {}

    def send(conn: harness.Conn, kind: str, path: str, body: bytes, headers: dict, stats: Stats):
        """POST, and send the same request again (same Idempotency-Key) after an answer ≥ 500, at most
        RETRIES_5XX times, as a client app retries and as the payment provider re-sends its notification."""
        for attempt in range(RETRIES_5XX + 1):
            status, data, elapsed = conn.request("POST", path, body=body, headers=headers, retry=True)
            if status < 500 or attempt == RETRIES_5XX:
                return status, data, elapsed
            stats.retried_5xx[f"{kind} {_error_code(status, data)}"] += 1
            time.sleep(0.2 * (attempt + 1))
        raise AssertionError("unreachable")

    def pay(conn: harness.Conn, payment: dict, stats: Stats) -> bool:
        form = urllib.parse.urlencode(notify_form(payment["payment_number"], payment["amount"]["amount"])).encode()
        status, data, elapsed = send(conn, "notify", NOTIFY_PATH, form,
                                     {"Content-Type": "application/x-www-form-urlencoded"}, stats)
        stats.notify_lat.append(elapsed)
        stats.payments.append(payment["payment_number"])
        if status == 200 and data.strip() == b"success":
            return True
        stats.errors[f"notify {_error_code(status, data)}"] += 1
        return False

    def post(conn: harness.Conn, kind: str, path: str, shopper: Shopper, body: dict, stats: Stats):
        headers = {"Authorization": f"Bearer {shopper.token}", "Content-Type": "application/json",
                   "Idempotency-Key": uuid.uuid4().hex}
        return send(conn, kind, path, json.dumps(body).encode(), headers, stats)

    def do_open(conn: harness.Conn, g: int, stats: Stats) -> list | None:
        leader = fx.leaders[g]
        stats.opens += 1
        status, data, elapsed = post(conn, "open", OPEN_PATH.format(id=fx.campaign_id), leader,
                                     {"sku_id": fx.sku_id, "address_id": leader.address_id}, stats)
        stats.open_lat.append(elapsed)
        if status != 201:
            stats.errors[f"open {_error_code(status, data)}"] += 1
            return None
        placed = json.loads(data)
        stats.opened += 1
        numbers[g] = placed["group"]["number"]
        pay(conn, placed["payment"], stats)
        racers = fx.joiners[g]
        barrier = threading.Barrier(len(racers))
        sent: list[float] = []
        return [("join", g, j, barrier, sent) for j in range(len(racers))]

    def do_join(conn: harness.Conn, g: int, j: int, barrier: threading.Barrier, sent: list, stats: Stats) -> None:
        shopper = fx.joiners[g][j]
        try:
            barrier.wait(timeout=30)  # the group's joiners go together
        except threading.BrokenBarrierError:
            stats.errors["barrier timeout"] += 1
        start = time.perf_counter()
        with lock:
            sent.append(start)
            if len(sent) == len(fx.joiners[g]):
                total.race_lag.append(max(sent) - min(sent))
        stats.join_attempts += 1
        status, data, elapsed = post(conn, "join", JOIN_PATH.format(number=numbers[g]), shopper,
                                     {"sku_id": fx.sku_id, "address_id": shopper.address_id}, stats)
        stats.join_lat.append(elapsed)
        if status == 201:
            stats.joins_won += 1
            if pay(conn, json.loads(data)["payment"], stats):
                stats.joins_paid += 1
                stats.win_to_paid.append(time.perf_counter() - start)
        elif status == 409 and b"group_full" in data:
            stats.rejected_full += 1
        elif status == 409 and b"group_closed" in data:
            stats.rejected_closed += 1
        else:
            stats.errors[f"join {_error_code(status, data)}"] += 1

    def client(i: int) -> None:
        conn = harness.Conn(server.host, server.port)
        stats = Stats()
        try:
            while (task := work.take(deadline)) is not None:
                follow_up = None
                try:
                    if task[0] == "open":
                        follow_up = do_open(conn, task[1], stats)
                    else:
                        do_join(conn, *task[1:], stats)
                except Exception as exc:  # noqa: BLE001 - a client error is counted, never fatal
                    stats.errors[f"client {type(exc).__name__}"] += 1
                    if task[0] == "join":
                        task[3].abort()  # the others of this race do not wait for a lost joiner
                finally:
                    work.done(follow_up)
        finally:
            conn.close()
            with lock:
                for name in ("open_lat", "join_lat", "notify_lat", "win_to_paid", "payments"):
                    getattr(total, name).extend(getattr(stats, name))
                for name in ("opens", "opened", "join_attempts", "joins_won", "joins_paid", "rejected_full",
                             "rejected_closed"):
                    setattr(total, name, getattr(total, name) + getattr(stats, name))
                total.errors.update(stats.errors)
                total.retried_5xx.update(stats.retried_5xx)

    meter = harness.CpuMeter(server.process.pid if server.process else None)
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    meter.start()
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.perf_counter() + 60))
    wall = time.perf_counter() - start
    cpu = meter.stop()
    return total, wall, cpu


# ---------------------------------------------------------------- verification (from the database)

def verify(fx: Fixture, args: argparse.Namespace) -> dict:
    from django.db import connection

    from quanzi.catalog.selectors import pool_units
    from quanzi.groupbuy.constants import HOLD_PREFIX, GroupStatus, MemberStatus
    from quanzi.groupbuy.testing import campaign_get, groups, members
    from quanzi.ledger.selectors import postings_sum, unbalanced_transactions
    from quanzi.orders.constants import OrderStatus
    from quanzi.orders.testing import order_values, units_in_orders
    from quanzi.payments.constants import PaymentStatus, RefundStatus
    from quanzi.payments.testing import payment_numbers, refunded_payment_numbers, sandbox_trades_mark_paid

    connection.close()
    campaign = campaign_get(campaign_id=fx.campaign_id)
    all_groups = groups(campaign=campaign)
    by_status = dict(Counter(g.status for g in all_groups))
    paid_members = members(campaign=campaign, status=MemberStatus.PAID)
    over_full = sum(1 for n in Counter(m.group_id for m in paid_members).values() if n > campaign.group_size)
    over_full += sum(1 for g in all_groups if g.paid_count > campaign.group_size
                     or g.joined_count > campaign.group_size)
    hold_keys = [f"{HOLD_PREFIX}{g.number}" for g in all_groups]
    orders = order_values(fields=("pk", "status", "total", "refunded_total", "payment_number", "hold_key", "paid_at"),
                          hold_keys=hold_keys)
    live = [OrderStatus.PENDING_PAYMENT, OrderStatus.AWAITING_RELEASE, OrderStatus.PAID, OrderStatus.SHIPPED,
            OrderStatus.DELIVERED, OrderStatus.COMPLETED]
    sold = units_in_orders(order_ids=[o[0] for o in orders], statuses=live)
    pool = pool_units(pools=[campaign.stock_pool])[campaign.stock_pool]
    oversold = max(0, sold - fx.set_aside)
    drift = abs(fx.set_aside - pool - sold)

    # every payment that was charged: its order is a paid member's, or it was refunded in full
    member_of = {m.order_id: m.status for m in members(campaign=campaign) if m.order_id}
    paid_orders = [o[:5] for o in orders if o[6] is not None]
    refunded = refunded_payment_numbers(numbers=[o[4] for o in paid_orders],
                                        statuses=[RefundStatus.PENDING, RefundStatus.SUCCEEDED])
    charged_not_member = 0
    refunded_ok = 0
    for pk, status, total, refunded_total, number in paid_orders:
        if member_of.get(pk) == MemberStatus.PAID and status != OrderStatus.CLOSED:
            continue
        if status == OrderStatus.CLOSED and refunded_total == total and number in refunded:
            refunded_ok += 1
            continue
        charged_not_member += 1
    succeeded_keys = {f"{HOLD_PREFIX}{g.number}" for g in all_groups if g.status == GroupStatus.SUCCEEDED}
    not_released = sum(1 for o in orders if o[5] in succeeded_keys and o[1] == OrderStatus.AWAITING_RELEASE)
    paid_numbers = payment_numbers(status=PaymentStatus.PAID, numbers=[o[4] for o in paid_orders])
    grand = postings_sum()
    unbalanced = len(unbalanced_transactions(limit=1_000_000))
    # The bench signs notifications itself instead of clicking the sandbox cashier: bring the sandbox's
    # own books in line, so the database stays a consistent sandbox.
    sandbox_trades_mark_paid(payment_numbers=paid_numbers)
    return {"groups_by_status": by_status, "groups_over_full": over_full, "paid_members": len(paid_members),
            "orders": len(orders), "sold_units": sold, "pool_units": pool, "set_aside": fx.set_aside,
            "oversold_units": oversold, "stock_drift_units": drift, "charged_not_member_unrefunded": charged_not_member,
            "charged_not_member_refunded": refunded_ok, "held_not_released": not_released,
            "postings_sum": grand, "unbalanced_transactions": unbalanced}


# ---------------------------------------------------------------- one mode

def run_mode(mode: str, args: argparse.Namespace) -> dict:
    port = args.port + list(MODES).index(mode)  # one server log per mode: var/bench-uvicorn-<port>.log
    if mode == "sqlite":
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        db = f"sqlite:///{SQLITE_PATH}"
        workers, inflight = 1, args.sqlite_inflight
    else:
        db = harness.database_url(args.database_url)
        workers, inflight = args.workers, args.inflight
    print(f"[{mode}] database: {db.split('@')[-1]}", flush=True)
    harness.configure_django(db)
    t = time.perf_counter()
    fx = prepare(args)
    n_shoppers = len(fx.leaders) + sum(len(j) for j in fx.joiners)
    print(f"[{mode}] prepared campaign {fx.campaign_id}: {args.groups} groups of {args.size}, {n_shoppers} shoppers "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    machine = harness.machine_info()
    from django.db import connection

    connection.close()
    extra_env = {"REDIS_URL": args.redis_url if mode == "pg-redis" else None,
                 "QUANZI_LOG_LEVEL": "ERROR"}
    if args.server == "wsgi":  # for comparison: the gunicorn the other benches use
        ctx = harness.gunicorn(database_url=db, port=port, workers=args.wsgi_workers, threads=args.wsgi_threads,
                               ready_path=READY_PATH, extra_env=extra_env)
    else:
        ctx = harness.asgi_server(db, port=port, workers=workers, extra_env=extra_env,
                                  max_inflight=inflight, ready_path=READY_PATH)
    with ctx as server:
        print(f"[{mode}] load: {args.clients} clients against {server.describe()}", flush=True)
        stats, wall, cpu = run_load(server, fx, args)
    checks = verify(fx, args)
    return {"mode": mode, "server": server.describe(), "wall": wall, "cpu": cpu, "machine": machine,
            "checks": checks, "stats": {
                "opens": stats.opens, "opened": stats.opened, "join_attempts": stats.join_attempts,
                "joins_won": stats.joins_won, "joins_paid": stats.joins_paid, "rejected_full": stats.rejected_full,
                "rejected_closed": stats.rejected_closed,
                "errors": dict(stats.errors), "retried_5xx": dict(stats.retried_5xx), "server_log": str(server.log),
                "open": harness.Latencies(stats.open_lat).summary(), "join": harness.Latencies(stats.join_lat).summary(),
                "notify": harness.Latencies(stats.notify_lat).summary(),
                "win_to_paid": harness.Latencies(stats.win_to_paid).summary(),
                "race_spread": harness.Latencies(stats.race_lag).summary()}}


# ---------------------------------------------------------------- report

def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def exact(r: dict, args: argparse.Namespace) -> dict[str, bool]:
    c, s = r["checks"], r["stats"]
    return {
        "groups over full": c["groups_over_full"] == 0,
        "oversold units": c["oversold_units"] == 0 and c["stock_drift_units"] == 0,
        "charged, not a member, not refunded": c["charged_not_member_unrefunded"] == 0,
        "held orders of succeeded groups not released": c["held_not_released"] == 0,
        "ledger imbalance": c["postings_sum"] == 0 and c["unbalanced_transactions"] == 0,
        "every group filled": c["groups_by_status"].get("succeeded", 0) == args.groups
                              and s["joins_paid"] == args.groups * (args.size - 1),
    }


def rows_for(r: dict, args: argparse.Namespace) -> list[tuple[str, str, str]]:
    s, c, wall = r["stats"], r["checks"], max(r["wall"], 1e-9)
    ok = exact(r, args)
    attempts = s["opens"] + s["join_attempts"]
    j, o, n, w = s["join"], s["open"], s["notify"], s["win_to_paid"]
    expected_rejects = args.groups * args.extra
    rejected = s["rejected_full"] + s["rejected_closed"]
    rows = [
        ("groups", f"{args.groups} of {args.size} (+{args.extra} racers each), {args.clients} clients, "
                   f"{wall:.1f} s", "-"),
        ("attempts/s (opens + joins sent)", f"{attempts / wall:.1f} ({attempts} requests)", "-"),
        ("successful joins/s (spot won and paid)", f"{s['joins_paid'] / wall:.1f} ({s['joins_paid']} joins, "
                                                   f"{s['opened']} groups opened)", "-"),
        ("groups filled/s", f"{c['groups_by_status'].get('succeeded', 0) / wall:.1f}", "-"),
        ("rejected joiners", f"{rejected} ({s['rejected_full']} group_full, {s['rejected_closed']} group_closed: "
                             "the group had already filled)", f"= {expected_rejects} "
                                                              f"{verdict(rejected == expected_rejects)}"),
        ("join latency p50 / p99", f"{o_ms(j['p50_ms'])} / {o_ms(j['p99_ms'])} (max {o_ms(j['max_ms'])})", "-"),
        ("open latency p50 / p99", f"{o_ms(o['p50_ms'])} / {o_ms(o['p99_ms'])}", "-"),
        ("pay-notify latency p50 / p99", f"{o_ms(n['p50_ms'])} / {o_ms(n['p99_ms'])}", "-"),
        ("join → paid (winners) p50 / p99", f"{o_ms(w['p50_ms'])} / {o_ms(w['p99_ms'])}", "-"),
        ("race spread (first to last join sent)", f"p50 {o_ms(s['race_spread']['p50_ms'])}, "
                                                  f"p99 {o_ms(s['race_spread']['p99_ms'])}", "-"),
        ("failed requests", f"{sum(s['errors'].values())}" + (f" {s['errors']}" if s["errors"] else ""),
         f"0 {verdict(not s['errors'])}"),
        ("answers ≥ 500 sent again (and then answered)", f"{sum(s['retried_5xx'].values())}"
         + (f" {s['retried_5xx']} (server log: {s['server_log']})" if s["retried_5xx"] else ""), "-"),
        ("groups by status", ", ".join(f"{k} {v}" for k, v in sorted(c["groups_by_status"].items())),
         f"succeeded = {args.groups} {verdict(ok['every group filled'])}"),
        ("groups with more than N paid members", str(c["groups_over_full"]), f"0 {verdict(ok['groups over full'])}"),
        ("oversold units", f"{c['oversold_units']} (set aside {c['set_aside']} = pool {c['pool_units']} + sold "
                           f"{c['sold_units']}; drift {c['stock_drift_units']})", f"0 {verdict(ok['oversold units'])}"),
        ("charged-but-not-member payments not refunded", f"{c['charged_not_member_unrefunded']} "
                                                         f"({c['charged_not_member_refunded']} refunded)",
         f"0 {verdict(ok['charged, not a member, not refunded'])}"),
        ("held orders of succeeded groups not released", str(c["held_not_released"]),
         f"0 {verdict(ok['held orders of succeeded groups not released'])}"),
        ("ledger imbalance", f"sum of postings {c['postings_sum']}, unbalanced transactions "
                             f"{c['unbalanced_transactions']}", f"0 {verdict(ok['ledger imbalance'])}"),
        ("server", r["server"], "-"),
    ]
    if r["cpu"]:
        rows.append(("CPU during the run", harness.describe_cpu(r["cpu"]), "-"))
        requests = attempts + s["notify"]["n"]
        if requests:
            per = {k: r["cpu"].get(k, 0) * wall / requests * 1000 for k in ("server", "postgres")}
            rows.append(("CPU per request (server / postgres)", f"{per['server']:.1f} ms / {per['postgres']:.1f} ms",
                         "-"))
    return rows


def o_ms(value: float) -> str:
    return "n/a" if value != value else f"{value:.1f} ms"


def comparison(results: list[dict], args: argparse.Namespace) -> list[list[str]]:
    head = ["metric", *[MODES[r["mode"]] for r in results]]
    table = [head]

    def add(label, fn):
        table.append([label, *[fn(r) for r in results]])

    add("attempts/s", lambda r: f"{(r['stats']['opens'] + r['stats']['join_attempts']) / r['wall']:.1f}")
    add("successful joins/s", lambda r: f"{r['stats']['joins_paid'] / r['wall']:.1f}")
    add("join p50 / p99", lambda r: f"{o_ms(r['stats']['join']['p50_ms'])} / {o_ms(r['stats']['join']['p99_ms'])}")
    add("rejected (group_full / group_closed)",
        lambda r: f"{r['stats']['rejected_full']} / {r['stats']['rejected_closed']}")
    add("failed requests (≥ 500 retried)", lambda r: f"{sum(r['stats']['errors'].values())} "
                                                     f"({sum(r['stats']['retried_5xx'].values())})")
    add("groups > N paid members", lambda r: str(r["checks"]["groups_over_full"]))
    add("oversold units", lambda r: str(r["checks"]["oversold_units"] + r["checks"]["stock_drift_units"]))
    add("charged, not member, not refunded", lambda r: str(r["checks"]["charged_not_member_unrefunded"]))
    add("groups succeeded", lambda r: f"{r['checks']['groups_by_status'].get('succeeded', 0)} / {args.groups}")
    add("exact", lambda r: verdict(all(exact(r, args).values())))
    return table


def print_grid(title: str, table: list[list[str]]) -> None:
    width = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    line = "+-" + "-+-".join("-" * w for w in width) + "-+"
    print()
    print(title)
    print(line)
    for k, row in enumerate(table):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, width, strict=True)) + " |")
        if k == 0:
            print(line)
    print(line)


def markdown_grid(table: list[list[str]]) -> str:
    out = ["| " + " | ".join(table[0]) + " |", "|" + " --- |" * len(table[0])]
    out += ["| " + " | ".join(row) + " |" for row in table[1:]]
    return "\n".join(out)


# ---------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--database-url", default=None,
                   help=f"PostgreSQL; default: $BENCH_DATABASE_URL, $DATABASE_URL or {harness.DEFAULT_DB}")
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
                   help="REDIS_URL for the pg-redis mode (default: $BENCH_REDIS_URL or redis://127.0.0.1:6379/9)")
    p.add_argument("--modes", default="pg-redis,pg", help=f"comma-separated, in order: {', '.join(MODES)}")
    p.add_argument("--groups", type=int, default=1000)
    p.add_argument("--size", type=int, default=3, help="group size N")
    p.add_argument("--extra", type=int, default=2, help="extra racers per group (beyond the N-1 spots)")
    p.add_argument("--clients", type=int, default=200, help="concurrent keep-alive clients (threads)")
    p.add_argument("--workers", type=int, default=2, help="uvicorn workers (SQLite: always 1)")
    p.add_argument("--inflight", type=int, default=16,
                   help="at most this many concurrent requests per worker (each holds a database connection)")
    p.add_argument("--sqlite-inflight", type=int, default=1,
                   help="SQLite mode: requests in flight (SQLite has one writer; concurrent write transactions "
                        "answer 503 busy)")
    p.add_argument("--port", type=int, default=8108, help="first port; mode k uses port + k")
    p.add_argument("--server", choices=["asgi", "wsgi"], default="asgi",
                   help="asgi: uvicorn (default); wsgi: gunicorn gthread, for comparison")
    p.add_argument("--wsgi-workers", type=int, default=3)
    p.add_argument("--wsgi-threads", type=int, default=4)
    p.add_argument("--max-seconds", type=float, default=600, help="stop the load after this long")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--markdown", action="store_true", help="also print the tables as Markdown")
    p.add_argument("--child", help=argparse.SUPPRESS)  # internal: run one mode, write its result here
    args = p.parse_args(argv)
    args.groups = max(1, min(args.groups, 20_000))
    args.size = max(2, min(args.size, 50))
    args.extra = max(0, min(args.extra, 20))
    args.clients = max(args.size - 1 + args.extra + 1, min(args.clients, 1000))
    args.max_seconds = min(args.max_seconds, HARD_MAX_SECONDS)
    args.mode_list = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in args.mode_list if m not in MODES]
    if unknown or not args.mode_list:
        p.error(f"unknown mode(s) {unknown}; choose from {', '.join(MODES)}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.child:
        result = run_mode(args.mode_list[0], args)
        Path(args.child).write_text(json.dumps(result, default=str))
        return 0
    results = []
    for mode in args.mode_list:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out = Path(tmp.name)
        # one process per mode: Django's database settings are fixed once it is set up
        child = [sys.executable, __file__, *argv, "--modes", mode, "--child", str(out)]
        code = subprocess.call(child, timeout=HARD_MAX_SECONDS + 600)
        if code != 0 or not out.stat().st_size:
            print(f"[{mode}] failed (exit {code})", file=sys.stderr)
            out.unlink(missing_ok=True)
            return 2
        results.append(json.loads(out.read_text()))
        out.unlink(missing_ok=True)
    machine = results[0]["machine"]
    for r in results:
        rows = rows_for(r, args)
        harness.print_table(f"Quanzi group-buy bench — {MODES[r['mode']]} — {machine['date']}", rows)
        if args.markdown:
            print()
            print(harness.markdown_table(rows))
    table = comparison(results, args)
    if len(results) > 1:
        print_grid("Comparison", table)
        if args.markdown:
            print()
            print(markdown_grid(table))
    print()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in machine.items()))
    harness.write_json(args.json, {"args": {k: v for k, v in vars(args).items() if k != "child"},
                                   "results": results})
    return 0 if all(all(exact(r, args).values()) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
