import datetime as dt

import pytest

from quanzi.core import clock
from quanzi.core.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed

pytestmark = pytest.mark.django_db


def test_merchant_creates_a_room_with_its_own_products_only(host, shop, make_shop, make_product):
    from quanzi.live.services import room_create

    mine = make_product(shop=shop)
    theirs = make_product(shop=make_shop())
    with pytest.raises(NotFound):
        room_create(host=host, title="x", scheduled_at=clock.now() + dt.timedelta(hours=1), product_ids=[theirs.pk])
    room = room_create(host=host, title="新品", scheduled_at=clock.now() + dt.timedelta(hours=1), product_ids=[mine.pk])
    assert room.shop == shop and room.status == "scheduled"
    assert [i.product_id for i in room.shelf.all()] == [mine.pk]
    assert len(room.number) == 10 and len(room.stream_key) >= 24


def test_only_merchants_and_approved_creators_host(make_user, shop, make_product):
    from quanzi.live.services import permit_apply, permit_decide, room_create

    creator = make_user()
    when = clock.now() + dt.timedelta(hours=1)
    with pytest.raises(Forbidden):
        room_create(host=creator, title="x", scheduled_at=when)
    permit = permit_apply(user=creator)
    with pytest.raises(Forbidden):
        room_create(host=creator, title="x", scheduled_at=when)
    permit_decide(permit_id=permit.pk, approve=True)
    other_shop_product = make_product(shop=shop)
    room = room_create(host=creator, title="好物分享", scheduled_at=when, product_ids=[other_shop_product.pk])
    assert room.shop is None and room.shelf.count() == 1


@pytest.mark.parametrize(("title", "delta"), [("", 1), ("x" * 81, 1), ("ok", -2), ("ok", 24 * 91)])
def test_room_create_rejects_bad_input(host, title, delta):
    from quanzi.live.services import room_create

    with pytest.raises(ValidationFailed):
        room_create(host=host, title=title, scheduled_at=clock.now() + dt.timedelta(hours=delta))


def test_room_state_machine_and_numbered_events(room):
    from quanzi.live.models import RoomEvent
    from quanzi.live.services import room_end, room_start

    room = room_start(room=room)
    assert room.status == "live" and room.started_at
    room = room_end(room=room)
    assert room.status == "ended"
    with pytest.raises(Conflict):
        room_start(room=room)
    with pytest.raises(Conflict):
        room_end(room=room)
    kinds = list(RoomEvent.objects.filter(room=room).values_list("seq", "kind"))
    assert kinds == [(1, "room_started"), (2, "room_ended")]


def test_chat_rules(live_room, make_user, settings):
    from quanzi.live.services import chat_post, sanction_add

    settings.LIVE_CHAT_RATE = (2, 5)
    user = make_user()
    e = chat_post(room_id=live_room.pk, user=user, text="加微信 fuck 聊")
    assert e.data["text"] == "*** **** 聊"  # sensitive words masked
    chat_post(room_id=live_room.pk, user=user, text="second")
    with pytest.raises(RateLimited):
        chat_post(room_id=live_room.pk, user=user, text="third")
    other = make_user()
    sanction_add(room=live_room, user_id=other.pk, kind="mute", by=live_room.host)
    with pytest.raises(Forbidden) as exc:
        chat_post(room_id=live_room.pk, user=other, text="hi")
    assert exc.value.code == "muted"


def test_timed_mute_expires(live_room, make_user):
    from quanzi.live.services import chat_post, sanction_add

    user = make_user()
    sanction_add(room=live_room, user_id=user.pk, kind="mute", by=live_room.host, minutes=10)
    with pytest.raises(Forbidden):
        chat_post(room_id=live_room.pk, user=user, text="hi")
    with clock.travel(dt.timedelta(minutes=11)):
        assert chat_post(room_id=live_room.pk, user=user, text="hi").kind == "chat"


def test_host_cannot_sanction_themself(live_room, host):
    from quanzi.core.errors import BusinessRuleViolation
    from quanzi.live.services import sanction_add

    with pytest.raises(BusinessRuleViolation):
        sanction_add(room=live_room, user_id=host.pk, kind="ban", by=host)


