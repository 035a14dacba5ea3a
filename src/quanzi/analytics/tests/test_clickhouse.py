"""The ClickHouse path on chDB (ClickHouse in-process, so the SQL is real): the golden logs of
test_reports_golden.py exported from the SQL log and reported with the same figures; a copy sent twice
counts once before any merge; the export job copies each event once and picks up late commits; values are
bound, never spliced into SQL."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from quanzi.analytics import clickhouse, selectors
from quanzi.analytics import constants as names
from quanzi.analytics.models import Event
from quanzi.analytics.services import record
from quanzi.analytics.tests.test_reports_golden import D, at, fact
from quanzi.core.errors import DomainError

pytest.importorskip("chdb")  # a guard only: CI installs chdb with the dev extra
pytestmark = pytest.mark.django_db


@pytest.fixture
def ch(settings):
    """An in-memory chDB store, emptied (chDB's in-memory sessions share one engine per process)."""
    settings.QUANZI = {**settings.QUANZI, "ANALYTICS_CLICKHOUSE": "chdb:"}
    target = clickhouse.store()
    target.ensure_schema()
    for table in (clickhouse.EVENTS, clickhouse.EXPORT_STATE):
        target.execute(f"TRUNCATE TABLE {table}")
    return target


def _load(facts) -> int:
    record(facts)
    return clickhouse.export_new_events()


def _raw_count(target) -> int:
    return target.query(f"SELECT count() FROM {clickhouse.EVENTS}")[0][0]


# ---------------------------------------------------------------- ClickHouse's own behaviour
# (the golden figures run on chDB too: tests/test_reports_golden.py, the `reports` fixture)

def test_funnel_steps_strictly_later_like_reached(ch):
    """The cases of test_reached_follows_windowfunnel, as events: same moment is not "after", a step
    before the first does not count, the best start wins."""
    t0, h = at(0), dt.timedelta(hours=1)
    _load([fact(names.PRODUCT_VIEW, "p", t0), fact(names.PRODUCT_VIEW, "p", t0 + 5 * h),
           fact(names.ORDER_CREATED, "p", t0 + 2 * h), fact(names.ORDER_CREATED, "p", t0 + 6 * h),
           fact(names.ORDER_PAID, "p", t0 + 30 * h),
           fact(names.PRODUCT_VIEW, "q", t0), fact(names.ORDER_CREATED, "q", t0),  # the same moment
           fact(names.ORDER_CREATED, "r", t0 - h), fact(names.PRODUCT_VIEW, "r", t0)])  # cart before the view
    steps, week = [names.PRODUCT_VIEW, names.ORDER_CREATED, names.ORDER_PAID], D + dt.timedelta(days=6)
    for hours in (24, 26):
        rows = clickhouse.funnel(steps=steps, since=D - dt.timedelta(days=1), until=week, window=dt.timedelta(hours=hours))
        assert rows == selectors.funnel(steps=steps, since=D - dt.timedelta(days=1), until=week,
                                        window=dt.timedelta(hours=hours))
        assert [r.actors for r in rows] == ([3, 1, 0] if hours == 24 else [3, 1, 1])


def test_a_copy_sent_twice_counts_once_before_any_merge(ch):
    paid = [fact(names.ORDER_PAID, "a", at(0), shop=1, amount=1000, channel="share"),
            fact(names.ORDER_PAID, "a", at(1), shop=1, amount=300, channel="share"),
            fact(names.PRODUCT_VIEW, "a", at(0, 8), shop=1)]
    record(paid)
    rows = [clickhouse.event_row(**{f: getattr(e, f) for f in clickhouse.COLUMNS}) for e in Event.objects.all()]
    ch.insert(rows)
    ch.insert(rows[:1])  # the first paid order again, in a part of its own: not merged yet
    assert _raw_count(ch) == 4
    until = D + dt.timedelta(days=6)
    assert clickhouse.overview(since=D, until=until).totals["gmv"] == 1300
    assert clickhouse.overview(since=D, until=until).totals["orders"] == 2
    assert clickhouse.overview(since=D, until=until).channels == [{"channel": "share", "gmv": 1300, "orders": 2}]
    assert clickhouse.repurchase(since=D, until=until) == {"buyers": 1, "repeat_buyers": 1, "rate_bps": 10000}
    steps = [names.PRODUCT_VIEW, names.ORDER_PAID]
    assert [r.actors for r in clickhouse.funnel(steps=steps, since=D, until=until, window=dt.timedelta(days=2))] == [1, 1]
    ch.execute(f"OPTIMIZE TABLE {clickhouse.EVENTS} FINAL")
    assert _raw_count(ch) == 3  # merged: ReplacingMergeTree kept one row per key


# ---------------------------------------------------------------- the export job

def test_export_copies_once_and_picks_up_a_late_commit(ch):
    hostile = "o'k\\ \"x\"\t; DROP TABLE analytics_events --"  # travels as a bound value
    record([fact(names.PRODUCT_VIEW, "a", at(0)), fact(names.ORDER_PAID, "a", at(0, 11), amount=100, key=hostile),
            fact(names.PRODUCT_VIEW, "b", at(1)), fact(names.PRODUCT_VIEW, "c", at(2))])
    ids = list(Event.objects.order_by("id").values_list("id", flat=True))
    late = Event.objects.get(id=ids[1])
    late.delete()  # its transaction has not committed yet when the job runs
    assert clickhouse.export_new_events() == 3
    assert clickhouse.export_new_events() == 0  # nothing new, nothing copied twice
    late.pk = ids[1]
    late.save(force_insert=True)  # commits now, with an id below the watermark
    assert clickhouse.export_new_events() == 1
    assert clickhouse.export_new_events() == 0
    assert _raw_count(ch) == 4
    assert ch.query(f"SELECT amount FROM {clickhouse.EVENTS} WHERE key = {{k:String}}", {"k": hostile}) == [(100,)]
    [(last,)] = ch.query(f"SELECT max(last_id) FROM {clickhouse.EXPORT_STATE}")
    assert last == ids[-1]
    record([fact(names.PRODUCT_VIEW, "d", at(3))])
    assert clickhouse.export_new_events(limit=1) == 1
    assert _raw_count(ch) == 5


def test_export_keeps_the_row_whole(ch):
    record([fact(names.ORDER_PAID, "a", at(0, 23, 59), shop=7, amount=4250, channel="live", obj=99)])
    Event.objects.update(props={"coupon": "满100减10"}, object_type="order")
    clickhouse.export_new_events()
    [row] = ch.query(f"SELECT {', '.join(clickhouse.COLUMNS)} FROM {clickhouse.EVENTS}")
    event = Event.objects.get()
    assert dict(zip(clickhouse.COLUMNS, row, strict=True)) | {"occurred_at": None} == {
        "key": event.key, "name": names.ORDER_PAID, "occurred_at": None, "day": D, "actor": "a", "shop_id": 7,
        "object_type": "order", "object_id": 99, "amount": 4250, "channel": "live",
        "props": '{"coupon": "满100减10"}'}
    assert row[2] == at(0, 23, 59)  # 15:59 UTC, exactly; the day stays the China day


def test_forget_actor_renames_the_copies(ch):
    _load([fact(names.ORDER_PAID, "u1", at(0), amount=100), fact(names.ORDER_PAID, "u2", at(0), amount=100)])
    clickhouse.forget_actor(actor="u1", replacement="x0")
    assert sorted(ch.query(f"SELECT actor, actor_hash = cityHash64(actor) FROM {clickhouse.EVENTS}")) == [
        ("u2", True), ("x0", True)]  # the funnels' hash follows the new name


# ---------------------------------------------------------------- configuration

def test_no_store_without_the_setting(settings):
    settings.QUANZI = {**settings.QUANZI, "ANALYTICS_CLICKHOUSE": ""}
    assert clickhouse.store() is None
    assert clickhouse.export_new_events() == 0
    with pytest.raises(DomainError) as missing:
        clickhouse.repurchase(since=D, until=D)
    assert (missing.value.code, missing.value.status) == ("clickhouse_not_configured", 503)
    with pytest.raises(ImproperlyConfigured):
        clickhouse.open_store("postgres://nope")


def test_the_export_sweep_is_registered_only_with_clickhouse(settings):
    from quanzi.analytics import tasks
    from quanzi.core.sweeps import sweeps

    settings.QUANZI = {**settings.QUANZI, "ANALYTICS_CLICKHOUSE": ""}
    tasks._register_clickhouse_export()
    assert "analytics_clickhouse_export" not in sweeps
    settings.QUANZI = {**settings.QUANZI, "ANALYTICS_CLICKHOUSE": "chdb:"}
    try:
        tasks._register_clickhouse_export()
        assert sweeps.get("analytics_clickhouse_export") is tasks.analytics_clickhouse_export
    finally:
        sweeps.unregister("analytics_clickhouse_export")


def test_http_store_binds_parameters_through_clickhouse_connect(monkeypatch):
    import clickhouse_connect

    calls = {}

    class FakeClient:
        def query(self, sql, parameters):
            calls["query"] = (sql, parameters)
            return type("Result", (), {"result_rows": [[2, 1]]})()

        def command(self, sql, parameters):
            calls.setdefault("commands", []).append(sql)

        def insert(self, table, data, column_names):
            calls["insert"] = (table, data, column_names)

    def get_client(**kwargs):
        calls["connect"] = kwargs
        return FakeClient()

    monkeypatch.setattr(clickhouse_connect, "get_client", get_client)
    target = clickhouse.open_store("https://an%40alyst:p%3Ass@ch.example:9440/quanzi")
    assert calls["connect"] == {"interface": "https", "host": "ch.example", "port": 9440, "username": "an@alyst",
                                "password": "p:ss", "database": "quanzi", "autogenerate_session_id": False}
    assert target.query("SELECT {a:String}", {"a": "x'"}) == [(2, 1)]
    assert calls["query"] == ("SELECT {a:String}", {"a": "x'"})
    target.ensure_schema()
    assert len(calls["commands"]) == 2 and "ReplacingMergeTree" in calls["commands"][0]
    row = clickhouse.event_row(key="k", name=names.PAGE_VIEW, occurred_at=at(0), day=D, actor="a")
    assert target.insert([row]) == 1
    assert calls["insert"][0] == clickhouse.EVENTS and calls["insert"][2] == list(clickhouse.COLUMNS)
    assert calls["insert"][1][0][2] == at(0).astimezone(dt.UTC) and calls["insert"][1][0][10] == "{}"
    clickhouse.open_store("http://ch.local/")
    assert (calls["connect"]["port"], calls["connect"]["database"], calls["connect"]["username"]) == (8123, "default", "default")
