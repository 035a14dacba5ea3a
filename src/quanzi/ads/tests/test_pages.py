"""The pages: the merchant console (create, top up, start, pause, bid, report) and the shopper's side
(the home page's sponsored section marked 广告, the click redirect)."""

import pytest
from django.test import Client

from quanzi.ads.models import AdCampaign, AdClick, AdTarget, AdTopUp

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) Mobile Safari"}


@pytest.fixture
def merchant(ad_shop):
    client = Client(**PHONE)
    client.force_login(ad_shop.owner)
    return client


def test_a_merchant_creates_a_campaign_from_the_console(merchant, ad_shop, tea, fund):
    fund(ad_shop, 10_000)
    page = merchant.get("/merchant/ads/")
    assert page.status_code == 200 and 'data-testid="ads-campaign-form"' in page.content.decode()
    assert tea.title in page.content.decode()
    r = merchant.post("/merchant/ads/", {"name": "春茶", "products": [tea.pk], "keywords": "绿茶，龙井", "match_type": "broad",
                                         "max_cpc": "0.80", "feed_cpc": "0.30", "daily_budget": "50", "total_budget": "500",
                                         "activate": "1"})
    c = AdCampaign.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/merchant/ads/{c.number}/"
    assert c.status == "active" and (c.daily_budget, c.total_budget) == (5000, 50_000)
    assert sorted(AdTarget.objects.filter(campaign=c).values_list("keyword", flat=True)) == ["", "绿茶", "龙井"]
    detail = merchant.get(r["Location"]).content.decode()
    assert 'data-testid="ads-report"' in detail and "春茶" in detail
    target = AdTarget.objects.get(campaign=c, keyword="龙井")
    merchant.post(r["Location"], {"action": "bid", "target_id": target.pk, "max_cpc": "1.20"})
    assert AdTarget.objects.select_related("bid").get(pk=target.pk).bid.max_cpc == 120
    merchant.post(r["Location"], {"action": "paused"})
    assert AdCampaign.objects.get().status == "paused"


def test_bad_console_input_shows_the_error_on_the_form(merchant, tea):
    r = merchant.post("/merchant/ads/", {"name": "x", "products": [tea.pk], "keywords": "绿茶", "max_cpc": "0.01",
                                         "daily_budget": "abc", "total_budget": "500"})
    assert r.status_code == 400 and 'aria-invalid="true"' in r.content.decode()
    r = merchant.post("/merchant/ads/", {"name": "x", "products": [tea.pk], "keywords": "绿茶", "max_cpc": "0.01",
                                         "daily_budget": "50", "total_budget": "500"})
    assert r.status_code == 400 and not AdCampaign.objects.exists()


def test_without_balance_the_campaign_is_saved_as_a_draft(merchant, tea):
    r = merchant.post("/merchant/ads/", {"name": "春茶", "products": [tea.pk], "keywords": "绿茶", "max_cpc": "0.80",
                                         "daily_budget": "50", "total_budget": "500", "activate": "1"})
    assert r.status_code == 302 and AdCampaign.objects.get().status == "draft"


def test_top_up_goes_to_the_cashier_and_another_shops_campaign_is_404(merchant, ad_shop, tea, make_shop,
                                                                     make_campaign):
    r = merchant.post("/merchant/ads/topup/", {"amount": "200"})
    assert r.status_code == 302 and AdTopUp.objects.get().amount == 20_000
    other = make_shop()
    c = make_campaign(ad_shop, [tea])
    stranger = Client()
    stranger.force_login(other.owner)
    assert stranger.get(f"/merchant/ads/{c.number}/").status_code == 404
    assert stranger.post(f"/merchant/ads/{c.number}/", {"action": "ended"}).status_code == 404
    assert AdCampaign.objects.get(pk=c.pk).status == "active"


