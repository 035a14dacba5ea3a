"""Share-a-coupon pages: the ticket's Share button, the sharer's link page, a friend claiming through it."""

import pytest
from django.urls import reverse

from quanzi.coupons.models import Coupon, CouponShare

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_offer(shop, coupon_template):
    reward = coupon_template(shop=shop, name="分享奖励 ¥5", amount_off=500, channel="reward")
    return coupon_template(shop=shop, name="好友券 ¥8", amount_off=800, share_reward_id=reward.pk)


def test_the_centre_offers_sharing_and_the_sharer_gets_one_link(client, shopper, shared_offer):
    client.force_login(shopper)
    page = client.get(reverse("coupons:centre")).content.decode()
    assert 'data-testid="cp-share"' in page and "分享奖励 ¥5" in page
    first = client.post(reverse("coupons:share", args=[shared_offer.pk]))
    second = client.post(reverse("coupons:share", args=[shared_offer.pk]))
    link = CouponShare.objects.get(sharer=shopper)
    assert first["Location"] == second["Location"] == reverse("coupons:shared", args=[link.code])
    page = client.get(first["Location"]).content.decode()
    assert 'data-testid="cp-share-url"' in page and f"/coupons/s/{link.code}/" in page
    assert 'data-testid="cp-shared-claim"' not in page  # not to oneself


def test_a_friend_claims_through_the_link(client, shopper, make_shopper, shared_offer):
    from quanzi.coupons.services import share_link

    link = share_link(user=shopper, template_id=shared_offer.pk)
    friend = make_shopper(nickname="阿友")
    client.force_login(friend)
    page = client.get(reverse("coupons:shared", args=[link.code])).content.decode()
    assert 'data-testid="cp-shared-from"' in page and shopper.display_name in page
    response = client.post(reverse("coupons:shared_claim", args=[link.code]))
    assert response["Location"] == reverse("coupons:mine")
    coupon = Coupon.objects.get(user=friend)
    assert (coupon.how, coupon.share_id) == ("share", link.pk)
    again = client.post(reverse("coupons:shared_claim", args=[link.code]), follow=True).content.decode()
    assert "already claimed" in again
    client.force_login(shopper)
    shares = client.get(reverse("coupons:mine"), {"tab": "shared"}).content.decode()
    assert "1 friend claimed it" in shares


def test_an_unknown_link_is_404_and_anonymous_claims_go_to_login(client, shopper, shared_offer):
    from quanzi.coupons.services import share_link

    assert client.get(reverse("coupons:shared", args=["nope"])).status_code == 404
    link = share_link(user=shopper, template_id=shared_offer.pk)
    assert client.get(reverse("coupons:shared", args=[link.code])).status_code == 200
    response = client.post(reverse("coupons:shared_claim", args=[link.code]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Coupon.objects.exists()


def test_the_merchant_form_offers_reward_coupons(client, shop, shared_offer):
    client.force_login(shop.owner)
    page = client.get(reverse("coupons:merchant_new")).content.decode()
    assert 'name="share_reward_id"' in page and "分享奖励 ¥5" in page


def test_sharing_through_the_api(api, shopper, make_shopper, shared_offer, expect_error):
    made = api(shopper).post(f"/api/v1/coupons/{shared_offer.pk}/share")
    assert made.status_code == 201, made.content
    link = made.json()
    assert link["url"].endswith(f"/coupons/s/{link['code']}/") and link["claims"] == 0
    own = api(shopper).post(f"/api/v1/coupons/shared/{link['code']}/claim")
    expect_error(own, 422, "own_share")
    friend = api(make_shopper()).post(f"/api/v1/coupons/shared/{link['code']}/claim")
    assert friend.status_code == 201
    expect_error(api(make_shopper()).post("/api/v1/coupons/shared/zzzz/claim"), 404, "share_not_found")
    mine = api(shopper).get("/api/v1/coupons/shared").json()
    assert [(s["code"], s["claims"], s["rewards_waiting"]) for s in mine] == [(link["code"], 1, 0)]
