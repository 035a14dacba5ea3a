"""Translated models still aggregate by what values() names (core/translated_queries.py)."""

import pytest
from django.db.models import Sum

from quanzi.catalog.models import ProductOption
from quanzi.orders.models import OrderLine


def test_a_sum_per_product_groups_by_product_not_by_line():
    sql = str(OrderLine.objects.values("product_id").annotate(q=Sum("quantity")).query)
    group_by = sql.split("GROUP BY", 1)[1]
    assert '"orders_orderline"."id"' not in group_by


@pytest.mark.parametrize("model, order", [(OrderLine, 'ORDER BY "orders_orderline"."id" ASC'),
                                          (ProductOption, 'ORDER BY "catalog_productoption"."sort" ASC')])
def test_the_default_ordering_still_applies_to_plain_lists(model, order):
    assert order in str(model.objects.all().query)
