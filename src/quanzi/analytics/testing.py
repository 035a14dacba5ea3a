"""Helpers of analytics for code outside the app that must not read its models (tests/e2e, bench/;
quanzi.core.boundaries): the log's table names, counts, and wiping a bench database."""

from __future__ import annotations

import datetime as dt

from quanzi.analytics.models import PLATFORM, DailyRollup, DirtyMark, Event

EVENT_TABLE = Event._meta.db_table
ROLLUP_TABLE = DailyRollup._meta.db_table


def event_count() -> int:
    return Event.objects.count()


def rollup_count() -> int:
    return DailyRollup.objects.count()


def rolled_up_days() -> list[dt.date]:
    return list(DailyRollup.objects.order_by("day").values_list("day", flat=True).distinct())


def busiest_shop(*, default: int = 1) -> int:
    """The shop with the most paid orders in the rollups (a bench's "one shop")."""
    from django.db.models import Sum

    row = (DailyRollup.objects.exclude(shop_id=PLATFORM).filter(name="order.paid", channel="*").values("shop_id")
           .annotate(n=Sum("count")).order_by("-n").first())
    return row["shop_id"] if row else default


def wipe() -> None:
    """Empty the log, its rollups and its marks (a bench's own database only: TRUNCATE on PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"TRUNCATE {EVENT_TABLE}, {ROLLUP_TABLE}, {DirtyMark._meta.db_table} RESTART IDENTITY")
    else:
        for model in (Event, DailyRollup, DirtyMark):
            model.objects.all().delete()
