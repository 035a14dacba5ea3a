import pytest

pytestmark = pytest.mark.django_db


def test_seed_live_makes_a_live_a_scheduled_and_an_ended_room_once(make_user, make_shop, make_product, make_shopper):
    from quanzi.demo.live_seed import seed_live
    from quanzi.live.models import LiveRoom
    from quanzi.live.stats import viewing_figures

    owner = make_user(email="merchant1@quanzi.demo", phone=None)
    shop = make_shop(owner=owner)
    for i in range(5):
        make_product(shop=shop, title=f"商品{i}")
    for _ in range(4):
        make_shopper()
    result = seed_live()
    assert result["host_login"] == "merchant1@quanzi.demo"
    live = LiveRoom.objects.get(number=result["live_room"])
    assert live.status == "live" and live.shelf.count() == 4 and live.pinned_id and live.cover
    assert live.events.filter(kind="chat").count() >= 5
    assert LiveRoom.objects.get(number=result["upcoming_room"]).status == "scheduled"
    ended = LiveRoom.objects.get(number=result["replay_room"])
    assert ended.status == "ended"
    f = viewing_figures(ended)
    assert f["messages"] >= 5 and f["peak_viewers"] == 6 and f["watch_seconds"] > 0
    assert seed_live() is None
    assert LiveRoom.objects.count() == 3
