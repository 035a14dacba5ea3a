#!/usr/bin/env python
"""Commission benchmark on PostgreSQL (a script, not a test). Loopback database only, every loop bounded.

    .venv/bin/python bench/commission.py                   # 100,000 paid orders, 2-level uplines, 5 % refunds
    .venv/bin/python bench/commission.py --orders 10000 --workers 2 --batch 1000
    .venv/bin/python bench/commission.py --orders 2000 --path single   # the per-event path, for comparison
    .venv/bin/python bench/commission.py --database-url postgres://postgres@127.0.0.1:5432/qz_commission

1. Wipes the bench's own tables and generates, with INSERT … SELECT generate_series: users (grand
   uplines ← uplines ← sharers, and buyers), the 2-level upline graph (sharing_upline), one shop with one
   product in a category with a 20 % distribution plan, and `--orders` paid orders of one line each
   whose attribution snapshot names a sharer (each with its own device, IP and address, so no fraud hold).
2. Pays: per batch of `--batch` orders, in one transaction, what the `order.paid` in-transaction handlers
   do — the merchant allocation (`settlement.services.on_orders_paid`) and `commission_accrue_orders`.
3. Refunds 5 % of the orders in full (orders and lines refunded as `order_refund_all` does, then what the
   `order.refunded` handlers do: `on_orders_refunded` and `commission_reverse_refunds`).
4. Settles every order with `settlement.services.orders_settle` (which publishes `orders.settled`, so
   `commission_release_orders` runs inside it), then runs settlement again over all orders.
With `--path single` every step goes through the per-order functions the event handlers call instead.
Each phase runs in `--workers` processes (one database connection each, batches shared between them).

Prints ledger transfers per second (goal ≥ 2,000/s), the time of each phase, and the checks: the ledger
balances, every commission equals an independent reference computation, and the second settlement run
wrote nothing. Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qz_commission"
PRICE = 9_990  # fen, one unit per order (shipping free above the threshold is not needed: shipping is 0 here)
PLAN_BPS = 2_000
TAKE_RATE_BPS = 500
LEVEL1_BPS, LEVEL2_BPS = 5_000, 2_000  # the lowest tier (会员) and the default level-2 share


# ---------------------------------------------------------------- data

def generate(cur, *, orders: int, sharers: int) -> dict:
    """Everything in SQL; returns the ids the phases need."""
    # The bench's own database: start from nothing but the migrations' seed rows (tiers, categories).
    cur.execute("""TRUNCATE accounts_user, commission_commissionsettings, commission_jobrun, ledger_posting,
                   ledger_transaction, ledger_account RESTART IDENTITY CASCADE""")
    groups = sharers  # one grand upline and one upline per sharer
    total_users = 3 * groups + orders
    cur.execute("""INSERT INTO accounts_user (password, is_superuser, uid, phone, nickname, avatar, is_staff,
                   is_active, date_joined)
                   SELECT '!', false, 'cb' || g, '17' || lpad(g::text, 9, '0'), 'bench' || g, '', false, true,
                          now() - interval '400 days'
                   FROM generate_series(1, %s) g RETURNING id""", [total_users])
    ids = sorted(r[0] for r in cur.fetchall())
    grand, upline, sharer, buyers = ids[:groups], ids[groups:2 * groups], ids[2 * groups:3 * groups], ids[3 * groups:]
    cur.execute("""INSERT INTO sharing_upline (user_id, upline_id, bound_at, via, code)
                   SELECT u, g, now(), 'operator', '' FROM unnest(%s::bigint[], %s::bigint[]) AS t(u, g)""",
                [upline + sharer, grand + upline])
    return {"grand": grand, "upline": upline, "sharer": sharer, "buyers": buyers}


def make_catalog():
    """One approved shop, one category with a distribution plan, one product: through the services."""
    from quanzi.accounts.testing import make_users_bulk
    from quanzi.catalog.services import product_create
    from quanzi.catalog.testing import make_category
    from quanzi.commission.services import plan_create
    from quanzi.shops.testing import make_shop

    [owner] = make_users_bulk(phones=["17999999999"], nickname="bench merchant")
    shop = make_shop(owner=owner, name="Bench shop", approved=True, take_rate_bps=TAKE_RATE_BPS)
    category = make_category(name="分销", name_en="Bench", slug=f"bench-{int(time.time())}")
    product = product_create(shop=shop, data={"title": "Bench tea", "category_id": category.pk, "price": PRICE,
                                              "stock": 10, "returnable_7day": True, "max_per_order": 0}, options=[])
    plan_create(shop=shop, category_id=category.pk, rate_bps=PLAN_BPS)
    return shop, category, product, product.skus.get()


def generate_orders(cur, *, orders: int, people: dict, shop, category, product, sku) -> None:
    sharers = people["sharer"]
    cur.execute("""INSERT INTO orders_order (number, user_id, shop_id, checkout_id, status, currency, items_total,
                   shipping_fee, discount_total, total, refunded_total, address, note, payment_number, hold_key,
                   cancel_reason, created_at, pay_deadline, paid_at, delivered_at, completed_at,
                   return_window_closes_at)
                   SELECT 'B' || lpad(i::text, 12, '0'), b, %s, 'bench' || i, 'completed', 'CNY', %s, 0, 0, %s, 0,
                          jsonb_build_object('recipient', 'r', 'phone', '138' || lpad(i::text, 8, '0'),
                                             'province', '上海', 'city', '上海', 'district', '黄浦区',
                                             'detail', 'No. ' || i, 'postal_code', ''),
                          '', 'P' || i, '', '', now(), now(), now(), now(), now(), now()
                   FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(b, i)""",
                [shop.pk, PRICE, PRICE, people["buyers"]])
    cur.execute("""INSERT INTO orders_orderline (order_id, sku_id, product_id, category_id, title, sku_label, image,
                   list_price, unit_price, price_source, price_source_ref, campaign_key, quantity, line_total,
                   refunded_quantity, refunded_amount, returnable_7day, attribution)
                   SELECT o.id, %s, %s, %s, 'Bench tea', '', '', %s, %s, 'list', '', '', 1, %s, 0, 0, true,
                          jsonb_build_object('share', jsonb_build_object(
                             'sharer_id', (%s::bigint[])[1 + (o.id %% %s)], 'link_id', 1, 'code', 'bench',
                             'clicked_at', now(), 'at', now(), 'self', false,
                             'client', jsonb_build_object('ip', '10.' || (o.id / 65536) || '.' || (o.id / 256 %% 256)
                                                                || '.' || (o.id %% 256),
                                                          'device', lpad(to_hex(o.id), 16, '0'))))
                   FROM orders_order o WHERE o.shop_id = %s""",
                [sku.pk, product.pk, category.pk, PRICE, PRICE, PRICE, sharers, len(sharers), shop.pk])
    cur.execute("ANALYZE")


# ---------------------------------------------------------------- the phases (run in worker processes)
# Each phase gets one batch of order ids and runs in one database transaction. "batch" drives the batched
# services (one call per batch: a constant number of queries); "single" drives the per-event path, one
# order at a time in its own nested atomic block, exactly as the event handlers run it.

def _pay(order_ids: list[int], path: str) -> int:
    """What order_mark_paid's in-transaction `order.paid` handlers do: the merchant allocation and the accrual."""
    from quanzi.commission.services import commission_accrue_order, commission_accrue_orders
    from quanzi.orders.testing import order_values
    from quanzi.settlement.services import on_order_paid, on_orders_paid

    paid = order_values(fields=("pk", "shop_id", "total"), order_ids=order_ids)
    if path == "batch":
        on_orders_paid(paid=paid)
        commission_accrue_orders(order_ids=order_ids)
        return len(order_ids)
    from django.db import transaction

    for order_id, shop_id, total in paid:
        with transaction.atomic():
            on_order_paid(order_id=order_id, shop_id=shop_id, total=total)
            commission_accrue_order(order_id=order_id)
    return len(order_ids)