def test_the_home_page_shows_feed_ads_marked_and_the_click_redirect_bills(ad_shop, tea, make_campaign, shopper):
    make_campaign(ad_shop, [tea], keywords=(), placements=({"placement": "feed", "max_cpc": 30},))
    client = Client(**PHONE)
    client.force_login(shopper)
    assert 'hx-get="/ads/feed/"' in client.get("/").content.decode()  # the home page loads it afterwards
    page = client.get("/ads/feed/").content.decode()
    assert 'data-testid="home-sponsored"' in page and 'data-testid="sponsored-label"' in page
    assert ad_shop.name in page
    import re

    href = re.search(r'href="(/ads/c/[^"]+/)"', page).group(1)
    r = client.get(href)
    assert r.status_code == 302 and r["Location"] == f"/p/{tea.pk}/"
    assert AdClick.objects.get().billed is True
    assert Client(**PHONE).get("/ads/c/1:forged/")["Location"] == "/"


def test_the_search_page_shows_matching_ads_marked_and_apart_from_the_results(ad_shop, tea, make_campaign, shopper,
                                                                               make_product, make_shop):
    make_campaign(ad_shop, [tea], keywords=(("绿茶", "broad", 100),))
    organic = make_product(shop=make_shop(), title="明前绿茶 100g", price=3900, stock=10)
    client = Client(**PHONE)
    client.force_login(shopper)
    page = client.get("/search/", {"q": "绿茶"}).content.decode()
    assert 'data-testid="search-sponsored"' in page and 'data-testid="sponsored-label"' in page
    head, results = page.split('data-testid="search-sponsored"', 1)
    assert f"/p/{organic.pk}/" in results  # the organic results follow, untouched
    assert "/ads/c/" in results.split("</section>", 1)[0]  # the ad links through the billed click redirect
    assert 'data-testid="search-sponsored"' not in client.get("/search/", {"q": "耳机"}).content.decode()  # no match
    assert 'data-testid="search-sponsored"' not in client.get("/search/", {"q": "绿茶", "page": "2"}).content.decode()


def test_a_category_page_shows_the_category_placements_ads_marked(ad_shop, tea, make_campaign, shopper, category):
    make_campaign(ad_shop, [tea], keywords=(), placements=({"placement": "category", "category_id": tea.category_id,
                                                           "max_cpc": 40},))
    client = Client(**PHONE)
    client.force_login(shopper)
    slug = tea.category.slug
    page = client.get(f"/c/{slug}/").content.decode()
    assert 'data-testid="search-sponsored"' in page and 'data-testid="sponsored-label"' in page
    assert "/ads/c/" in page
    assert 'data-testid="search-sponsored"' not in client.get(f"/c/{slug}/", {"page": "2"}).content.decode()


def test_the_discover_tab_leads_with_a_feed_ad_marked(ad_shop, tea, make_campaign, shopper):
    make_campaign(ad_shop, [tea], keywords=(), placements=({"placement": "feed", "max_cpc": 30},))
    client = Client(**PHONE)
    client.force_login(shopper)
    page = client.get("/feed/", {"tab": "discover"}).content.decode()
    assert page.count('data-testid="feed-sponsored"') == 1 and 'data-testid="sponsored-label"' in page
    grid = page.split('data-testid="feed-list"', 1)[1]
    assert grid.lstrip(">\n ").startswith('<a class="note-card feed-product" href="/ads/c/')  # the grid's first card


def test_the_console_bids_on_the_promoted_products_category_pages(merchant, ad_shop, tea, fund):
    fund(ad_shop, 10_000)
    r = merchant.post("/merchant/ads/", {"name": "类目推广", "products": [tea.pk], "keywords": "", "match_type": "broad",
                                         "max_cpc": "0.80", "category_cpc": "0.40", "daily_budget": "50",
                                         "total_budget": "500", "activate": "1"})
    assert r.status_code == 302
    target = AdTarget.objects.select_related("bid").get(placement="category")
    assert (target.category_id, target.bid.max_cpc) == (tea.category_id, 40)
