"""The social API as a client sees it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quanzi.social import services
from quanzi.social.tests.conftest import png_bytes

BASE = "/api/v1/social"


@pytest.fixture
def ann(make_user):
    return make_user(nickname="Ann", phone="13912345678")


@pytest.fixture
def bob(make_user):
    return make_user(nickname="Bob", phone="13887654321")


@pytest.mark.parametrize("method,path", [
    ("get", "/me/profile"), ("patch", "/me/profile"), ("get", "/me/friends"), ("get", "/me/blocked"),
    ("post", "/users/uX/follow"), ("delete", "/users/uX/follow"), ("post", "/shops/1/follow"),
    ("post", "/users/uX/block"),
])
def test_anonymous_gets_401(api, expect_error, method, path):
    response = getattr(api(), method)(BASE + path, content_type="application/json")
    expect_error(response, 401, "not_authenticated")


def test_follow_a_user_twice_then_unfollow(api, ann, bob):
    client = api(ann)
    for _ in range(2):
        response = client.post(f"{BASE}/users/{bob.uid}/follow")
        assert response.status_code == 200
        assert response.json() == {"following": True, "followers": 1}
    response = client.delete(f"{BASE}/users/{bob.uid}/follow")
    assert response.json() == {"following": False, "followers": 0}


def test_follow_errors_in_the_one_shape(api, ann, bob, expect_error):
    client = api(ann)
    expect_error(client.post(f"{BASE}/users/{ann.uid}/follow"), 400, "cannot_follow_self")
    expect_error(client.post(f"{BASE}/users/unope/follow"), 404, "user_not_found")
    services.block_user(user=bob, target=ann)
    expect_error(client.post(f"{BASE}/users/{bob.uid}/follow"), 403, "blocked")
    expect_error(api(bob).post(f"{BASE}/users/{ann.uid}/follow"), 403, "blocked")
    # Their profile and lists are closed to the user they blocked; the blocker still sees the other.
    expect_error(client.get(f"{BASE}/users/{bob.uid}"), 403, "blocked")
    expect_error(client.get(f"{BASE}/users/{bob.uid}/followers"), 403, "blocked")
    body = api(bob).get(f"{BASE}/users/{ann.uid}").json()
    assert body["i_blocked"] is True and body["i_follow"] is False


def test_follow_rate_limit_answers_429_with_retry_after(api, ann, make_user, expect_error):
    client = api(ann)
    for _ in range(30):
        assert client.post(f"{BASE}/users/{make_user().uid}/follow").status_code == 200
    error = expect_error(client.post(f"{BASE}/users/{make_user().uid}/follow"), 429, "rate_limited")
    assert int(error["fields"]["retry_after"]) > 0


def test_public_profile_hides_the_phone_and_shows_the_relationship(api, ann, bob):
    services.follow_user(user=bob, target=ann)
    services.profile_update(user=ann, bio="Coffee & cats")
    body = api(bob).get(f"{BASE}/users/{ann.uid}").json()
    assert body["masked_phone"] == ""  # not even masked: only ann (and staff) see it
    assert "5678" not in str(body) and "139" not in str(body)
    assert api(ann).get(f"{BASE}/users/{ann.uid}").json()["masked_phone"] == "139****5678"
    assert body["bio"] == "Coffee & cats" and body["followers"] == 1
    assert body["i_follow"] is True and body["follows_me"] is False and body["is_friend"] is False
    anonymous = api().get(f"{BASE}/users/{ann.uid}").json()
    assert anonymous["i_follow"] is False and anonymous["is_me"] is False
    assert anonymous["masked_phone"] == ""
    mine = api(ann).get(f"{BASE}/me/profile").json()
    assert mine["phone"] == "13912345678" and mine["followers"] == 1


def test_edit_bio_and_upload_avatar(api, ann, expect_error, media):
    client = api(ann)
    response = client.patch(f"{BASE}/me/profile", {"bio": "hi"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["bio"] == "hi"
    error = expect_error(client.patch(f"{BASE}/me/profile", {"bio": "x" * 201}, content_type="application/json"),
                         400, "validation_error")
    assert "bio" in error["fields"]
    response = client.post(f"{BASE}/me/avatar", {"avatar": SimpleUploadedFile("a.png", png_bytes())})
    assert response.status_code == 200 and response.json()["avatar"].endswith("_t.jpg")
    expect_error(client.post(f"{BASE}/me/avatar", {"avatar": SimpleUploadedFile("a.png", b"nope")}),
                 400, "not_an_image")


def test_shop_follow_api(api, ann, make_shop, expect_error):
    shop = make_shop()
    client = api(ann)
    assert client.post(f"{BASE}/shops/{shop.pk}/follow").json() == {"shop_id": shop.pk, "following": True,
                                                                    "followers": 1}
    assert client.post(f"{BASE}/shops/{shop.pk}/follow").json()["followers"] == 1
    assert client.delete(f"{BASE}/shops/{shop.pk}/follow").json()["following"] is False
    expect_error(client.post(f"{BASE}/shops/999999/follow"), 404, "shop_not_found")


def test_block_unblock_friends_and_blocked_lists(api, ann, bob, make_user):
    cat = make_user(nickname="Cat")
    for a, b in [(ann, bob), (bob, ann), (ann, cat), (cat, ann)]:
        services.follow_user(user=a, target=b)
    client = api(ann)
    assert {u["nickname"] for u in client.get(f"{BASE}/me/friends").json()["items"]} == {"Bob", "Cat"}
    assert client.post(f"{BASE}/users/{cat.uid}/block").json() == {"uid": cat.uid, "blocked": True}
    assert [u["nickname"] for u in client.get(f"{BASE}/me/friends").json()["items"]] == ["Bob"]
    assert [u["uid"] for u in client.get(f"{BASE}/me/blocked").json()["items"]] == [cat.uid]
    assert client.delete(f"{BASE}/users/{cat.uid}/block").json()["blocked"] is False
    assert client.get(f"{BASE}/me/blocked").json()["items"] == []


def test_follower_lists_are_cursor_paginated(api, ann, make_user):
    fans = [make_user(nickname=f"fan{i}") for i in range(5)]
    for fan in fans:
        services.follow_user(user=fan, target=ann)
    client = api()
    page = client.get(f"{BASE}/users/{ann.uid}/followers?limit=3").json()
    assert [u["nickname"] for u in page["items"]] == ["fan4", "fan3", "fan2"]
    page2 = client.get(f"{BASE}/users/{ann.uid}/followers?limit=3&cursor={page['next_cursor']}").json()
    assert [u["nickname"] for u in page2["items"]] == ["fan1", "fan0"] and page2["next_cursor"] is None
    following = client.get(f"{BASE}/users/{fans[0].uid}/following").json()
    assert following["items"] == [{"uid": ann.uid, "nickname": "Ann", "avatar": ""}]
    assert "phone" not in str(page)
