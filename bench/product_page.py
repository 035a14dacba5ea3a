#!/usr/bin/env python
"""Product page benchmark: C concurrent visitors GET /p/<id>/ (the HTML page) on PostgreSQL.

    .venv/bin/python bench/product_page.py                 # 32 clients, 20 s, anonymous visitors
    .venv/bin/python bench/product_page.py --as-shopper    # logged-in visitors (session cookie)
    .venv/bin/python bench/product_page.py --api           # GET /api/v1/catalog/products/<id> instead

Prepares its own products (colour × size options, 12 SKUs, three images, a description) through
the catalog services, counts the page's SQL queries in-process, starts gunicorn (unless --url),
then prints p50/p99 latency and requests/s. Goal on the 2-core reference machine: p99 < 50 ms at
32 clients. If the storefront has no product page yet, it falls back to the JSON API.
Bounded (a deadline and a request budget), loopback only.
"""

from __future__ import annotations

import argparse
import io
import itertools
import random
import secrets
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

HARD_MAX_SECONDS = 600


def _image(seed: int):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 800), (255 - seed * 40 % 200, 90 + seed * 30 % 150, 120))
    ImageDraw.Draw(img).ellipse((200, 200, 600, 600), fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(f"bench{seed}.jpg", buf.getvalue(), content_type="image/jpeg")


def prepare(count: int) -> tuple[list[int], int]:
    """`count` on-shelf products with options, SKUs and images; returns (product ids, a shopper id)."""
    from quanzi.accounts.testing import make_users_bulk
    from quanzi.catalog.demo import category_ensure
    from quanzi.catalog.services import product_add_image, product_create, product_set_status
    from quanzi.shops.services import shop_apply, shop_approve

    tag = time.strftime("%m%d%H%M%S") + secrets.token_hex(2)
    category = category_ensure(slug="bench", name="压测", name_en="Bench")
    [owner] = make_users_bulk(emails=[f"bench-page-{tag}@bench.quanzi.test"], nickname="")
    shop = shop_apply(owner=owner, data={"name": f"页面压测店 {tag}", "licence_number": f"91PAGE{tag}",
                                         "contact_name": "Bench", "contact_phone": "13800000000"})
    shop_approve(shop_id=shop.pk)
    shop.refresh_from_db()
    options = [{"name": "颜色", "values": ["红", "蓝", "黑"]}, {"name": "尺码", "values": ["S", "M", "L", "XL"]}]
    description = "纯棉面料，透气舒适。" * 40
    ids = []
    images = [_image(i) for i in range(3)]
    stored = []
    for i in range(count):
        product = product_create(shop=shop, data={"title": f"压测页面商品 {i + 1} 纯棉短袖T恤 夏季新款",
                                                  "subtitle": "宽松百搭 · 多色可选", "description": description,
                                                  "category_id": category.pk, "price": 5900 + i, "stock": 500},
                                 options=options)
        if not stored:
            for img in images:
                img.seek(0)
                stored.append(product_add_image(product=product, upload=img))
        else:
            from quanzi.catalog.services import product_attach_image

            for pi in stored:
                product_attach_image(product=product, image=pi.image, thumb=pi.thumb)
        product_set_status(product=product, status="on_shelf")
        ids.append(product.pk)
    [shopper] = make_users_bulk(emails=[f"bench-page-{tag}-shopper@bench.quanzi.test"], nickname="")
    return ids, shopper.pk


def session_cookie(user_id: int) -> str:
    from django.test import Client

    from quanzi.accounts.selectors import user_get

    client = Client()
    client.force_login(user_get(user_id=user_id))
    return f"sessionid={client.cookies['sessionid'].value}"


def count_queries(path: str, cookie: str | None) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=cookie) if cookie else Client()
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(path)
    if resp.status_code != 200:
        raise SystemExit(f"GET {path} answered {resp.status_code} in-process")
    return len(ctx)


def choose_path(product_id: int, use_api: bool) -> str:
    """The HTML page if the storefront serves it, else the JSON API."""
    from django.test import Client

    page = f"/p/{product_id}/"
    if not use_api and Client().get(page).status_code == 200:
        return "/p/{id}/"
    return "/api/v1/catalog/products/{id}"


