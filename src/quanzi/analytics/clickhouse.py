"""The analytics log at scale: the same events copied to ClickHouse, and the raw-event reports run there.

`settings.QUANZI["ANALYTICS_CLICKHOUSE"]` chooses the store: "" (the default) means none — reports read
the SQL log (selectors.py); `"chdb:<path>"` an embedded chDB (ClickHouse in-process; `"chdb:"` in memory,
what the tests use so the SQL they check is real ClickHouse SQL); `http(s)://user:password@host:port/db`
a ClickHouse server through clickhouse-connect. Both stores take the same statements with ClickHouse's
own `{name:Type}` query parameters: values travel beside the SQL and are parsed as typed values, never as
SQL text.

The SQL log stays the source of truth: `export_new_events` (the `analytics_clickhouse_export` sweep)
copies it incrementally. The table is a `ReplacingMergeTree` keyed like the log (`ORDER BY (day, name,
key)`), so an event copied twice collapses into one at the next merge; until then every query that counts
rows dedupes itself (`FINAL`, or `uniqExact(key)`), so a copy sent twice never counts twice.

The reports have the signatures and return shapes of `selectors.funnel / cohorts / repurchase / sharing /
overview` (docs/analytics.md); the golden tests run them on chDB against the same figures.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from quanzi.analytics import constants as names
from quanzi.analytics.models import Event
from quanzi.analytics.selectors import (
    COHORT_KINDS,
    OVERVIEW_SERIES,
    Cohort,
    FunnelStep,
    Overview,
    _days,
    _monday,
)
from quanzi.core.errors import DomainError, ValidationFailed

EVENTS = "analytics_events"
EXPORT_STATE = "analytics_export_state"
STREAM = "events"  # the export_state row of the event log
COLUMNS = ("key", "name", "occurred_at", "day", "actor", "shop_id", "object_type", "object_id", "amount",
           "channel", "props")
OVERLAP_IDS = 20_000  # ids below the watermark re-checked each run: transactions commit out of id order

SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS {EVENTS} (
        key String, name LowCardinality(String), occurred_at DateTime64(6, 'UTC'), day Date, actor String,
        shop_id Nullable(Int64), object_type LowCardinality(String), object_id Nullable(Int64),
        amount Int64, channel LowCardinality(String), props String,
        actor_hash UInt64 MATERIALIZED cityHash64(actor)
    ) ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(day) ORDER BY (day, name, key)""",
    f"""CREATE TABLE IF NOT EXISTS {EXPORT_STATE} (
        stream String, last_id UInt64, at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = ReplacingMergeTree(last_id) ORDER BY stream""",
)


# ---------------------------------------------------------------- the stores

class Store(Protocol):
    def ensure_schema(self) -> None: ...
    def insert(self, rows: list[dict]) -> int: ...
    def query(self, sql: str, params: dict | None = None) -> list[tuple]: ...
    def execute(self, sql: str, params: dict | None = None) -> None: ...


def event_row(**values: Any) -> dict:
    """One row of the ClickHouse table from an Event's fields: UTC time, props as a JSON string."""
    when = values["occurred_at"]
    if when.tzinfo is None:
        raise ValueError("occurred_at must be aware")
    props = values.get("props") or {}
    return {"key": str(values["key"]), "name": str(values["name"]), "occurred_at": when.astimezone(dt.UTC),
            "day": values["day"], "actor": str(values["actor"]),
            "shop_id": None if values.get("shop_id") is None else int(values["shop_id"]),
            "object_type": str(values.get("object_type") or ""),
            "object_id": None if values.get("object_id") is None else int(values["object_id"]),
            "amount": int(values.get("amount") or 0), "channel": str(values.get("channel") or ""),
            "props": props if isinstance(props, str) else json.dumps(props, ensure_ascii=False, sort_keys=True)}


