"""买了还买 from orders only, the cold start (new products by their words, new people by the interests they
pick), friends' social proof through the circle's rules, and the A/B switch with its counts."""

import datetime as dt

import pytest
from django.test import Client, override_settings

from quanzi.analytics import constants as names
from quanzi.analytics.services import SHANGHAI, Fact, actor_of_user, record
from quanzi.recommend import selectors, services
from quanzi.recommend.models import Arm, ArmDay, ItemNeighbour, NeighbourKind, PickClick
from quanzi.social.testing import befriend

pytestmark = pytest.mark.django_db


def facts(actor, products, *, name=names.PRODUCT_VIEW, hours_ago=5, key=""):
    now = dt.datetime.now(SHANGHAI)
    return [Fact(key=f"{key}{name}{actor}-{p.pk}", name=name, actor=actor, object_type="product", object_id=p.pk,
                 shop_id=p.shop_id, occurred_at=now - dt.timedelta(hours=hours_ago, minutes=i))
            for i, p in enumerate(products)]


@pytest.fixture
def world(make_shop, make_product):
    """Tea cups are looked at with tea; tea is bought with tea trays (orders only); a brand-new tea set that
    nobody touched yet shares its words with the tea."""
    a, b, c = make_shop(), make_shop(), make_shop()
    tea = [make_product(shop=a, title=f"西湖龙井绿茶 {i}") for i in range(2)]
    cups = [make_product(shop=b, title=f"玻璃杯 {i}") for i in range(2)]
    trays = [make_product(shop=c, title=f"竹制茶盘 {i}") for i in range(2)]
    new_tea = make_product(shop=c, title="西湖龙井绿茶 礼盒")
    rows = []
    for n in range(8):
        rows += facts(f"v{n}", [tea[0], cups[0], cups[1]])
        rows += facts(f"b{n}", [tea[0], trays[0]], name=names.LINE_PAID)
    record(rows)
    services.train()
    return {"tea": tea, "cups": cups, "trays": trays, "new_tea": new_tea}


def test_bought_together_comes_from_orders_only(world):
    tea, cups, trays = world["tea"], world["cups"], world["trays"]
    bought = [p.product.pk for p in selectors.bought_together(product_ids=[tea[0].pk])]
    assert bought == [trays[0].pk]  # the cups were only looked at with the tea, never bought with it
    assert all(p.reason == "bought" for p in selectors.bought_together(product_ids=[tea[0].pk]))
    viewed = [p.product.pk for p in selectors.also_viewed(product_id=tea[0].pk)]
    assert cups[0].pk in viewed


def test_a_new_product_gets_neighbours_by_its_words(world):
    new_tea, tea = world["new_tea"], world["tea"]
    content = list(ItemNeighbour.objects.filter(product_id=new_tea.pk, kind=NeighbourKind.CONTENT)
                   .order_by("rank").values_list("neighbour_id", flat=True))
    assert content[:2] and set(content[:2]) == {tea[0].pk, tea[1].pk}  # 西湖龙井绿茶 in both titles
    assert not ItemNeighbour.objects.filter(product_id=tea[0].pk, kind=NeighbourKind.CONTENT).exists()  # touched
    picks = selectors.also_viewed(product_id=new_tea.pk)
    assert picks and picks[0].reason == "similar" and picks[0].product.pk in {tea[0].pk, tea[1].pk}


def test_the_product_page_rail_shows_both_lists(world, client):
    body = client.get(f"/recommend/also/{world['tea'][0].pk}/").content.decode()
    assert 'data-testid="also-viewed"' in body and 'data-testid="bought-together"' in body


def test_a_new_person_is_asked_for_interests_and_gets_them(world, make_user):
    me = make_user()
    assert selectors.needs_interests(user=me)
    client = Client()
    client.force_login(me)
    assert 'data-testid="rec-ask-interests"' in client.get("/recommend/for-you/").content.decode()
    trays = world["trays"]
    client.post("/me/recommendations/interests/", {"category": [trays[0].category_id], "next": "/"})
    assert selectors.liked_categories(user=me) == [trays[0].category_id]
    assert not selectors.needs_interests(user=me)
    picks = selectors.for_user(user=me, limit=4)
    assert picks[0].reason == "interest" and picks[0].product.category_id == trays[0].category_id


def test_interests_refuse_unknown_categories(make_user, api, expect_error):
    me = make_user()
    put = api(me).put
    expect_error(put("/api/v1/recommend/preferences", {"liked_categories": [2**62]}, content_type="application/json"),
                 400, "invalid_category")
    expect_error(put("/api/v1/recommend/preferences", {"liked_categories": ["x"]}, content_type="application/json"),
                 400, "validation_error")
    assert selectors.liked_categories(user=me) == []


def test_friends_social_proof_follows_the_circle_rules(world, make_user, shopper, place_order,
                                                       django_capture_on_commit_callbacks):
    from quanzi.circle.services import settings_update

    cup = world["cups"][0]
    me = make_user()
    befriend(me, shopper)
    record(facts(actor_of_user(me.pk), [world["tea"][0]], hours_ago=1, key="me"))
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(cup.skus.get(), 1)], pay=True)
    picks = {p.product.pk: p for p in selectors.for_user(user=me, limit=8)}
    assert picks[cup.pk].friends == 1
    settings_update(user=shopper, share_purchases=False)  # the friend stops sharing what they buy
    selectors.forget_picks(user_id=me.pk)
    picks = {p.product.pk: p for p in selectors.for_user(user=me, limit=8)}
    assert cup.pk not in picks or picks[cup.pk].friends == 0


