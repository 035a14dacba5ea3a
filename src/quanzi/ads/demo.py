"""Demo data of sponsored listings (issue 17; quanzi.core.seeding), after the shop and its products.

* The shop with the most products matching 茶 (山野茶舍) and the one with the most matching 耳机 (the
  digital shop) each top up ¥500 of ads balance through the sandbox cashier and run a campaign: keywords
  in every match type (茶 broad, 绿茶 phrase, 龙井 exact; 耳机 broad, 蓝牙耳机 phrase) and the discovery
  feed, ¥200 a day of a ¥2,000 total. The operator (admin@quanzi.demo) approved both; the tea shop's
  second campaign (红茶 exact) waits in the operator's review queue (/ops/ads/).
* A dozen seeded shoppers search 茶 and 耳机 and see the sponsored results; every other one clicks the
  first (billed: one ledger posting each), and the first of them clicks each twice (the repeat is not billed), so the
  campaign reports show impressions, clicks, CTR, spend and an invalid click.

Everything goes through the ads services and the sandbox's signed notifications. Idempotent: any
campaign in the database means it ran.
"""

from __future__ import annotations

from typing import Any

from quanzi.core.seeding import DemoSeeder

PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Quanzi-demo"
CAMPAIGNS = [
    ("茶", "春茶搜索推广", [("茶", "broad", 60), ("绿茶", "phrase", 80), ("龙井", "exact", 120)], 40),
    ("耳机", "耳机爆款推广", [("耳机", "broad", 90), ("蓝牙耳机", "phrase", 120)], 50),
]
WAITING_NAME = "秋季红茶预热"
TOPUP = 50_000
DAILY, TOTAL = 20_000, 200_000


def ads_present(ctx) -> bool:
    from quanzi.ads.models import AdCampaign

    return AdCampaign.objects.exists()


def _shop_for(query: str):
    """The shop with the most sellable products matching the query, and up to five of them."""
    from quanzi.catalog.selectors import product_search

    by_shop: dict[int, list] = {}
    for p in product_search(query=query, limit=100):
        by_shop.setdefault(p.shop_id, []).append(p)
    if not by_shop:
        return None, []
    items = by_shop[max(by_shop, key=lambda s: (len(by_shop[s]), -s))][:5]
    return items[0].shop, items


def seed_ads(ctx) -> dict[str, Any] | None:
    from quanzi.accounts.selectors import user_get_by_email
    from quanzi.ads import services
    from quanzi.ads.selectors import sponsored_for_search
    from quanzi.core import clock

    operator = user_get_by_email(email=ctx.data.OPERATOR["email"])

    counts = {"campaigns": 0, "impressions": 0, "billed_clicks": 0, "invalid_clicks": 0}
    for query, name, keywords, feed_bid in CAMPAIGNS:
        shop, products = _shop_for(query)
        if shop is None:
            continue
        _topup, payment = services.topup_start(user=shop.owner, amount=TOPUP)
        ctx.pay(payment, clock.now())
        campaign = services.campaign_create(
            user=shop.owner, name=name, daily_budget=DAILY, total_budget=TOTAL, product_ids=[p.pk for p in products],
            keywords=[{"keyword": k, "match_type": m, "max_cpc": b} for k, m, b in keywords],
            placements=[{"placement": "feed", "max_cpc": feed_bid}])
        services.campaign_set_status(user=shop.owner, number=campaign.number, status="active")
        services.campaign_review(reviewer=operator, number=campaign.number, decision="approved")
        counts["campaigns"] += 1
        if query == "茶":  # a second one, sent for review and not yet decided
            waiting = services.campaign_create(
                user=shop.owner, name=WAITING_NAME, daily_budget=DAILY // 4, total_budget=TOTAL // 4,
                product_ids=[products[0].pk], keywords=[{"keyword": "红茶", "match_type": "exact", "max_cpc": 70}])
            services.campaign_set_status(user=shop.owner, number=waiting.number, status="active")
    if not counts["campaigns"]:
        ctx.log("  ads: no product matches 茶 or 耳机; skipped")
        return None
    for i, person in enumerate(ctx.demo_people()[:12]):
        for query, *_rest in CAMPAIGNS:
            ads = sponsored_for_search(query=query, viewer=person, device=f"demo{person.pk}", rng=lambda: 0.0)
            counts["impressions"] += len(ads)
            if ads and i % 2 == 0:
                for _ in range(2 if i == 0 else 1):  # the first one clicks twice: the repeat is not billed
                    click = services.click_record(token=ads[0].click_token, user=person, device=f"demo{person.pk}",
                                                  ip=f"198.51.100.{i + 1}", user_agent=PHONE_AGENT)
                    counts["billed_clicks" if click.billed else "invalid_clicks"] += 1
    ctx.log(f"  ads: {counts}")
    return counts


seeder = DemoSeeder(key="ads", run=seed_ads, present=ads_present)
