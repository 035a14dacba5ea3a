"""Domain events (in-transaction vs after-commit) and the sweep runner that drives every timer."""

import datetime as dt

import pytest
from django.db import transaction

from quanzi.core import clock, events, sweeps


@pytest.fixture
def event_name(request):
    name = f"test.{request.node.name}"
    yield name
    events._in_transaction.pop(name, None)
    events._after_commit.pop(name, None)


@pytest.mark.django_db
def test_in_transaction_handlers_roll_back_with_the_fact_and_after_commit_handlers_wait(
        event_name, django_capture_on_commit_callbacks):
    seen = []
    events.subscribe(event_name, in_transaction=True)(lambda e: seen.append(("tx", e["n"])))
    events.subscribe(event_name)(lambda e: seen.append(("after", e["n"])))

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            events.publish(event_name, n=1)
            assert seen == [("tx", 1)]  # the side effect has not run before commit
    assert seen == [("tx", 1), ("after", 1)]


@pytest.mark.django_db
def test_a_failing_after_commit_handler_does_not_break_the_publisher(event_name, django_capture_on_commit_callbacks):
    seen = []

    def boom(event):
        raise RuntimeError("analytics is down")

    events.subscribe(event_name)(boom)
    events.subscribe(event_name)(lambda e: seen.append(e["n"]))
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(event_name, n=7)
    assert seen == [7]


def test_subscribing_the_same_handler_twice_runs_it_once(event_name):
    seen = []

    def handler(event):
        seen.append(event.name)

    events.subscribe(event_name, in_transaction=True)(handler)
    events.subscribe(event_name, in_transaction=True)(handler)
    events.publish(event_name)
    assert seen == [event_name]


def test_clock_travel_moves_now_and_comes_back():
    before = clock.now()
    with clock.travel(dt.timedelta(days=3)):
        inside = clock.now()
        with clock.travel(dt.timedelta(hours=1)):
            assert clock.now() - before >= dt.timedelta(days=3, hours=1)
    after = clock.now()
    assert dt.timedelta(days=3) <= inside - before < dt.timedelta(days=3, minutes=1)
    assert after - before < dt.timedelta(minutes=1)


def test_run_sweeps_keeps_going_when_one_sweep_fails():
    calls = []

    def bad():
        raise RuntimeError("boom")

    def good():
        calls.append(1)
        return 2

    sweeps.register_sweep("test_bad")(bad)
    sweeps.register_sweep("test_good")(good)
    try:
        assert sweeps.run_sweeps(["test_bad", "test_good"]) == {"test_bad": -1, "test_good": 2}
        assert calls == [1]
    finally:
        sweeps._sweeps.pop("test_bad")
        sweeps._sweeps.pop("test_good")


def test_every_timer_of_core_commerce_is_a_registered_sweep():
    assert {"orders_expire_unpaid", "orders_auto_confirm", "aftersales_timeouts", "payments_expire",
            "refunds_retry", "settlement", "sandbox_notify_retry", "sandbox_carrier"} <= set(sweeps.registered_sweeps())
