"""A real dispatcher process killed in the middle of a batch loses no after-commit effect and runs none
twice (issue 11: notifications, feed entries, friends' circle entries …, each exactly once).

The test publishes facts through the apps' own services with delivery left to worker processes
(QUANZI_OUTBOX_DISPATCH=worker), starts `manage.py outbox_dispatch --loop` in a separate process
with one extra slow subscriber (tests/outbox_slow.py, which runs after the real handlers of each
event), SIGKILLs it while it holds a delivery transaction open, starts a fresh dispatcher, and
checks every effect through the apps' selectors.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from quanzi.circle import selectors as circle
from quanzi.content import services as content
from quanzi.core import outbox
from quanzi.feed import selectors as feed
from quanzi.notifications import selectors as notifications
from quanzi.orders.services import order_mark_shipped
from quanzi.social import services as social

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "quanzi-outbox-test-dispatcher"
CHILD = f"""
import os, runpy, sys
sys.path[:0] = [{str(ROOT / "src")!r}, {str(ROOT)!r}]
import django
django.setup()
runpy.run_path({str(ROOT / "tests" / "outbox_slow.py")!r})
from django.core.management import call_command
call_command("outbox_dispatch", loop=True, batch=5, interval=0.05)
"""


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 60)).save(buf, "PNG")
    return SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")


def _start_dispatcher() -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": f"{url}?application_name={APP_NAME}", "QUANZI_ENV": "test",
           "DJANGO_SETTINGS_MODULE": "config.settings.test", "QUANZI_OUTBOX_DISPATCH": "worker"}
    return subprocess.Popen([sys.executable, "-c", CHILD], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _dispatcher_in_transaction() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                       "AND state = 'idle in transaction'", [APP_NAME])
        return cursor.fetchone()[0] > 0


def _wait(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {outbox.stats()}")
        time.sleep(0.01)


def _expected_deliveries_with_the_slow_subscriber() -> int:
    """What the dispatcher processes had to deliver: the apps' subscribers plus tests/outbox_slow.py's."""
    import runpy

    from quanzi.core.events import subscriptions

    slow = runpy.run_path(str(ROOT / "tests" / "outbox_slow.py"))
    try:
        return outbox.expected_deliveries()
    finally:
        for event_cls in slow["SLOWED"]:
            subscriptions.unregister(f"{event_cls.event_name}:tests.outbox_slow.slow")


def _publish_the_world(make_user, place_order, sku):
    author = make_user(nickname="author")
    followers = [make_user(nickname=f"fan{i}") for i in range(4)]
    for fan in followers:
        social.follow_user(user=fan, target=author)  # Followed: a notification each, feed backfill
    notes = []
    for i in range(8):
        note = content.note_create_draft(author=author, title=f"note {i}", body="夏天")
        content.note_add_image(user=author, note_id=note.pk, upload=_png())
        notes.append(content.note_publish(user=author, note_id=note.pk))  # NotePublished: feed fan-out
    for i, note in enumerate(notes):
        content.comment_create(user=followers[i % 4], note_id=note.pk, body=f"好看 {i}")  # Commented: a notification
    orders = []
    for _ in range(4):
        placed, _payment = place_order([(sku, 1)], pay=True)  # OrderPaid: a friends'-circle entry
        orders += placed
    for n, order in enumerate(orders):
        order_mark_shipped(order_id=order.pk, carrier="sf", tracking_number=f"SF{n:010d}")  # OrderShipped
    return author, followers, notes, orders


def test_a_dispatcher_killed_mid_batch_delivers_every_effect_exactly_once_after_restart(
        settings, make_user, place_order, shopper, sku):
    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "worker"}
    author, followers, notes, orders = _publish_the_world(make_user, place_order, sku)
    total = outbox.stats()["pending"]
    assert total >= 28 and notifications.unread_count(user=author) == 0  # nothing delivered yet

    victim = _start_dispatcher()
    try:
        _wait(lambda: outbox.stats()["done"] >= total // 4 and _dispatcher_in_transaction(), seconds=120,
              what="a quarter of the events delivered and the dispatcher inside a delivery")
        os.kill(victim.pid, signal.SIGKILL)
        assert victim.wait(timeout=30) == -signal.SIGKILL
    finally:
        if victim.poll() is None:
            victim.kill()
    mid = outbox.stats()
    assert 0 < mid["done"] < total, mid  # killed in the middle of the batch

    survivor = _start_dispatcher()
    try:
        _wait(lambda: outbox.stats()["pending"] == 0, seconds=180, what="the restarted dispatcher to finish")
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(timeout=30)

    final = outbox.stats()
    assert final["done"] >= total and (final["pending"], final["dead"]) == (0, 0), final  # (+ events handlers published)
    assert final["deliveries_done"] == _expected_deliveries_with_the_slow_subscriber()  # one per subscriber per event
    inbox, _cursor = notifications.notifications_page(user=author, limit=100)
    kinds = sorted(n.kind for n in inbox)
    assert kinds.count("follow") == len(followers)
    assert kinds.count("comment") == len(notes)
    shipped, _cursor = notifications.notifications_page(user=shopper, limit=100)
    assert sorted(n.kind for n in shipped).count("order") == len(orders)
    for fan in followers:
        items, _cursor = feed.following_feed(user=fan, limit=50)
        assert sorted(i.note.pk for i in items if i.kind == "note") == sorted(n.pk for n in notes)
    mine, _cursor = circle.my_purchases(user=shopper, limit=50)
    assert len(list(mine)) == len(orders)


REDIS_BROKER = "redis://127.0.0.1:6379/14"


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_BROKER, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _forget_broker_connections(app) -> None:
    """Celery keeps its connection and producer pools for the broker it first talked to."""
    app.close()
    app.amqp._producer_pool = None


def test_celery_workers_on_redis_deliver_each_transaction_s_events(settings, make_user):
    """Production's path: the commit sends one task to Redis; a real Celery worker process delivers."""
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running (CI must have it)")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    from config.celery import app as celery_app

    settings.QUANZI = {**settings.QUANZI, "OUTBOX_DISPATCH": "celery"}
    saved = {k: celery_app.conf.get(k) for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=REDIS_BROKER, task_always_eager=False)
    _forget_broker_connections(celery_app)  # pools made for earlier tests' settings (a memory:// broker)
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                                          f"{db['PORT'] or 5432}/{db['NAME']}",
           "QUANZI_ENV": "test", "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "QUANZI_OUTBOX_DISPATCH": "celery", "CELERY_BROKER_URL": REDIS_BROKER}
    worker = subprocess.Popen([str(Path(sys.executable).with_name("celery")), "-A", "config.celery", "worker",
                               "--pool", "solo", "--concurrency", "1", "--without-heartbeat", "--without-gossip",
                               "--without-mingle", "-l", "WARNING"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        author, fans = make_user(nickname="author"), [make_user(nickname=f"fan{i}") for i in range(3)]
        for fan in fans:
            social.follow_user(user=fan, target=author)  # three transactions, three tasks on Redis
        try:
            _wait(lambda: outbox.stats()["done"] == len(fans), seconds=60, what="the Celery worker to deliver")
        except AssertionError:
            worker.terminate()
            raise AssertionError(worker.communicate(timeout=30)[1].decode()[-3000:]) from None
    finally:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
        celery_app.conf.update(**saved)
        _forget_broker_connections(celery_app)
    inbox, _cursor = notifications.notifications_page(user=author, limit=10)
    assert sorted(n.kind for n in inbox) == ["follow"] * len(fans)
    assert outbox.stats()["pending"] == 0
