"""Analytics' sweep: the rollup job (core.sweeps; run every minute by the scheduler)."""

from __future__ import annotations

from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.core.sweeps import sweeps


@sweeps.register(key="analytics_rollup")
def analytics_rollup() -> int:
    """Recompute the days that received events since the last run."""
    return rollup_dirty_days()


@sweeps.register(key="analytics_partitions")
def analytics_partitions() -> int:
    """PostgreSQL: once a day, create the raw event table's partitions from 3 days back to 7 ahead, and
    for any day whose events fell into the default partition (moved in). Retention is not scheduled."""
    from quanzi.analytics import partitions

    return partitions.ensure_daily()


def analytics_clickhouse_export() -> int:
    """Copy the SQL log's new events to ClickHouse (clickhouse.export_new_events, 50,000 a run)."""
    from quanzi.analytics.clickhouse import export_new_events

    return export_new_events()


def _register_clickhouse_export() -> None:
    """Only a site with ClickHouse (QUANZI["ANALYTICS_CLICKHOUSE"]) runs the export sweep."""
    from django.conf import settings

    if settings.QUANZI.get("ANALYTICS_CLICKHOUSE", ""):
        sweeps.register(analytics_clickhouse_export, key="analytics_clickhouse_export")


_register_clickhouse_export()


@sweeps.register(key="analytics_weekly_reports")
def analytics_weekly_reports() -> int:
    """E-mail last week's data report to the subscribed shops that have not had it (once a week each)."""
    from quanzi.analytics.reports import send_weekly_reports

    return send_weekly_reports()
