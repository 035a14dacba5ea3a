#!/usr/bin/env python
"""Feed benchmark on PostgreSQL (a script, not a test). Loopback database only, every loop bounded.

    .venv/bin/python bench/feed.py                         # small: 20k users / 100k notes / 1M edges
    .venv/bin/python bench/feed.py --users 100000 --notes 1000000 --edges 10000000   # full scale
    .venv/bin/python bench/feed.py --database-url postgres://postgres@127.0.0.1:5432/qz_feed

1. Wipes and generates data with INSERT … SELECT generate_series (users, notes over 30 days, follow
   edges skewed towards popular authors, --big authors with --big-followers followers each, likes),
   and pre-fans-out the last 2 days of ordinary authors' notes into feed_inboxentry.
2. Measures following-feed pages (20 items, hydrated cards) for random users: p50/p99;
   discovery p50/p99; publishing by a big author (merge-on-read path) and the same note fanned out
   to all its followers (what fan-out-on-write would cost); storage of the tables.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qz_feed"


BULK_TABLES = ("social_follow", "feed_inboxentry", "content_like", "content_noteimage")


def _drop_indexes(cur, tables) -> list[str]:
    """Drop secondary indexes and unique constraints of `tables` for the bulk load (building an index
    once afterwards is many times faster than maintaining it row by row); return the SQL that rebuilds them."""
    rebuild: list[str] = []
    cur.execute("""SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
                   FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype = 'u'""",
                [list(tables)])
    for table, name, definition in cur.fetchall():
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cur.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.tablename = ANY(%s) AND i.indexname NOT IN (
                     SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))""", [list(tables)])
    for name, definition in cur.fetchall():
        rebuild.append(definition)
        cur.execute(f'DROP INDEX "{name}"')
    return rebuild