class ChdbStore:
    """ClickHouse in-process (chDB). Its sessions bind `{name:Type}` parameters given as ClickHouse's
    parameter text, which clickhouse-connect's own formatter writes (the same text its HTTP client
    sends); rows go in as JSONEachRow through a streaming insert, apart from any SQL."""

    def __init__(self, path: str = ""):
        from chdb.session import Session

        self._session = Session(path or ":memory:")

    @staticmethod
    def _params(params: dict | None) -> dict[str, str]:
        from clickhouse_connect.driver.binding import format_bind_value

        return {k: format_bind_value(v) for k, v in (params or {}).items()}

    def ensure_schema(self) -> None:
        _create_tables(self)

    def insert(self, rows: list[dict]) -> int:
        if not rows:
            return 0
        lines = []
        for row in rows:
            doc = {c: row[c] for c in COLUMNS}
            doc["occurred_at"] = row["occurred_at"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            doc["day"] = row["day"].isoformat()
            lines.append(json.dumps(doc, ensure_ascii=False))
        with self._session.send_insert(f"INSERT INTO {EVENTS} ({', '.join(COLUMNS)})", "JSONEachRow") as ins:
            ins.append("\n".join(lines) + "\n")
            ins.finish()
        return len(rows)

    def query(self, sql: str, params: dict | None = None) -> list[tuple]:
        table = self._session.query(sql, "ArrowTable", params=self._params(params))
        if not table.num_columns:
            return []
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def execute(self, sql: str, params: dict | None = None) -> None:
        self._session.query(sql, "CSV", params=self._params(params))


class HttpStore:
    """A ClickHouse server through clickhouse-connect (server-side binding of `{name:Type}` parameters,
    native inserts)."""

    def __init__(self, url: str):
        import clickhouse_connect

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ImproperlyConfigured("ANALYTICS_CLICKHOUSE: http(s)://user:password@host:port/database")
        self._client = clickhouse_connect.get_client(
            interface=parts.scheme, host=parts.hostname,
            port=parts.port or (8443 if parts.scheme == "https" else 8123),
            username=unquote(parts.username or "default"), password=unquote(parts.password or ""),
            database=unquote(parts.path.strip("/")) or "default",
            autogenerate_session_id=False)  # no server session: one client serves every thread

    def ensure_schema(self) -> None:
        _create_tables(self)

    def insert(self, rows: list[dict]) -> int:
        if rows:
            self._client.insert(EVENTS, [[row[c] for c in COLUMNS] for row in rows], column_names=list(COLUMNS))
        return len(rows)

    def query(self, sql: str, params: dict | None = None) -> list[tuple]:
        return [tuple(r) for r in self._client.query(sql, parameters=params or {}).result_rows]

    def execute(self, sql: str, params: dict | None = None) -> None:
        self._client.command(sql, parameters=params or {})


def _create_tables(target: Store) -> None:
    """CREATE … IF NOT EXISTS, once per store object (the export sweep asks every minute)."""
    if not getattr(target, "_schema_ready", False):
        for statement in SCHEMA:
            target.execute(statement)
        target._schema_ready = True


_stores: dict[str, Store] = {}
_lock = threading.Lock()


def open_store(config: str) -> Store | None:
    """A new store for a setting value ("" → None)."""
    if not config:
        return None
    if config.startswith("chdb:"):
        return ChdbStore(config[len("chdb:"):])
    if config.startswith(("http://", "https://")):
        return HttpStore(config)
    raise ImproperlyConfigured("ANALYTICS_CLICKHOUSE is chdb:<path> or http(s)://user:password@host:port/db")


def store() -> Store | None:
    """The configured ClickHouse store, one per process and setting (a chDB session holds its data; a
    client its connection pool); None without ClickHouse."""
    config = str(settings.QUANZI.get("ANALYTICS_CLICKHOUSE", "") or "")
    if not config:
        return None
    with _lock:
        if config not in _stores:
            _stores[config] = open_store(config)
        return _stores[config]


def _required() -> Store:
    found = store()
    if found is None:
        raise DomainError(_("ClickHouse is not configured."), code="clickhouse_not_configured", status=503)
    return found


# ---------------------------------------------------------------- the export job

def _watermark(target: Store) -> int:
    [(last,)] = target.query(f"SELECT max(last_id) FROM {EXPORT_STATE} WHERE stream = {{s:String}}",
                             {"s": STREAM})
    return int(last or 0)


def _late_events(target: Store, mark: int) -> list[Event]:
    """Events at or below the watermark that ClickHouse lacks: their transaction committed after a run had
    passed their id. Looks back `OVERLAP_IDS` ids (a key lookup pruned to the events' days)."""
    recent = list(Event.objects.filter(id__gt=max(mark - OVERLAP_IDS, 0), id__lte=mark)
                  .values_list("id", "key", "day"))
    if not recent:
        return []
    days = [d for _i, _k, d in recent]
    have = {k for (k,) in target.query(
        f"SELECT DISTINCT key FROM {EVENTS} WHERE day BETWEEN {{lo:Date}} AND {{hi:Date}} "
        f"AND key IN {{keys:Array(String)}}", {"lo": min(days), "hi": max(days), "keys": [k for _i, k, _d in recent]})}
    missing = [i for i, k, _d in recent if k not in have]
    return list(Event.objects.filter(id__in=missing).order_by("id")) if missing else []


def export_new_events(limit: int = 50_000) -> int:
    """Copy the SQL log's new events to ClickHouse (the sweep; a no-op without a store). New means above
    the watermark kept in ClickHouse itself (`analytics_export_state`), plus any event below it that
    ClickHouse lacks within `OVERLAP_IDS` (ids commit out of order on PostgreSQL). Rows are inserted before
    the watermark moves, so a crash between the two only copies again what the table collapses anyway.
    Returns the events copied."""
    target = store()
    if target is None:
        return 0
    target.ensure_schema()
    mark = _watermark(target)
    late = _late_events(target, mark)
    fresh = list(Event.objects.filter(id__gt=mark).order_by("id")[:limit])
    rows = [event_row(**{f: getattr(e, f) for f in COLUMNS}) for e in late + fresh]
    target.insert(rows)
    if fresh:
        target.execute(f"INSERT INTO {EXPORT_STATE} (stream, last_id) SELECT {{s:String}}, {{n:UInt64}}",
                       {"s": STREAM, "n": fresh[-1].id})
    return len(rows)


def forget_actor(*, actor: str, replacement: str) -> None:
    """PIPL: the SQL log's `forget_user` renamed an actor; rename their copies too (a mutation)."""
    target = store()
    if target is not None:
        target.ensure_schema()
        target.execute(f"ALTER TABLE {EVENTS} UPDATE actor = {{new:String}} WHERE actor = {{old:String}} "
                       "SETTINGS mutations_sync = 1",
                       {"new": replacement, "old": actor})


# ---------------------------------------------------------------- reports

def _where(since: dt.date, until: dt.date, shop_id: int | None, *extra: str) -> tuple[str, dict]:
    """The common filter: days (the partition key and the sort key's prefix) and the merchant's shop."""
    clauses = ["day BETWEEN {since:Date} AND {until:Date}", *extra]
    params: dict[str, Any] = {"since": since, "until": until}
    if shop_id is not None:
        clauses.append("shop_id = {shop:Int64}")
        params["shop"] = int(shop_id)
    return " AND ".join(clauses), params


def funnel(*, steps: list[str], since: dt.date, until: dt.date, window: dt.timedelta,
           shop_id: int | None = None) -> list[FunnelStep]:
    """`selectors.funnel` with ClickHouse's windowFunnel per actor. Times are microseconds, the window
    inclusive, and 'strict_increase' makes a next step count only strictly after the previous one — what
    `selectors.reached` does. A copy not yet merged changes nothing (a same-time repeat of a step), so no
    FINAL here. Actors are grouped by a 64-bit hash of the pseudonym (`actor_hash`, a column computed on
    insert): grouping by an integer is what keeps a funnel over 10 million events under 2 s, and a
    collision (odds of about 1 in 10^7 with ten million actors) would merge two people. One known difference: a funnel that repeats a step (view → view) never passes the repeat
    on ClickHouse, whose newer first step replaces the chain before the repeat is looked at."""
    step_params = {f"s{i}": s for i, s in enumerate(steps)}
    conditions = ", ".join(f"name = {{s{i}:String}}" for i in range(len(steps)))
    where, params = _where(since, until, shop_id, f"name IN ({', '.join(f'{{s{i}:String}}' for i in range(len(steps)))})")
    rows = _required().query(
        f"SELECT level, count() FROM (SELECT windowFunnel({{window:UInt64}}, 'strict_increase')"
        f"(toUInt64(toUnixTimestamp64Micro(occurred_at)), {conditions}) AS level "
        f"FROM {EVENTS} WHERE {where} GROUP BY actor_hash) WHERE level > 0 GROUP BY level",
        {**params, **step_params, "window": int(window.total_seconds() * 1_000_000)})
    at_level = dict(rows)
    counts = [sum(n for level, n in at_level.items() if level > i) for i in range(len(steps))]
    first = counts[0]
    return [FunnelStep(name=s, actors=n, rate_bps=n * 10000 // first if first else 0)
            for s, n in zip(steps, counts, strict=True)]


def cohorts(*, since: dt.date, until: dt.date, by: str = "first_purchase", shop_id: int | None = None) -> list[Cohort]:
    """`selectors.cohorts` in one statement: each actor's first day (over all time, as there), joined to
    their active weeks in the range. Week 0 of a cohort is its size: every member's first event is in it."""
    if by not in COHORT_KINDS:
        raise ValidationFailed(_("Cohorts are by first_purchase or first_seen."), code="invalid_cohort",
                               fields={"by": str(by)[:20]})
    kind = ["name = {kind:String}"] if COHORT_KINDS[by] else []
    _range, params = _where(since, until, shop_id, *kind)
    everywhere = " AND ".join([*kind, *(["shop_id = {shop:Int64}"] if shop_id is not None else [])]) or "1"
    if COHORT_KINDS[by]:
        params["kind"] = COHORT_KINDS[by]
    rows = _required().query(
        f"SELECT f.week, intDiv(dateDiff('day', f.week, toMonday(e.day)), 7) AS n, uniqExact(e.actor) "
        f"FROM (SELECT actor, day FROM {EVENTS} WHERE {_range}) AS e "
        f"INNER JOIN (SELECT actor, toMonday(min(day)) AS week FROM {EVENTS} WHERE {everywhere} GROUP BY actor "
        f"HAVING min(day) BETWEEN {{since:Date}} AND {{until:Date}}) AS f ON e.actor = f.actor "
        f"GROUP BY f.week, n", params)
    active: dict[dt.date, dict[int, int]] = defaultdict(dict)
    for week, n, people in rows:
        active[week][int(n)] = int(people)
    last_week = _monday(until)
    out = []
    for week in sorted(active):
        span = (last_week - week).days // 7 + 1
        out.append(Cohort(week=week, size=active[week].get(0, 0), active=[active[week].get(i, 0) for i in range(span)]))
    return out


def repurchase(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> dict:
    """`selectors.repurchase`: buyers and those with two paid orders or more (distinct keys, so a copy
    not yet merged is one order)."""
    where, params = _where(since, until, shop_id, "name = {paid:String}")
    [(buyers, again)] = _required().query(
        f"SELECT count(), countIf(n >= 2) FROM (SELECT actor, uniqExact(key) AS n FROM {EVENTS} "
        f"WHERE {where} GROUP BY actor)", {**params, "paid": names.ORDER_PAID})
    buyers, again = int(buyers), int(again)
    return {"buyers": buyers, "repeat_buyers": again, "rate_bps": again * 10000 // buyers if buyers else 0}


def sharing(*, since: dt.date, until: dt.date) -> dict:
    """`selectors.sharing` (the K-factor) in one statement."""
    where, params = _where(since, until, None)
    [(sharers, n_clicks, clickers, buyers)] = _required().query(
        f"SELECT uniqExactIf(actor, name = {{created:String}}), uniqExactIf(key, name = {{clicked:String}}), "
        f"uniqExactIf(actor, name = {{clicked:String}}), uniqExactIf(actor, name = {{paid:String}} "
        f"AND channel = {{share:String}} AND actor IN (SELECT actor FROM {EVENTS} WHERE {where} "
        f"AND name = {{clicked:String}})) FROM {EVENTS} WHERE {where}",
        {**params, "created": names.SHARE_CREATED, "clicked": names.SHARE_CLICKED, "paid": names.ORDER_PAID,
         "share": names.Channel.SHARE.value})
    sharers, clickers, buyers = int(sharers), int(clickers), int(buyers)
    i = clickers / sharers if sharers else 0.0
    c = buyers / clickers if clickers else 0.0
    return {"sharers": sharers, "share_clicks": int(n_clicks), "clickers": clickers, "buyers": buyers,
            "invites_per_sharer": round(i, 4), "conversion": round(c, 4), "k_factor": round(i * c, 4)}


_AGGREGATE = {"amount": "sumIf(amount, name = {{{p}:String}})", "count": "countIf(name = {{{p}:String}})",
              "actors": "uniqExactIf(actor, name = {{{p}:String}})"}


def overview(*, since: dt.date, until: dt.date, shop_id: int | None = None) -> Overview:
    """`selectors.overview` straight from the raw events (no rollups: ClickHouse scans a day's partition
    fast), `FINAL` so a copy not yet merged counts once. Platform-wide means every event, as in the
    rollups; for a shop, its events only."""
    target = _required()
    event_params = {f"e{i}": event for i, (_k, event, _f) in enumerate(OVERVIEW_SERIES)}
    columns = ", ".join(_AGGREGATE[field].format(p=f"e{i}") for i, (_k, _e, field) in enumerate(OVERVIEW_SERIES))
    where, params = _where(since, until, shop_id)
    by_day = {d: {k: 0 for k, _e, _f in OVERVIEW_SERIES} for d in _days(since, until)}
    for day, *values in target.query(f"SELECT day, {columns} FROM {EVENTS} FINAL WHERE {where} GROUP BY day",
                                     {**params, **event_params}):
        by_day[day] = {k: int(v) for (k, _e, _f), v in zip(OVERVIEW_SERIES, values, strict=True)}
    totals = {k: sum(v[k] for v in by_day.values()) for k, _e, _f in OVERVIEW_SERIES}
    paid = {**params, "paid": names.ORDER_PAID}
    [(buyers,)] = target.query(f"SELECT uniqExact(actor) FROM {EVENTS} WHERE {where} AND name = {{paid:String}}", paid)
    totals["buyers"] = int(buyers)
    totals["visitors"] = None if shop_id is not None else totals["visitors"]  # a sum of daily distincts
    channels = target.query(f"SELECT channel, sum(amount) AS gmv, count() AS orders FROM {EVENTS} FINAL "
                            f"WHERE {where} AND name = {{paid:String}} GROUP BY channel ORDER BY gmv DESC, channel",
                            paid)
    return Overview(since=since, until=until, days=[{"day": d, **v} for d, v in sorted(by_day.items())],
                    totals=totals, channels=[{"channel": c, "gmv": int(g), "orders": int(n)} for c, g, n in channels])