def _refund(order_ids: list[int], path: str) -> int:
    """What order_refund_all does to the orders (full refunds), then its in-transaction `order.refunded`
    handlers: the merchant refund and the commission reversal."""
    from quanzi.commission.services import (
        RefundFact,
        commission_reverse_for_refund,
        commission_reverse_refunds,
    )
    from quanzi.orders.testing import orders_force_refunded
    from quanzi.settlement.services import on_order_refunded, on_orders_refunded

    totals = orders_force_refunded(order_ids=order_ids)
    refunds = [(order_id, f"order-full:{order_id}", totals[order_id]) for order_id in sorted(totals)]
    if path == "batch":
        on_orders_refunded(refunds=refunds)
        commission_reverse_refunds(refunds=[RefundFact(order_id, None, key) for order_id, key, _a in refunds])
        return len(order_ids)
    from django.db import transaction

    for order_id, key, amount in refunds:
        with transaction.atomic():
            on_order_refunded(order_id=order_id, key=key, amount=amount)
            commission_reverse_for_refund(order_id=order_id, line_id=None, key=key)
    return len(order_ids)


def _settle(order_ids: list[int], path: str) -> int:
    """Settlement with the commission release its event triggers (`orders.settled` / `order.settled`)."""
    from quanzi.settlement.services import order_settle, orders_settle

    if path == "batch":
        orders_settle(order_ids=order_ids)
        return len(order_ids)
    for order_id in order_ids:
        order_settle(order_id=order_id)
    return len(order_ids)


