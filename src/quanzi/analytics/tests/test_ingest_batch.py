"""The batch path (`ingest.record_batch`, COPY on PostgreSQL) stores exactly what `services.record` stores:
each key once (also within one batch, and across batches), the days marked for the rollup job, the same
columns and the same rollups. On SQLite it is `record` itself; run with DATABASE_URL=postgres://… for COPY."""

import datetime as dt

import pytest
from django.db import transaction

from quanzi.analytics import constants as names
from quanzi.analytics.ingest import record_batch
from quanzi.analytics.models import DailyRollup, DirtyMark, Event
from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.analytics.services import SHANGHAI, Fact, record

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 2, 23, 30, tzinfo=SHANGHAI)
FIELDS = ("key", "name", "occurred_at", "day", "actor", "shop_id", "object_type", "object_id", "amount", "channel",
          "props")


def _facts() -> list[Fact]:
    """Two China days (one fact just before midnight, given in UTC), a long key, no shop, 中文 props."""
    return [
        Fact(key="order.paid:1", name=names.ORDER_PAID, occurred_at=START, actor="u1", shop_id=3, amount=990,
             channel="share"),
        Fact(key="order.paid:2", name=names.ORDER_PAID, occurred_at=(START + dt.timedelta(hours=1)).astimezone(dt.UTC),
             actor="u2", shop_id=3, amount=1990, channel="organic"),
        Fact(key="b:" + "x" * 100, name=names.PAGE_VIEW, occurred_at=START, actor="d9", props={"path": "/店铺/3"}),
        Fact(key="pv:1", name=names.PRODUCT_VIEW, occurred_at=START, actor="u1", shop_id=3, object_type="product",
             object_id=42),
    ]


def _stored() -> list[tuple]:
    return sorted(tuple(row) for row in Event.objects.values_list(*FIELDS))


def _rollups() -> list[tuple]:
    return sorted(DailyRollup.objects.values_list("day", "shop_id", "name", "channel", "count", "actors", "amount"))


def _wipe() -> None:
    Event.objects.all().delete(), DailyRollup.objects.all().delete(), DirtyMark.objects.all().delete()


def test_batch_stores_what_record_stores_and_marks_the_days():
    facts = _facts()
    assert record(facts) == 4
    rollup_dirty_days()
    by_record, rollups_by_record = _stored(), _rollups()
    _wipe()

    assert record_batch(facts) == 4
    assert sorted(DirtyMark.objects.values_list("day", flat=True)) == [dt.date(2026, 11, 2), dt.date(2026, 11, 3)]
    assert _stored() == by_record
    assert Event.objects.get(name=names.PAGE_VIEW).key == "b:" + "x" * 78  # cut to 80, as record does
    rollup_dirty_days()
    assert _rollups() == rollups_by_record
    assert not DirtyMark.objects.exists()


def test_a_fact_given_twice_is_stored_once_within_and_across_batches():
    facts = _facts()
    record_batch(facts + facts[:2])  # the same key twice in one batch
    record_batch(facts)  # and again later
    record([facts[0]])  # the ORM path agrees on what is already there
    assert Event.objects.count() == 4
    rollup_dirty_days()
    [row] = DailyRollup.objects.filter(shop_id=3, name=names.ORDER_PAID, channel="*", day=dt.date(2026, 11, 2))
    assert (row.count, row.actors, row.amount) == (1, 1, 990)


def test_an_empty_batch_writes_nothing():
    assert record_batch([]) == 0
    assert not Event.objects.exists() and not DirtyMark.objects.exists()


def test_batches_inside_one_outer_transaction_do_not_resend_each_other():
    facts = _facts()
    with transaction.atomic():
        record_batch(facts[:2])
        record_batch(facts[2:])
    assert Event.objects.count() == 4
    assert DirtyMark.objects.count() == 3  # days of batch 1 (two) and of batch 2 (one)


@pytest.mark.postgres  # COPY is the PostgreSQL path; SQLite uses record
def test_postgresql_goes_through_copy(django_assert_max_num_queries):
    facts = [Fact(key=f"k{i}", name=names.PRODUCT_VIEW, occurred_at=START + dt.timedelta(seconds=i), actor=f"a{i % 7}",
                  shop_id=i % 3 or None, object_type="product", object_id=i) for i in range(2000)]
    with django_assert_max_num_queries(8):  # a handful of statements for 2,000 rows, not one INSERT per 500
        record_batch(facts)
    assert Event.objects.count() == 2000
