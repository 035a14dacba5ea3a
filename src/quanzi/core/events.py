"""Typed domain events: the publisher owns the event class, subscribers import it.

An app states a fact it is responsible for ("an order was paid") as a frozen, keyword-only
dataclass in its own `events.py`, with a stable wire name:

    @event("order.paid")
    class OrderPaid(DomainEvent):
        order_id: int
        shop_id: int
        total: int

    publish(OrderPaid(order_id=o.pk, shop_id=o.shop_id, total=o.total))

Payloads carry ids and plain values (int, str, bool, None, lists and dicts of them), never model
instances: an event outlives the transaction and is stored as JSON.

Two kinds of subscribers:
- `@subscribe(OrderPaid, in_transaction=True)` runs synchronously inside the publisher's
  transaction. Only for writes that must commit or roll back with the fact (ledger postings,
  stock, holds, group membership). An exception rolls the publisher back.
- `@subscribe(OrderPaid)` (the default) is delivered through the transactional outbox
  (`core.outbox`): the event row is written in the publisher's transaction (one INSERT for all
  events of the transaction, just before COMMIT), and the dispatcher runs each subscriber once per
  event, with retries, backoff and dead letters. A handler must be idempotent in its effects
  outside the database (it may run again after a crash between its side effect and the commit of
  its delivery record); its database writes commit together with the delivery record, so they
  happen exactly once.

Subscribers register when their app's `handlers` module is imported from `AppConfig.ready()`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from quanzi.core.registry import Registry

E = TypeVar("E", bound="DomainEvent")
Handler = Callable[[Any], None]


class MalformedEvent(ValueError):
    """A stored event that cannot be turned back into its class (unknown name, bad payload)."""


class DomainEvent:
    """Base of every event class. Use the `@event(name)` decorator, not this class alone."""

    event_name: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_payload(cls: type[E], payload: Any) -> E:
        if not isinstance(payload, dict):
            raise MalformedEvent(f"{cls.event_name}: payload is not an object")
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(payload) - names)
        if unknown:
            raise MalformedEvent(f"{cls.event_name}: unknown fields {unknown}")
        try:
            instance = cls(**payload)
        except TypeError as exc:
            raise MalformedEvent(f"{cls.event_name}: {exc}") from None
        _check_types(instance)
        return instance


_event_types: dict[str, type[DomainEvent]] = {}


def event(name: str) -> Callable[[type[E]], type[E]]:
    """Make a `DomainEvent` subclass a frozen keyword-only dataclass and register its wire name."""

    def decorate(cls: type[E]) -> type[E]:
        if not issubclass(cls, DomainEvent):
            raise TypeError(f"{cls.__qualname__} must subclass DomainEvent")
        existing = _event_types.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise TypeError(f"event name {name!r} is used by {existing.__module__}.{existing.__qualname__}")
        cls = dataclass(frozen=True, kw_only=True)(cls)
        cls.event_name = name
        _event_types[name] = cls
        return cls

    return decorate


def event_type(name: str) -> type[DomainEvent]:
    try:
        return _event_types[name]
    except KeyError:
        raise MalformedEvent(f"unknown event type {name!r}") from None


def event_types() -> list[type[DomainEvent]]:
    return sorted(_event_types.values(), key=lambda c: c.event_name)


# ------------------------------------------------------------------ subscriptions


@dataclass(frozen=True)
class Subscription:
    event_type: type[DomainEvent]
    handler: Handler
    name: str  # stable: the delivery records of the outbox are keyed by it
    in_transaction: bool

    @property
    def key(self) -> str:
        return f"{self.event_type.event_name}:{self.name}"

    @property
    def app(self) -> str:
        """The subscribing app's label, from the handler's module (quanzi.<app>.handlers)."""
        parts = self.handler.__module__.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == "quanzi" else parts[0]


subscriptions: Registry[Subscription] = Registry(
    "core.events.subscriptions", keyed=True, owner=__name__,
    doc="Who reacts to which event, in the publisher's transaction or through the outbox (`@subscribe`).")


def subscribe(event_cls: type[DomainEvent], *, in_transaction: bool = False,
              name: str = "") -> Callable[[Handler], Handler]:
    """Register the decorated function for `event_cls`. `name` defaults to module.function; give
    one explicitly before renaming a handler that has undelivered outbox events."""
    if not (isinstance(event_cls, type) and issubclass(event_cls, DomainEvent) and event_cls.event_name):
        raise TypeError(f"subscribe() takes an @event class, not {event_cls!r}")

    def register(handler: Handler) -> Handler:
        sub = Subscription(event_type=event_cls, handler=handler, in_transaction=in_transaction,
                           name=name or f"{handler.__module__}.{handler.__qualname__}")
        subscriptions.register(sub, key=sub.key)
        return handler

    return register


def subscribers(event_cls: type[DomainEvent], *, in_transaction: bool) -> list[Subscription]:
    return [s for s in subscriptions if s.event_type is event_cls and s.in_transaction == in_transaction]


# ------------------------------------------------------------------ publishing


def publish(fact: DomainEvent) -> DomainEvent:
    """Run the in-transaction subscribers now; queue the event for the outbox subscribers."""
    if not isinstance(fact, DomainEvent) or not fact.event_name:
        raise TypeError(f"publish() takes an @event instance, not {fact!r}")
    for sub in _cached(type(fact), True):
        sub.handler(fact)
    if _cached(type(fact), False):
        from quanzi.core import outbox  # the outbox needs the ORM; events stay importable without it

        outbox.enqueue(fact)
    return fact


_subscriber_cache: dict[tuple[type, bool], tuple[int, list[Subscription]]] = {}


def _cached(event_cls: type[DomainEvent], in_transaction: bool) -> list[Subscription]:
    """`subscribers()` on the hot path, recomputed only when a subscription was added or removed."""
    version = subscriptions.version
    found = _subscriber_cache.get((event_cls, in_transaction))
    if found is None or found[0] != version:
        found = (version, subscribers(event_cls, in_transaction=in_transaction))
        _subscriber_cache[(event_cls, in_transaction)] = found
    return found[1]


# ------------------------------------------------------------------ delivery context


@dataclass(frozen=True)
class Envelope:
    """What the outbox knows about the event being delivered: consumers that keep their own log
    (analytics) use `outbox_id` as an idempotency key and `created_at` as the time of the fact."""

    outbox_id: int
    name: str
    created_at: datetime
    attempt: int


_envelope: ContextVar[Envelope | None] = ContextVar("quanzi_event_envelope", default=None)


def current_envelope() -> Envelope | None:
    """The envelope of the outbox event being handled, or None in an in-transaction handler."""
    return _envelope.get()


# ------------------------------------------------------------------ payload checks

_SCALARS = (int, str, bool, float, type(None))


def _check_types(instance: DomainEvent) -> None:
    hints = typing.get_type_hints(type(instance))
    for f in dataclasses.fields(instance):  # type: ignore[arg-type]
        value = getattr(instance, f.name)
        if not _matches(value, hints.get(f.name, Any)):
            raise MalformedEvent(f"{instance.event_name}: field {f.name!r} has the wrong type")


def _matches(value: Any, hint: Any) -> bool:
    if hint is Any:
        return _plain(value)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arg) for arg in typing.get_args(hint))
    if origin in (list, tuple):
        args = typing.get_args(hint)
        inner = args[0] if args else Any
        return isinstance(value, list | tuple) and all(_matches(v, inner) for v in value)
    if origin is dict or hint is dict:
        return isinstance(value, dict) and _plain(value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return _plain(value)


def _plain(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False
