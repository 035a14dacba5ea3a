import datetime as dt
import random
from html.parser import HTMLParser

import pytest

from quanzi.core import clock

ORIGINAL = 5900  # the product fixture's list price
FLOOR = 990


@pytest.fixture
def make_campaign(shop, make_product):
    """`make_campaign(**overrides)` → an active campaign: ¥59.00 down to ¥9.90 with 5 helps, 10 units, 24 h."""
    from quanzi.bargain.services import campaign_activate, campaign_create

    def make(*, activate: bool = True, stock: int = 10, product_stock: int = 20, **overrides):
        product = make_product(shop=shop, stock=product_stock, price=ORIGINAL)
        now = clock.now()
        args = {"sku_id": product.skus.get().pk, "floor_price": FLOOR, "expected_helps": 5, "stock": stock,
                "time_limit_seconds": 24 * 3600, "starts_at": now - dt.timedelta(minutes=1),
                "ends_at": now + dt.timedelta(days=7), "new_user_bonus": False, **overrides}
        campaign = campaign_create(shop=shop, **args)
        return campaign_activate(campaign_id=campaign.pk, shop=shop) if activate else campaign

    return make


@pytest.fixture
def campaign(make_campaign):
    return make_campaign()


@pytest.fixture
def starter(make_shopper):
    return make_shopper(nickname="砍价发起人")


@pytest.fixture
def bargain(campaign, starter):
    from quanzi.bargain.services import bargain_start

    return bargain_start(user=starter, campaign_id=campaign.pk)


@pytest.fixture
def helpers(make_user):
    """`helpers(n)` → n fresh users."""
    return lambda n: [make_user(nickname=f"helper{i}") for i in range(n)]


@pytest.fixture
def rng():
    return random.Random(7)


class _TestidText(HTMLParser):
    VOID = {"img", "input", "br", "hr", "meta", "link", "source", "wbr"}

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.depth, self.parts, self.found = testid, 0, [], []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in self.VOID
        elif dict(attrs).get("data-testid") == self.testid and tag not in self.VOID:
            self.depth, self.parts = 1, []

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.found.append("".join(self.parts))

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of_testid(html: str, testid: str) -> str | None:
    """The text of the first element with this data-testid, whitespace collapsed (what a reader sees:
    "¥59.00" from the price component's spans), or None when there is none."""
    parser = _TestidText(testid)
    parser.feed(html)
    return " ".join(parser.found[0].split()) if parser.found else None
