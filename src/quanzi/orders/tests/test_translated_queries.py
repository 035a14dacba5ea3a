"""Order lines (a translated model) still aggregate by what values() names (core/translated_queries.py)."""

from django.db.models import Sum

from quanzi.orders.models import OrderLine


def test_a_sum_per_product_groups_by_product_not_by_line():
    sql = str(OrderLine.objects.values("product_id").annotate(q=Sum("quantity")).query)
    group_by = sql.split("GROUP BY", 1)[1]
    assert '"orders_orderline"."id"' not in group_by


def test_the_default_ordering_still_applies_to_plain_lists():
    assert 'ORDER BY "orders_orderline"."id" ASC' in str(OrderLine.objects.all().query)