PHASES = {"pay": _pay, "refund": _refund, "settle": _settle}


def _worker(args):
    """One batch of orders in one database transaction (one connection per worker process)."""
    phase, path, chunk = args
    from django.db import connections, transaction

    try:
        with transaction.atomic():
            return PHASES[phase](chunk, path)
    finally:
        connections.close_all()


def run_phase(phase: str, order_ids: list[int], workers: int, chunk: int, path: str) -> float:
    from django.db import connections

    connections.close_all()  # never share a connection with the forked workers
    chunks = [(phase, path, order_ids[i:i + chunk]) for i in range(0, len(order_ids), chunk)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        done = sum(pool.imap_unordered(_worker, chunks))
    assert done == len(order_ids)
    return time.perf_counter() - start


# ---------------------------------------------------------------- checks

def reference(base: int, refunded: bool) -> dict[int, int]:
    """Independent computation of what each level keeps (lowest tier, default shares, 30 % cap)."""
    if refunded:
        return {1: 0, 2: 0}
    pool = base * PLAN_BPS // 10_000
    amounts = {1: pool * LEVEL1_BPS // 10_000, 2: pool * LEVEL2_BPS // 10_000}
    limit = min(pool, base * 3_000 // 10_000, base - base * TAKE_RATE_BPS // 10_000)
    assert sum(amounts.values()) <= limit  # the parameters of this bench never hit the cap
    return amounts


def check_commissions(rows: list[tuple[int, int, int, int]], refunded_ids: set[int]) -> int:
    """Number of commissions (rows of order id, level, amount, reversed) that differ from the reference
    (0 expected)."""
    wrong = 0
    by_order: dict[int, dict[int, tuple[int, int]]] = {}
    for order_id, level, amount, reversed_ in rows:
        by_order.setdefault(order_id, {})[level] = (amount, amount - reversed_)
    for order_id, levels in by_order.items():
        accrued, kept = reference(PRICE, False), reference(PRICE, order_id in refunded_ids)
        for level in (1, 2):
            if levels.get(level, (0, 0)) != (accrued[level], kept[level]):
                wrong += 1
    return wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--sharers", type=int, default=2_000)
    ap.add_argument("--refund-pct", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=max(2, multiprocessing.cpu_count()))
    ap.add_argument("--batch", type=int, default=1000, help="orders per batch (one database transaction)")
    ap.add_argument("--path", choices=["batch", "single"], default="batch",
                    help="batched services (default) or the per-event path, one order at a time")
    args = ap.parse_args()
    url = harness.database_url(args.database_url or DEFAULT_DB)
    harness.check_loopback(url)
    harness.configure_django(url)

    from django.db import connection

    from quanzi.commission.testing import commission_amounts
    from quanzi.ledger.selectors import postings_sum, unbalanced_transactions
    from quanzi.ledger.testing import transaction_count, transaction_counts_by_kind
    from quanzi.orders.testing import order_values

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        people = generate(cur, orders=args.orders, sharers=args.sharers)
    shop, category, product, sku = make_catalog()
    with connection.cursor() as cur:
        generate_orders(cur, orders=args.orders, people=people, shop=shop, category=category, product=product,
                        sku=sku)
    order_ids = [pk for (pk,) in order_values(fields=("pk",), shop=shop)]
    every = max(1, round(100 / args.refund_pct)) if args.refund_pct > 0 else 0
    refunded = order_ids[::every] if every else []
    gen_s = time.perf_counter() - t0

    times = {}
    counts = {}
    for phase, ids in (("pay", order_ids), ("refund", refunded), ("settle", order_ids)):
        before = transaction_count()
        times[phase] = run_phase(phase, ids, args.workers, args.batch, args.path)
        counts[phase] = transaction_count() - before
    before = transaction_count()
    rerun_s = run_phase("settle", order_ids, args.workers, args.batch, args.path)
    rerun_new = transaction_count() - before

    unbalanced = len(unbalanced_transactions())
    total_sum = postings_sum()
    commissions = commission_amounts()
    wrong = check_commissions(commissions, set(refunded))
    n_comm = len(commissions)
    transfers = sum(counts.values())
    busy = sum(times.values())
    rate = transfers / busy if busy else 0.0
    kinds = transaction_counts_by_kind()

    info = harness.machine_info()
    rows = [
        ("machine", f"{info.get('cpu', '?')} ({info.get('nproc', '?')} CPUs), {info.get('database', '?')}", ""),
        ("orders / refunded / sharers", f"{len(order_ids)} / {len(refunded)} / {args.sharers}", ""),
        ("path / workers (processes) / orders per batch", f"{args.path} / {args.workers} / {args.batch}", ""),
        ("data generation", f"{gen_s:.1f} s", ""),
        ("pay: allocate + accrue", f"{times['pay']:.1f} s, {counts['pay']} transfers", ""),
        ("refund: refund + reverse", f"{times['refund']:.1f} s, {counts['refund']} transfers", ""),
        ("settle: settle + release", f"{times['settle']:.1f} s, {counts['settle']} transfers", ""),
        ("ledger transfers per second", f"{rate:,.0f}/s", "≥ 2,000/s " + ("ok" if rate >= 2000 else "MISSED")),
        ("total time (three phases)", f"{busy:.1f} s", ""),
        ("transactions by kind", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())), ""),
        ("ledger balanced", f"{unbalanced} unbalanced, sum {total_sum}", "ok" if not unbalanced and not total_sum
         else "FAILED"),
        ("commissions = reference", f"{n_comm - wrong}/{n_comm} ({wrong} wrong)", "ok" if not wrong else "FAILED"),
        ("settlement re-run", f"{rerun_new} new transfers in {rerun_s:.1f} s", "ok" if not rerun_new else "FAILED"),
    ]
    harness.print_table("bench/commission.py — commission lifecycle on PostgreSQL", rows)
    if unbalanced or total_sum or wrong or rerun_new:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
