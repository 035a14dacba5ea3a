"""The operator's policy review: only approved campaigns are served; adding what a campaign shows sends it
back; a rejection carries a note the merchant reads and can answer by sending it again."""

import json

import pytest
from django.test import Client

from quanzi.ads import services
from quanzi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_campaign_is_served_only_after_the_operator_approves_it(ad_shop, tea, make_campaign, serve, ads_operator):
    c = make_campaign(ad_shop, [tea], approve=False)
    assert c.review == "pending" and c.status == "active"
    assert serve("绿茶") == []  # running, funded, but not reviewed
    services.campaign_review(reviewer=ads_operator, number=c.number, decision="approved")
    assert serve("绿茶")
    with pytest.raises(Conflict):  # decided once
        services.campaign_review(reviewer=ads_operator, number=c.number, decision="rejected", note="x")


def test_adding_a_keyword_or_product_sends_it_back_for_review(ad_shop, tea, make_product, make_campaign, serve,
                                                               ads_operator):
    c = make_campaign(ad_shop, [tea])
    assert serve("绿茶")
    services.target_add(user=ad_shop.owner, number=c.number, keyword={"keyword": "龙井", "match_type": "broad",
                                                                      "max_cpc": 90})
    c.refresh_from_db()
    assert c.review == "pending" and serve("绿茶") == []
    services.campaign_review(reviewer=ads_operator, number=c.number, decision="approved")
    assert serve("龙井")
    services.bid_set(user=ad_shop.owner, number=c.number, target_id=c.targets.first().pk, max_cpc=150)
    services.campaign_update(user=ad_shop.owner, number=c.number, daily_budget=12_000, product_ids=[tea.pk])
    c.refresh_from_db()
    assert c.review == "approved"  # bids, budgets and products already promoted need no review
    other = make_product(shop=ad_shop, title="安吉白茶 绿茶", price=5800, stock=20)
    services.campaign_update(user=ad_shop.owner, number=c.number, product_ids=[other.pk])
    c.refresh_from_db()
    assert c.review == "pending"


def test_a_rejection_needs_a_note_the_merchant_reads_and_answers(ad_shop, tea, make_campaign, serve, ads_operator,
                                                                  api):
    c = make_campaign(ad_shop, [tea], approve=False, keywords=(("最好的绿茶", "exact", 100),))
    with pytest.raises(ValidationFailed) as exc:
        services.campaign_review(reviewer=ads_operator, number=c.number, decision="rejected", note="  ")
    assert exc.value.code == "note_required"
    services.campaign_review(reviewer=ads_operator, number=c.number, decision="rejected",
                             note="“最好的”是广告法禁用的绝对化用语")
    page = signed_in(ad_shop.owner).get(f"/merchant/ads/{c.number}/").content.decode()
    assert "绝对化用语" in page and 'data-testid="ads-resubmit"' in page
    with pytest.raises(Conflict):  # only a rejected campaign goes back
        services.campaign_resubmit(user=ad_shop.owner, number=make_campaign(ad_shop, [tea], name="另一个").number)
    [target] = c.targets.all()
    services.target_remove(user=ad_shop.owner, number=c.number, target_id=target.pk)
    r = api(ad_shop.owner).post(f"/api/v1/ads/campaigns/{c.number}/resubmit", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["review"] == "pending" and r.json()["review_note"] == ""


def test_only_operators_review_and_a_wrong_number_is_404(ad_shop, tea, make_campaign, ads_operator, api, make_user):
    c = make_campaign(ad_shop, [tea], approve=False)
    with pytest.raises(Forbidden):
        services.campaign_review(reviewer=ad_shop.owner, number=c.number, decision="approved")
    with pytest.raises(NotFound):
        services.campaign_review(reviewer=ads_operator, number="AD-NOPE", decision="approved")
    with pytest.raises(ValidationFailed):
        services.campaign_review(reviewer=ads_operator, number=c.number, decision="maybe")
    merchant = api(ad_shop.owner)
    assert merchant.get("/api/v1/ads/reviews").status_code == 403
    assert merchant.post(f"/api/v1/ads/reviews/{c.number}", json.dumps({"decision": "approved"}),
                         content_type="application/json").status_code == 403
    assert signed_in(ad_shop.owner).get("/ops/ads/").status_code == 404
    staff = api(ads_operator)
    [item] = staff.get("/api/v1/ads/reviews").json()["items"]
    assert item["number"] == c.number and item["products"][0]["product_id"] == tea.pk and item["targets"]
    r = staff.post(f"/api/v1/ads/reviews/{c.number}", json.dumps({"decision": "rejected", "note": ""}),
                   content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "note_required"
    r = staff.post(f"/api/v1/ads/reviews/{c.number}", json.dumps({"decision": "approved"}),
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["review"] == "approved"
    assert staff.get("/api/v1/ads/reviews").json()["items"] == []


def test_the_review_page_shows_the_queue_and_decides(ad_shop, tea, make_campaign, ads_operator, api,
                                                      django_assert_max_num_queries):
    first = make_campaign(ad_shop, [tea], approve=False, name="第一")
    second = make_campaign(ad_shop, [tea], approve=False, name="第二", keywords=(("龙井", "exact", 80),))
    staff = signed_in(ads_operator)
    with django_assert_max_num_queries(12):
        page = staff.get("/ops/ads/").content.decode()
    assert page.index("第一") < page.index("第二") and "龙井" in page and tea.title in page
    r = staff.post("/ops/ads/", {"number": first.number, "decision": "approved"})
    assert r.status_code == 302
    staff.post("/ops/ads/", {"number": second.number, "decision": "rejected", "note": ""})  # no note: refused
    second.refresh_from_db()
    assert second.review == "pending"
    staff.post("/ops/ads/", {"number": second.number, "decision": "rejected", "note": "品牌词"})
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.review, second.review, second.review_note) == ("approved", "rejected", "品牌词")
    assert "No campaign is waiting for review." in staff.get("/ops/ads/").content.decode()
