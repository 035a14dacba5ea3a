"""Serving sponsored search results: keyword match, relevance floor, sellable, budget, balance, reserve,
the auction's order and prices, the slot limit, impressions recorded in one batch."""

import pytest

from quanzi.ads import services, serving
from quanzi.ads.models import AdCampaign, AdImpression, AdProduct
from quanzi.ads.selectors import sponsored_for_feed, sponsored_for_search

pytestmark = pytest.mark.django_db


def test_a_matching_campaign_is_served_marked_with_its_advertiser_and_recorded(ad_shop, tea, make_campaign, serve,
                                                                              shopper):
    c = make_campaign(ad_shop, [tea])
    [ad] = serve("龙井绿茶", viewer=shopper, device="phone-1")
    assert ad.product.pk == tea.pk and ad.advertiser == ad_shop.name and ad.rank == 1
    assert ad.price == 10  # alone: the reserve
    assert ad.why == {"placement": "search", "keyword": "绿茶", "match_type": "broad"}
    imp = AdImpression.objects.get(pk=ad.impression_id)
    assert (imp.campaign_id, imp.viewer_id, imp.device, imp.price, imp.query) == (c.pk, shopper.pk, "phone-1", 10,
                                                                                   "龙井绿茶")
    assert AdProduct.objects.get(campaign=c).impressions == 1
    assert services.impression_for_token(ad.click_token).pk == imp.pk


def test_nothing_is_served_for_an_unrelated_query_or_an_irrelevant_product(ad_shop, tea, make_product, make_campaign,
                                                                          serve):
    earphones = make_product(shop=ad_shop, title="无线蓝牙耳机")
    make_campaign(ad_shop, [tea, earphones], keywords=(("绿茶", "broad", 100),))
    assert serve("耳机") == []  # no keyword matches
    ads = serve("绿茶")
    assert [a.product.pk for a in ads] == [tea.pk]  # the earphones matched the keyword, not the query
    assert AdImpression.objects.count() == 1


def test_exact_match_keywords_only_serve_the_exact_query(ad_shop, tea, make_campaign, serve):
    make_campaign(ad_shop, [tea], keywords=(("龙井", "exact", 100),))
    assert serve("龙井绿茶") == []
    assert len(serve("龙井")) == 1


def test_the_auction_ranks_by_bid_times_quality_and_charges_the_second_price(make_shop, make_product, make_campaign,
                                                                             serve):
    shops = [make_shop() for _ in range(3)]
    teas = [make_product(shop=s, title=f"龙井绿茶 {i}") for i, s in enumerate(shops)]
    for s, p, bid in zip(shops, teas, (300, 200, 100), strict=True):
        make_campaign(s, [p], keywords=(("绿茶", "broad", bid),))
    # equal qualities (the prior, 2 %): ranked by bid; each pays the next bid + ¥0.01; two slots
    ads = serve("绿茶")
    assert [(a.product.pk, a.price) for a in ads] == [(teas[0].pk, 201), (teas[1].pk, 101)]
    # a much better click rate lets a lower bid win: 100 × 30 % beats 300 × 2 %
    AdProduct.objects.filter(product=teas[2]).update(impressions=1000, clicks=300)
    serving.changed()  # counters reach the serving index within MAX_AGE seconds; now, for the test
    ads = serve("绿茶", limit=1)
    assert ads[0].product.pk == teas[2].pk


def test_paused_ended_exhausted_or_unfunded_campaigns_and_unsellable_products_are_not_served(
        ad_shop, tea, make_campaign, serve):
    from quanzi.ads.auction import budget_day
    from quanzi.catalog.services import product_set_status
    from quanzi.core import clock

    c = make_campaign(ad_shop, [tea])
    assert serve("绿茶")
    services.campaign_set_status(user=ad_shop.owner, number=c.number, status="paused")
    assert serve("绿茶") == []
    services.campaign_set_status(user=ad_shop.owner, number=c.number, status="active")
    # spend and balance reach the serving index within MAX_AGE seconds (clicks are billed exactly
    # regardless); the direct updates below stand for clicks, so the test tells the index at once
    AdCampaign.objects.filter(pk=c.pk).update(spend_day=budget_day(clock.now()), spent_day=c.daily_budget - 5)
    serving.changed()
    assert serve("绿茶") == []  # less than the reserve left today
    AdCampaign.objects.filter(pk=c.pk).update(spent_day=0)
    serving.changed()
    assert serve("绿茶")
    from quanzi.ads.models import AdsBalance

    AdsBalance.objects.filter(shop=ad_shop).update(balance=5)
    serving.changed()
    assert serve("绿茶") == []  # balance below the reserve
    AdsBalance.objects.filter(shop=ad_shop).update(balance=50_000)
    serving.changed()
    assert serve("绿茶")
    product_set_status(product=tea, status="off_shelf")  # the catalog's event tells the index itself
    assert serve("绿茶") == []
    product_set_status(product=tea, status="on_shelf")
    assert serve("绿茶")


