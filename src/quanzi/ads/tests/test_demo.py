"""The ads demo data (ads/demo.py): campaigns on 茶 and 耳机, served, clicked and reported; once."""

import io

import pytest
from django.core.management import call_command

from quanzi.ads import accounts as acct
from quanzi.ads.demo import ads_present
from quanzi.ads.models import AdCampaign, AdClick
from quanzi.ads.selectors import campaign_report, sponsored_for_search
from quanzi.ledger.selectors import balance, unbalanced_transactions

pytestmark = pytest.mark.django_db


def test_the_demo_has_running_campaigns_with_traffic_and_books_that_agree():
    call_command("seed_demo", "--small", stdout=io.StringIO())
    assert ads_present(None)  # the runner skips the section from now on: idempotent
    campaigns = list(AdCampaign.objects.filter(review="approved").order_by("pk"))
    assert [c.name for c in campaigns] == ["春茶搜索推广", "耳机爆款推广"]
    assert all(c.status == "active" for c in campaigns)
    [waiting] = AdCampaign.objects.filter(review="pending")  # the operator's review queue is not empty
    assert waiting.name == "秋季红茶预热" and waiting.shop_id == campaigns[0].shop_id
    assert not [a for a in sponsored_for_search(query="红茶", device="new-visitor", record=False)
                if a.why.get("keyword") == "红茶"]  # not served before it is approved
    for c in campaigns:
        report = campaign_report(campaign=c)
        assert report["impressions"] > 0 and report["clicks"] > 0 and report["spend"] == c.spent > 0
        assert -balance(code=acct.ads_prepaid(c.shop_id)) == 50_000 - c.spent
    assert AdClick.objects.filter(billed=False, reason="duplicate").count() == 2  # one per campaign
    assert -balance(code=acct.ADS_REVENUE) == sum(c.spent for c in campaigns)
    assert unbalanced_transactions() == []
    [first, *_] = sponsored_for_search(query="耳机", device="new-visitor")
    assert first.advertiser and first.product.shop_id == campaigns[1].shop_id
