import itertools

import pytest

_ip = itertools.count(1)
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


@pytest.fixture
def ad_shop(make_shop):
    return make_shop()


@pytest.fixture
def tea(make_product, ad_shop):
    return make_product(shop=ad_shop, title="西湖龙井绿茶 250g", price=6800, stock=50)


@pytest.fixture
def fund(pay):
    """`fund(shop, amount)`: the merchant tops up the ads balance through the sandbox payment flow."""
    from quanzi.ads.services import topup_start

    def run(shop, amount):
        topup, payment = topup_start(user=shop.owner, amount=amount)
        pay(payment.number)
        return topup

    return run


@pytest.fixture
def ads_operator(make_user):
    """A staff user: the operator who reviews campaigns."""
    return make_user(is_staff=True)


@pytest.fixture
def make_campaign(fund, ads_operator):
    """A campaign of `shop` promoting `products` on `keywords` [(word, match type, max CPC)], funded,
    approved by the operator and running unless told otherwise."""
    from quanzi.ads import services

    def make(shop, products, *, keywords=(("绿茶", "broad", 100),), placements=(), daily=10_000, total=100_000,
             balance=50_000, activate=True, approve=True, name="春茶推广"):
        if balance:
            fund(shop, balance)
        campaign = services.campaign_create(
            user=shop.owner, name=name, daily_budget=daily, total_budget=total, product_ids=[p.pk for p in products],
            keywords=[{"keyword": k, "match_type": m, "max_cpc": b} for k, m, b in keywords],
            placements=list(placements))
        if approve:
            campaign = services.campaign_review(reviewer=ads_operator, number=campaign.number, decision="approved")
        if activate:
            campaign = services.campaign_set_status(user=shop.owner, number=campaign.number, status="active")
        return campaign

    return make


@pytest.fixture
def serve():
    """`serve(query, viewer=None, device="dev-1")`: the sponsored results (pacing always lets campaigns in)."""
    from quanzi.ads.selectors import sponsored_for_search

    def run(query, *, viewer=None, device="dev-1", limit=2):
        return sponsored_for_search(query=query, limit=limit, viewer=viewer, device=device, rng=lambda: 0.0)

    return run


@pytest.fixture
def click():
    """`click(ad, user=None, device="dev-1", ip=<fresh>, ua=<a phone browser>)` → the AdClick."""
    from quanzi.ads.services import click_record

    def run(ad, *, user=None, device="dev-1", ip=None, ua=BROWSER, token=None):
        return click_record(token=ad.click_token if token is None else token, user=user, device=device,
                            ip=ip or f"10.0.{next(_ip) // 250}.{next(_ip) % 250}", user_agent=ua)

    return run


@pytest.fixture
def ads_balance():
    """`ads_balance(shop)` → (mirror row, ledger) balances in fen, the ledger's sign flipped."""
    from quanzi.ads import accounts as acct
    from quanzi.ads.services import shop_balance
    from quanzi.ledger.selectors import balance

    def read(shop):
        return shop_balance(shop_id=shop.pk), -balance(code=acct.ads_prepaid(shop.pk))

    return read