def test_social_proof_shows_on_the_rail_and_never_when_off(world, make_user, shopper, place_order,
                                                          django_capture_on_commit_callbacks):
    cup = world["cups"][0]
    me = make_user()
    befriend(me, shopper)
    record(facts(actor_of_user(me.pk), [world["tea"][0]], hours_ago=1, key="me"))
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(cup.skus.get(), 1)], pay=True)
    client = Client()
    client.force_login(me)
    assert 'data-testid="rec-proof"' in client.get("/recommend/for-you/").content.decode()
    services.preference_set(user=me, personalised=False)
    assert 'data-testid="rec-proof"' not in client.get("/recommend/for-you/").content.decode()


@override_settings(QUANZI={"RECOMMEND_HOLDOUT_PERCENT": 50})
def test_the_ab_arm_is_stable_and_splits_people(make_user):
    people = [make_user() for _ in range(40)]
    arms = [selectors.arm_of(user=p) for p in people]
    assert arms == [selectors.arm_of(user=p) for p in people]  # stable
    assert {Arm.HOLDOUT, Arm.PERSONALISED} == set(arms)
    holdout = people[arms.index(Arm.HOLDOUT)]
    record(facts(actor_of_user(holdout.pk), [], key="h"))
    assert all(p.reason == "trending" for p in selectors.for_user(user=holdout))
    assert selectors.arm_of(user=type("Anon", (), {"is_authenticated": False})()) is None


def test_impressions_clicks_and_orders_are_counted_per_arm(world, shopper, place_order,
                                                          django_capture_on_commit_callbacks, make_user, api):
    tea = world["tea"][0]
    record(facts(actor_of_user(shopper.pk), [world["cups"][0]], hours_ago=1, key="me"))
    client = Client()
    client.force_login(shopper)
    rail = client.get("/recommend/for-you/").content.decode()
    assert "?rec=p" in rail  # picks carry their arm
    client.get(f"/p/{tea.pk}/?rec=p")
    assert PickClick.objects.filter(user_id=shopper.pk, product_id=tea.pk, arm=Arm.PERSONALISED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(tea.skus.get(), 1)], pay=True)
    day = ArmDay.objects.get(arm=Arm.PERSONALISED)
    assert (day.impressions, day.clicks, day.orders) == (1, 1, 1)
    report = {row["arm"]: row for row in selectors.arm_report()}
    assert report["p"]["ctr"] == 1.0 and report["h"]["impressions"] == 0
    staff = make_user(is_staff=True)
    assert api(staff).get("/api/v1/recommend/ab").json()[0]["orders"] == 1
    assert api(shopper).get("/api/v1/recommend/ab").status_code == 404
    staff_client = Client()
    staff_client.force_login(staff)
    assert 'data-testid="rec-arm-p"' in staff_client.get("/ops/recommend/").content.decode()
    assert client.get("/ops/recommend/").status_code == 404


def test_a_forged_arm_or_anonymous_click_counts_nothing(world, client):
    tea = world["tea"][0]
    client.get(f"/p/{tea.pk}/?rec=zz")
    client.get(f"/p/{tea.pk}/?rec=p")  # not signed in
    assert not PickClick.objects.exists() and not ArmDay.objects.exists()


def test_old_clicks_are_forgotten(make_user):
    me = make_user()
    services.record_click(user_id=me.pk, product_id=1, arm=Arm.PERSONALISED)
    assert services.forget_old_clicks(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=8)) == 1


def test_after_order_rail_is_the_buyers_own(world, shopper, place_order, make_user,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        orders, _ = place_order([(world["tea"][0].skus.get(), 1)], pay=True)
    client = Client()
    client.force_login(shopper)
    body = client.get(f"/recommend/after/{orders[0].number}/").content.decode()
    assert 'data-testid="after-order"' in body
    other = Client()
    other.force_login(make_user())
    assert other.get(f"/recommend/after/{orders[0].number}/").status_code == 404


def test_discover_feed_cards_are_personal_picks_only(world, make_user):
    me = make_user()
    record(facts(actor_of_user(me.pk), [world["tea"][0]], hours_ago=1, key="me"))
    client = Client()
    assert client.get("/recommend/feed/").content.decode().strip() == ""  # nobody signed in: nothing
    client.force_login(me)
    body = client.get("/recommend/feed/").content.decode()
    assert body.count('data-testid="feed-rec"') == 2
    services.preference_set(user=me, personalised=False)
    assert 'data-testid="feed-rec"' not in client.get("/recommend/feed/").content.decode()


def test_people_in_the_holdout_get_no_stored_list(world, make_user, settings):
    from quanzi.recommend.models import PersonPicks

    me = make_user()
    served = settings.QUANZI
    settings.QUANZI = {**served, "RECOMMEND_HOLDOUT_PERCENT": 100}
    services.picks_mark_due(user_id=me.pk)  # what a product page visit does: they are served trending anyway
    assert not PersonPicks.objects.filter(user_id=me.pk).exists()
    settings.QUANZI = served
    services.picks_mark_due(user_id=me.pk)
    assert PersonPicks.objects.get(user_id=me.pk).due
