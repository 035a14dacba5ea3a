import pytest
from django.test import Client

from quanzi.circle import selectors, services
from quanzi.circle.models import CirclePurchase
from quanzi.core.errors import NotFound
from quanzi.social.testing import befriend, make_block, make_follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def bought(place_order, sku, shopper, django_capture_on_commit_callbacks):
    def run(user=None):
        with django_capture_on_commit_callbacks(execute=True):
            orders, _ = place_order([(sku, 1)], user=user, pay=True)
        return orders[0]

    return run


@pytest.fixture
def friend(make_user, shopper):
    u = make_user(nickname="friend")
    befriend(shopper, u)
    return u


def feed_ids(viewer):
    items, _ = selectors.friends_purchases(viewer=viewer, cursor=None, limit=20)
    return [p.pk for p in items]


def test_paid_order_writes_purchase_visible_to_friends_only(bought, shopper, friend, make_user, product):
    order = bought()
    purchase = CirclePurchase.objects.get(order=order)
    assert purchase.user_id == shopper.pk and purchase.product_id == product.pk
    assert feed_ids(friend) == [purchase.pk]
    stranger = make_user()
    assert feed_ids(stranger) == []
    one_way = make_user()
    make_follow(follower=one_way, followee=shopper)
    assert feed_ids(one_way) == []
    assert feed_ids(shopper) == []  # own purchases are not in your friends' feed
    assert selectors.friends_who_bought(viewer=friend, product_id=product.pk)["count"] == 1
    assert selectors.friends_who_bought(viewer=stranger, product_id=product.pk)["count"] == 0


def test_unpaid_order_writes_nothing(place_order, sku, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(sku, 1)], pay=False)
    assert CirclePurchase.objects.count() == 0


def test_blocked_friend_sees_nothing(bought, shopper, friend, product):
    bought()
    make_block(blocker=shopper, blocked=friend)
    assert feed_ids(friend) == []
    assert selectors.friends_who_bought(viewer=friend, product_id=product.pk)["count"] == 0


def test_global_switch_off_and_per_order_hide(bought, shopper, friend):
    first = bought()
    second = bought()
    assert len(feed_ids(friend)) == 2
    services.circle_hide_order(user=shopper, order_number=first.number)
    assert [p.order_id for p in selectors.friends_purchases(viewer=friend)[0]] == [second.pk]
    services.settings_update(user=shopper, share_purchases=False)
    assert feed_ids(friend) == []
    services.settings_update(user=shopper, share_purchases=True)
    assert len(feed_ids(friend)) == 1


def test_hide_someone_elses_order_is_404(bought, friend):
    order = bought()
    with pytest.raises(NotFound):
        services.circle_hide_order(user=friend, order_number=order.number)


def test_api(bought, shopper, friend, api, make_user):
    order = bought()
    other = make_user()
    assert api(other).post(f"/api/v1/circle/orders/{order.number}/hide", {}, content_type="application/json").status_code == 404
    r = api(shopper).post(f"/api/v1/circle/orders/{order.number}/comment", {"comment": "好穿 <b>"},
                          content_type="application/json")
    assert r.status_code == 200 and r.json()["updated"] == 1
    r = api(shopper).post(f"/api/v1/circle/orders/{order.number}/comment", {"comment": "x" * 101},
                          content_type="application/json")
    assert r.status_code == 400
    feed = api(friend).get("/api/v1/circle/friends").json()
    assert feed["items"][0]["comment"] == "好穿 <b>" and feed["items"][0]["user"]["uid"] == shopper.uid
    assert api(other).get("/api/v1/circle/friends").json()["items"] == []
    assert api(shopper).get("/api/v1/circle/settings").json() == {"share_purchases": True}
    r = api(shopper).patch("/api/v1/circle/settings", {"share_purchases": False}, content_type="application/json")
    assert r.json() == {"share_purchases": False}
    assert api(friend).get("/api/v1/circle/friends").json()["items"] == []
    r = api(shopper).post(f"/api/v1/circle/orders/{order.number}/hide", {}, content_type="application/json")
    assert r.status_code == 200
    assert api().get("/api/v1/circle/friends").status_code == 401


def test_pages(bought, shopper, friend, product):
    bought()
    from quanzi.circle.services import circle_comment_order

    circle_comment_order(user=shopper, order_number=CirclePurchase.objects.get().order.number, comment="<script>x")
    c = Client()
    c.force_login(friend)
    r = c.get("/circle/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="circle-item"' in html and "&lt;script&gt;x" in html and "<script>x" not in html
    r = c.get("/me/circle/settings/")
    assert r.status_code == 200
    c.force_login(shopper)
    r = c.post("/me/circle/settings/", {})
    assert r.status_code == 302
    assert selectors.settings_for(user=shopper).share_purchases is False
    assert Client().get("/circle/").status_code == 302


def test_include_templates(bought, shopper, friend, product, rf, make_user):
    from django.template.loader import render_to_string

    bought()
    request = rf.get("/")
    request.user = friend
    html = render_to_string("circle/partials/friends_bought.html", {"product": product, "request": request})
    assert 'data-testid="friends-bought"' in html and "1 friend bought this" in html
    request.user = make_user()
    assert "friends-bought" not in render_to_string("circle/partials/friends_bought.html",
                                                    {"product": product, "request": request})
    assert "/me/circle/settings/" in render_to_string("circle/partials/checkout_notice.html", {})


def test_order_visibility_include_and_view(bought, shopper, friend, rf):
    from django.template.loader import render_to_string

    order = bought()
    request = rf.get(f"/orders/{order.number}/")
    request.user = shopper
    html = render_to_string("circle/partials/order_visibility.html", {"order": order, "request": request})
    assert 'data-testid="circle-order-toggle"' in html
    request.user = friend
    assert "circle-order-toggle" not in render_to_string("circle/partials/order_visibility.html",
                                                         {"order": order, "request": request})
    c = Client()
    c.force_login(friend)
    assert c.post(f"/circle/orders/{order.number}/visibility/", {"hidden": "1"}).status_code == 404
    c.force_login(shopper)
    r = c.post(f"/circle/orders/{order.number}/visibility/", {"hidden": "1", "next": f"/orders/{order.number}/"})
    assert r.status_code == 302 and r["Location"] == f"/orders/{order.number}/"
    assert feed_ids(friend) == []
    c.post(f"/circle/orders/{order.number}/visibility/", {"hidden": "0"})
    assert len(feed_ids(friend)) == 1


def test_profile_shows_purchases_to_friends_only(bought, shopper, friend, make_user, client):
    from django.urls import reverse

    bought()
    url = reverse("social:profile", args=[shopper.uid])
    client.force_login(friend)
    page = client.get(url).content.decode()
    assert 'data-testid="profile-purchase"' in page
    stranger = make_user()
    client.force_login(stranger)
    assert 'data-testid="profile-purchase"' not in client.get(url).content.decode()
    client.logout()
    assert 'data-testid="profile-purchase"' not in client.get(url).content.decode()
    client.force_login(shopper)
    assert 'data-testid="profile-purchase"' in client.get(url).content.decode()
