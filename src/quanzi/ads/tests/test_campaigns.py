"""Campaigns: creation with products, keywords and placements; the rules on bids, keywords, budgets and
products; the state machine; the ads balance topped up through the payment flow."""

import datetime as dt

import pytest

from quanzi.ads import services, states
from quanzi.ads.models import AdBid, AdCampaign, AdTarget, AdTargetTerm, AdTopUp
from quanzi.core import clock
from quanzi.core.errors import (
    BusinessRuleViolation,
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from quanzi.ledger.testing import transaction_count, transactions

pytestmark = pytest.mark.django_db


def _create(shop, products, **kw):
    args = {"name": "春茶", "daily_budget": 5000, "total_budget": 50_000, "product_ids": [p.pk for p in products],
            "keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 80}]}
    args.update(kw)
    return services.campaign_create(user=shop.owner, **args)


def test_a_campaign_is_created_as_a_draft_with_its_products_keywords_bids_and_index(ad_shop, tea, category):
    c = _create(ad_shop, [tea], keywords=[{"keyword": "西湖 龙井", "match_type": "phrase", "max_cpc": 120}],
                placements=[{"placement": "feed", "max_cpc": 50},
                            {"placement": "category", "category_id": category.pk, "max_cpc": 40}])
    assert c.status == "draft" and c.shop_id == ad_shop.pk and c.number.startswith("AD")
    targets = {t.kind + ":" + (t.keyword or t.placement): t for t in AdTarget.objects.filter(campaign=c)}
    assert set(targets) == {"keyword:西湖 龙井", "placement:feed", "placement:category"}
    assert targets["keyword:西湖 龙井"].match_type == "phrase"
    assert AdBid.objects.get(target=targets["keyword:西湖 龙井"]).max_cpc == 120
    assert {"西湖", "龙井"} <= set(AdTargetTerm.objects.filter(target=targets["keyword:西湖 龙井"])
                                   .values_list("term", flat=True))


@pytest.mark.parametrize(("kw", "error", "code"), [
    ({"keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 5}]}, BusinessRuleViolation, "bid_below_reserve"),
    ({"keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 5001}]}, BusinessRuleViolation, "bid_above_cap"),
    ({"keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": "80"}]}, ValidationFailed, "invalid_bid"),
    ({"keywords": [{"keyword": "绿茶", "match_type": "fuzzy", "max_cpc": 80}]}, ValidationFailed, "invalid_match_type"),
    ({"keywords": [{"keyword": "", "match_type": "broad", "max_cpc": 80}]}, ValidationFailed, "invalid_keyword"),
    ({"keywords": [{"keyword": "！！！", "match_type": "broad", "max_cpc": 80}]}, ValidationFailed, "invalid_keyword"),
    ({"keywords": [{"keyword": "茶" * 21, "match_type": "broad", "max_cpc": 80}]}, ValidationFailed, "invalid_keyword"),
    ({"keywords": [{"keyword": f"词{i}", "match_type": "exact", "max_cpc": 80} for i in range(51)]},
     BusinessRuleViolation, "too_many_keywords"),
    ({"keywords": [{"keyword": "绿茶", "match_type": "broad", "max_cpc": 80}] * 2}, Conflict, "keyword_exists"),
    ({"daily_budget": 50}, ValidationFailed, "invalid_budget"),
    ({"daily_budget": 5000, "total_budget": 4000}, ValidationFailed, "invalid_budget"),
    ({"total_budget": 10**40}, ValidationFailed, "invalid_budget"),
    ({"name": " "}, ValidationFailed, "invalid_name"),
    ({"product_ids": []}, ValidationFailed, "no_products"),
    ({"product_ids": [10**12]}, NotFound, "product_not_found"),
    ({"placements": [{"placement": "search", "max_cpc": 80}]}, ValidationFailed, "invalid_placement"),
    ({"placements": [{"placement": "category", "category_id": 10**9, "max_cpc": 80}]}, ValidationFailed,
     "invalid_category"),
])
def test_bad_input_is_refused_clearly_and_nothing_is_created(ad_shop, tea, kw, error, code):
    with pytest.raises(error) as exc:
        _create(ad_shop, [tea], **kw)
    assert exc.value.code == code
    assert not AdCampaign.objects.exists()


def test_an_off_shelf_product_or_another_shops_product_cannot_be_promoted(ad_shop, make_shop, make_product):
    off = make_product(shop=ad_shop, title="下架的茶", on_shelf=False)
    with pytest.raises(BusinessRuleViolation) as exc:
        _create(ad_shop, [off])
    assert exc.value.code == "product_not_sellable"
    theirs = make_product(shop=make_shop(), title="别家的茶")
    with pytest.raises(NotFound):
        _create(ad_shop, [theirs])


def test_someone_without_a_shop_cannot_create_a_campaign(make_user, tea):
    with pytest.raises(Forbidden) as exc:
        services.campaign_create(user=make_user(), name="x", daily_budget=1000, total_budget=1000,
                                 product_ids=[tea.pk])
    assert exc.value.code == "no_shop"


def test_a_schedule_must_end_after_it_starts(ad_shop, tea):
    now = clock.now()
    with pytest.raises(ValidationFailed) as exc:
        _create(ad_shop, [tea], starts_at=now, ends_at=now - dt.timedelta(hours=1))
    assert exc.value.code == "invalid_schedule"
    with pytest.raises(ValidationFailed):
        _create(ad_shop, [tea], starts_at=dt.datetime(2026, 1, 1))  # naive


def test_a_budget_without_balance_cannot_start(ad_shop, tea):
    c = _create(ad_shop, [tea])
    with pytest.raises(BusinessRuleViolation) as exc:
        services.campaign_set_status(user=ad_shop.owner, number=c.number, status="active")
    assert exc.value.code == "insufficient_balance"
    assert AdCampaign.objects.get(pk=c.pk).status == "draft"


def test_the_state_machine_start_pause_resume_end(ad_shop, tea, fund):
    fund(ad_shop, 10_000)
    c = _create(ad_shop, [tea])
    for status in ("active", "paused", "active", "ended"):
        c = services.campaign_set_status(user=ad_shop.owner, number=c.number, status=status)
        assert AdCampaign.objects.get(pk=c.pk).status == status
    with pytest.raises(InvalidTransition) as exc:
        services.campaign_set_status(user=ad_shop.owner, number=c.number, status="active")
    assert exc.value.code == "invalid_campaign_state"
    with pytest.raises(Conflict):
        services.campaign_update(user=ad_shop.owner, number=c.number, name="改名")


def test_state_machine_table():
    from quanzi.ads.constants import CampaignStatus, TopUpStatus
    from quanzi.core.states import state_machines

    assert set(states.CAMPAIGN.states) == set(CampaignStatus.values) and set(states.TOPUP.states) == set(TopUpStatus.values)
    assert state_machines.get("ad_campaign") is states.CAMPAIGN and state_machines.get("ads_topup") is states.TOPUP
    assert states.CAMPAIGN.can("draft", "active") and states.CAMPAIGN.can("paused", "active")
    assert not states.CAMPAIGN.can("draft", "paused") and not states.CAMPAIGN.can("ended", "active")
    assert states.CAMPAIGN.final_states == {"ended"}


def test_another_shops_campaign_is_not_found(ad_shop, tea, make_shop):
    c = _create(ad_shop, [tea])
    other = make_shop()
    for call in (lambda: services.campaign_set_status(user=other.owner, number=c.number, status="active"),
                 lambda: services.campaign_update(user=other.owner, number=c.number, name="抢"),
                 lambda: services.target_add(user=other.owner, number=c.number,
                                             keyword={"keyword": "茶", "match_type": "broad", "max_cpc": 50})):
        with pytest.raises(NotFound):
            call()


def test_bids_and_targets_are_edited_and_budgets_never_go_below_spend(ad_shop, tea):
    c = _create(ad_shop, [tea])
    t = services.target_add(user=ad_shop.owner, number=c.number,
                            keyword={"keyword": "龙井", "match_type": "exact", "max_cpc": 60})
    assert services.bid_set(user=ad_shop.owner, number=c.number, target_id=t.pk, max_cpc=90).max_cpc == 90
    with pytest.raises(BusinessRuleViolation):
        services.bid_set(user=ad_shop.owner, number=c.number, target_id=t.pk, max_cpc=1)
    with pytest.raises(NotFound):
        services.bid_set(user=ad_shop.owner, number=c.number, target_id=10**9, max_cpc=90)
    services.target_remove(user=ad_shop.owner, number=c.number, target_id=t.pk)
    assert not AdTarget.objects.filter(pk=t.pk).exists()
    from quanzi.ads.auction import budget_day

    AdCampaign.objects.filter(pk=c.pk).update(spent=3000, spend_day=budget_day(clock.now()), spent_day=800)
    for daily, total in ((1000, 2000), (500, 5000)):  # below all-time spend; below today's spend
        with pytest.raises(BusinessRuleViolation) as exc:
            services.campaign_update(user=ad_shop.owner, number=c.number, daily_budget=daily, total_budget=total)
        assert exc.value.code == "budget_below_spend"
    updated = services.campaign_update(user=ad_shop.owner, number=c.number, total_budget=3000, daily_budget=800)
    assert (updated.daily_budget, updated.total_budget) == (800, 3000)


# ---------------------------------------------------------------- balance and top-up

def test_a_top_up_goes_through_the_payment_flow_and_is_credited_once(ad_shop, fund, notify_sandbox, ads_balance,
                                                                    ledger_balanced):
    topup = fund(ad_shop, 20_000)
    topup.refresh_from_db()
    assert topup.status == "paid"
    assert ads_balance(ad_shop) == (20_000, 20_000)
    notify_sandbox(topup.payment_number)  # the provider repeats its notification: nothing more
    assert ads_balance(ad_shop) == (20_000, 20_000)
    [txn] = transactions(kind="ads.topup")
    assert txn.idempotency_key == f"ads-topup:{topup.number}"
    assert {p.account.code: p.amount for p in txn.postings.all()} == {"platform:clearing": 20_000,
                                                                       f"shop:{ad_shop.pk}:ads_prepaid": -20_000}
    ledger_balanced()


def test_an_unpaid_top_up_credits_nothing_and_amounts_are_checked(ad_shop, ads_balance, make_user):
    topup, payment = services.topup_start(user=ad_shop.owner, amount=5000)
    assert payment.purpose == "ads_topup" and payment.amount == 5000
    assert ads_balance(ad_shop) == (0, 0) and transaction_count(kind="ads.topup") == 0
    for bad in (0, 999, 10**12, True, "5000"):
        with pytest.raises(ValidationFailed):
            services.topup_start(user=ad_shop.owner, amount=bad)
    with pytest.raises(Forbidden):
        services.topup_start(user=make_user(), amount=5000)
    assert AdTopUp.objects.count() == 1
    assert services.topup_credit(topup_number=topup.number, payment_number="forged", amount=5000) is False
    assert services.topup_credit(topup_number=topup.number, payment_number=payment.number, amount=1) is False
    assert ads_balance(ad_shop) == (0, 0)
