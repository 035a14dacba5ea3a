"""The rollup job: every day that received events is recomputed whole from the raw log into
`DailyRollup` (per shop and platform-wide, per event and channel: count, distinct actors, amount).

Exact under concurrency without a watermark: `record` appends a mark for each day it touched in the same
transaction as its events. The job takes the marks it can see in one statement (DELETE … RETURNING) and
recomputes those days, each in its own transaction, replacing the day's rows. A mark whose transaction
commits after that DELETE was not visible to it and stays, so its events are counted by the next run —
nothing is lost however ingest and the job interleave. Run one job at a time (it is one sweep).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum

from quanzi.analytics.models import ALL_CHANNELS, PLATFORM, DailyRollup, DirtyMark, Event


def _grouped(events, *fields):
    return events.values(*fields).annotate(n=Count("id"), actors=Count("actor", distinct=True), amount=Sum("amount"))


def recompute_day(day: dt.date) -> int:
    """Replace one day's rollups with a recomputation from its raw events (four GROUP BYs: per shop and
    platform-wide, per channel and over all channels — distinct actors cannot be added up across channels).
    Returns the rows written."""
    events = Event.objects.filter(day=day)
    shops = events.exclude(shop_id__isnull=True)
    rows = []
    for group, shop_fields in ((shops, ("shop_id",)), (events, ())):
        for by_channel in (True, False):
            for r in _grouped(group, *shop_fields, "name", *(("channel",) if by_channel else ())):
                rows.append(DailyRollup(day=day, shop_id=r.get("shop_id", PLATFORM), name=r["name"],
                                        channel=r["channel"] if by_channel else ALL_CHANNELS, count=r["n"],
                                        actors=r["actors"], amount=r["amount"] or 0))
    with transaction.atomic():
        DailyRollup.objects.filter(day=day).delete()
        DailyRollup.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _take_marked_days(limit: int) -> list[dt.date]:
    table = DirtyMark._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT %s) "
                       f"RETURNING day", [limit])
        days = {row[0] for row in cursor.fetchall()}
    return sorted(dt.date.fromisoformat(d) if isinstance(d, str) else d for d in days)


def rollup_dirty_days(*, limit: int = 10_000) -> int:
    """The incremental job (a sweep, every minute): recompute the days that received events (up to `limit`
    marks a run). A day whose recomputation fails is marked again, so runs may overlap. Returns the days
    recomputed."""
    days = _take_marked_days(limit)
    done = 0
    for i, day in enumerate(days):
        try:
            recompute_day(day)
            done += 1
        except IntegrityError:  # another run recomputed the same day at the same moment: again next run
            DirtyMark.objects.bulk_create([DirtyMark(day=day)])
        except Exception:
            DirtyMark.objects.bulk_create([DirtyMark(day=d) for d in days[i:]])
            raise
    return done
