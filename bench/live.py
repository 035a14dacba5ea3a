#!/usr/bin/env python
"""Live room benchmark: one room, many WebSocket viewers, chat and likes, against uvicorn.

    .venv/bin/python bench/live.py                                  # 2,000 viewers, Redis layer, 2 workers
    .venv/bin/python bench/live.py --viewers 5000 --gen-procs 2     # the stretch goal
    .venv/bin/python bench/live.py --layer memory --workers 1       # the embedded in-memory layer

What it does (docs/live.md#benchmark has the numbers measured on the project's machine):
1. Sets up the bench database (PostgreSQL: --database-url, default $BENCH_DATABASE_URL, $DATABASE_URL or
   the local qz_bench), a merchant with a shop, a product, a room that is LIVE, and --senders users with a
   signed-in session each (their `sessionid` cookie authenticates their WebSocket).
2. Starts uvicorn (bench/harness.py `asgi_server`: config.asgi, QUANZI_ENV=bench, --workers processes)
   with REDIS_URL set (--layer redis: RedisPubSubChannelLayer, the Redis cache for rate limits) or unset
   (--layer memory: the in-memory layer, which only works with one worker).
3. Connects --viewers anonymous viewers (spread over --gen-procs load-generator processes, at
   --connect-rate per second), each saying hello; they read every frame and note the chat messages.
4. For --duration seconds, --senders signed-in senders post --rate chat messages per second in total
   (each message carries an id and the send time) and send --likes like frames per second in total.
5. Prints: viewers connected at the end, frames and chat deliveries per second, p50/p99 delivery latency
   (send → a viewer's receipt, same clock), messages lost among viewers connected throughout (acked by the
   server but never delivered; must be 0), likes counted by the server vs sent, and the server's RSS per
   connection (worker RSS after the viewers joined minus before, divided by the viewers).

Bounded (every phase has a deadline); only 127.0.0.1 is ever contacted. Load generator and server share
the machine, so the figures are a floor for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

MARK = re.compile(r"m:(\d+):(\d+\.\d+)")


# ---------------------------------------------------------------- data (in this process, Django set up)

def prepare(n_senders: int) -> dict:
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from quanzi.accounts.testing import make_users_bulk
    from quanzi.catalog.selectors import category_list
    from quanzi.catalog.services import product_create, product_set_status
    from quanzi.catalog.testing import make_category
    from quanzi.core import clock
    from quanzi.live.services import room_create, room_start
    from quanzi.shops.testing import make_shop

    tag = f"{int(time.time())}"
    password = make_password(None)  # unusable: the senders sign in through their session cookie
    [owner] = make_users_bulk(emails=[f"livebench{tag}@bench.local"], nickname="Bench host", password_hash=password)
    shop = make_shop(owner=owner, name=f"Live bench {tag}", approved=True)
    categories = category_list(top_level_only=False)
    cat = categories[0] if categories else make_category(name="测试", name_en="Bench", slug=f"bench-{tag}")
    product = product_create(shop=shop, data={"title": "Bench tee", "category_id": cat.pk, "price": 5900,
                                              "stock": 100}, options=[])
    product_set_status(product=product, status="on_shelf")
    room = room_create(host=owner, title=f"Bench room {tag}", scheduled_at=clock.now() + dt.timedelta(minutes=1),
                       product_ids=[product.pk])
    room = room_start(room=room)
    users = make_users_bulk(emails=[f"lb{tag}-{i}@bench.local" for i in range(n_senders)], nickname="s{i}",
                            password_hash=password)
    cookies = []
    for user in users:
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={s.session_key}")
    assert len(cookies) == len(users)
    return {"room_id": room.pk, "number": room.number, "cookies": cookies}


def likes_counted(room_id: int) -> int:
    from quanzi.live.selectors import room_get

    room = room_get(room_id=room_id)
    return (room.like_count if room is not None else 0) or 0


# ---------------------------------------------------------------- viewers (load-generator processes)

def viewer_proc(idx: int, args: dict, out_q) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    out_q.put(asyncio.run(_viewers(idx, args)))


async def _viewers(idx: int, a: dict) -> dict:
    from websockets.asyncio.client import connect

    n, url, t_start, t_end = a["n"], a["url"], a["t_start"], a["t_end"]
    origin = a["origin"]
    received: list[dict] = []
    state = {"frames": 0, "chat": 0, "lat": [], "closed": 0, "close_codes": {}, "connect_failed": 0, "errors": {}}
    sample_every = max(1, a["sample_every"])

    async def one(k: int) -> None:
        got: dict[int, float] = {}
        rec = {"ids": got, "joined": None, "left": None}
        received.append(rec)
        try:
            async with connect(url, origin=origin, max_size=2**22, open_timeout=60, ping_interval=None,
                               compression=None) as ws:
                await ws.send('{"type":"hello","last_seq":null}')
                await ws.recv()  # welcome
                rec["joined"] = time.time()
                async for text in ws:
                    state["frames"] += 1
                    if "m:" not in text:
                        continue
                    now = time.time()
                    for mid, sent in MARK.findall(text):
                        mid = int(mid)
                        if mid in got:
                            continue
                        got[mid] = now
                        if t_start <= now <= t_end + 5:
                            state["chat"] += 1
                            if (mid + k) % sample_every == 0:
                                state["lat"].append(now - float(sent))
                    if now > t_end + a["drain"]:
                        break
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            code = getattr(getattr(exc, "rcvd", None), "code", None)
            if rec["joined"] is None:
                state["connect_failed"] += 1
                name = type(exc).__name__
                state["errors"][name] = state["errors"].get(name, 0) + 1
            else:
                state["closed"] += 1
                state["close_codes"][str(code)] = state["close_codes"].get(str(code), 0) + 1
        rec["left"] = time.time()

    tasks = []
    interval = 1.0 / max(1.0, a["connect_rate"])
    for k in range(n):
        tasks.append(asyncio.ensure_future(one(idx * 1_000_000 + k)))
        await asyncio.sleep(interval)
    while time.time() < t_start:
        await asyncio.sleep(0.1)
    connected_at_start = sum(1 for r in received if r["joined"] is not None and r["left"] is None)
    await asyncio.wait(tasks, timeout=max(1.0, t_end + a["drain"] + 10 - time.time()))
    for t in tasks:
        t.cancel()
    # the senders' list of acknowledged messages (written by the parent after the window)
    acked_path = Path(a["acked_path"])
    deadline = time.time() + 60
    while not acked_path.exists() and time.time() < deadline:
        await asyncio.sleep(0.2)
    acked = json.loads(acked_path.read_text()) if acked_path.exists() else []
    window = [mid for mid, sent in acked if t_start + 1 <= sent <= t_end - 1]
    # (left is None: still connected when the run stopped listening)
    connected_at_end = sum(1 for r in received if r["joined"] is not None and (r["left"] or t_end) >= t_end)
    lost, throughout = 0, 0
    for r in received:
        if r["joined"] is None or r["joined"] > t_start or (r["left"] or t_end + 1) < t_end + 1:
            continue
        throughout += 1
        lost += sum(1 for mid in window if mid not in r["ids"])
    return {"frames": state["frames"], "chat": state["chat"], "lat": state["lat"], "closed": state["closed"],
            "close_codes": state["close_codes"], "connect_failed": state["connect_failed"],
            "connected_at_start": connected_at_start, "connected_at_end": connected_at_end, "errors": state["errors"], "throughout": throughout, "lost": lost,
            "window_msgs": len(window)}


# ---------------------------------------------------------------- senders (this process)

async def senders(url: str, origin: str, cookies: list[str], rate: float, likes: float, t_start: float,
                  t_end: float) -> dict:
    from websockets.asyncio.client import connect

    acked: list[tuple[int, float]] = []
    ack_lat: list[float] = []
    stats = {"sent": 0, "acked": 0, "errors": {}, "likes_sent": 0}
    per_sender = rate / len(cookies)
    likes_per_sender = likes / len(cookies)

    async def one(i: int, cookie: str) -> None:
        pending: dict[int, float] = {}
        async with connect(url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=60,
                           ping_interval=None, compression=None) as ws:
            await ws.send('{"type":"hello","last_seq":null}')
            await ws.recv()

            async def reader():
                async for text in ws:
                    if text.startswith('{"type":"ack"'):
                        f = json.loads(text)
                        ref = f.get("ref")
                        if ref in pending:
                            sent = pending.pop(ref)
                            acked.append((ref, sent))
                            ack_lat.append(time.time() - sent)
                            stats["acked"] += 1
                    elif text.startswith('{"type":"error"'):
                        code = json.loads(text).get("code")
                        stats["errors"][code] = stats["errors"].get(code, 0) + 1

            rtask = asyncio.ensure_future(reader())
            while time.time() < t_start:
                await asyncio.sleep(0.01)
            await asyncio.sleep(random.random() / max(per_sender, 0.01))
            n, next_chat, next_like = 0, time.time(), time.time() + random.random() / max(likes_per_sender, 0.01)
            while time.time() < t_end:
                now = time.time()
                if now >= next_chat:
                    mid = i * 100_000 + n
                    n += 1
                    sent = time.time()
                    pending[mid] = sent
                    await ws.send(json.dumps({"type": "chat", "text": f"m:{mid}:{sent:.6f}", "ref": mid}))
                    stats["sent"] += 1
                    next_chat += 1.0 / per_sender
                if likes_per_sender and now >= next_like:
                    await ws.send('{"type":"like","count":1}')
                    stats["likes_sent"] += 1
                    next_like += 1.0 / likes_per_sender
                await asyncio.sleep(max(0.0, min(next_chat, next_like if likes_per_sender else next_chat) - time.time()))
            await asyncio.sleep(2)  # the last acks
            rtask.cancel()

    results = await asyncio.gather(*(one(i, c) for i, c in enumerate(cookies)), return_exceptions=True)
    stats["sender_failures"] = sum(1 for r in results if isinstance(r, Exception))
    stats["acked_list"] = acked
    stats["ack_lat"] = ack_lat
    return stats


def server_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by the server's processes."""
    total = 0.0
    for pid in pids:
        stat = harness._proc_stat(pid)
        if stat is not None:
            total += stat[2]
    return total


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