def run(server: harness.Server, paths: list[str], args, cookie: str | None) -> tuple:
    budget = itertools.count()
    results = [(harness.Latencies(), Counter()) for _ in range(args.clients)]
    barrier = threading.Barrier(args.clients + 1)
    t0: list[float] = []

    def client(i: int) -> None:
        conn = harness.Conn(server.host, server.port)
        rng = random.Random(i)
        lat, errors = results[i]
        headers = {"Cookie": cookie} if cookie else {}
        barrier.wait()
        measure_from = t0[0] + args.warmup
        deadline = measure_from + args.duration
        try:
            for n in itertools.count(i):
                if time.perf_counter() >= deadline or next(budget) >= args.requests:
                    break
                try:
                    status, _body, seconds = conn.request("GET", paths[n % len(paths)], headers=headers, retry=True)
                except Exception as exc:  # noqa: BLE001
                    errors[type(exc).__name__] += 1
                    continue
                if time.perf_counter() - seconds >= measure_from:
                    lat.add(seconds)
                    if status != 200:
                        errors[f"HTTP {status}"] += 1
                if args.think_ms:
                    time.sleep(rng.uniform(0, 2 * args.think_ms) / 1000)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    for t in threads:
        t.start()
    t0.append(time.perf_counter())
    barrier.wait()
    meter = harness.CpuMeter(server.process.pid if server.process else None)
    while time.perf_counter() < t0[0] + args.warmup:
        time.sleep(0.1)
    meter.start()
    for t in threads:
        t.join(timeout=args.warmup + args.duration + 60)
    cpu = meter.stop()
    elapsed = min(time.perf_counter(), t0[0] + args.warmup + args.duration) - (t0[0] + args.warmup)
    lat = harness.Latencies()
    errors: Counter = Counter()
    for latencies, errs in results:
        lat.extend(latencies)
        errors.update(errs)
    return lat, errors, max(elapsed, 1e-9), cpu


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=None, help=f"default: $BENCH_DATABASE_URL, $DATABASE_URL or {harness.DEFAULT_DB}")
    p.add_argument("--url", help="use a running server (same database)")
    p.add_argument("--port", type=int, default=8106)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--requests", type=int, default=200_000, help="request budget (warm-up included)")
    p.add_argument("--think-ms", type=float, default=0.0,
                   help="mean pause between a visitor's requests (0 = saturate the server)")
    p.add_argument("--products", type=int, default=20)
    p.add_argument("--as-shopper", action="store_true", help="visit logged in (session cookie)")
    p.add_argument("--api", action="store_true", help="GET the JSON API instead of the HTML page")
    p.add_argument("--json", help="also write the results to this file")
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args(argv)
    args.duration, args.warmup = min(args.duration, HARD_MAX_SECONDS), min(args.warmup, 60)

    db = harness.database_url(args.database_url)
    if args.url:
        harness.check_loopback(args.url)
    harness.configure_django(db)
    ids, shopper_id = prepare(args.products)
    cookie = session_cookie(shopper_id) if args.as_shopper else None
    template = choose_path(ids[0], args.api)
    paths = [template.format(id=i) for i in ids]
    queries = count_queries(paths[0], cookie)
    machine = harness.machine_info()
    from django.db import connection

    connection.close()
    if args.url:
        server = harness.Server(url=args.url.rstrip("/"))
        harness.wait_ready(server, paths[0], 10)
        lat, errors, elapsed, cpu = run(server, paths, args, cookie)
    else:
        with harness.gunicorn(database_url=db, port=args.port, workers=args.workers, threads=args.threads,
                              ready_path=paths[0]) as server:
            lat, errors, elapsed, cpu = run(server, paths, args, cookie)
    who = "logged-in shoppers" if cookie else "anonymous visitors"
    rows = [
        ("page", f"GET {template} ({len(ids)} products, {who}, think time {args.think_ms:.0f} ms)", "-"),
        ("requests/s", f"{len(lat.values) / elapsed:.1f} ({len(lat.values)} in {elapsed:.1f} s, {args.clients} clients)",
         "-"),
        ("latency p50 / p99", f"{harness.ms(lat.p50)} / {harness.ms(lat.p99)} (max {harness.ms(lat.max)})",
         f"p99 < 50 ms {'PASS' if lat.p99 < 0.05 else 'MISS'}"),
        ("failed requests", str(sum(errors.values())) + (f" {dict(errors)}" if errors else ""),
         f"0 {'PASS' if not errors else 'MISS'}"),
        ("SQL queries per page", str(queries), "-"),
        ("server", server.describe(), "-"),
    ]
    if cpu:
        rows.append(("CPU during the measured load", harness.describe_cpu(cpu), "-"))
        rate = len(lat.values) / elapsed
        if rate > 0 and cpu.get("server"):
            cores = float(machine.get("nproc") or 2)
            rows.append(("CPU per request", f"server {cpu['server'] / rate * 1000:.1f} ms, postgres "
                         f"{cpu['postgres'] / rate * 1000:.1f} ms", "-"))
            capacity = (cores - cpu["load generator"]) / ((cpu["server"] + cpu["postgres"]) / rate)
            rows.append(("requests/s if the cores were ours", f"≈ {capacity:.0f}", "-"))
    rows += [(f"machine: {k}", v, "-") for k, v in machine.items()]
    harness.print_table(f"Quanzi product page bench — {machine['date']}", rows)
    if args.markdown:
        print()
        print(harness.markdown_table(rows))
    harness.write_json(args.json, {"args": vars(args), "latency": lat.summary(), "errors": dict(errors),
                                   "queries": queries, "machine": machine, "rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
