"""Training from the analytics log and the rails: 看了又看 by co-interaction, 猜你喜欢 from a person's latest
interactions with why, trending when personalisation is off or nobody is signed in, hidden interests,
two products per shop at most, never an unsellable product; the pages, the API and the query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quanzi.analytics import constants as names
from quanzi.analytics.services import SHANGHAI, Fact, actor_of_user, record
from quanzi.recommend import selectors, services
from quanzi.recommend.models import ItemNeighbour, PersonPicks, TrendingItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(make_shop, make_product):
    """Two shops; tea (t1–t4, shop A) is viewed together, and so are phones (p1–p3, shop B)."""
    a, b = make_shop(), make_shop()
    tea = [make_product(shop=a, title=f"茶{i}") for i in range(4)]
    phones = [make_product(shop=b, title=f"手机{i}") for i in range(3)]
    return {"tea": tea, "phones": phones}


def views(actor, products, *, hours_ago=5, key=""):
    now = dt.datetime.now(SHANGHAI)
    return [Fact(key=f"{key}{actor}-{p.pk}", name=names.PRODUCT_VIEW, actor=actor, object_type="product",
                 object_id=p.pk, shop_id=p.shop_id, occurred_at=now - dt.timedelta(hours=hours_ago, minutes=i))
            for i, p in enumerate(products)]


@pytest.fixture
def trained(catalogue):
    tea, phones = catalogue["tea"], catalogue["phones"]
    facts = []
    for n in range(12):
        facts += views(f"t{n}", tea[:3] if n % 2 else tea[1:])
        facts += views(f"p{n}", phones)
    facts += views("x", [tea[0], phones[0]])  # one person across both
    record(facts)
    run = services.train()
    return {**catalogue, "run": run}


def test_training_stores_neighbours_by_co_interaction_and_trending(trained):
    tea, phones = trained["tea"], trained["phones"]
    assert trained["run"].neighbours > 0 and trained["run"].interactions == 12 * 3 + 12 * 3 + 2
    near_t1 = list(ItemNeighbour.objects.filter(product_id=tea[1].pk).order_by("rank").values_list("neighbour_id", flat=True))
    assert set(near_t1[:3]) == {tea[0].pk, tea[2].pk, tea[3].pk}
    assert TrendingItem.objects.order_by("rank").first().product_id == phones[0].pk  # 13 people: the most
    assert services.train_if_due() == 0  # trained moments ago


def test_also_viewed_is_the_neighbours_sellable_and_diverse(trained):
    tea = trained["tea"]
    picks = selectors.also_viewed(product_id=tea[1].pk)
    assert [p.reason for p in picks] == ["also"] * len(picks)
    ids = [p.product.pk for p in picks]
    assert tea[1].pk not in ids and sum(1 for p in picks if p.product.shop_id == tea[0].shop_id) <= 2
    tea[2].status = "off_shelf"
    tea[2].save(update_fields=["status"])
    assert tea[2].pk not in [p.product.pk for p in selectors.also_viewed(product_id=tea[1].pk)]


def test_for_user_follows_what_the_person_looked_at_and_says_why(trained, make_user):
    tea = trained["tea"]
    me = make_user()
    record(views(actor_of_user(me.pk), [tea[1]], hours_ago=1, key="me"))
    picks = selectors.for_user(user=me, limit=4)
    first = picks[0]
    assert first.reason == "because" and first.source.pk == tea[1].pk and first.product.shop_id == tea[1].shop_id
    assert tea[1].pk not in [p.product.pk for p in picks]  # never what they already saw
    assert sum(1 for p in picks if p.product.shop_id == tea[0].shop_id) <= 2  # two a shop; the rest trending
    assert {p.reason for p in picks[2:]} <= {"trending"}


def test_personalisation_off_and_anonymous_get_the_same_trending_list(trained, make_user):
    from django.contrib.auth.models import AnonymousUser

    me = make_user()
    record(views(actor_of_user(me.pk), [trained["tea"][1]], hours_ago=1, key="me"))
    services.preference_set(user=me, personalised=False)
    mine = [(p.product.pk, p.reason) for p in selectors.for_user(user=me)]
    anyone = [(p.product.pk, p.reason) for p in selectors.for_user(user=AnonymousUser())]
    assert mine == anyone and {r for _pk, r in mine} == {"trending"}


def test_a_hidden_interest_is_no_longer_recommended(trained, make_user):
    tea = trained["tea"]
    me = make_user()
    record(views(actor_of_user(me.pk), [tea[1]], hours_ago=1, key="me"))
    [interest] = selectors.interests(user=me)
    assert interest["category_id"] == tea[1].category_id and not interest["hidden"]
    services.preference_set(user=me, hide_category=tea[1].category_id)
    picks = selectors.for_user(user=me)
    assert all(p.reason == "trending" or p.product.category_id != tea[1].category_id for p in picks)
    assert selectors.interests(user=me)[0]["hidden"] is True


def test_serving_costs_a_fixed_number_of_queries(trained, make_user):
    me = make_user()
    record(views(actor_of_user(me.pk), trained["tea"][:2] + trained["phones"][:1], hours_ago=1, key="me"))
    with CaptureQueriesContext(connection) as q:
        selectors.for_user(user=me, limit=12)
    assert len(q.captured_queries) <= 10, [c["sql"][:80] for c in q.captured_queries]  # nothing stored yet


def test_stored_picks_are_the_computed_ones_served_in_two_queries(trained, make_user):
    tea = trained["tea"]
    me = make_user()
    record(views(actor_of_user(me.pk), [tea[1]], hours_ago=1, key="me"))
    computed = [(p.product.pk, p.reason, p.source and p.source.pk) for p in selectors.for_user(user=me, limit=6)]
    services.picks_mark_due(user_id=me.pk)
    assert services.picks_refresh_due() == 1 and services.picks_refresh_due() == 0  # claimed, then nothing is due
    with CaptureQueriesContext(connection) as q:
        stored = selectors.for_user(user=me, limit=6)
    assert len(q.captured_queries) == 2, [c["sql"][:80] for c in q.captured_queries]  # the row, the products
    assert [(p.product.pk, p.reason, p.source and p.source.pk) for p in stored] == computed
    assert computed[0][1:] == ("because", tea[1].pk)


def test_what_the_person_does_reaches_their_stored_picks_through_the_sweep(trained, make_user):
    tea, phones = trained["tea"], trained["phones"]
    me = make_user()
    record(views(actor_of_user(me.pk), [tea[1]], hours_ago=3, key="me"))
    services.picks_refresh(user_id=me.pk)
    assert selectors.for_user(user=me)[0].source.pk == tea[1].pk
    client = Client()
    client.force_login(me)
    assert client.get(f"/p/{phones[1].pk}/").status_code == 200  # the visit marks the stored list due
    assert PersonPicks.objects.get(user_id=me.pk).due
    assert selectors.for_user(user=me)[0].source.pk == tea[1].pk  # served as stored until the sweep
    record(views(actor_of_user(me.pk), [phones[1]], hours_ago=0, key="me-now"))
    assert services.picks_refresh_due() == 1
    assert selectors.for_user(user=me)[0].source.pk == phones[1].pk
    services.preference_set(user=me, hide_category=phones[1].category_id)  # worked out again at once
    assert all(p.product.category_id != phones[1].category_id for p in selectors.for_user(user=me))
    services.preference_set(user=me, personalised=False)
    assert not PersonPicks.objects.filter(user_id=me.pk).exists()
    assert {p.reason for p in selectors.for_user(user=me)} == {"trending"}


def test_stored_picks_gone_off_sale_are_replaced_by_trending(trained, make_user):
    tea = trained["tea"]
    me = make_user()
    record(views(actor_of_user(me.pk), [tea[1]], hours_ago=1, key="me"))
    services.picks_refresh(user_id=me.pk)
    first = selectors.for_user(user=me, limit=4)[0].product
    first.status = "off_shelf"
    first.save(update_fields=["status"])
    again = selectors.for_user(user=me, limit=4)
    assert first.pk not in [p.product.pk for p in again] and len(again) == 4


def test_training_marks_every_stored_list_due_behind_what_people_do(trained, make_user):
    me, other = make_user(), make_user()
    for person in (me, other):
        record(views(actor_of_user(person.pk), [trained["tea"][1]], hours_ago=1, key=f"p{person.pk}"))
        services.picks_refresh(user_id=person.pk)
    assert not PersonPicks.objects.get(user_id=me.pk).due
    services.train()
    assert PersonPicks.objects.filter(user_id__in=[me.pk, other.pk], due=True).count() == 2
    services.picks_mark_due(user_id=other.pk)  # they look at something: refreshed before the model's backlog
    assert services.picks_refresh_due(limit=1) == 1
    assert not PersonPicks.objects.get(user_id=other.pk).due and PersonPicks.objects.get(user_id=me.pk).due


def test_a_new_person_gets_what_sells_where_they_live(trained, make_user, make_shopper, place_order):
    from quanzi.accounts.services import address_create

    def lives_in(user, province):
        return address_create(user=user, data={"recipient": "李四", "phone": "13800138001", "province": province,
                                               "city": "杭州", "district": "西湖区", "detail": "文三路 2 号"},
                              is_default=True)

    phone = trained["phones"][2]
    for _ in range(2):  # two buyers in 浙江: popular there (one would not be)
        buyer = make_shopper()
        place_order([(phone.skus.first(), 1)], user=buyer, addr=lives_in(buyer, "浙江"), pay=True)
    services.train()
    newcomer = make_user()
    lives_in(newcomer, "浙江")
    picks = selectors.for_user(user=newcomer, limit=4)
    assert (picks[0].product.pk, picks[0].reason, picks[0].region) == (phone.pk, "region", "浙江")
    assert {p.reason for p in picks[1:]} == {"trending"} and phone.pk not in [p.product.pk for p in picks[1:]]
    client = Client()
    client.force_login(newcomer)
    assert "Popular in 浙江" in client.get("/recommend/for-you/").content.decode()
    elsewhere = make_user()
    lives_in(elsewhere, "上海")  # the buyers' other address is 上海's, but they paid to 浙江
    assert {p.reason for p in selectors.for_user(user=elsewhere, limit=4)} == {"trending"}
    page = client.get("/me/recommendations/").content.decode()
    assert 'data-testid="rec-region"' in page and "浙江" in page and "<section" not in page.split("</head>")[0]
    client.post("/me/recommendations/", {"action": "region_off"})  # they see it and can say no
    assert 'data-testid="rec-region-is-off"' in client.get("/me/recommendations/").content.decode()
    assert "region" not in {p.reason for p in selectors.for_user(user=newcomer, limit=4)}
    client.post("/me/recommendations/", {"action": "region_on"})
    assert selectors.for_user(user=newcomer, limit=4)[0].reason == "region"
    services.preference_set(user=newcomer, personalised=False)  # where they live is theirs: not used when off
    assert {p.reason for p in selectors.for_user(user=newcomer, limit=4)} == {"trending"}


def test_pages_and_api(trained, make_user, api, expect_error):
    tea = trained["tea"]
    me = make_user()
    record(views(actor_of_user(me.pk), [tea[1]], hours_ago=1, key="me"))
    client = Client()
    client.force_login(me)
    home = client.get("/").content.decode()
    assert 'data-testid="for-you-slot"' in home
    rail = client.get("/recommend/for-you/").content.decode()
    assert 'data-reason="because"' in rail and "茶1" in rail
    assert 'data-testid="also-viewed"' in client.get(f"/recommend/also/{tea[1].pk}/").content.decode()
    client.post("/me/recommendations/", {"action": "off"})
    assert 'data-testid="rec-is-off"' in client.get("/me/recommendations/").content.decode()
    body = api(me).get("/api/v1/recommend/for-you").json()
    assert body["personalised"] is False and {i["reason"] for i in body["items"]} == {"trending"}
    put = api(me).put("/api/v1/recommend/preferences", {"personalised": True, "hide_category": tea[0].category_id,
                                                         "use_region": False}, content_type="application/json").json()
    assert put["personalised"] is True and any(i["hidden"] for i in put["interests"])
    assert put["use_region"] is False and put["region"] == ""  # no address yet
    expect_error(api(me).put("/api/v1/recommend/preferences", {"hide_category": -5}, content_type="application/json"),
                 400, "invalid_category")
    assert api(me).get(f"/api/v1/recommend/products/{tea[1].pk}/also").json()["items"]
    assert Client().get("/api/v1/recommend/for-you").json()["personalised"] is False


def test_the_privacy_centre_and_the_recommendation_switch_are_one_answer(make_user):
    from quanzi.core.testing import run_outbox_hooks
    from quanzi.privacy import selectors as privacy
    from quanzi.privacy import services as privacy_services

    privacy_services.policy_publish(version=1, body_zh_hans="政策", body_en="Policy")
    me = make_user()
    privacy_services.consent_withdraw(user=me, purpose="personalisation")
    run_outbox_hooks()
    assert selectors.preference(user=me) == (False, set())  # withdrawn in the privacy centre: off here
    services.preference_set(user=me, personalised=True)
    run_outbox_hooks()
    assert privacy.has_consent(user_id=me.pk, purpose="personalisation") is True  # on here: given there
    assert selectors.preference(user=me)[0] is True
