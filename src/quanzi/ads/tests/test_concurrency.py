"""The hard caps under concurrent clicks, on PostgreSQL: real threads, one connection each, released
together by a barrier (core.testing.run_pool)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from quanzi.ads import accounts as acct
from quanzi.ads import services
from quanzi.ads.models import AdCampaign, AdClick
from quanzi.ads.selectors import sponsored_for_search
from quanzi.core.testing import run_pool
from quanzi.ledger.selectors import balance, unbalanced_transactions
from quanzi.ledger.testing import transaction_count

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

UA = "Mozilla/5.0 (Linux; Android 14) Mobile"


def _impressions(n: int) -> list:
    """n anonymous visitors (devices v0…) each shown the ad once."""
    return [sponsored_for_search(query="绿茶", device=f"v{i}", rng=lambda: 0.0)[0] for i in range(n)]


def _click(ad, i: int, device: str | None = None):
    return lambda: services.click_record(token=ad.click_token, device=device or f"v{i}", ip=f"10.1.{i // 200}.{i % 200}",
                                         user_agent=UA)


def _billed(campaign) -> int:
    return AdClick.objects.filter(campaign=campaign, billed=True).aggregate(s=Sum("price"))["s"] or 0


def test_concurrent_clicks_with_five_yuan_left_bill_at_most_five_yuan(ad_shop, tea, make_campaign):
    campaign = make_campaign(ad_shop, [tea], keywords=(("绿茶", "broad", 37),), daily=10_000, total=10_000,
                             balance=20_000)
    services.placement_set(placement="search", reserve_price=37, slots=2)  # every click costs ¥0.37
    ads = _impressions(120)  # shown to 120 visitors (before the budget ran low: pacing would hold it back)
    AdCampaign.objects.filter(pk=campaign.pk).update(spent=9_500)  # ¥5 left of the total budget
    results = run_pool([_click(ad, i) for i, ad in enumerate(ads)], threads=40)
    assert all(r[0] == "ok" for r in results), [r for r in results if r[0] != "ok"][:3]
    clicks = [r[1] for r in results]
    assert sum(c.billed for c in clicks) == 13  # 13 × 37 = 481 ≤ 500 < 518
    assert {c.reason for c in clicks if not c.billed} == {"budget_exhausted"}
    campaign.refresh_from_db()
    assert campaign.spent == 9_500 + 481 == 9_500 + _billed(campaign)
    assert campaign.spent <= campaign.total_budget
    assert -balance(code=acct.ads_prepaid(ad_shop.pk)) == 20_000 - 481 == services.shop_balance(shop_id=ad_shop.pk)
    assert -balance(code=acct.ADS_REVENUE) == 481 and transaction_count(kind="ads.click") == 13
    assert unbalanced_transactions() == []


def test_the_daily_budget_and_the_balance_hold_under_concurrency_too(ad_shop, tea, make_campaign):
    campaign = make_campaign(ad_shop, [tea], keywords=(("绿茶", "broad", 50),), daily=1_000, total=100_000,
                             balance=10_000)
    services.placement_set(placement="search", reserve_price=50, slots=2)
    ads = _impressions(60)
    run_pool([_click(ad, i) for i, ad in enumerate(ads[:30])], threads=30)
    campaign.refresh_from_db()
    assert campaign.spent_day == 1_000 == _billed(campaign)  # exactly 20 clicks of ¥0.50

    # a second campaign of the same shop with a big budget, but only ¥3 left on the balance
    from quanzi.ads.models import AdsBalance

    AdCampaign.objects.filter(pk=campaign.pk).update(daily_budget=100_000, spend_day=None, spent_day=0)
    AdsBalance.objects.filter(shop=ad_shop).update(balance=300)
    results = run_pool([_click(ad, i) for i, ad in enumerate(ads[30:], start=30)], threads=30)
    assert sum(r[1].billed for r in results) == 6 and services.shop_balance(shop_id=ad_shop.pk) == 0
    assert {r[1].reason for r in results if not r[1].billed} == {"insufficient_balance"}


def test_one_visitor_racing_themself_is_billed_once(ad_shop, tea, make_campaign):
    campaign = make_campaign(ad_shop, [tea])
    [ad] = _impressions(1)
    results = run_pool([_click(ad, i, device="v0") for i in range(20)], threads=20)
    assert sum(r[1].billed for r in results) == 1
    assert {r[1].reason for r in results if not r[1].billed} == {"duplicate"}
    assert _billed(campaign) == AdCampaign.objects.get(pk=campaign.pk).spent
