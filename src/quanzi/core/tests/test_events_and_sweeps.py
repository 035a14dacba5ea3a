"""Typed domain events (in the publisher's transaction vs through the outbox), extension-point
registries, state machines and the sweep runner that drives every timer."""

import datetime as dt

import pytest
from django.db import transaction

from quanzi.core import clock, events, sweeps
from quanzi.core.errors import InvalidTransition
from quanzi.core.events import DomainEvent, MalformedEvent, event, publish
from quanzi.core.models import OutboxEvent
from quanzi.core.registry import Registry, RegistryError
from quanzi.core.states import StateMachine, state_machines
from quanzi.core.testing import subscribed


@event("test.thing_happened")
class ThingHappened(DomainEvent):
    n: int
    tags: list[str]
    note: str | None = None


@pytest.mark.django_db
def test_in_transaction_subscribers_run_inside_and_outbox_subscribers_wait_for_the_commit(
        django_capture_on_commit_callbacks):
    seen = []
    with subscribed(ThingHappened, lambda e: seen.append(("tx", e.n)), in_transaction=True), \
            subscribed(ThingHappened, lambda e: seen.append(("after", e.n))):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                publish(ThingHappened(n=1, tags=["a"]))
                assert seen == [("tx", 1)]  # the side effect has not run before commit
                assert not OutboxEvent.objects.exists()  # … and its row is written at commit, not before
    assert seen == [("tx", 1), ("after", 1)]
    row = OutboxEvent.objects.get()
    assert (row.name, row.payload, row.status) == ("test.thing_happened", {"n": 1, "tags": ["a"], "note": None},
                                                    "done")


@pytest.mark.django_db
def test_an_in_transaction_subscriber_that_raises_rolls_the_publisher_back():
    def boom(e):
        raise RuntimeError("no")

    with subscribed(ThingHappened, boom, in_transaction=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            OutboxEvent.objects.create(name="x", payload={}, created_at=clock.now(), next_attempt_at=clock.now())
            publish(ThingHappened(n=2, tags=[]))
    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db
def test_an_event_without_outbox_subscribers_writes_no_row(django_capture_on_commit_callbacks):
    with subscribed(ThingHappened, lambda e: None, in_transaction=True):
        with django_capture_on_commit_callbacks(execute=True):
            publish(ThingHappened(n=3, tags=[]))
    assert not OutboxEvent.objects.exists()


def test_events_are_frozen_keyword_only_dataclasses_with_checked_payloads():
    fact = ThingHappened(n=1, tags=["x"])
    with pytest.raises(AttributeError):
        fact.n = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        ThingHappened(1, ["x"])  # type: ignore[misc]
    assert ThingHappened.from_payload({"n": 1, "tags": ["x"]}) == fact
    for bad in ({"n": "1", "tags": []}, {"n": 1}, {"n": 1, "tags": [], "extra": 1}, {"n": True, "tags": []},
                {"n": 1, "tags": [1]}, ["n"]):
        with pytest.raises(MalformedEvent):
            ThingHappened.from_payload(bad)
    with pytest.raises(MalformedEvent):
        events.event_type("test.never_defined")


def test_publish_and_subscribe_take_event_classes_only():
    with pytest.raises(TypeError):
        publish("test.thing_happened")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        events.subscribe("test.thing_happened")  # type: ignore[arg-type]


def test_subscribing_the_same_handler_twice_runs_it_once():
    seen = []

    def handler(e):
        seen.append(e.n)

    with subscribed(ThingHappened, handler, in_transaction=True, name="test.once"):
        events.subscribe(ThingHappened, in_transaction=True, name="test.once")(handler)
        publish(ThingHappened(n=5, tags=[]))
    assert seen == [5]


def test_a_keyed_registry_refuses_a_second_item_under_the_same_key():
    reg: Registry = Registry("test.registry.keyed", keyed=True, doc="test")

    def a():
        return 1

    def b():
        return 2

    reg.register(a, key="x")
    reg.register(a, key="x")  # the same item again: a no-op
    with pytest.raises(RegistryError):  # another module taking the key
        exec("reg.register(b, key='x')", {"__name__": "quanzi.somewhere_else", "reg": reg, "b": b})
    assert reg.get("x") is a
    reg.register(b, key="y", order=1)
    assert reg.keys() == ["y", "x"]
    reg.register(b, key="x")  # the module that owns the key may replace its own entry (ready() run twice)
    assert reg.get("x") is b


def test_state_machines_refuse_transitions_outside_their_table():
    machine = StateMachine("test.door", {"open": {"closed"}, "closed": {"open", "locked"}, "locked": set()},
                           code="invalid_door_state")
    try:
        machine.check("open", "closed")
        with pytest.raises(InvalidTransition) as exc:
            machine.check("locked", "open")
        assert exc.value.code == "invalid_door_state" and exc.value.fields == {"status": "locked"}
        assert machine.final_states == {"locked"} and "locked --> [*]" in machine.mermaid()
        with pytest.raises(ValueError):
            StateMachine("test.bad", {"a": {"b"}}, code="x")
    finally:
        state_machines.unregister("test.door")


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

    sweeps.sweeps.register(bad, key="test_bad")
    sweeps.sweeps.register(good, key="test_good")
    try:
        assert sweeps.run_sweeps(["test_bad", "test_good"]) == {"test_bad": -1, "test_good": 2}
        assert calls == [1]
    finally:
        sweeps.sweeps.unregister("test_bad")
        sweeps.sweeps.unregister("test_good")


def test_every_timer_of_core_commerce_is_a_registered_sweep():
    assert {"orders_expire_unpaid", "orders_auto_confirm", "aftersales_timeouts", "payments_expire",
            "refunds_retry", "settlement", "sandbox_notify_retry", "sandbox_carrier",
            "outbox_dispatch", "outbox_purge"} <= set(sweeps.registered_sweeps())