def test_the_serving_index_is_read_from_memory_and_follows_changes(ad_shop, tea, make_campaign, serve,
                                                                    django_assert_num_queries, monkeypatch):
    """An auction reads its ads from the process's index: one statement (the impressions), not a lookup per
    page; a change made elsewhere is seen when the shared version moves, and everything at least every
    MAX_AGE seconds."""
    c = make_campaign(ad_shop, [tea])
    serve("绿茶")  # builds the index
    from django.db import connection

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):  # the impressions, counted
        assert serve("绿茶")
    AdCampaign.objects.filter(pk=c.pk).update(status="paused")  # behind the services' back
    assert serve("绿茶")  # not seen yet ...
    later = serving.current().built_at + serving.MAX_AGE + 1
    monkeypatch.setattr(serving.time, "monotonic", lambda: later)
    assert serve("绿茶") == []  # ... but within MAX_AGE


def test_the_first_click_a_campaign_cannot_pay_for_stops_serving_it(make_shop, make_product, make_campaign, serve,
                                                                     click):
    shop = make_shop()
    services.placement_set(placement="search", reserve_price=100, slots=2)  # a lone ad pays the reserve
    make_campaign(shop, [make_product(shop=shop, title="明前绿茶")], keywords=(("绿茶", "broad", 100),),
                  daily=150, total=150)
    first, second = serve("绿茶", device="a"), serve("绿茶", device="b")
    assert click(first[0], device="a").billed
    assert second  # the index still has ¥0.50 of the budget; a click at ¥1.00 cannot be paid ...
    assert click(second[0], device="b").reason == "budget_exhausted"
    assert serve("绿茶", device="c") == []  # ... and that click stopped serving it at once


def test_the_reserve_and_slot_limit_come_from_the_operator(make_shop, make_product, make_campaign, serve):
    shops = [make_shop() for _ in range(3)]
    for i, s in enumerate(shops):
        make_campaign(s, [make_product(shop=s, title=f"明前绿茶 {i}")], keywords=(("绿茶", "broad", 100 + i),))
    assert len(serve("绿茶", limit=5)) == 2  # default: 2 sponsored slots in search
    services.placement_set(placement="search", reserve_price=50, slots=1)
    [ad] = serve("绿茶", limit=5)
    assert ad.price == 102  # the next bid (101) + 1
    services.placement_set(placement="search", reserve_price=102, slots=3)
    [ad] = serve("绿茶", limit=5)  # only the 102 bid clears the reserve
    assert ad.price == 102
    services.placement_set(placement="search", reserve_price=10, slots=0)
    assert serve("绿茶", limit=5) == []


def test_pacing_can_hold_a_campaign_back(ad_shop, tea, make_campaign):
    import datetime as dt

    from quanzi.ads.auction import budget_day
    from quanzi.core import clock

    shanghai = dt.timezone(dt.timedelta(hours=8))
    now = clock.now().astimezone(shanghai)
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    with clock.travel(noon - now):  # at noon in Shanghai, half the day is left (whenever the test runs)
        c = make_campaign(ad_shop, [tea], daily=10_000)
        AdCampaign.objects.filter(pk=c.pk).update(spend_day=budget_day(clock.now()), spent_day=9_900, spent=9_900)
        # 1 % of the day's budget left with half the day to go: far ahead of the clock, held back
        assert sponsored_for_search(query="绿茶", rng=lambda: 0.0) == []


def test_serving_costs_a_fixed_number_of_queries(make_shop, make_product, make_campaign, serve,
                                                 django_assert_max_num_queries):
    for i in range(6):
        s = make_shop()
        make_campaign(s, [make_product(shop=s, title=f"龙井绿茶 {i}"), make_product(shop=s, title=f"绿茶礼盒 {i}")],
                      keywords=(("绿茶", "broad", 100 + i), ("龙井", "phrase", 90), ("茶", "broad", 50)))
    serve("龙井绿茶")  # the placement's terms are cached from here on
    # the keyword index, the targets, the ads with their balances; INSERT + UPDATE (in a savepoint here)
    with django_assert_max_num_queries(7):
        assert len(serve("龙井绿茶")) == 2


def test_invalid_queries_serve_nothing(ad_shop, tea, make_campaign, serve):
    make_campaign(ad_shop, [tea])
    for q in ("", "   ", "！！！", "\x00", "绿" * 10_000):
        assert serve(q) == []


def test_the_feed_placement(ad_shop, tea, make_campaign):
    make_campaign(ad_shop, [tea], keywords=(), placements=({"placement": "feed", "max_cpc": 30},))
    [ad] = sponsored_for_feed(limit=3, device="d", rng=lambda: 0.0)  # one feed slot by default
    assert ad.product.pk == tea.pk and ad.why == {"placement": "feed"} and ad.price == 10
