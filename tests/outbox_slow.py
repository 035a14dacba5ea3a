"""Imported only by the dispatcher process that tests/test_outbox_durability.py starts and kills.

It adds one slow subscriber to the events the test publishes. It registers after every app's own
subscribers, so when the test kills the process during its sleep, the real handlers of that event
have already run inside the same, uncommitted, delivery transaction."""

import time

from quanzi.content.events import Commented, NotePublished
from quanzi.core.events import subscribe
from quanzi.orders.events import OrderPaid, OrderShipped
from quanzi.social.events import Followed

SLOW_SECONDS = 0.05


def slow(event) -> None:
    time.sleep(SLOW_SECONDS)


SLOWED = (Followed, NotePublished, Commented, OrderPaid, OrderShipped)

for event_cls in SLOWED:
    subscribe(event_cls, name="tests.outbox_slow.slow")(slow)
