"""Share links, the click middleware and attribution bindings (DB and session)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanzi.core import clock
from quanzi.sharing.models import AttributionBinding, ShareClick, ShareLink
from quanzi.sharing.services import SESSION_BINDINGS, share_link_for

pytestmark = pytest.mark.django_db


def product_url(product, code=None):
    return f"/p/{product.pk}/" + (f"?share={code}" if code else "")


def test_codes_are_long_random_and_unique(make_user, product, make_product, shop):
    others = [make_product(shop=shop, title=f"Item {i}") for i in range(5)]
    codes = set()
    for user in [make_user() for _ in range(4)]:
        for p in [product, *others]:
            link, _t = share_link_for(sharer=user, target_type="product", target_id=p.pk)
            assert len(link.code) >= 8 and link.code.replace("-", "").replace("_", "").isalnum()
            codes.add(link.code)
    assert len(codes) == 24 == ShareLink.objects.count()


def test_one_link_per_sharer_and_target_is_reused(sharer, product):
    first, _t = share_link_for(sharer=sharer, target_type="product", target_id=product.pk)
    again, _t = share_link_for(sharer=sharer, target_type="product", target_id=product.pk)
    assert first.pk == again.pk and first.code == again.code


def test_expired_link_gets_a_fresh_code_and_old_code_stops_working(sharer, product, make_user, logged_in):
    link, _t = share_link_for(sharer=sharer, target_type="product", target_id=product.pk)
    old_code = link.code
    with clock.travel(dt.timedelta(days=91)):
        renewed, _t = share_link_for(sharer=sharer, target_type="product", target_id=product.pk)
        assert renewed.pk == link.pk and renewed.code != old_code and renewed.expires_at > clock.now()
        visitor = make_user()
        assert logged_in(visitor).get(product_url(product, old_code)).status_code == 200
        assert not AttributionBinding.objects.filter(user=visitor).exists()


def test_unshareable_target_is_refused(sharer, make_product, shop, expect_error, api):
    hidden = make_product(shop=shop, on_shelf=False)
    expect_error(api(sharer).post("/api/v1/sharing/links", {"target_type": "product", "target_id": hidden.pk},
                                  content_type="application/json"), 404, "share_target_not_found")
    expect_error(api(sharer).post("/api/v1/sharing/links", {"target_type": "spaceship", "target_id": 1},
                                  content_type="application/json"), 400, "invalid_share_target")


def test_logged_in_click_binds_in_the_database(share_link, product, make_user, logged_in):
    visitor = make_user()
    response = logged_in(visitor).get(product_url(product, share_link.code))
    assert response.status_code == 200
    click = ShareClick.objects.get()
    assert (click.link_id, click.user_id, click.self_click) == (share_link.pk, visitor.pk, False)
    assert click.device and click.ip == "127.0.0.1"
    binding = AttributionBinding.objects.get(user=visitor, product_id=product.pk)
    assert binding.sharer_id == share_link.sharer_id and not binding.self_purchase
    assert binding.expires_at - binding.clicked_at == dt.timedelta(days=7)


@pytest.mark.parametrize("code", ["nope", "AAAAAAAAAAAA", "<script>alert(1)</script>", "x" * 200, "a%00b"])
def test_bad_codes_are_ignored_and_the_page_still_works(code, product, make_user, logged_in):
    visitor = make_user()
    response = logged_in(visitor).get(f"/p/{product.pk}/", {"share": code})
    assert response.status_code == 200
    assert ShareClick.objects.count() == 0 and AttributionBinding.objects.count() == 0


def test_code_pasted_onto_another_page_is_ignored(share_link, make_product, shop, make_user, logged_in):
    other = make_product(shop=shop, title="Other")
    assert logged_in(make_user()).get(product_url(other, share_link.code)).status_code == 200
    assert ShareClick.objects.count() == 0


def test_click_after_product_goes_off_shelf_is_ignored(share_link, product, make_user, logged_in):
    from quanzi.catalog.services import product_set_status

    product_set_status(product=product, status="off_shelf")
    from django.core.cache import cache

    cache.clear()
    logged_in(make_user()).get(product_url(product, share_link.code))
    assert ShareClick.objects.count() == 0


def test_sharers_own_click_is_recorded_but_binds_only_as_self_purchase(share_link, product, sharer, logged_in):
    logged_in(sharer).get(product_url(product, share_link.code))
    click = ShareClick.objects.get()
    assert click.self_click
    assert AttributionBinding.objects.get(user=sharer).self_purchase


def test_own_click_never_takes_a_friends_credit(share_link, product, make_user, logged_in):
    visitor = make_user()
    own, _t = share_link_for(sharer=visitor, target_type="product", target_id=product.pk)
    browser = logged_in(visitor)
    browser.get(product_url(product, share_link.code))
    with clock.travel(dt.timedelta(hours=1)):
        browser.get(product_url(product, own.code))
    assert AttributionBinding.objects.get(user=visitor).sharer_id == share_link.sharer_id
    assert ShareClick.objects.filter(self_click=True).count() == 1


def test_last_click_wins_by_default(share_link, product, make_user, logged_in):
    visitor, second_sharer = make_user(), make_user()
    second, _t = share_link_for(sharer=second_sharer, target_type="product", target_id=product.pk)
    browser = logged_in(visitor)
    browser.get(product_url(product, share_link.code))
    with clock.travel(dt.timedelta(hours=2)):
        browser.get(product_url(product, second.code))
    assert AttributionBinding.objects.get(user=visitor).sharer_id == second_sharer.pk


def test_first_click_wins_when_configured(share_link, product, make_user, logged_in, share_settings):
    share_settings(click_rule="first")
    visitor, second_sharer = make_user(), make_user()
    second, _t = share_link_for(sharer=second_sharer, target_type="product", target_id=product.pk)
    browser = logged_in(visitor)
    browser.get(product_url(product, share_link.code))
    with clock.travel(dt.timedelta(hours=2)):
        browser.get(product_url(product, second.code))
    assert AttributionBinding.objects.get(user=visitor).sharer_id == share_link.sharer_id
    with clock.travel(dt.timedelta(days=8)):  # the first binding expired: a new click binds again
        browser.get(product_url(product, second.code))
    assert AttributionBinding.objects.get(user=visitor).sharer_id == second_sharer.pk


def test_anonymous_click_is_kept_in_the_session(share_link, product):
    browser = Client()
    assert browser.get(product_url(product, share_link.code)).status_code == 200
    stored = browser.session[SESSION_BINDINGS][str(product.pk)]
    assert stored["link"] == share_link.pk and stored["sharer"] == share_link.sharer_id
    click = ShareClick.objects.get()
    assert click.user_id is None and click.session_key
    assert AttributionBinding.objects.count() == 0


def test_session_binding_moves_to_the_user_on_login(share_link, product, make_user):
    visitor = make_user(phone="13912345678")
    browser = Client()
    browser.get(product_url(product, share_link.code))
    response = browser.post("/login/", {"identifier": "13912345678", "password": "Str0ngPass!x"})
    assert response.status_code == 302
    binding = AttributionBinding.objects.get(user=visitor, product_id=product.pk)
    assert binding.link_id == share_link.pk
    assert SESSION_BINDINGS not in browser.session


def test_session_binding_moves_to_the_user_on_signup(share_link, product):
    from django.contrib.auth import get_user_model

    browser = Client()
    browser.get(product_url(product, share_link.code))
    response = browser.post("/register/", {"identifier": "13900001111", "password": "An0therStrong!pw",
                                           "nickname": "Bob"})
    assert response.status_code == 302
    bob = get_user_model().objects.get(phone="13900001111")
    assert AttributionBinding.objects.get(user=bob).sharer_id == share_link.sharer_id


def test_login_keeps_a_newer_database_binding_under_last_click(share_link, product, make_user, logged_in):
    visitor = make_user(phone="13912340000")
    other_sharer = make_user()
    other, _t = share_link_for(sharer=other_sharer, target_type="product", target_id=product.pk)
    anonymous = Client()
    anonymous.get(product_url(product, share_link.code))           # older, in the session
    with clock.travel(dt.timedelta(hours=1)):
        logged_in(visitor).get(product_url(product, other.code))   # newer, in the DB (another device)
        anonymous.post("/login/", {"identifier": "13912340000", "password": "Str0ngPass!x"})
    assert AttributionBinding.objects.get(user=visitor).sharer_id == other_sharer.pk


def test_expired_session_binding_is_not_moved(share_link, product, make_user):
    make_user(phone="13912349999")
    browser = Client()
    browser.get(product_url(product, share_link.code))
    with clock.travel(dt.timedelta(days=8)):
        browser.post("/login/", {"identifier": "13912349999", "password": "Str0ngPass!x"})
    assert AttributionBinding.objects.count() == 0


def test_clicks_are_rate_limited_per_ip(share_link, product):
    from quanzi.sharing.services import CLICK_LIMIT

    for _i in range(CLICK_LIMIT[0] + 10):
        assert Client().get(product_url(product, share_link.code)).status_code == 200
    assert ShareClick.objects.count() == CLICK_LIMIT[0]
    Client(REMOTE_ADDR="10.0.0.9").get(product_url(product, share_link.code))  # another IP still counts
    assert ShareClick.objects.count() == CLICK_LIMIT[0] + 1


def test_click_recording_is_cheap(share_link, product, make_user, logged_in, django_assert_max_num_queries):
    from quanzi.sharing.services import record_click

    visitor = make_user()
    record_click(code=share_link.code, path=f"/p/{product.pk}/", user_id=visitor.pk, session=None, ip="1.2.3.4",
                 device="ab")  # warms the link and settings cache
    with clock.travel(dt.timedelta(minutes=5)), django_assert_max_num_queries(4):
        # the click INSERT, the binding read and its UPDATE (+ a savepoint on some backends)
        assert record_click(code=share_link.code, path=f"/p/{product.pk}/", user_id=visitor.pk, session=None,
                            ip="1.2.3.4", device="ab")


def test_short_link_redirects_to_the_target_with_the_code(share_link, product):
    response = Client().get(f"/s/{share_link.code}")
    assert response.status_code == 302 and response["Location"] == product_url(product, share_link.code)
    assert ShareClick.objects.count() == 0  # counted once, on the landing page
    unknown = Client().get("/s/doesnotexist1")
    assert unknown.status_code == 302 and unknown["Location"] == "/"
    with clock.travel(dt.timedelta(days=91)):
        expired = Client().get(f"/s/{share_link.code}")
    assert expired["Location"] == product_url(product)


def test_app_click_endpoint_binds_the_token_user(share_link, product, make_user, api):
    visitor = make_user()
    response = api(visitor).post("/api/v1/sharing/clicks", {"code": share_link.code}, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"recorded": True, "bound": True}
    assert AttributionBinding.objects.get(user=visitor).link_id == share_link.pk
    bogus = api(visitor).post("/api/v1/sharing/clicks", {"code": "bogus"}, content_type="application/json")
    assert bogus.json() == {"recorded": False, "bound": False}
