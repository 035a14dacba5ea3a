"""Invitation codes, invite links, the upline graph (acyclic, never changed) and the public selectors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, ValidationFailed
from quanzi.sharing import selectors
from quanzi.sharing.models import Upline, UplineVia
from quanzi.sharing.services import INVITE_LIMIT, invitation_for, upline_bind

pytestmark = pytest.mark.django_db


def chain_of(make_user, n):
    """n users where each one's upline is the previous: [root, child, grandchild, …]."""
    users = [make_user() for _ in range(n)]
    for parent, child in zip(users, users[1:], strict=False):
        upline_bind(user=child, upline=parent, via=UplineVia.OPERATOR)
    return users


def test_invitation_codes_are_short_unique_and_stable(make_user):
    users = [make_user() for _ in range(30)]
    codes = [invitation_for(user=u).code for u in users]
    assert len(set(codes)) == 30
    assert all(len(c) == 8 and c.isalnum() and c.isupper() for c in codes)
    assert invitation_for(user=users[0]).code == codes[0]


def test_invite_link_then_signup_binds_the_inviter(make_user):
    from django.contrib.auth import get_user_model

    inviter = make_user(nickname="Alice")
    code = invitation_for(user=inviter).code
    browser = Client()
    response = browser.get(f"/i/{code}")
    assert response.status_code == 302 and response["Location"] == "/register/"
    browser.post("/register/", {"identifier": "13900002222", "password": "An0therStrong!pw", "nickname": "Bob"})
    bob = get_user_model().objects.get(phone="13900002222")
    link = Upline.objects.get(user=bob)
    assert (link.upline_id, link.via, link.code) == (inviter.pk, UplineVia.INVITE_LINK, code)


def test_invite_link_for_an_old_account_does_not_bind(make_user):
    inviter = make_user()
    old = make_user(phone="13900003333")
    # signed up two days ago: outside the 24 h window
    old.date_joined = clock.now() - dt.timedelta(days=2)
    old.save(update_fields=["date_joined"])
    browser = Client()
    browser.get(f"/i/{invitation_for(user=inviter).code}")
    browser.post("/login/", {"identifier": "13900003333", "password": "Str0ngPass!x"})
    assert not Upline.objects.filter(user=old).exists()


def test_accept_code_by_api_within_the_window(make_user, api, expect_error):
    inviter, newcomer = make_user(nickname="Alice"), make_user()
    code = invitation_for(user=inviter).code
    response = api(newcomer).post("/api/v1/sharing/invite/accept", {"code": code.lower()},
                                  content_type="application/json")
    assert response.status_code == 201 and response.json()["upline"]["nickname"] == "Alice"
    assert selectors.upline_chain(user_id=newcomer.pk, depth=1) == [inviter.pk]
    # an upline never changes
    other = make_user()
    expect_error(api(newcomer).post("/api/v1/sharing/invite/accept", {"code": invitation_for(user=other).code},
                                    content_type="application/json"), 409, "upline_exists")
    assert Upline.objects.get(user=newcomer).upline_id == inviter.pk


def test_accept_outside_the_window_is_refused(make_user, api, expect_error):
    inviter, newcomer = make_user(), make_user()
    with clock.travel(dt.timedelta(hours=25)):
        expect_error(api(newcomer).post("/api/v1/sharing/invite/accept", {"code": invitation_for(user=inviter).code},
                                        content_type="application/json"), 422, "invite_window_closed")
    assert not Upline.objects.exists()


def test_unknown_code_is_a_clear_error(make_user, api, expect_error):
    expect_error(api(make_user()).post("/api/v1/sharing/invite/accept", {"code": "ZZZZZZZZ"},
                                       content_type="application/json"), 400, "invalid_invite_code")
    response = Client().get("/i/ZZZZZZZZ")
    assert response.status_code == 404 and b"not valid" in response.content


def test_invite_use_is_rate_limited_per_ip(make_user, api, expect_error):
    user = make_user()
    client = api(user)
    for _i in range(INVITE_LIMIT[0]):
        expect_error(client.post("/api/v1/sharing/invite/accept", {"code": "WRONG123"},
                                 content_type="application/json"), 400, "invalid_invite_code")
    good = invitation_for(user=make_user()).code
    expect_error(client.post("/api/v1/sharing/invite/accept", {"code": good}, content_type="application/json"),
                 429, "rate_limited")
    assert Client().get(f"/i/{good}").status_code == 429  # same IP, the web link too
    assert not Upline.objects.exists()


def test_self_upline_is_refused(make_user, api, expect_error):
    me = make_user()
    expect_error(api(me).post("/api/v1/sharing/invite/accept", {"code": invitation_for(user=me).code},
                              content_type="application/json"), 422, "upline_cycle")


def test_cycle_is_refused(make_user):
    a, b, c = chain_of(make_user, 3)  # a ← b ← c
    with pytest.raises(BusinessRuleViolation) as exc:
        upline_bind(user=a, upline=c, via=UplineVia.CODE)
    assert exc.value.code == "upline_cycle"
    with pytest.raises(BusinessRuleViolation):
        upline_bind(user=a, upline=b, via=UplineVia.CODE)
    assert not Upline.objects.filter(user=a).exists()


