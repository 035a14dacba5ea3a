"""The operator's dashboard and the merchant's data centre: who sees what, the free tier and the plan bought
through the cashier (booked as platform revenue), CSV, bad ranges, and another shop's data never shown."""

import datetime as dt

import pytest
from django.test import Client

from quanzi.analytics import constants as names
from quanzi.analytics.rollups import rollup_dirty_days
from quanzi.analytics.services import SHANGHAI, Fact, record

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sales(make_shop, product):
    """Paid orders of the product's shop (yesterday, and 20 days ago) and of another shop (yesterday)."""
    other = make_shop()
    now = dt.datetime.now(SHANGHAI)
    record([
        Fact(key="a", name=names.PRODUCT_VIEW, occurred_at=now - dt.timedelta(days=1, hours=2), actor="u1",
             shop_id=product.shop_id),
        Fact(key="b", name=names.ORDER_CREATED, occurred_at=now - dt.timedelta(days=1, hours=1), actor="u1",
             shop_id=product.shop_id),
        Fact(key="c", name=names.ORDER_PAID, occurred_at=now - dt.timedelta(days=1), actor="u1",
             shop_id=product.shop_id, amount=6800, channel="share"),
        Fact(key="d", name=names.ORDER_PAID, occurred_at=now - dt.timedelta(days=20), actor="u2",
             shop_id=product.shop_id, amount=1200, channel="organic"),
        Fact(key="e", name=names.ORDER_PAID, occurred_at=now - dt.timedelta(days=1), actor="u3", shop_id=other.pk,
             amount=777_700, channel="organic"),
    ])
    rollup_dirty_days()
    return other


def test_the_operator_dashboard_is_staff_only(make_user, sales):
    assert signed_in(make_user()).get("/ops/analytics/").status_code == 404
    staff = signed_in(make_user(is_staff=True))
    page = staff.get("/ops/analytics/")
    assert page.status_code == 200
    html = page.content.decode()
    for testid in ("an-kpis", "an-chart", "an-channels", "an-funnel", "an-cohorts", "an-sharing"):
        assert f'data-testid="{testid}"' in html
    assert page.context["overview"].totals["gmv"] == 6800 + 1200 + 777_700
    csv = staff.get("/ops/analytics/?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode("utf-8-sig").startswith("day,gmv")
    bad = staff.get("/ops/analytics/?since=2020-01-01&until=2026-01-01")
    assert bad.status_code == 400 and "Choose at most 366 days" in bad.content.decode()


def test_the_free_tier_is_seven_days_of_the_own_shop(product, sales):
    merchant = signed_in(product.shop.owner)
    page = merchant.get("/merchant/data/")
    assert page.status_code == 200
    assert page.context["overview"].totals["gmv"] == 6800  # not the order 20 days ago, not the other shop's
    assert "funnel" not in page.context and b'data-testid="an-upsell"' in page.content
    assert merchant.get("/merchant/data/?format=csv").status_code == 404
    assert merchant.get("/merchant/data/?since=2026-01-01").status_code == 400  # beyond the free 7 days


def test_a_plan_bought_at_the_cashier_unlocks_the_full_reports(product, sales, pay):
    from quanzi.analytics import accounts as acct
    from quanzi.analytics.models import DataPlan
    from quanzi.ledger.selectors import balance, unbalanced_transactions

    merchant = signed_in(product.shop.owner)
    r = merchant.post("/merchant/data/plan/", {"period": "year"})
    assert r.status_code == 302
    plan = DataPlan.objects.get(shop=product.shop)
    pay(plan.payment_number)
    pay(plan.payment_number)  # a repeated notification activates and books nothing twice
    plan.refresh_from_db()
    assert plan.status == "paid" and (plan.ends_at - plan.starts_at).days == 366
    assert -balance(code=acct.SERVICES_REVENUE) == 99_900 and unbalanced_transactions() == []
    page = merchant.get("/merchant/data/")
    assert page.context["full"] and page.context["funnel"][0].get("actors") == 1
    assert page.context["overview"].totals["gmv"] == 6800 + 1200  # 30 days now; still only this shop
    assert merchant.get("/merchant/data/?format=csv").status_code == 200
    assert merchant.post("/merchant/data/plan/", {"period": "forever"}).status_code == 302  # refused, back
    assert DataPlan.objects.count() == 1