# ---------------------------------------------------------------- main

def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url")
    p.add_argument("--viewers", type=int, default=2000)
    p.add_argument("--senders", type=int, default=50)
    p.add_argument("--rate", type=float, default=20.0, help="chat messages per second, all senders together")
    p.add_argument("--likes", type=float, default=200.0, help="like frames per second, all senders together")
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--layer", choices=["redis", "memory"], default="redis")
    p.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"))
    p.add_argument("--gen-procs", type=int, default=2, help="load-generator processes for the viewers")
    p.add_argument("--connect-rate", type=float, default=200.0, help="new viewer connections per second, in all")
    p.add_argument("--port", type=int, default=8117)
    p.add_argument("--ws-impl", default="websockets-sansio", help="uvicorn --ws implementation")
    p.add_argument("--tick-ms", type=int, default=100, help="the hub's delivery tick (QUANZI_LIVE_TICK_MS)")
    p.add_argument("--json", help="also write the results to this file")
    args = p.parse_args()
    if args.layer == "memory" and args.workers != 1:
        p.error("the in-memory layer lives in one process: use --workers 1")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.viewers + args.senders + 1000
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(need, soft)), hard))

    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    db = harness.database_url(args.database_url)
    harness.configure_django(db)
    data = prepare(args.senders)
    extra_env = {"REDIS_URL": args.redis_url if args.layer == "redis" else None, "QUANZI_LOG_LEVEL": "ERROR",
                 "QUANZI_LIVE_TICK_MS": str(args.tick_ms)}
    if args.layer == "redis":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()  # the bench's own Redis database: old rate-limit counters

    # Channels runs every consumer's database work in ONE thread per process (database_sync_to_async,
    # thread-sensitive): a persistent connection there is reused, so keep it (the harness would
    # otherwise set conn_max_age=0, which suits Django's per-request HTTP threads, not this one).
    server_db = db if "conn_max_age" in db else f"{db}{'&' if '?' in db else '?'}conn_max_age=600"
    with harness.asgi_server(server_db, port=args.port, workers=args.workers, extra_env=extra_env,
                             ready_path="/api/v1/live/rooms", extra_args=["--ws", args.ws_impl]) as server:
        pids = server.worker_pids() or [server.process.pid]
        url = f"ws://127.0.0.1:{args.port}/ws/live/{data['number']}/"
        origin = f"http://127.0.0.1:{args.port}"
        connect_seconds = args.viewers / args.connect_rate
        t_start = time.time() + connect_seconds + 8
        t_end = t_start + args.duration
        acked_path = Path(tempfile.gettempdir()) / f"live-bench-acked-{os.getpid()}.json"
        acked_path.unlink(missing_ok=True)
        rss_before = rss_kb(pids)

        ctx = mp.get_context("fork")
        out_q = ctx.Queue()
        share = [args.viewers // args.gen_procs + (1 if i < args.viewers % args.gen_procs else 0)
                 for i in range(args.gen_procs)]
        lat_budget = 50_000
        expected = args.viewers * args.rate * args.duration
        procs = [ctx.Process(target=viewer_proc, args=(i, {
            "n": share[i], "url": url, "origin": origin, "t_start": t_start, "t_end": t_end, "drain": 3.0,
            "connect_rate": args.connect_rate / args.gen_procs, "acked_path": str(acked_path),
            "sample_every": max(1, int(expected / lat_budget)),
        }, out_q), daemon=True) for i in range(args.gen_procs)]
        for proc in procs:
            proc.start()
        print(f"connecting {args.viewers} viewers over ~{connect_seconds:.0f}s, then {args.duration:.0f}s of "
              f"{args.rate:g} chat msg/s + {args.likes:g} likes/s from {args.senders} senders "
              f"({args.layer} layer, {args.workers} worker(s)) …", flush=True)
        while time.time() < t_start - 2:
            time.sleep(0.2)
        rss_after = rss_kb(pids)
        likes_before = likes_counted(data["room_id"])
        cpu_before, wall_before = server_cpu(pids), time.time()
        stats = asyncio.run(senders(url, origin, data["cookies"], args.rate, args.likes, t_start, t_end))
        cpu_used = (server_cpu(pids) - cpu_before) / max(0.001, time.time() - wall_before)
        acked_path.write_text(json.dumps(stats.pop("acked_list")))
        results = []
        for _ in procs:
            try:
                results.append(out_q.get(timeout=120))
            except Exception:  # noqa: BLE001
                break
        for proc in procs:
            proc.join(timeout=10)
        time.sleep(1.0)
        likes_after = likes_counted(data["room_id"])
    acked_path.unlink(missing_ok=True)

    lat = [x for r in results for x in r["lat"]]
    frames = sum(r["frames"] for r in results)
    chat = sum(r["chat"] for r in results)
    connected_start = sum(r["connected_at_start"] for r in results)
    failed = sum(r["connect_failed"] for r in results)
    connect_errors: dict[str, int] = {}
    for r in results:
        for k, v in r["errors"].items():
            connect_errors[k] = connect_errors.get(k, 0) + v
    closed = sum(r["closed"] for r in results)
    codes: dict[str, int] = {}
    for r in results:
        for k, v in r["close_codes"].items():
            codes[k] = codes.get(k, 0) + v
    throughout = sum(r["throughout"] for r in results)
    lost = sum(r["lost"] for r in results)
    window_msgs = results[0]["window_msgs"] if results else 0
    connected_end = sum(r["connected_at_end"] for r in results)
    per_conn = (rss_after - rss_before) / max(1, connected_start)
    p99 = harness.percentile(lat, 99)
    rows = [
        ("viewers connected (start → end)", f"{connected_start} → {connected_end}"
         + (f" ({failed} failed to connect: {connect_errors})" if failed else ""), f"goal {args.viewers}"),
        ("viewers dropped by the server", f"{closed} {codes or ''}".strip(), "0"),
        ("chat sent / acked by the server", f"{stats['sent']} / {stats['acked']}"
         + (f" (refused: {stats['errors']})" if stats["errors"] else ""), ""),
        ("frames delivered / s", f"{frames / (args.duration + 3):,.0f}", "batched ~10 per second per viewer"),
        ("chat deliveries / s", f"{chat / args.duration:,.0f}", f"≈ {args.rate:g} × viewers"),
        ("chat accepted (ack) p50 / p99", f"{harness.ms(harness.percentile(stats['ack_lat'], 50))} / "
                                          f"{harness.ms(harness.percentile(stats['ack_lat'], 99))}",
         "sender → stored, numbered"),
        ("delivery latency p50", harness.ms(harness.percentile(lat, 50)), ""),
        ("delivery latency p99", harness.ms(p99), "< 300 ms"),
        ("lost messages (viewers connected throughout)", f"{lost} ({throughout} viewers × {window_msgs} msgs)", "0"),
        ("likes sent → counted", f"{stats['likes_sent']} → {likes_after - likes_before}", "equal"),
        ("server CPU while sending", f"{cpu_used:.2f} cores (of {os.cpu_count()}; machine load average before: "
                                     f"{load_before})", ""),
        ("server RSS per connection", f"{per_conn:.1f} KiB ({rss_before // 1024} → {rss_after // 1024} MiB, "
                                      f"{len(pids)} process(es))", ""),
    ]
    info = harness.machine_info()
    harness.print_table(f"Live room: {args.viewers} viewers, {args.layer} layer, {args.workers} worker(s) — "
                        f"{info.get('cpu', '')}", rows)
    harness.write_json(args.json, {"args": vars(args), "rows": rows, "machine": info})
    ok = lost == 0 and p99 == p99 and p99 < 0.3 and connected_end >= args.viewers * 0.99
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
