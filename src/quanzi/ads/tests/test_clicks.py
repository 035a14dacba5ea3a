"""Click billing: one ledger posting per billed click; the invalid-traffic rules (not billed, recorded with
a reason); the budgets and the balance as hard caps; refunds reverse the posting. Spend = sum of billed
clicks = ledger movement, always."""

import datetime as dt

import pytest
from django.db.models import Sum

from quanzi.ads import accounts as acct
from quanzi.ads import services
from quanzi.ads.models import AdCampaign, AdClick, AdsBalance
from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.ledger.selectors import balance
from quanzi.ledger.testing import transaction_count, transactions

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(ad_shop, tea, make_campaign):
    return make_campaign(ad_shop, [tea], keywords=(("绿茶", "broad", 100),), daily=1000, total=5000, balance=3000)


def _books_agree(campaign, shop, ads_balance, funded):
    """Spend = sum of billed, unrefunded clicks = what left the shop's ads balance in the ledger."""
    campaign.refresh_from_db()
    billed = AdClick.objects.filter(campaign=campaign, billed=True, refunded_at__isnull=True) \
        .aggregate(s=Sum("price"))["s"] or 0
    assert campaign.spent == billed
    assert ads_balance(shop) == (funded - billed, funded - billed)
    assert -balance(code=acct.ADS_REVENUE) == billed


def test_a_click_is_billed_once_as_one_balanced_ledger_posting(running, ad_shop, serve, click, shopper, ads_balance,
                                                               ledger_balanced):
    [ad] = serve("绿茶", viewer=shopper)
    c = click(ad, user=shopper)
    assert c.billed and c.price == 10 and c.reason == ""
    [txn] = transactions(kind="ads.click")
    assert txn.idempotency_key == f"ad-click:{c.pk}"
    assert {p.account.code: p.amount for p in txn.postings.all()} == {acct.ads_prepaid(ad_shop.pk): 10,
                                                                       acct.ADS_REVENUE: -10}
    running.refresh_from_db()
    assert (running.spent, running.spent_day) == (10, 10)
    _books_agree(running, ad_shop, ads_balance, 3000)
    ledger_balanced()


def test_a_repeat_click_within_30_minutes_is_not_billed_and_after_it_is(running, serve, click, shopper):
    [ad] = serve("绿茶", viewer=shopper)
    assert click(ad, user=shopper).billed
    again = click(ad, user=shopper)
    assert not again.billed and again.reason == "duplicate" and again.price == 0
    with clock.travel(dt.timedelta(minutes=31)):
        [fresh] = serve("绿茶", viewer=shopper)
        assert click(fresh, user=shopper).billed
    assert transaction_count(kind="ads.click") == 2


def test_anonymous_visitors_are_told_apart_by_device(running, serve, click):
    [ad1] = serve("绿茶", device="phone-a")
    [ad2] = serve("绿茶", device="phone-b")
    assert click(ad1, device="phone-a").billed and click(ad2, device="phone-b").billed
    assert click(ad1, device="phone-a").reason == "duplicate"


@pytest.mark.parametrize(("who", "reason"), [
    ("owner", "self_click"),
    ("bot", "bot"),
    ("no_agent", "bot"),
    ("stranger", "no_impression"),
])
def test_invalid_clicks_are_recorded_with_a_reason_and_not_billed(running, ad_shop, serve, click, shopper, make_user,
                                                                  ads_balance, who, reason):
    viewer = ad_shop.owner if who == "owner" else shopper
    [ad] = serve("绿茶", viewer=viewer, device="seen")
    kwargs = {"user": viewer, "device": "seen"}
    if who == "bot":
        kwargs["ua"] = "Mozilla/5.0 (compatible; Googlebot/2.1)"
    elif who == "no_agent":
        kwargs["ua"] = ""
    elif who == "stranger":
        kwargs = {"user": make_user(), "device": "other"}
    c = click(ad, **kwargs)
    assert (c.billed, c.reason, c.price) == (False, reason, 0)
    assert transaction_count(kind="ads.click") == 0
    _books_agree(running, ad_shop, ads_balance, 3000)


def test_a_stale_impression_is_not_billed(running, serve, click, shopper):
    [ad] = serve("绿茶", viewer=shopper)
    with clock.travel(dt.timedelta(days=2)):
        assert click(ad, user=shopper).reason == "stale"


def test_a_burst_of_clicks_from_one_address_stops_being_billed(running, serve, click, make_user, settings):
    settings.QUANZI = {**settings.QUANZI, "ADS_BURST_CLICKS_PER_MINUTE": 3}
    results = []
    for _ in range(5):
        user = make_user()
        [ad] = serve("绿茶", viewer=user)
        results.append(click(ad, user=user, ip="203.0.113.9").reason)
    assert results == ["", "", "", "burst", "burst"]


