"""The raw event table's day partitions (PostgreSQL only; SQLite keeps one plain table).

On PostgreSQL `analytics_event` is declaratively partitioned `BY RANGE (day)` (migration 0002): one
partition a day, `analytics_event_pYYYYMMDD`, plus `analytics_event_default` for a day that has none yet,
so an insert never fails for want of a partition. `ensure` makes the missing ones ahead of time (a sweep,
once a day per process); a day whose events already sit in the default partition is created by moving
them in (a partition cannot be created over rows the default partition holds). `drop_older_than` is the
retention — dropping a partition is instant, unlike a DELETE — and is not scheduled: the rollups keep
every day's figures, only funnels and cohorts over raw events lose the dropped range.

The table's primary key is (id, day) and its idempotency constraint (key, day) in SQL: PostgreSQL wants
the partition key in every unique constraint. A fact's day comes from its occurred_at, the same on every
re-delivery, so (key, day) still stores a re-sent fact once. Django keeps `id` as the pk (`WHERE id = …`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.db import OperationalError, connection, transaction

from quanzi.analytics.models import Event
from quanzi.analytics.services import report_day
from quanzi.core import clock

logger = logging.getLogger("quanzi.analytics")

PARENT = Event._meta.db_table
DEFAULT = f"{PARENT}_default"
_DAILY = re.compile(rf"^{PARENT}_p(\d{{8}})$")
_LOCK_KEY = 0x61_6E_70_61  # pg_advisory_xact_lock: one partition maker at a time
LOCK_TIMEOUT = "5s"  # never queue every reader of the table behind a DDL lock; the next run tries again
DAYS_BACK = 3  # a beacon may be three days late (services.BEACON_PAST)
DAYS_AHEAD = 7

_ensured_on: dt.date | None = None


def partition_name(day: dt.date) -> str:
    return f"{PARENT}_p{day:%Y%m%d}"


def _bounds(day: dt.date) -> str:
    """A day's range as SQL (dates only, never user input: DDL takes no bind parameters)."""
    return f"FROM ('{day.isoformat()}') TO ('{(day + dt.timedelta(days=1)).isoformat()}')"


def is_partitioned() -> bool:
    """Whether the event table is a partitioned table here (PostgreSQL after migration 0002)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [PARENT])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def partition_days(cursor) -> dict[dt.date, str]:
    """The days that have their own partition, with its name."""
    cursor.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                   "WHERE i.inhparent = to_regclass(%s)", [PARENT])
    days = {}
    for (name,) in cursor.fetchall():
        if match := _DAILY.match(name):
            days[dt.datetime.strptime(match[1], "%Y%m%d").date()] = name
    return days


def create_default(cursor) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {DEFAULT} PARTITION OF {PARENT} DEFAULT")


def create_day(cursor, day: dt.date) -> int:
    """Create one day's partition; rows of that day in the default partition move into it (same ids).
    Call inside a transaction that holds the parent's lock (`_lock`). Returns the rows moved."""
    name = partition_name(day)
    cursor.execute(f"SELECT count(*) FROM {DEFAULT} WHERE day = %s", [day])
    (stranded,) = cursor.fetchone()
    if not stranded:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {PARENT} FOR VALUES {_bounds(day)}")
        return 0
    # Build it beside the table, move the rows in one statement (what is deleted is what is inserted),
    # then attach it: PostgreSQL gives it the parent's indexes and checks the default holds no more of it.
    cursor.execute(f"CREATE TABLE {name} (LIKE {PARENT})")
    cursor.execute(f"WITH moved AS (DELETE FROM {DEFAULT} WHERE day = %s RETURNING *) "
                   f"INSERT INTO {name} SELECT * FROM moved", [day])
    cursor.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES {_bounds(day)}")
    logger.info("analytics: moved %d events of %s out of the default partition", stranded, day)
    return stranded


def _lock(cursor) -> None:
    """The parent's DDL lock, taken first (no upgrade, so no deadlock with writers) and given up after
    LOCK_TIMEOUT (OperationalError) rather than stalling every query of the table behind it."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    cursor.execute(f"LOCK TABLE {PARENT} IN ACCESS EXCLUSIVE MODE")


def ensure(*, days_ahead: int = DAYS_AHEAD, days_back: int = DAYS_BACK, today: dt.date | None = None) -> int:
    """Create the missing partitions from `days_back` before today (Asia/Shanghai) to `days_ahead` after,
    and for every day whose events sit in the default partition (moved in). Idempotent; one transaction a
    day; a day whose lock times out is left for the next run. No-op off PostgreSQL. Returns the partitions
    created."""
    if not is_partitioned():
        return 0
    today = today or report_day(clock.now())
    wanted = {today + dt.timedelta(days=d) for d in range(-days_back, days_ahead + 1)}
    with connection.cursor() as cursor:
        existing = partition_days(cursor)
        cursor.execute(f"SELECT DISTINCT day FROM {DEFAULT}")
        wanted |= {row[0] for row in cursor.fetchall()}
    created = 0
    for day in sorted(wanted - existing.keys()):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _lock(cursor)
                if day in partition_days(cursor):  # another process made it meanwhile
                    continue
                create_day(cursor, day)
                created += 1
        except OperationalError:
            logger.warning("analytics: partition for %s not created (table busy); next run", day)
    return created


def ensure_daily() -> int:
    """The sweep's entry: `ensure` at most once a day per process (sweeps run every 30 s)."""
    global _ensured_on
    today = report_day(clock.now())
    if _ensured_on == today:
        return 0
    created = ensure(today=today)
    _ensured_on = today
    return created


def drop_older_than(days: int, *, today: dt.date | None = None) -> int:
    """Retention: drop the partitions of days more than `days` before today, and delete such days from
    the default partition. The rollups (DailyRollup) keep those days' figures. Not scheduled: call it
    from your own job. Returns the partitions dropped."""
    if days < 1:
        raise ValueError("keep at least one day")
    if not is_partitioned():
        return 0
    cutoff = (today or report_day(clock.now())) - dt.timedelta(days=days)
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        old = sorted(name for day, name in partition_days(cursor).items() if day < cutoff)
        for name in old:
            cursor.execute(f"DROP TABLE {name}")
        cursor.execute(f"DELETE FROM {DEFAULT} WHERE day < %s", [cutoff])
    return len(old)
