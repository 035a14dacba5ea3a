"""The raw event table partitioned by day on PostgreSQL: its shape, where rows land, the default partition
emptied by `ensure`, the (key, day) idempotency rule, retention, and the migration over existing rows.
SQLite keeps one plain table: there only the (key, day) rule and the no-op sweep are checked."""

import datetime as dt

import pytest
from django.db import connection

from quanzi.analytics import constants as names
from quanzi.analytics import partitions
from quanzi.analytics.models import DailyRollup, Event
from quanzi.analytics.rollups import recompute_day
from quanzi.analytics.services import SHANGHAI, Fact, record, report_day
from quanzi.core import clock

ON_PG = connection.vendor == "postgresql"
D = dt.date(2031, 3, 10)  # far from the migration's today ± window: no partition until a test makes one


def pg_test(test):
    """A PostgreSQL-only test (partitions do not exist on SQLite)."""
    test = pytest.mark.skipif(not ON_PG, reason="partitioning is PostgreSQL-only; SQLite keeps a plain table")(test)
    return pytest.mark.postgres(test)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def paid(key: str, day: dt.date, *, hour: int = 10, actor: str = "a", shop: int = 1, amount: int = 100) -> Fact:
    return Fact(key=key, name=names.ORDER_PAID, occurred_at=at(day, hour), actor=actor, shop_id=shop,
                amount=amount)


def where(key: str) -> list[str]:
    """The partitions holding the rows of a key."""
    with connection.cursor() as c:
        c.execute(f"SELECT tableoid::regclass::text FROM {partitions.PARENT} WHERE key = %s ORDER BY 1", [key])
        return [r[0] for r in c.fetchall()]


def days_with_partitions() -> set[dt.date]:
    with connection.cursor() as c:
        return set(partitions.partition_days(c))


def constraint_columns(kind: str) -> list[list[str]]:
    """The columns of the parent's constraints of one kind ("p" primary key, "u" unique)."""
    with connection.cursor() as c:
        c.execute("SELECT array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
                  "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i) "
                  "FROM pg_constraint con WHERE con.conrelid = to_regclass(%s) AND con.contype = %s",
                  [partitions.PARENT, kind])
        return sorted(list(r[0]) for r in c.fetchall())


# ------------------------------------------------------------------ every backend

@pytest.mark.django_db
def test_a_fact_sent_again_is_stored_once_and_its_day_is_part_of_the_key():
    record([paid("order.paid:1", D)])
    record([paid("order.paid:1", D), paid("order.paid:1", D)])  # an outbox retry, twice
    assert Event.objects.filter(key="order.paid:1").count() == 1
    # Only another occurred_at day stores the key again — never a re-delivery of the same fact.
    record([paid("order.paid:1", D + dt.timedelta(days=1))])
    assert Event.objects.filter(key="order.paid:1").count() == 2


@pytest.mark.django_db
@pytest.mark.skipif(ON_PG, reason="the no-op off PostgreSQL")
def test_off_postgres_partitions_are_a_no_op():
    assert not partitions.is_partitioned()
    assert partitions.ensure(today=D) == 0
    assert partitions.drop_older_than(30, today=D) == 0


# ------------------------------------------------------------------ PostgreSQL

@pg_test
@pytest.mark.django_db
def test_the_table_is_partitioned_by_day_with_its_keys_and_indexes():
    with connection.cursor() as c:
        c.execute("SELECT pg_get_partkeydef(to_regclass(%s))", [partitions.PARENT])
        assert c.fetchone()[0] == "RANGE (day)"
        c.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [partitions.PARENT])
        indexes = {r[0] for r in c.fetchall()}
        c.execute("SELECT to_regclass(%s) IS NOT NULL", [partitions.DEFAULT])
        assert c.fetchone()[0]
    assert partitions.is_partitioned()
    assert constraint_columns("p") == [["id", "day"]]
    assert constraint_columns("u") == [["key", "day"]]
    assert {i.name for i in Event._meta.indexes} <= indexes
    today = report_day(clock.now())  # the migration made a partition for today and a week ahead
    assert {today, today + dt.timedelta(days=7)} <= days_with_partitions()


@pg_test
@pytest.mark.django_db
def test_an_event_lands_in_its_days_partition_and_rolls_up():
    assert partitions.ensure(today=D, days_back=0, days_ahead=1) == 2
    record([paid("k1", D, hour=23, amount=300), paid("k2", D + dt.timedelta(days=1), hour=0, amount=50)])
    assert where("k1") == [partitions.partition_name(D)]  # 23:00 Shanghai is still D
    assert where("k2") == [partitions.partition_name(D + dt.timedelta(days=1))]
    with connection.cursor() as c:  # the partition has the parent's indexes
        c.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [partitions.partition_name(D)])
        assert c.fetchone()[0] == 2 + len(Event._meta.indexes)  # + primary key and (key, day)
    recompute_day(D)
    [row] = DailyRollup.objects.filter(day=D, shop_id=1, channel="*")
    assert (row.count, row.amount) == (1, 300)


