"""Stock is taken atomically, returned on cancel, and can be set aside for a campaign."""

import pytest
from django.db import transaction

from quanzi.catalog.models import CampaignStock
from quanzi.catalog.services import (
    OutOfStock,
    StockItem,
    product_record_sales,
    stock_release_aside,
    stock_return,
    stock_set_aside,
    stock_take,
)
from quanzi.core.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_skus(make_product, shop):
    a = make_product(shop=shop, title="A", stock=5).skus.get()
    b = make_product(shop=shop, title="B", stock=2).skus.get()
    return a, b


def _stock(*skus):
    for s in skus:
        s.refresh_from_db()
    return [s.stock for s in skus]


def test_stock_take_takes_exact_quantities_and_merges_repeated_skus(two_skus):
    a, b = two_skus
    stock_take(items=[StockItem(a.pk, 2), StockItem(b.pk, 2), StockItem(a.pk, 1)])
    assert _stock(a, b) == [2, 0]


def test_stock_take_never_goes_below_zero_and_the_transaction_takes_nothing(two_skus):
    a, b = two_skus
    with pytest.raises(OutOfStock) as exc:
        with transaction.atomic():
            stock_take(items=[StockItem(a.pk, 1), StockItem(b.pk, 3)])
    assert exc.value.code == "out_of_stock"
    assert [k for k in exc.value.fields if str(b.pk) in k]  # the short SKU is named …
    assert not [k for k in exc.value.fields if str(a.pk) in k]  # … and only that one
    assert _stock(a, b) == [5, 2]


def test_stock_take_refuses_zero_or_negative_quantities(two_skus):
    a, _b = two_skus
    for qty in (0, -1):
        with pytest.raises(ValidationFailed):
            stock_take(items=[StockItem(a.pk, qty)])
    assert _stock(a) == [5]


def test_stock_return_gives_stock_back_and_ignores_zero(two_skus):
    a, b = two_skus
    stock_take(items=[StockItem(a.pk, 4)])
    stock_return(items=[StockItem(a.pk, 3), StockItem(b.pk, 0)])
    assert _stock(a, b) == [4, 2]


def test_stock_set_aside_moves_stock_into_a_campaign_pool(two_skus):
    a, _b = two_skus
    pool = stock_set_aside(sku_id=a.pk, campaign_key="flash:1", quantity=3)
    assert pool.quantity == 3
    assert _stock(a) == [2]

    stock_set_aside(sku_id=a.pk, campaign_key="flash:1", quantity=1)  # topping up the same pool
    assert CampaignStock.objects.get(sku=a, campaign_key="flash:1").quantity == 4
    assert _stock(a) == [1]


def test_orders_from_a_campaign_take_from_its_pool_only(two_skus):
    a, _b = two_skus
    stock_set_aside(sku_id=a.pk, campaign_key="flash:1", quantity=2)

    stock_take(items=[StockItem(a.pk, 2, "flash:1")])
    assert CampaignStock.objects.get(sku=a).quantity == 0
    assert _stock(a) == [3]  # the free stock is untouched
    with pytest.raises(OutOfStock):
        with transaction.atomic():
            stock_take(items=[StockItem(a.pk, 1, "flash:1")])  # the pool is empty even though the SKU has 3

    stock_return(items=[StockItem(a.pk, 1, "flash:1")])  # a cancelled campaign order goes back to the pool
    assert CampaignStock.objects.get(sku=a).quantity == 1
    assert _stock(a) == [3]


def test_setting_aside_more_than_the_free_stock_is_refused(two_skus):
    a, _b = two_skus
    with pytest.raises(OutOfStock):
        with transaction.atomic():
            stock_set_aside(sku_id=a.pk, campaign_key="flash:2", quantity=6)
    assert _stock(a) == [5]
    assert not CampaignStock.objects.filter(campaign_key="flash:2", quantity__gt=0).exists()
    with pytest.raises(ValidationFailed):
        stock_set_aside(sku_id=a.pk, campaign_key="flash:2", quantity=0)


def test_releasing_a_campaign_pool_returns_what_is_left_to_the_sku(two_skus):
    a, _b = two_skus
    stock_set_aside(sku_id=a.pk, campaign_key="group:7", quantity=4)
    stock_take(items=[StockItem(a.pk, 1, "group:7")])

    assert stock_release_aside(sku_id=a.pk, campaign_key="group:7") == 3
    assert _stock(a) == [4]
    assert CampaignStock.objects.get(sku=a).quantity == 0
    assert stock_release_aside(sku_id=a.pk, campaign_key="group:7") == 0  # twice moves nothing more
    assert _stock(a) == [4]
    with pytest.raises(Conflict):
        stock_release_aside(sku_id=a.pk, campaign_key="never")


def test_record_sales_adds_to_sold_counts(two_skus):
    a, b = two_skus
    product_record_sales(quantities={a.product_id: 2, b.product_id: 1})
    product_record_sales(quantities={a.product_id: 3})
    a.product.refresh_from_db()
    b.product.refresh_from_db()
    assert (a.product.sold_count, b.product.sold_count) == (5, 1)