def generate(cur, users: int, notes: int, edges: int, big: int, big_followers: int, fanout_limit: int) -> None:
    """Bulk load with INSERT … SELECT generate_series, indexes dropped during the load and rebuilt after."""
    cur.execute("SET synchronous_commit TO off")
    cur.execute("SET maintenance_work_mem TO '1GB'")
    cur.execute("SET work_mem TO '256MB'")
    cur.execute("TRUNCATE feed_inboxentry, content_like, content_noteimage, content_note, social_follow, "
                "accounts_user RESTART IDENTITY CASCADE")
    rebuild = _drop_indexes(cur, BULK_TABLES)
    try:
        cur.execute("""INSERT INTO accounts_user (password, is_superuser, uid, phone, nickname, avatar, is_staff,
                       is_active, date_joined)
                       SELECT '!', false, 'b' || g, '13' || lpad(g::text, 9, '0'), 'user' || g, '', false, true, now()
                       FROM generate_series(1, %s) g""", [users])
        cur.execute("""INSERT INTO content_note (author_id, title, body, status, location, created_at, published_at,
                       updated_at, likes_total, comments_total, favourites_total)
                       SELECT 1 + floor(%s * power(random(), 2))::int, 'note ' || g, 'body', 'published', '',
                              t, t, t, 0, 0, 0
                       FROM (SELECT g, now() - random() * interval '30 days' AS t
                             FROM generate_series(1, %s) g) s""", [users, notes])
        cur.execute("""INSERT INTO content_noteimage (note_id, image, thumb, sort)
                       SELECT id, 'notes/x.jpg', 'notes/x_t.jpg', 0 FROM content_note""")
        # Big authors are users 1..big; each gets big_followers followers.
        cur.execute("""INSERT INTO social_follow (follower_id, followee_id, created_at)
                       SELECT f, a, now() FROM generate_series(1, %s) a,
                              generate_series(%s + 1, %s + %s) f""", [big, big, big, min(big_followers, users - big)])
        # Random edges skewed towards popular authors (never to the big ones, so no clash with the above).
        cur.execute("""INSERT INTO social_follow (follower_id, followee_id, created_at)
                       SELECT DISTINCT ON (f, a) f, a, now() FROM (
                         SELECT 1 + floor(random() * %s)::int AS f,
                                %s + 1 + floor((%s - %s) * power(random(), 3))::int AS a
                         FROM generate_series(1, %s)) s
                       WHERE f <> a""", [users, big, users, big, edges])
        cur.execute("""INSERT INTO content_like (user_id, note_id, created_at)
                       SELECT DISTINCT ON (u, n) u, n, now() FROM (
                         SELECT 1 + floor(random() * %s)::int AS u, 1 + floor(%s * power(random(), 4))::int AS n
                         FROM generate_series(1, %s)) s""", [users, notes, notes])
        # What fan-out on write would have written for the last 2 days: ordinary authors only (at most
        # fanout_limit followers); everyone above the limit is merged on read, as in production.
        cur.execute("""WITH small AS (SELECT followee_id FROM social_follow WHERE followee_id IS NOT NULL
                                      GROUP BY followee_id HAVING count(*) <= %s)
                       INSERT INTO feed_inboxentry (user_id, note_id, created_at)
                       SELECT f.follower_id, n.id, n.published_at FROM content_note n
                       JOIN small s ON s.followee_id = n.author_id
                       JOIN social_follow f ON f.followee_id = n.author_id
                       WHERE n.published_at > now() - interval '2 days'""", [fanout_limit])
    finally:  # a failed load must not leave the tables without their indexes
        for sql in rebuild:
            cur.execute(sql)
    cur.execute("VACUUM ANALYZE")  # what autovacuum does in production: statistics and the visibility map
    from quanzi.content.counters import rebuild as rebuild_counters
    from quanzi.feed.services import rebuild_big_sources

    rebuild_big_sources()  # the bulk load bypassed the follow events that keep this list current
    rebuild_counters()  # … and the services that keep the notes' engagement counters
    cur.execute("VACUUM ANALYZE content_note")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--users", type=int, default=20_000)
    ap.add_argument("--notes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--big", type=int, default=3, help="authors with --big-followers followers each")
    ap.add_argument("--big-followers", type=int, default=15_000)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--skip-generate", action="store_true")
    args = ap.parse_args()
    url = args.database_url or DEFAULT_DB
    if "127.0.0.1" not in url and "localhost" not in url:
        sys.exit("bench/feed.py only talks to a local database")
    harness.configure_django(url)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quanzi.accounts.selectors import user_get
    from quanzi.content.testing import make_note, note_destroy
    from quanzi.feed import selectors, services
    from quanzi.social.testing import follower_user_ids

    scale = f"{args.users:,} users / {args.notes:,} notes / {args.edges:,} random edges + " \
            f"{args.big} authors × {args.big_followers:,} followers"
    print("scale:", scale)
    t = time.perf_counter()
    if not args.skip_generate:
        with connection.cursor() as cur:
            generate(cur, args.users, args.notes, args.edges, args.big, args.big_followers, services.fanout_limit())
    gen_s = time.perf_counter() - t
    rng = random.Random(1)
    follows = follower_user_ids(limit=5000)
    user_model = get_user_model()  # readers by id only: the feed selectors need nothing else of them
    sample = [user_model(pk=pk) for pk in rng.sample(follows, min(args.samples, len(follows)))]

    def timed(fn, users):
        out = []
        for u in users:
            s = time.perf_counter()
            fn(u)
            out.append(time.perf_counter() - s)
        return out

    def page(u):
        items, _ = selectors.following_feed(user=u, limit=20)
        for it in items:
            if it.note:
                _ = [i.thumb for i in it.note.images.all()], it.note.author.display_name

    following = timed(page, sample)
    with CaptureQueriesContext(connection) as ctx:
        page(sample[0])
    s = time.perf_counter()
    from quanzi.feed.tasks import refresh_discovery_pool

    pool_size = refresh_discovery_pool()  # what the 30-second sweep does; readers never rank
    pool_s = time.perf_counter() - s
    discovery = timed(lambda u: selectors.discovery_feed(user=u, session_seen_ids=[], limit=20), sample[:50])

    big_author = user_get(user_id=1)
    note = make_note(author=big_author, title="big", images=0)
    s = time.perf_counter()
    services.fanout_note(note_id=note.pk)  # > FANOUT_LIMIT followers: counts limit+1 edges, writes nothing
    big_path = time.perf_counter() - s
    from django.test import override_settings
    with override_settings(QUANZI_FEED_FANOUT_LIMIT=10**9):
        s = time.perf_counter()
        written = services.fanout_note(note_id=note.pk)
        fanout_s = time.perf_counter() - s
    note_destroy(note_id=note.pk)  # its inbox rows go with it (cascade)

    sizes = {}
    with connection.cursor() as cur:
        for table in ("feed_inboxentry", "social_follow", "content_note", "content_like"):
            cur.execute(f"SELECT pg_total_relation_size('{table}'), (SELECT count(*) FROM {table})")
            sizes[table] = cur.fetchone()

    p = harness.percentile
    rows = [
        ("scale", scale, ""),
        ("data generation", f"{gen_s:.1f} s", ""),
        ("following page (20) p50", harness.ms(p(following, 50)), "< 20 ms"),
        ("following page (20) p99", harness.ms(p(following, 99)), "< 30 ms"),
        ("following page queries", str(len(ctx.captured_queries)), "constant"),
        ("discovery page (20) p50", harness.ms(p(discovery, 50)), ""),
        ("discovery page (20) p99", harness.ms(p(discovery, 99)), "< 100 ms"),
        (f"discovery pool ranking ({pool_size:,} notes, sweep)", harness.ms(pool_s), "every 30 s, off the request path"),
        (f"publish, big author ({args.big_followers:,} followers)", harness.ms(big_path), "merge-on-read path"),
        (f"same note fanned out to {written:,} inboxes", harness.ms(fanout_s), "what fan-out would cost"),
    ] + [(f"size {t}", f"{b / 1024 / 1024:.1f} MB ({n:,} rows)", "") for t, (b, n) in sizes.items()]
    harness.print_table("Feed benchmark (PostgreSQL, in-process ORM)", rows)
    print()
    print(harness.markdown_table(rows))


if __name__ == "__main__":
    main()