def test_long_chains_are_walked_for_cycles(make_user):
    users = chain_of(make_user, 12)
    with pytest.raises(BusinessRuleViolation) as exc:
        upline_bind(user=users[0], upline=users[-1], via=UplineVia.OPERATOR)
    assert exc.value.code == "upline_cycle"
    outsider = make_user()
    upline_bind(user=users[0], upline=outsider, via=UplineVia.OPERATOR)  # no cycle: allowed
    assert selectors.upline_chain(user_id=users[2].pk, depth=3) == [users[1].pk, users[0].pk, outsider.pk]


def test_existing_upline_never_changes(make_user):
    a, b = chain_of(make_user, 2)
    with pytest.raises(Conflict) as exc:
        upline_bind(user=b, upline=make_user(), via=UplineVia.OPERATOR)
    assert exc.value.code == "upline_exists"


def test_upline_chain_depth_and_cap(make_user, django_assert_num_queries):
    users = chain_of(make_user, 5)
    leaf = users[-1]
    with django_assert_num_queries(1):
        assert selectors.upline_chain(user_id=leaf.pk, depth=3) == [users[3].pk, users[2].pk, users[1].pk]
    assert selectors.upline_chain(user_id=leaf.pk, depth=2) == [users[3].pk, users[2].pk]
    assert selectors.upline_chain(user_id=users[1].pk, depth=3) == [users[0].pk]
    assert selectors.upline_chain(user_id=users[0].pk, depth=3) == []
    assert selectors.upline_chain(user_id=leaf.pk, depth=0) == []
    with pytest.raises(ValidationFailed) as exc:
        selectors.upline_chain(user_id=leaf.pk, depth=4)
    assert exc.value.code == "depth_above_cap"


def test_upline_chains_of_many_users_agree_with_upline_chain(make_user, django_assert_num_queries):
    users = chain_of(make_user, 5)
    loner = make_user()
    ids = [u.pk for u in users] + [loner.pk]
    for depth in (0, 1, 2, 3):
        expected = {i: selectors.upline_chain(user_id=i, depth=depth) for i in ids}
        with django_assert_num_queries(1 if depth else 0):
            assert selectors.upline_chains(user_ids=ids, depth=depth) == expected
    with pytest.raises(ValidationFailed):
        selectors.upline_chains(user_ids=ids, depth=4)


def test_directs(make_user):
    root = make_user()
    kids = [make_user() for _ in range(3)]
    for kid in kids:
        upline_bind(user=kid, upline=root, via=UplineVia.CODE)
    upline_bind(user=make_user(), upline=kids[0], via=UplineVia.CODE)  # a grandchild is not a direct
    assert set(selectors.directs(user_id=root.pk).values_list("pk", flat=True)) == {k.pk for k in kids}
    assert selectors.direct_ids(user_id=root.pk) == sorted(k.pk for k in kids)


def test_first_order_rule_binds_the_sharer_of_the_first_attributed_order(
        share_settings, share_link, sharer, product, sku, shopper, logged_in, place_order, make_user, api,
        expect_error, django_capture_on_commit_callbacks):
    share_settings(upline_rule="first_order")
    # under this rule an invitation code does not bind
    expect_error(api(shopper).post("/api/v1/sharing/invite/accept", {"code": invitation_for(user=make_user()).code},
                                   content_type="application/json"), 422, "upline_rule_first_order")
    logged_in(shopper).get(f"/p/{product.pk}/?share={share_link.code}")
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(sku, 1)], pay=True)
    link = Upline.objects.get(user=shopper)
    assert (link.upline_id, link.via, link.code) == (sharer.pk, UplineVia.FIRST_ORDER, share_link.code)


def test_first_order_rule_without_attribution_binds_nothing(share_settings, sku, shopper, place_order,
                                                           django_capture_on_commit_callbacks):
    share_settings(upline_rule="first_order")
    with django_capture_on_commit_callbacks(execute=True):
        place_order([(sku, 1)], pay=True)
    assert not Upline.objects.exists()


def test_invite_page_shows_code_directs_and_accepts(make_user, logged_in):
    inviter = make_user(nickname="Alice")
    newcomer = make_user()
    upline_bind(user=make_user(nickname="Kid One"), upline=newcomer, via=UplineVia.CODE)
    browser = logged_in(newcomer)
    page = browser.get("/me/invite/")
    assert page.status_code == 200
    body = page.content.decode()
    assert invitation_for(user=newcomer).code in body and "Kid One" in body and 'data-testid="accept-form"' in body
    bad = browser.post("/me/invite/", {"code": "NOPE"})
    assert bad.status_code == 400 and "not valid" in bad.content.decode()
    ok = browser.post("/me/invite/", {"code": invitation_for(user=inviter).code})
    assert ok.status_code == 302
    assert "Alice" in browser.get("/me/invite/").content.decode()


def test_invite_page_accept_needs_csrf(make_user):
    from django.test import Client as CsrfClient

    user = make_user()
    browser = CsrfClient(enforce_csrf_checks=True)
    browser.force_login(user, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
    assert browser.post("/me/invite/", {"code": invitation_for(user=make_user()).code}).status_code == 403
    assert not Upline.objects.exists()


def test_invite_page_needs_login():
    response = Client().get("/me/invite/")
    assert response.status_code == 302 and "/login/" in response["Location"]
