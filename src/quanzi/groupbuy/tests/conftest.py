import datetime as dt

import pytest

from quanzi.core import clock


@pytest.fixture
def campaign(shop, make_product):
    """An active campaign: groups of 3, ¥39.00 instead of ¥59.00, 10 units set aside, 24 h to fill."""
    from quanzi.groupbuy.services import campaign_activate, campaign_create

    product = make_product(shop=shop, stock=20)
    sku = product.skus.get()
    now = clock.now()
    c = campaign_create(shop=shop, product_id=product.pk, group_size=3, fill_seconds=24 * 3600,
                        skus=[{"sku_id": sku.pk, "group_price": 3900, "stock": 10}], per_user_limit=2,
                        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(days=7))
    return campaign_activate(campaign_id=c.pk, shop=shop)


@pytest.fixture
def gsku(campaign):
    return campaign.skus.get().sku


@pytest.fixture
def open_group(campaign, gsku):
    """`open_group(user)` → (group, order, payment)."""
    from quanzi.groupbuy.services import group_open

    def run(user, quantity=1):
        return group_open(user=user, campaign_id=campaign.pk, sku_id=gsku.pk, quantity=quantity,
                          address_id=user.addresses.get().pk)

    return run


@pytest.fixture
def join_group(gsku):
    from quanzi.groupbuy.services import group_join

    def run(user, group, quantity=1):
        return group_join(user=user, number=group.number, sku_id=gsku.pk, quantity=quantity,
                          address_id=user.addresses.get().pk)

    return run
