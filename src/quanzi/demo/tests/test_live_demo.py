"""The live rooms' demo data (live/demo.py): a live, a scheduled and an ended room, seeded once."""

import pytest

pytestmark = pytest.mark.django_db


def test_seed_live_makes_a_live_a_scheduled_and_an_ended_room_once(make_user, make_shop, make_product, make_shopper):
    from quanzi.demo.runner import seed_section
    from quanzi.live.selectors import room_by_number, rooms_for_host
    from quanzi.live.stats import viewing_figures

    owner = make_user(email="merchant1@quanzi.demo", phone=None)
    shop = make_shop(owner=owner)
    for i in range(5):
        make_product(shop=shop, title=f"商品{i}")
    for _ in range(4):
        make_shopper()
    result = seed_section("live")
    assert result["host_login"] == "merchant1@quanzi.demo"
    live = room_by_number(number=result["live_room"])
    assert live.status == "live" and live.shelf.count() == 4 and live.pinned_id and live.cover
    assert live.events.filter(kind="chat").count() >= 5
    assert room_by_number(number=result["upcoming_room"]).status == "scheduled"
    ended = room_by_number(number=result["replay_room"])
    assert ended.status == "ended"
    f = viewing_figures(room=ended)
    assert f["messages"] >= 5 and f["peak_viewers"] == 6 and f["watch_seconds"] > 0
    assert seed_section("live") is None
    assert len(rooms_for_host(user=owner)) == 3
