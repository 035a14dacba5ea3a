"""The batch path of the analytics log: many facts at once (a backfill, a busy beacon endpoint, the bench).

`services.record` goes through the ORM: an INSERT of 500 rows at a time with every value a bound
parameter, which tops out around 10,000 events/s on a 2-core machine. On PostgreSQL `record_batch` streams
the facts with COPY into a temporary table and moves them with one `INSERT … SELECT … ON CONFLICT DO
NOTHING`, three to four times faster. The semantics are those of `record`, so callers may use either:

* idempotent by the table's own unique key — `ON CONFLICT DO NOTHING` has no conflict target, so it
  holds whether the key is `key` alone or `(key, day)` on the day-partitioned table;
* the days touched get a `DirtyMark` in the same transaction as their events (the rollup job's rule);
* keys are cut to 80 characters and the day is the fact's China day, exactly as `record` stores them.

Other databases (SQLite in tests and the embedded default) fall back to `record`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, transaction

from quanzi.analytics.models import DirtyMark, Event
from quanzi.analytics.services import Fact, record, report_day

STAGE = "analytics_event_stage"  # per connection (TEMP), emptied at every commit
COLUMNS = ("key", "name", "occurred_at", "day", "actor", "shop_id", "object_type", "object_id", "amount",
           "channel", "props")
_STAGE_DDL = (f"CREATE TEMP TABLE IF NOT EXISTS {STAGE} (key varchar(80), name varchar(24), "
              "occurred_at timestamptz, day date, actor varchar(24), shop_id bigint, object_type varchar(12), "
              "object_id bigint, amount bigint, channel varchar(10), props jsonb) ON COMMIT DELETE ROWS")


def _row(f: Fact) -> tuple:
    return (f.key[:80], f.name, f.occurred_at, report_day(f.occurred_at), f.actor, f.shop_id, f.object_type,
            f.object_id, int(f.amount), f.channel, json.dumps(f.props, ensure_ascii=False) if f.props else "{}")


def record_batch(facts: Iterable[Fact]) -> int:
    """Store facts like `services.record` (each key once, their days marked for the rollup job), through
    COPY on PostgreSQL. Returns how many were given."""
    if connection.vendor != "postgresql":
        return record(facts)
    rows = [_row(f) for f in facts]
    if not rows:
        return 0
    days = sorted({r[3] for r in rows})
    cols = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STAGE_DDL)
        cursor.execute(f"TRUNCATE {STAGE}")  # an earlier batch of the same outer transaction
        with cursor.cursor.copy(f"COPY {STAGE} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {Event._meta.db_table} ({cols}) SELECT {cols} FROM {STAGE} "
                       "ON CONFLICT DO NOTHING")
        DirtyMark.objects.bulk_create([DirtyMark(day=d) for d in days])
    return len(rows)
