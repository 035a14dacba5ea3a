"""Where an after-commit push is sent from: the hub's loop, the caller's own running loop, or a loop of
its own — never `async_to_sync` in a thread that already runs a loop (it refuses, and the push is lost)."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from channels.layers import get_channel_layer

from quanzi.live import realtime

MESSAGE = {"type": "room.events", "events": [{"type": "event", "seq": 1, "kind": "chat", "data": {}}]}


@pytest.fixture
def no_hub(monkeypatch):
    monkeypatch.setattr(realtime, "_home_loop", None)


async def _listen(room_id: int) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(realtime.group_name(room_id), channel)
    return channel


def test_a_push_from_a_thread_running_a_foreign_loop_is_sent_on_that_loop(no_hub, caplog):
    """Playwright's sync API runs a loop in the browser tests' thread, and no hub exists in that process:
    a broadcast committed there must still go out, and log nothing."""
    layer = get_channel_layer()

    async def scenario():
        channel = await _listen(9001)
        realtime.publish(9001, MESSAGE)  # plain synchronous code, as after a commit
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    with caplog.at_level(logging.WARNING, logger="quanzi.live"):
        assert asyncio.run(scenario()) == MESSAGE
    assert not caplog.records


def test_a_push_from_another_thread_goes_through_the_hub_loop(no_hub, caplog):
    """A request or worker thread hands the send to the hub's loop (whose queues the in-memory layer
    owns) and does not wait for it."""
    layer = get_channel_layer()

    async def scenario():
        realtime.set_home_loop(asyncio.get_running_loop())
        channel = await _listen(9002)
        thread = threading.Thread(target=realtime.publish, args=(9002, MESSAGE))
        thread.start()
        message = await asyncio.wait_for(layer.receive(channel), timeout=5)
        thread.join(5)
        return message

    with caplog.at_level(logging.WARNING, logger="quanzi.live"):
        assert asyncio.run(scenario()) == MESSAGE
    assert not caplog.records


def test_a_push_from_plain_synchronous_code_uses_a_loop_of_its_own(no_hub):
    """A management command or a WSGI thread: no loop anywhere, the send runs to completion at once."""
    layer = get_channel_layer()
    listening = asyncio.new_event_loop()
    try:
        channel = listening.run_until_complete(_listen(9003))
        realtime.publish(9003, MESSAGE)
        assert listening.run_until_complete(asyncio.wait_for(layer.receive(channel), timeout=5)) == MESSAGE
    finally:
        listening.close()
