"""The transactional outbox: written with the fact, delivered once per subscriber, retried with
backoff, dead-lettered, retried from the admin, and never blocked by a malformed row.

The durability test that kills a real dispatcher process is tests/test_outbox_durability.py (it
needs the apps' handlers and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from quanzi.core import clock, outbox
from quanzi.core.events import DomainEvent, event, publish
from quanzi.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent, OutboxStatus
from quanzi.core.testing import subscribed

pytestmark = pytest.mark.django_db


@event("test.outbox_ping")
class Ping(DomainEvent):
    n: int


@pytest.fixture
def worker_mode(settings):
    """Commits only write rows; the test delivers them itself (as the worker processes would)."""
    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "worker", "OUTBOX_MAX_ATTEMPTS": 3,
                       "OUTBOX_RETRY_BASE_SECONDS": 10, "OUTBOX_RETRY_MAX_SECONDS": 3600}


def _publish_committed(*facts, capture):
    """Publish in one transaction and run its commit hooks (the test transaction never commits)."""
    with capture(execute=True):
        with transaction.atomic():
            for fact in facts:
                publish(fact)


def test_a_handler_runs_once_per_event_however_often_delivery_is_attempted(worker_mode,
                                                                            django_capture_on_commit_callbacks):
    seen = []
    with subscribed(Ping, lambda e: seen.append(e.n), name="test.once"):
        _publish_committed(Ping(n=1), Ping(n=2), capture=django_capture_on_commit_callbacks)
        assert seen == [] and OutboxEvent.objects.filter(status=OutboxStatus.PENDING).count() == 2
        assert outbox.dispatch_due() == 2
        assert outbox.dispatch_due() == 0
        for row in OutboxEvent.objects.all():
            assert outbox.deliver(row.pk) == "skipped"  # done already
    assert sorted(seen) == [1, 2]
    assert set(OutboxDelivery.objects.values_list("subscriber", "status")) == {("test.once", DeliveryStatus.DONE)}


def test_events_published_in_a_rolled_back_savepoint_are_not_written(worker_mode, django_capture_on_commit_callbacks):
    with subscribed(Ping, lambda e: None, name="test.sp"):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                publish(Ping(n=1))
                try:
                    with transaction.atomic():
                        publish(Ping(n=2))
                        raise RuntimeError("the inner step fails")
                except RuntimeError:
                    pass
    assert [row.payload["n"] for row in OutboxEvent.objects.all()] == [1]


def test_a_failing_handler_is_retried_with_backoff_then_dead_lettered_and_retried_from_the_admin(
        worker_mode, django_capture_on_commit_callbacks, admin_client):
    calls, healthy = [], []

    def flaky(e):
        calls.append(clock.now())
        if not healthy:
            raise ConnectionError("the analytics store is down")

    with subscribed(Ping, flaky, name="test.flaky"), subscribed(Ping, lambda e: None, name="test.fine"):
        _publish_committed(Ping(n=7), capture=django_capture_on_commit_callbacks)
        row = OutboxEvent.objects.get()
        start = clock.now()

        assert outbox.dispatch_due() == 0  # attempt 1 fails: the other subscriber is done
        row.refresh_from_db()
        flaky_record = OutboxDelivery.objects.get(subscriber="test.flaky")
        assert (row.status, flaky_record.status, flaky_record.attempts) == ("pending", "retrying", 1)
        assert OutboxDelivery.objects.get(subscriber="test.fine").status == "done"
        assert dt.timedelta(seconds=9) < flaky_record.next_attempt_at - start < dt.timedelta(seconds=11)
        assert "ConnectionError" in flaky_record.last_error

        outbox.dispatch_due()  # not due yet: nothing runs
        assert len(calls) == 1
        with clock.travel(dt.timedelta(seconds=11)):
            outbox.dispatch_due()  # attempt 2, then the wait doubles
            flaky_record.refresh_from_db()
            assert flaky_record.attempts == 2
            assert dt.timedelta(seconds=19) < flaky_record.next_attempt_at - clock.now() < dt.timedelta(seconds=21)
        with clock.travel(dt.timedelta(seconds=40)):
            outbox.dispatch_due()  # attempt 3 = OUTBOX_MAX_ATTEMPTS: a dead letter
        row.refresh_from_db()
        flaky_record.refresh_from_db()
        assert (row.status, flaky_record.status, len(calls)) == ("dead", "dead", 3)
        with clock.travel(dt.timedelta(days=1)):
            assert outbox.dispatch_due() == 0 and len(calls) == 3  # dead letters wait for a person

        # The operator sees it in the admin, fixes the cause, presses "Retry now".
        page = admin_client.get("/admin/core/outboxevent/?status__exact=dead")
        assert page.status_code == 200 and "test.outbox_ping" in page.content.decode()
        healthy.append(True)
        url = f"/admin/core/outboxevent/{row.pk}/decide/retry_dead_letters/"
        assert admin_client.get(url).status_code == 200  # a confirmation page, no change on GET
        assert len(calls) == 3
        response = admin_client.post(url, {"apply": "1"})
        assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "done" and len(calls) == 4
    assert OutboxDelivery.objects.get(subscriber="test.fine").attempts == 1  # the healthy one never ran twice


def test_an_unknown_event_type_or_a_malformed_payload_is_reported_and_the_dispatcher_goes_on(
        worker_mode, django_capture_on_commit_callbacks, caplog):
    now = clock.now()
    unknown = OutboxEvent.objects.create(name="test.never_heard_of", payload={"x": 1}, created_at=now,
                                         next_attempt_at=now)
    malformed = OutboxEvent.objects.create(name="test.outbox_ping", payload={"n": "not a number"}, created_at=now,
                                           next_attempt_at=now)
    seen = []
    with subscribed(Ping, lambda e: seen.append(e.n), name="test.after"):
        _publish_committed(Ping(n=3), capture=django_capture_on_commit_callbacks)
        assert outbox.dispatch_due() == 1
    assert seen == [3]
    for row in (unknown, malformed):
        row.refresh_from_db()
        assert row.status == "dead" and row.last_error.startswith("malformed:")
    assert "malformed" in caplog.text


def test_inline_mode_delivers_right_after_the_commit(settings, django_capture_on_commit_callbacks):
    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "inline"}
    seen = []
    with subscribed(Ping, lambda e: seen.append(e.n), name="test.inline"):
        _publish_committed(Ping(n=9), capture=django_capture_on_commit_callbacks)
    assert seen == [9] and OutboxEvent.objects.get().status == "done"


def test_celery_mode_hands_the_transaction_s_events_to_a_task(settings, django_capture_on_commit_callbacks):
    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "celery"}
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no broker in tests: the task runs in-process
    seen = []
    with subscribed(Ping, lambda e: seen.append(e.n), name="test.celery"):
        _publish_committed(Ping(n=1), Ping(n=2), capture=django_capture_on_commit_callbacks)
    assert sorted(seen) == [1, 2]


def test_events_published_by_a_handler_are_delivered_after_it_without_recursion(settings,
                                                                                 django_capture_on_commit_callbacks):
    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "inline"}
    seen = []

    def chain(e):
        seen.append(e.n)
        if e.n < 5:
            publish(Ping(n=e.n + 1))

    with subscribed(Ping, chain, name="test.chain"):
        _publish_committed(Ping(n=1), capture=django_capture_on_commit_callbacks)
    assert seen == [1, 2, 3, 4, 5]


def test_delivered_events_are_purged_after_the_retention_period(worker_mode, django_capture_on_commit_callbacks):
    with subscribed(Ping, lambda e: None, name="test.purge"):
        _publish_committed(Ping(n=1), capture=django_capture_on_commit_callbacks)
        outbox.dispatch_due()
    assert outbox.purge_delivered() == 0
    with clock.travel(dt.timedelta(days=8)):
        assert outbox.purge_delivered() == 1
    assert not OutboxEvent.objects.exists() and not OutboxDelivery.objects.exists()
    assert outbox.backlog() == {"pending": 0, "dead": 0}


@pytest.mark.django_db(transaction=True)
def test_all_events_of_a_transaction_are_written_by_one_insert_just_before_commit(worker_mode):
    with subscribed(Ping, lambda e: None, name="test.insert"):
        with CaptureQueriesContext(connection) as ctx:
            with transaction.atomic():
                for n in range(5):
                    publish(Ping(n=n))
                assert not OutboxEvent.objects.exists()
    inserts = [q["sql"] for q in ctx.captured_queries if 'INSERT INTO "core_outboxevent"' in q["sql"]]
    assert len(inserts) == 1
    assert sorted(OutboxEvent.objects.values_list("payload__n", flat=True)) == [0, 1, 2, 3, 4]
