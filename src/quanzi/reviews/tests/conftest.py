from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png(name: str = "p.png", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (255, 36, 66)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def deliver():
    """deliver(order) → the order shipped and delivered."""
    from quanzi.orders.services import order_mark_delivered
    from quanzi.shipping.services import shipment_create

    def run(order):
        shipment_create(shop=order.shop, order_number=order.number, carrier="sf", tracking_number=f"SF{order.pk:08d}")
        order_mark_delivered(order_id=order.pk)
        order.refresh_from_db()
        return order

    return run


@pytest.fixture
def bought_line(place_order, deliver, sku):
    """bought_line(user=None, delivered=True) → an order line the user bought (and received)."""

    def make(*, user=None, delivered: bool = True, item=None):
        orders, _payment = place_order([(item or sku, 1)], user=user, pay=True)
        order = orders[0]
        if delivered:
            deliver(order)
        return order.lines.get()

    return make


@pytest.fixture
def line(bought_line):
    return bought_line()
