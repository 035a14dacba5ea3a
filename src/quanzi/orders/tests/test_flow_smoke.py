from quanzi.ledger.selectors import balance
from quanzi.orders.constants import OrderStatus


def test_paid_order_moves_money_from_clearing_to_the_merchant(place_order, sku, shop, ledger_balanced):
    orders, payment = place_order([(sku, 2)], pay=True)

    assert orders[0].status == OrderStatus.PAID
    assert balance(code=f"merchant:{shop.pk}:pending") == -orders[0].total
    assert balance(code="platform:clearing") == 0
    sku.refresh_from_db()
    assert sku.stock == 8
    ledger_balanced()


def test_the_timeline_speaks_the_readers_language_whoever_caused_the_event(place_order, sku):
    from django.utils import translation

    with translation.override("zh-hans"):  # e.g. the payment notification arrived in a Chinese session
        orders, _payment = place_order([(sku, 1)], pay=True)
    paid = orders[0].events.get(kind="paid")

    with translation.override("en"):
        assert paid.text() == "Payment received"
    with translation.override("zh-hans"):
        assert paid.text() != "Payment received" and paid.text()