def test_delete_message_hides_it_from_replay(live_room, make_user):
    from quanzi.live.selectors import chat_replay
    from quanzi.live.services import chat_post, message_delete

    e = chat_post(room_id=live_room.pk, user=make_user(), text="spam")
    message_delete(room=live_room, seq=e.seq)
    assert chat_replay(room=live_room) == []
    with pytest.raises(NotFound):
        message_delete(room=live_room, seq=e.seq)


def test_pin_must_be_on_the_shelf(live_room, make_product, shop):
    from quanzi.live.services import pin_clear, pin_set, shelf_remove

    item = live_room.shelf.first()
    pin_set(room=live_room, product_id=item.product_id)
    live_room.refresh_from_db()
    assert live_room.pinned_id == item.pk
    with pytest.raises(NotFound):
        pin_set(room=live_room, product_id=make_product(shop=shop).pk)
    shelf_remove(room=live_room, product_id=item.product_id)  # removing the pinned product unpins it
    live_room.refresh_from_db()
    assert live_room.pinned_id is None
    pin_clear(room=live_room)  # idempotent


def test_reminders_notify_once_when_the_room_starts(room, make_user):
    from quanzi.live.services import remind, room_start
    from quanzi.notifications.selectors import notifications_page

    fan = make_user()
    remind(room=room, user=fan)
    remind(room=room, user=fan)  # twice is one reminder
    with pytest.raises(Forbidden):
        from django.contrib.auth.models import AnonymousUser

        remind(room=room, user=AnonymousUser())
    room = room_start(room=room)
    # on_commit does not fire inside the test transaction: run the after-commit step directly
    from quanzi.live.services import reminders_notify

    assert reminders_notify(room_id=room.pk) == 1
    assert reminders_notify(room_id=room.pk) == 0
    (note,), _cursor = notifications_page(user=fan)
    assert room.title in note.text()
    with pytest.raises(Conflict):
        remind(room=room, user=fan)


def test_stats_figures(room, make_user):
    from quanzi.live.models import ViewerSession
    from quanzi.live.services import chat_post, likes_add, room_end, room_start
    from quanzi.live.stats import room_stats, room_stats_rows, viewing_figures

    start = clock.now()
    room = room_start(room=room)
    viewer = make_user()
    ViewerSession.objects.create(room=room, user=viewer, joined_at=start, left_at=start + dt.timedelta(minutes=30))
    ViewerSession.objects.create(room=room, user=None, joined_at=start, left_at=start + dt.timedelta(minutes=30))
    chat_post(room_id=room.pk, user=viewer, text="hello")
    likes_add(room_id=room.pk, count=7)
    with clock.travel(dt.timedelta(minutes=60)):
        room = room_end(room=room)
    f = viewing_figures(room=room)
    assert f["messages"] == 1 and f["likes"] == 7 and f["unique_viewers"] == 2
    assert f["watch_seconds"] == pytest.approx(3600, abs=5)
    assert f["average_viewers"] == pytest.approx(1.0, abs=0.01)

    def extra(r):
        return [("GMV", "¥0.00")]

    def broken(r):
        raise RuntimeError("boom")

    room_stats_rows.register(extra, key="test_extra")
    room_stats_rows.register(broken, key="test_broken")
    try:
        rows = room_stats(room=room)
    finally:
        room_stats_rows.unregister("test_extra")
        room_stats_rows.unregister("test_broken")
    assert ("GMV", "¥0.00") in rows


def test_room_for_host_hides_other_hosts_rooms(room, make_user, make_shop):
    from quanzi.live.selectors import room_for_host

    assert room_for_host(user=room.host, number=room.number) == room
    with pytest.raises(NotFound):
        room_for_host(user=make_shop().owner, number=room.number)
    assert room_for_host(user=make_user(is_staff=True), number=room.number) == room


def test_sweep_closes_rooms_that_never_started(room):
    from quanzi.live.tasks import live_close_stale

    assert live_close_stale() == 0
    with clock.travel(dt.timedelta(hours=25)):
        assert live_close_stale() == 1
    room.refresh_from_db()
    assert room.status == "ended" and room.started_at is None
