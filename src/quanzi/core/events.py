"""In-process domain events.

Core commerce publishes facts ("order.paid"); features subscribe without core importing them.
Two kinds of handlers:
- `in_transaction=True`: runs inside the publisher's database transaction. Use it only for writes
  that must commit or roll back together with the fact (ledger postings, holds).
- default: runs after commit (`transaction.on_commit`), for side effects (notifications, analytics).
  A failure there is logged and never undoes the committed fact.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger("quanzi.events")


@dataclass(frozen=True)
class Event:
    name: str
    payload: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.payload[key]


Handler = Callable[[Event], None]
_in_transaction: dict[str, list[Handler]] = defaultdict(list)
_after_commit: dict[str, list[Handler]] = defaultdict(list)


def subscribe(name: str, *, in_transaction: bool = False) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        registry = _in_transaction if in_transaction else _after_commit
        if handler not in registry[name]:
            registry[name].append(handler)
        return handler

    return register


def publish(name: str, **payload: Any) -> Event:
    event = Event(name, payload)
    for handler in list(_in_transaction[name]):
        handler(event)
    for handler in list(_after_commit[name]):
        transaction.on_commit(lambda h=handler: _run_safely(h, event))
    return event


def _run_safely(handler: Handler, event: Event) -> None:
    try:
        handler(event)
    except Exception:  # noqa: BLE001 - an after-commit handler must never break the request
        logger.exception("event handler %s failed for %s", getattr(handler, "__name__", handler), event.name)