def test_a_forged_or_altered_click_id_is_refused_and_records_nothing(running, serve, click, shopper):
    [ad] = serve("绿茶", viewer=shopper)
    number, _sig = ad.click_token.split(":", 1)
    for token in ("", "x", f"{number}:forged", f"{int(number) + 1}:{_sig}", "9" * 500, "\x00:\x00",
                  services.click_token(10**12)):
        with pytest.raises(ValidationFailed) as exc:
            click(ad, user=shopper, token=token)
        assert exc.value.code == "invalid_click_id"
    assert not AdClick.objects.exists()


def _to_late_evening() -> dt.timedelta:
    """How far to move the clock to reach 23:00 in Asia/Shanghai (the budgets' day). Pacing lets a campaign
    spend ahead of the clock only as the day runs out, so a test that spends most of a daily budget in a few
    clicks must run late in the day — at 01:00 it would be held back, and fail at night on CI."""
    from quanzi.ads.auction import SHANGHAI

    local = clock.now().astimezone(SHANGHAI)
    late = local.replace(hour=23, minute=0, second=0, microsecond=0)
    return late - local if late > local else late + dt.timedelta(days=1) - local


def test_billing_stops_exactly_at_the_daily_budget_and_the_total_budget(ad_shop, tea, make_campaign, serve, click,
                                                                        make_user, ads_balance):
    with clock.travel(_to_late_evening()):
        _spend_two_days(ad_shop, tea, make_campaign, serve, click, make_user, ads_balance)


def _spend_two_days(ad_shop, tea, make_campaign, serve, click, make_user, ads_balance):
    c = make_campaign(ad_shop, [tea], keywords=(("绿茶", "broad", 300),), daily=1000, total=1500, balance=5000)
    AdCampaign.objects.filter(pk=c.pk).update(spent=0)
    services.placement_set(placement="search", reserve_price=300, slots=2)  # every click costs ¥3.00
    reasons = []
    for _ in range(5):
        user = make_user()
        [ad] = serve("绿茶", viewer=user) or [None]
        if ad is None:
            reasons.append("not served")
            continue
        reasons.append(click(ad, user=user).reason or "billed")
    assert reasons[:3] == ["billed"] * 3 and "billed" not in reasons[3:]  # 900 ≤ 1000 < 1200
    c.refresh_from_db()
    assert c.spent_day == 900
    with clock.travel(dt.timedelta(days=1)):  # a new day: 600 more allowed by the total, 300 left ≥ 300
        for _ in range(4):
            user = make_user()
            ads = serve("绿茶", viewer=user)
            if ads:
                click(ads[0], user=user)
        c.refresh_from_db()
        assert c.spent == 1500 and c.spent_day == 600  # the total budget is hit exactly
    _books_agree(c, ad_shop, ads_balance, 5000)


def test_an_impression_shown_before_the_budget_ran_out_is_not_billed_after(ad_shop, tea, make_campaign, serve, click,
                                                                          make_user):
    c = make_campaign(ad_shop, [tea], daily=1000, total=1000)
    users = [make_user() for _ in range(2)]
    ads = [serve("绿茶", viewer=u)[0] for u in users]
    AdCampaign.objects.filter(pk=c.pk).update(spent=995)
    assert click(ads[0], user=users[0]).reason == "budget_exhausted"
    services.campaign_set_status(user=ad_shop.owner, number=c.number, status="paused")
    assert click(ads[1], user=users[1]).reason == "campaign_inactive"


def test_the_balance_is_a_hard_cap_too(ad_shop, tea, make_campaign, serve, click, make_user, ads_balance):
    make_campaign(ad_shop, [tea], balance=1000)
    [ad] = serve("绿茶", viewer=(u := make_user()))
    AdsBalance.objects.filter(shop=ad_shop).update(balance=5)  # as if the rest were spent elsewhere
    c = click(ad, user=u)
    assert (c.billed, c.reason) == (False, "insufficient_balance")
    assert transaction_count(kind="ads.click") == 0


def test_a_refund_reverses_the_posting_and_gives_budget_and_balance_back(running, ad_shop, serve, click, shopper,
                                                                        ads_balance, ledger_balanced):
    [ad] = serve("绿茶", viewer=shopper)
    c = click(ad, user=shopper)
    refunded = services.click_refund(click_id=c.pk, note="invalid traffic review")
    assert refunded.refunded_at is not None
    [rev] = transactions(kind="ads.click.reversal")
    assert rev.idempotency_key == f"ad-click-refund:{c.pk}"
    assert {p.account.code: p.amount for p in rev.postings.all()} == {acct.ads_prepaid(ad_shop.pk): -10,
                                                                       acct.ADS_REVENUE: 10}
    running.refresh_from_db()
    assert (running.spent, running.spent_day) == (0, 0)
    _books_agree(running, ad_shop, ads_balance, 3000)
    services.click_refund(click_id=c.pk)  # idempotent
    assert transaction_count(kind="ads.click.reversal") == 1
    ledger_balanced()


def test_only_billed_clicks_can_be_refunded(running, serve, click, shopper, ad_shop):
    [ad] = serve("绿茶", viewer=ad_shop.owner)
    own = click(ad, user=ad_shop.owner)
    with pytest.raises(Conflict):
        services.click_refund(click_id=own.pk)
    with pytest.raises(NotFound):
        services.click_refund(click_id=10**9)
