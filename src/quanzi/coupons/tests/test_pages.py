"""The coupon pages: the centre (tabs, claim, codes), "My coupons", the shop and product slots and the menu links,
the merchant console's list and create form, the operator's platform coupons; owner-only and staff-only pages
answer 404, and the centre's query count does not grow with its coupons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quanzi.core import clock
from quanzi.coupons import services, slots
from quanzi.coupons.models import Coupon, CouponTemplate

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _page(response) -> str:
    return response.content.decode()


def _flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _future(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# ---------------------------------------------------------------- the coupon centre

def test_the_centre_lists_live_coupons_by_issuer_and_never_paused_or_ended_ones(shop, coupon_template):
    coupon_template(shop=shop, name="Shop live", amount_off=1500, min_spend=9900)
    coupon_template(name="Platform live", kind="percent", percent_off=15, max_discount=2000)
    paused = coupon_template(name="Platform paused")
    services.template_set_status(template_id=paused.pk, status="paused")
    ended = coupon_template(shop=shop, name="Shop ended")
    services.template_set_status(template_id=ended.pk, status="ended", shop=shop)
    coupon_template(name="Code only", channel="code", code="HIDDEN01")
    coupon_template(name="Not yet", starts_at=clock.now() + dt.timedelta(days=1))

    page = _page(_client().get("/coupons/"))
    assert "Shop live" in page and "Platform live" in page
    assert "Platform paused" not in page and "Shop ended" not in page
    assert "Code only" not in page and "Not yet" not in page
    assert "¥15.00 off · over ¥99.00" in page and "15% off (up to ¥20.00)" in page  # rules.describe
    assert shop.name in page and 'data-testid="cp-shop-name"' in page
    assert "coupons/css/coupons.css" in page and 'data-testid="cp-redeem-form"' in page

    platform = _page(_client().get("/coupons/?issuer=platform"))
    assert "Platform live" in platform and "Shop live" not in platform
    shops = _page(_client().get("/coupons/?issuer=shop"))
    assert "Shop live" in shops and "Platform live" not in shops
    assert "Shop live" in _page(_client().get("/coupons/?issuer=nonsense"))  # an unknown tab is "all"


def test_the_centre_says_how_much_is_gone_and_how_long_it_lasts(shopper, make_shopper, coupon_template, claim):
    t = coupon_template(name="Four units", total_count=4, valid_days=7)
    claim(make_shopper(), t)
    claim(make_shopper(), t)
    claim(make_shopper(), t)
    page = _page(_client(shopper).get("/coupons/"))
    assert "75% claimed" in page and "Valid 7 days after claiming" in page
    dated = coupon_template(name="Dated", ends_at=clock.now() + dt.timedelta(days=60))
    page = _page(_client().get("/coupons/"))
    assert timezone.localtime(dated.starts_at).date().isoformat() in page
    assert timezone.localtime(dated.ends_at).date().isoformat() in page


def test_claiming_creates_a_coupon_and_the_second_claim_says_the_limit(shopper, coupon_template):
    t = coupon_template(name="One each")
    c = _client(shopper)
    r = c.post(f"/coupons/{t.pk}/claim/", {"next": "/coupons/?issuer=platform"})
    assert r.status_code == 302 and r["Location"] == "/coupons/?issuer=platform"
    coupon = Coupon.objects.get(template=t, user=shopper)
    assert coupon.how == "centre" and coupon.status == "available"
    page = c.get(r["Location"])
    assert "Claimed: One each" in " ".join(_flashes(page))
    assert 'data-testid="cp-claimed"' in _page(page) and 'data-testid="cp-claim"' not in _page(page)

    again = c.post(f"/coupons/{t.pk}/claim/", {"next": "/coupons/"}, follow=True)
    assert again.status_code == 200
    assert "You have already claimed this coupon." in _flashes(again)
    assert Coupon.objects.filter(template=t, user=shopper).count() == 1


def test_claim_errors_are_messages_never_500s(shopper, make_shopper, shop, coupon_template, claim):
    c = _client(shopper)
    gone = coupon_template(name="Last one", total_count=1)
    claim(make_shopper(), gone)
    r = c.post(f"/coupons/{gone.pk}/claim/", follow=True)
    assert r.status_code == 200 and "All of these coupons have been claimed." in _flashes(r)
    assert 'data-testid="cp-sold-out"' in _page(r)
    ended = coupon_template(shop=shop, name="Over")
    services.template_set_status(template_id=ended.pk, status="ended", shop=shop)
    r = c.post(f"/coupons/{ended.pk}/claim/", follow=True)
    assert "This coupon is no longer offered." in _flashes(r)
    r = c.post("/coupons/999999/claim/", follow=True)
    assert r.status_code == 200 and "Coupon not found." in _flashes(r)
    code_only = coupon_template(name="Secret", channel="code", code="SECRET42")  # not claimable with a button
    r = c.post(f"/coupons/{code_only.pk}/claim/", follow=True)
    assert "Coupon not found." in _flashes(r)
    assert not Coupon.objects.filter(user=shopper).exists()
    assert c.get(f"/coupons/{gone.pk}/claim/").status_code == 405


def test_claim_goes_back_only_to_this_site(shopper, coupon_template):
    t = coupon_template()
    r = _client(shopper).post(f"/coupons/{t.pk}/claim/", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/coupons/"


def test_an_anonymous_claim_goes_to_the_login_and_back(coupon_template):
    t = coupon_template()
    r = _client().post(f"/coupons/{t.pk}/claim/", {"next": "/coupons/?issuer=shop"})
    assert r.status_code == 302 and r["Location"] == "/login/?next=/coupons/%3Fissuer%3Dshop"
    assert not Coupon.objects.exists()
    r = _client().post("/coupons/redeem/", {"code": "ANYCODE1"})
    assert r.status_code == 302 and r["Location"] == "/login/?next=/coupons/"


def test_a_code_is_redeemed_and_a_wrong_code_or_too_many_tries_is_a_message(shopper, coupon_template):
    t = coupon_template(name="Spring code", channel="code", code="SPRING10")
    c = _client(shopper)
    r = c.post("/coupons/redeem/", {"code": " spring10 ", "next": "/coupons/"}, follow=True)
    assert r.status_code == 200 and "Code accepted: Spring code is in My coupons." in _flashes(r)
    assert Coupon.objects.get(user=shopper).template_id == t.pk and Coupon.objects.get(user=shopper).how == "code"
    r = c.post("/coupons/redeem/", {"code": "NOPE1234"}, follow=True)
    assert "No coupon has this code." in _flashes(r)
    for _ in range(8):  # 10 tries an hour, right or wrong
        c.post("/coupons/redeem/", {"code": "NOPE1234"})
    r = c.post("/coupons/redeem/", {"code": "SPRING10"}, follow=True)
    assert r.status_code == 200 and any("Too many attempts" in m for m in _flashes(r))
    assert Coupon.objects.filter(user=shopper).count() == 1


# ---------------------------------------------------------------- "My coupons"

def test_my_coupons_tabs_available_used_and_expired(shopper, shop, tee_and_mug, coupon_template, claim, checkout,
                                                    django_assert_max_num_queries):
    tee, _mug = tee_and_mug
    assert _client().get("/me/coupons/").status_code == 302
    claim(shopper, coupon_template(name="Platform gift"))
    held = claim(shopper, coupon_template(shop=shop, name="Shop held", amount_off=500))
    order = checkout(shopper, [(tee, 1)], coupons=[held.pk])[0][0]
    held.refresh_from_db()
    assert held.status == "held" and held.order_id == order.pk
    old = claim(shopper, coupon_template(name="Old one"))
    Coupon.objects.filter(pk=old.pk).update(valid_until=clock.now() - dt.timedelta(hours=1))

    c = _client(shopper)
    available = _page(c.get("/me/coupons/"))
    assert "Platform gift" in available and "Shop held" not in available and "Old one" not in available
    assert 'data-testid="cp-use"' in available and 'href="/"' in available  # a platform coupon: use it anywhere
    with django_assert_max_num_queries(12):
        used = _page(c.get("/me/coupons/?tab=used"))
    assert "Shop held" in used and "Held by an unpaid order" in used
    assert f'href="/orders/{order.number}/"' in used and 'data-testid="cp-held-order"' in used
    expired = _page(c.get("/me/coupons/?tab=expired"))
    assert "Old one" in expired and "Platform gift" not in expired
    assert "Platform gift" in _page(c.get("/me/coupons/?tab=whatever"))


def test_a_shop_coupon_is_used_in_its_shop(shopper, shop, coupon_template, claim):
    claim(shopper, coupon_template(shop=shop, name="Mine to use"))
    assert f'href="/shop/{shop.pk}/"' in _page(_client(shopper).get("/me/coupons/"))


def test_me_menu_home_entry_and_staff_link(shopper, make_user):
    assert 'data-testid="my-coupons"' in _page(_client(shopper).get("/me/"))
    assert 'data-testid="entry-coupons"' in _page(_client().get("/"))
    assert 'data-testid="me-ops-coupons"' not in _page(_client(shopper).get("/me/"))
    assert 'data-testid="me-ops-coupons"' in _page(_client(make_user(is_staff=True)).get("/me/"))


# ---------------------------------------------------------------- shop and product pages

def test_the_shop_and_product_pages_offer_their_coupons_to_claim(shop, make_shop, make_product, shopper,
                                                                 coupon_template):
    tee = make_product(shop=shop, title="Tee")
    other = make_shop()
    assert 'data-testid="cp-shop-coupons"' not in _page(_client().get(f"/shop/{shop.pk}/"))
    # logged in: the anonymous product page is cached for a few seconds (web.page_cache)
    assert 'data-testid="cp-product-coupons"' not in _page(_client(shopper).get(f"/p/{tee.pk}/"))
    coupon_template(shop=shop, name="Shop treat")
    coupon_template(shop=other, name="Elsewhere")
    t = coupon_template(shop=shop, name="Tee only", scope="products", scope_ids=[tee.pk])

    shop_page = _page(_client().get(f"/shop/{shop.pk}/"))
    assert 'data-testid="cp-shop-coupons"' in shop_page and "Shop treat" in shop_page
    assert "Elsewhere" not in shop_page and "coupons/css/coupons.css" in shop_page
    product_page = _page(_client().get(f"/p/{tee.pk}/"))
    assert 'data-testid="cp-product-coupons"' in product_page and "Tee only" in product_page
    assert "Elsewhere" not in product_page and 'name="how" value="product"' in product_page

    c = _client(shopper)
    r = c.post(f"/coupons/{t.pk}/claim/", {"next": f"/p/{tee.pk}/", "how": "product"})
    assert r["Location"] == f"/p/{tee.pk}/"
    assert Coupon.objects.get(user=shopper).how == "product"
    assert 'data-testid="cp-claimed"' in _page(c.get(f"/p/{tee.pk}/"))


def test_each_slot_costs_at_most_two_queries(shop, make_product, shopper, coupon_template):
    tee = make_product(shop=shop)
    for i in range(8):
        coupon_template(shop=shop, name=f"C{i}")
    request = RequestFactory().get("/")
    request.user = shopper
    for fn, ctx in ((slots.shop_header_context, {"shop": shop}), (slots.product_coupons_context, {"product": tee})):
        with CaptureQueriesContext(connection) as queries:
            out = fn({**ctx, "request": request})
        assert out["cp_tickets"] and len(queries) <= 2


# ---------------------------------------------------------------- merchant console

def test_the_merchant_list_shows_stats_and_the_console_tab(shop, shopper, make_shopper, coupon_template, claim):
    t = coupon_template(shop=shop, name="Watch me", total_count=10)
    claim(shopper, t)
    claim(make_shopper(), t)
    CouponTemplate.objects.filter(pk=t.pk).update(used_count=1, used_amount=1000, gmv=8900)
    page = _page(_client(shop.owner).get("/merchant/coupons/"))
    assert 'data-testid="console-nav-coupons"' in page and "Watch me" in page
    assert "2 / 8" in page and "¥10.00" in page and "¥89.00" in page and "50.0%" in page
    assert 'data-testid="cp-status-paused"' in page and 'data-testid="cp-status-ended"' in page
    assert _client().get("/merchant/coupons/").status_code == 302


def _fixed_form(**over) -> dict:
    data = {"name": "满99减15", "kind": "fixed", "amount_off": "15", "min_spend": "99.00", "scope": "all",
            "channel": "public", "starts_at": timezone.localdate().isoformat(), "ends_at": _future(10),
            "total_count": "200", "per_user_limit": "2", "valid_days": "", "budget_amount": "", "stacking_group": ""}
    data.update(over)
    return data


def test_the_merchant_creates_a_fixed_and_a_percent_coupon(shop, make_product):
    m = _client(shop.owner)
    page = _page(m.get("/merchant/coupons/new/"))
    assert 'data-testid="cp-form"' in page and 'data-testid="cp-kind-percent"' in page
    r = m.post("/merchant/coupons/new/", _fixed_form())
    assert r.status_code == 302 and r["Location"] == "/merchant/coupons/"
    fixed = CouponTemplate.objects.get(name="满99减15")
    assert (fixed.issuer, fixed.shop_id, fixed.kind, fixed.amount_off, fixed.min_spend) == ("shop", shop.pk, "fixed",
                                                                                            1500, 9900)
    assert (fixed.total_count, fixed.per_user_limit, fixed.created_by_id) == (200, 2, shop.owner.pk)
    ends = timezone.localtime(fixed.ends_at)
    assert (ends.date().isoformat(), ends.hour, ends.minute, ends.second) == (_future(10), 23, 59, 59)
    assert str(ends.tzinfo) == "Asia/Shanghai"

    tee = make_product(shop=shop, title="Tee")
    r = m.post("/merchant/coupons/new/", _fixed_form(
        name="85折", kind="percent", amount_off="", percent_off="15", max_discount="20", min_spend="",
        scope="products", product_ids=[str(tee.pk)], channel="code", code="tee15", budget_amount="500",
        new_users_only="on", valid_days="7"))
    assert r.status_code == 302
    pct = CouponTemplate.objects.get(name="85折")
    assert (pct.kind, pct.percent_off, pct.max_discount, pct.min_spend) == ("percent", 15, 2000, 0)
    assert (pct.scope, pct.scope_ids, pct.channel, pct.code) == ("products", [tee.pk], "code", "TEE15")
    assert (pct.budget_amount, pct.new_users_only, pct.valid_days) == (50000, True, 7)
    listing = _page(m.get("/merchant/coupons/"))
    assert "满99减15" in listing and "85折" in listing and "TEE15" in listing


@pytest.mark.parametrize("over, field, message", [
    ({"amount_off": "100", "min_spend": "50"}, "amount_off", "The amount off cannot exceed the minimum spend."),
    ({"starts_at": _future(5), "ends_at": _future(3)}, "ends_at", "It must end after it starts"),
    ({"amount_off": "abc"}, "amount_off", "Enter a price in yuan"),
    ({"ends_at": "31/12/2030"}, "ends_at", "Enter a date like 2026-12-31."),
    ({"total_count": ""}, "total_count", "Enter a whole number."),
    ({"channel": "code", "code": "!!"}, "code", "A code is 4 to 32 letters or digits."),
])
def test_an_invalid_form_shows_the_error_keeps_the_values_and_creates_nothing(shop, over, field, message):
    r = _client(shop.owner).post("/merchant/coupons/new/", _fixed_form(**over))
    page = _page(r)
    assert r.status_code == 400 and message in page
    assert f'data-testid="field-error-{field}"' in page
    assert 'value="满99减15"' in page  # what was typed stays
    assert not CouponTemplate.objects.exists()


def test_a_merchant_cannot_touch_another_shops_coupon(shop, make_shop, coupon_template):
    mine = coupon_template(shop=shop, name="Ours")
    theirs = coupon_template(shop=make_shop(), name="Theirs")
    platform = coupon_template(name="Platform's")
    m = _client(shop.owner)
    assert m.post(f"/merchant/coupons/{theirs.pk}/status/", {"status": "paused"}).status_code == 404
    assert m.post(f"/merchant/coupons/{platform.pk}/status/", {"status": "ended"}).status_code == 404
    assert "Theirs" not in _page(m.get("/merchant/coupons/"))
    r = m.post(f"/merchant/coupons/{mine.pk}/status/", {"status": "paused"}, follow=True)
    assert r.status_code == 200 and any("Ours" in f for f in _flashes(r))
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (mine.status, theirs.status) == ("paused", "live")
    assert 'data-testid="cp-status-live"' in _page(r)  # resume
    m.post(f"/merchant/coupons/{mine.pk}/status/", {"status": "ended"})
    r = m.post(f"/merchant/coupons/{mine.pk}/status/", {"status": "live"}, follow=True)
    assert r.status_code == 200 and _flashes(r)  # ended is final: a message, not a 500
    mine.refresh_from_db()
    assert mine.status == "ended"


# ---------------------------------------------------------------- operator

def test_platform_coupons_are_staff_only(shopper, shop, coupon_template):
    t = coupon_template(name="Platform")
    for c in (_client(shopper), _client(shop.owner)):
        assert c.get("/ops/coupons/").status_code == 404
        assert c.get("/ops/coupons/new/").status_code == 404
        assert c.post("/ops/coupons/new/", _fixed_form()).status_code == 404
        assert c.post(f"/ops/coupons/{t.pk}/status/", {"status": "paused"}).status_code == 404
        assert c.get(f"/ops/coupons/{t.pk}/status/").status_code == 404
    t.refresh_from_db()
    assert t.status == "live" and CouponTemplate.objects.count() == 1


def test_staff_create_run_and_end_platform_coupons(make_user, category, shop, coupon_template):
    ops = _client(make_user(is_staff=True))
    shop_coupon = coupon_template(shop=shop, name="A shop's")
    assert "A shop's" not in _page(ops.get("/ops/coupons/"))
    assert 'data-testid="cp-scope-shops"' in _page(ops.get("/ops/coupons/new/"))
    r = ops.post("/ops/coupons/new/", _fixed_form(name="Apparel week", scope="categories",
                                                  category_ids=[str(category.pk)], channel="new_user"))
    assert r.status_code == 302 and r["Location"] == "/ops/coupons/"
    t = CouponTemplate.objects.get(name="Apparel week")
    assert (t.issuer, t.shop_id, t.scope, t.channel) == ("platform", None, "categories", "new_user")
    assert category.pk in t.scope_ids
    r = ops.post("/ops/coupons/new/", _fixed_form(name="Two shops", scope="shops", shop_ids=f"{shop.pk}, {shop.pk}"))
    assert r.status_code == 302 and CouponTemplate.objects.get(name="Two shops").scope_ids == [shop.pk]
    r = ops.post("/ops/coupons/new/", _fixed_form(name="No shops", scope="shops", shop_ids=""))
    assert r.status_code == 400 and 'data-testid="field-error-scope"' in _page(r)
    page = _page(ops.get("/ops/coupons/"))
    assert "Apparel week" in page and "Two shops" in page
    ops.post(f"/ops/coupons/{t.pk}/status/", {"status": "paused"})
    t.refresh_from_db()
    assert t.status == "paused"
    assert ops.post(f"/ops/coupons/{shop_coupon.pk}/status/", {"status": "paused"}, follow=True).status_code == 200
    shop_coupon.refresh_from_db()
    assert shop_coupon.status == "live"  # the operator's page runs platform coupons only


# ---------------------------------------------------------------- query counts

def _centre_queries(client, url="/coupons/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_centre_costs_the_same_few_queries_for_3_or_40_coupons(shopper, make_shop, coupon_template, claim,
                                                                   django_assert_max_num_queries):
    shops = [make_shop() for _ in range(4)]
    for i in range(3):
        claim(shopper, coupon_template(shop=shops[i % 4], name=f"Early {i}"))
    anon, member = _client(), _client(shopper)
    few = (_centre_queries(anon), _centre_queries(member))
    for i in range(37):
        t = coupon_template(shop=shops[i % 4] if i % 2 else None, name=f"Late {i}")
        if i % 3 == 0:
            claim(shopper, t)
    assert (_centre_queries(anon), _centre_queries(member)) == few
    with django_assert_max_num_queries(3):
        assert _page(anon.get("/coupons/")).count('data-testid="cp-ticket"') == 40
    with django_assert_max_num_queries(8):
        assert _page(member.get("/coupons/")).count('data-testid="cp-ticket"') == 40
