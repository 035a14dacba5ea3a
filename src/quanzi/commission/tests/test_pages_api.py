"""Dashboards, the merchant's distribution pages and the API: status codes, content, CSRF, 404 for
other people's objects, and bounded query counts on lists."""

from __future__ import annotations

import pytest
from django.test import Client

from quanzi.commission.models import Commission, DistributionPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold(shop, sku, category, make_plan, make_user, bind_upline, attributed_order):
    upline, sharer = make_user(nickname="upline"), make_user(nickname="sharer")
    bind_upline(sharer, upline)
    make_plan(shop, rate_bps=2000, category=category)
    order = attributed_order([(sku, 1)], sharer=sharer)
    return order, sharer, upline


def _login(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_the_earnings_page_shows_pending_money_orders_tier_and_team(sold, django_assert_max_num_queries):
    _order, sharer, upline = sold
    page = _login(sharer).get("/me/earnings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "¥5.90" in html and "Member" in html and "Shopkeeper" in html
    team_page = _login(upline).get("/me/earnings/")
    assert "sharer" in team_page.content.decode() and "¥2.36" in team_page.content.decode()
    client = _login(sharer)
    with django_assert_max_num_queries(25):
        client.get("/me/earnings/")
    assert Client().get("/me/earnings/").status_code == 302  # to the login


def test_the_dashboard_api_and_another_users_commission_is_404(sold, api, expect_error):
    _order, sharer, upline = sold
    me = api(sharer).get("/api/v1/commission/me").json()
    assert me["balances"]["pending"] == 590 and me["orders"] == 1 and me["tier"]["rank"] == 1
    assert me["next_tier"]["own_needed"] == 100_000 - 5900
    assert api(upline).get("/api/v1/commission/me").json()["team"][0]["nickname"] == "sharer"
    page = api(sharer).get("/api/v1/commission/me/commissions").json()
    assert [(c["level"], c["amount"], c["status"]) for c in page["items"]] == [(1, 590, "pending")]
    upline_commission = Commission.objects.get(level=2)
    expect_error(api(sharer).get(f"/api/v1/commission/me/commissions/{upline_commission.pk}"), 404, "not_found")
    assert api(upline).get(f"/api/v1/commission/me/commissions/{upline_commission.pk}").json()["amount"] == 236
    expect_error(api().get("/api/v1/commission/me"), 401)


def test_commission_list_queries_do_not_grow_with_the_list(sold, shop, sku, attributed_order, api,
                                                           django_assert_max_num_queries):
    _order, sharer, _upline = sold
    for _ in range(5):
        attributed_order([(sku, 1)], sharer=sharer)
    client = api(sharer)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/commission/me/commissions").json()["items"]) == 6


def test_the_merchant_creates_disables_and_sees_plans(shop, product, category):
    client = _login(shop.owner)
    page = client.get("/merchant/distribution/")
    assert page.status_code == 200 and b"plan-form" in page.content
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    bad = client.post("/merchant/distribution/", {"target": "product", "product_id": product.pk, "rate": "45",
                                                  "csrfmiddlewaretoken": token})
    assert bad.status_code == 400 and b"3000" in bad.content  # above the 30 % cap
    ok = client.post("/merchant/distribution/", {"target": "product", "product_id": product.pk, "rate": "12.5",
                                                 "csrfmiddlewaretoken": token})
    assert ok.status_code == 302
    plan = DistributionPlan.objects.get()
    assert (plan.product_id, plan.rate_bps, plan.enabled) == (product.pk, 1250, True)
    assert client.post(f"/merchant/distribution/plans/{plan.pk}/", {"enabled": "0"}).status_code == 403  # no CSRF
    client.post(f"/merchant/distribution/plans/{plan.pk}/", {"enabled": "0", "csrfmiddlewaretoken": token})
    plan.refresh_from_db()
    assert plan.enabled is False


def test_another_merchants_plan_is_404_on_the_page_and_the_api(shop, product, make_shop, make_plan, api,
                                                               expect_error):
    plan = make_plan(shop, rate_bps=1000, product=product)
    other = make_shop()
    client = _login(other.owner)
    client.get("/merchant/distribution/")
    assert client.post(f"/merchant/distribution/plans/{plan.pk}/",
                       {"enabled": "0", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}).status_code == 404
    expect_error(api(other.owner).patch(f"/api/v1/commission/merchant/plans/{plan.pk}", {"enabled": False},
                                        content_type="application/json"), 404)
    expect_error(api(other.owner).post("/api/v1/commission/merchant/plans",
                                       {"rate_bps": 1000, "product_id": product.pk},
                                       content_type="application/json"), 404)  # not their product


def test_plan_api_validation(shop, product, category, api, expect_error):
    client = api(shop.owner)
    for body, code in [({"rate_bps": 0, "product_id": product.pk}, "rate_out_of_range"),
                       ({"rate_bps": 3001, "product_id": product.pk}, "rate_out_of_range"),
                       ({"rate_bps": 100}, "plan_target_required"),
                       ({"rate_bps": 100, "product_id": product.pk, "category_id": category.pk}, "plan_target_required")]:
        expect_error(client.post("/api/v1/commission/merchant/plans", body, content_type="application/json"), 400, code)
    created = client.post("/api/v1/commission/merchant/plans", {"rate_bps": 1500, "category_id": category.pk},
                          content_type="application/json")
    assert created.status_code == 200 and created.json()["target_type"] == "category"
    expect_error(client.post("/api/v1/commission/merchant/plans", {"rate_bps": 1500, "category_id": category.pk},
                             content_type="application/json"), 409, "plan_exists")
    patched = client.patch(f"/api/v1/commission/merchant/plans/{created.json()['id']}", {"rate_bps": 2000},
                           content_type="application/json")
    assert patched.json()["rate_bps"] == 2000
    assert client.get("/api/v1/commission/merchant/plans").json()["items"][0]["rate_bps"] == 2000


def test_merchant_summary_and_page_show_sales_cost_and_top_sharers(sold, shop, api):
    summary = api(shop.owner).get("/api/v1/commission/merchant/summary").json()
    assert (summary["sales"], summary["orders"], summary["cost"]) == (5900, 1, 826)
    assert summary["top_sharers"] == [{"nickname": "sharer", "sales": 5900, "orders": 1}]
    page = _login(shop.owner).get("/merchant/distribution/")
    assert "¥59.00" in page.content.decode() and "¥8.26" in page.content.decode()


def test_the_ops_page_and_api_are_staff_only(sold, make_user, api, expect_error):
    staff = make_user(is_staff=True)
    assert _login(sold[1]).get("/ops/distribution/").status_code == 404
    page = _login(staff).get("/ops/distribution/")
    assert page.status_code == 200 and b"ops-totals" in page.content
    expect_error(api(sold[1]).get("/api/v1/commission/ops/summary"), 404)
    assert api(staff).get("/api/v1/commission/ops/summary").json()["sales"] == 5900