@pg_test
@pytest.mark.django_db
def test_a_day_without_partition_goes_to_default_and_ensure_moves_it():
    record([paid("late1", D, actor="x"), paid("late2", D, hour=12, actor="y")])
    assert where("late1") == where("late2") == [partitions.DEFAULT]
    ids = set(Event.objects.filter(day=D).values_list("id", flat=True))
    # A window that does not include D: the stranded day is made all the same, its rows moved in.
    created = partitions.ensure(today=D + dt.timedelta(days=30), days_back=0, days_ahead=0)
    assert created == 2 and D in days_with_partitions()
    assert where("late1") == where("late2") == [partitions.partition_name(D)]
    assert set(Event.objects.filter(day=D).values_list("id", flat=True)) == ids
    with connection.cursor() as c:
        c.execute(f"SELECT count(*) FROM {partitions.DEFAULT}")
        assert c.fetchone()[0] == 0
    record([paid("late1", D, actor="x")])  # still once after the move
    assert Event.objects.filter(key="late1").count() == 1
    assert partitions.ensure(today=D + dt.timedelta(days=30), days_back=0, days_ahead=0) == 0  # idempotent
    recompute_day(D)
    [row] = DailyRollup.objects.filter(day=D, shop_id=0, channel="*")
    assert (row.count, row.actors, row.amount) == (2, 2, 200)


@pg_test
@pytest.mark.django_db
def test_the_same_key_and_day_is_stored_once_in_a_partition_and_in_default():
    partitions.ensure(today=D, days_back=0, days_ahead=0)
    other = D + dt.timedelta(days=40)  # no partition: DEFAULT
    for _ in range(2):
        record([paid("dup", D), paid("dup", D, hour=11), paid("dup2", other)])
    assert Event.objects.filter(key="dup").count() == 1  # hour 11 is the same day: a re-sent fact
    assert where("dup2") == [partitions.DEFAULT] and Event.objects.filter(key="dup2").count() == 1


@pg_test
@pytest.mark.django_db
def test_drop_older_than_drops_old_partitions_and_old_default_rows():
    old, kept = D - dt.timedelta(days=40), D - dt.timedelta(days=5)
    partitions.ensure(today=D, days_back=0, days_ahead=0)
    partitions.ensure(today=old, days_back=0, days_ahead=0)
    partitions.ensure(today=kept, days_back=0, days_ahead=0)
    very_old = D - dt.timedelta(days=400)  # stays in DEFAULT
    record([paid("old", old), paid("kept", kept), paid("now", D), paid("very_old", very_old)])
    assert partitions.drop_older_than(30, today=D) >= 1
    assert set(Event.objects.values_list("key", flat=True)) == {"kept", "now"}
    assert old not in days_with_partitions() and {kept, D} <= days_with_partitions()
    with pytest.raises(ValueError):
        partitions.drop_older_than(0, today=D)


@pg_test
@pytest.mark.django_db
def test_the_sweep_checks_once_a_day(monkeypatch):
    monkeypatch.setattr(partitions, "_ensured_on", None)
    from quanzi.analytics.tasks import analytics_partitions

    analytics_partitions()
    today = report_day(clock.now())
    assert {today + dt.timedelta(days=d) for d in range(-3, 8)} <= days_with_partitions()
    calls = []
    monkeypatch.setattr(partitions, "ensure", lambda **kw: calls.append(kw) or 0)
    assert analytics_partitions() == 0 and calls == []  # already checked today


@pg_test
@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_events_and_ids():
    """Back to the plain table (0001), rows written there, forward again: the rows, their ids and the
    id sequence survive and the table is partitioned again."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([("analytics", "0001_initial")])
    assert not partitions.is_partitioned()
    with connection.cursor() as c:
        for i, day in enumerate([D, D, D + dt.timedelta(days=3)], start=1):
            c.execute(f"INSERT INTO {partitions.PARENT} (key, name, occurred_at, day, actor, amount, object_type, "
                      "channel, props) VALUES (%s, %s, %s, %s, 'a', %s, '', '', '{}')",
                      [f"m{i}", names.ORDER_PAID, at(day), day, i * 100])
    before = dict(Event.objects.values_list("key", "id"))
    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    assert partitions.is_partitioned()
    assert dict(Event.objects.values_list("key", "id")) == before
    assert where("m1") == [partitions.partition_name(D)]  # the migration made the days it found
    record([paid("m4", D)])
    assert Event.objects.get(key="m4").id > max(before.values())
    assert constraint_columns("u") == [["key", "day"]]
