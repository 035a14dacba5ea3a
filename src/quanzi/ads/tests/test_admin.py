"""The operator's pages: placements, campaigns (ended on review), clicks (refunded), balances, top-ups."""

import pytest
from django.test import Client

from quanzi.ads import services
from quanzi.ads.models import AdCampaign, AdClick, AdPlacementSetting

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_user):
    user = make_user(is_staff=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(user)
    return client


def test_every_ads_admin_page_opens(operator, ad_shop, tea, make_campaign, serve, click, shopper):
    make_campaign(ad_shop, [tea])
    click(serve("绿茶", viewer=shopper)[0], user=shopper)
    for model in ("adcampaign", "adclick", "adplacementsetting", "adsbalance", "adtopup"):
        assert operator.get(f"/admin/ads/{model}/").status_code == 200, model


def test_the_operator_refunds_a_click_and_ends_a_campaign(operator, ad_shop, tea, make_campaign, serve, click, shopper):
    c = make_campaign(ad_shop, [tea])
    billed = click(serve("绿茶", viewer=shopper)[0], user=shopper)
    r = operator.post("/admin/ads/adclick/", {"action": "refund", "_selected_action": [billed.pk]})
    assert r.status_code == 302 and AdClick.objects.get(pk=billed.pk).refunded_at is not None
    r = operator.post("/admin/ads/adcampaign/", {"action": "stop", "_selected_action": [c.pk]})
    assert r.status_code == 302 and AdCampaign.objects.get(pk=c.pk).status == "ended"
    assert services.campaign_stop(campaign_id=c.pk).status == "ended"  # idempotent


def test_the_operator_sets_a_placements_terms(operator):
    r = operator.post("/admin/ads/adplacementsetting/add/", {"placement": "search", "reserve_price": 25, "slots": 3,
                                                             "prior_clicks": 2, "prior_impressions": 100})
    assert r.status_code == 302
    row = AdPlacementSetting.objects.get(placement="search")
    assert (row.reserve_price, row.slots) == (25, 3)
    assert services.placement_terms("search").reserve_price == 25
