"""Shipping: the merchant ships, the sandbox carrier posts signed tracking events, delivery starts the
return window."""

import datetime as dt
import json

import pytest

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.orders import testing as orders_testing
from quanzi.orders.constants import OrderStatus
from quanzi.shipping.models import SandboxParcel, Shipment, TrackingEvent
from quanzi.shipping.selectors import shipment_for_order
from quanzi.shipping.services import (
    carrier_signature,
    sandbox_carrier_advance,
    sandbox_carrier_sweep,
    shipment_create,
    tracking_webhook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(place_order, sku):
    orders, _payment = place_order([(sku, 1)], pay=True)
    return orders[0]


def _order(order):
    return orders_testing.order_get(order_id=order.pk)


def _event(number, event_id, status, **extra):
    body = json.dumps({"event_id": event_id, "tracking_number": number, "status": status,
                       "description": "test", "location": "上海", **extra}).encode()
    return body, carrier_signature(body)


def test_the_merchant_ships_with_the_sandbox_carrier_and_gets_a_tracking_number(paid_order, shop):
    shipment = shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox")

    assert shipment.tracking_number.startswith("QZ") and len(shipment.tracking_number) == 14
    order = _order(paid_order)
    assert order.status == OrderStatus.SHIPPED
    shipped = order.events.get(kind="shipped")
    assert shipped.data["carrier"] == "sandbox" and shipped.data["tracking_number"] == shipment.tracking_number
    assert shipped.text() == f"Shipped by Quanzi Sandbox Express, tracking {shipment.tracking_number}"
    assert SandboxParcel.objects.filter(tracking_number=shipment.tracking_number).exists()


def test_the_sandbox_carrier_walks_the_parcel_to_delivery_which_opens_the_return_window(paid_order, shop):
    shipment = shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox")

    steps = 0
    while sandbox_carrier_advance(tracking_number=shipment.tracking_number):
        steps += 1
    assert steps == 4

    shipment = shipment_for_order(order_id=paid_order.pk)
    assert shipment.status == "delivered"
    assert [e.status for e in shipment.events.all()] == ["picked_up", "in_transit", "out_for_delivery", "delivered"]
    order = _order(paid_order)
    assert order.status == OrderStatus.DELIVERED
    assert order.return_window_closes_at - order.delivered_at == dt.timedelta(days=7)
    assert order.events.filter(kind__startswith="tracking_").count() == 4


def test_the_carrier_sweep_posts_events_when_they_are_due(paid_order, shop):
    shipment = shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox")
    assert sandbox_carrier_sweep() == 0
    with clock.travel(dt.timedelta(minutes=2)):
        assert sandbox_carrier_sweep() == 1
    assert TrackingEvent.objects.filter(shipment__tracking_number=shipment.tracking_number).count() == 1


def test_a_webhook_with_a_bad_signature_is_rejected_and_changes_nothing(paid_order, shop):
    shipment = shipment_create(shop=shop, order_number=paid_order.number, carrier="sf", tracking_number="SF100")
    body, _sig = _event("SF100", "e1", "delivered")
    for signature in ("", "deadbeef", carrier_signature(body + b" ")):
        with pytest.raises(ValidationFailed) as exc:
            tracking_webhook(carrier="sandbox", body=body, signature=signature)
        assert exc.value.code == "bad_signature"
    assert not shipment.events.exists()
    assert _order(paid_order).status == OrderStatus.SHIPPED


def test_a_duplicate_event_is_acknowledged_and_ignored(paid_order, shop):
    shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox", tracking_number="QZ1")
    body, sig = _event("QZ1", "QZ1-0", "picked_up")

    assert tracking_webhook(carrier="sandbox", body=body, signature=sig) == {"ok": True, "duplicate": False}
    assert tracking_webhook(carrier="sandbox", body=body, signature=sig) == {"ok": True, "duplicate": True}
    assert TrackingEvent.objects.count() == 1
    assert _order(paid_order).events.filter(kind="tracking_picked_up").count() == 1


def test_a_late_in_transit_event_after_delivery_does_not_undo_delivery(paid_order, shop):
    shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox", tracking_number="QZ2")
    tracking_webhook(carrier="sandbox", **dict(zip(("body", "signature"), _event("QZ2", "d", "delivered"),
                                                   strict=True)))
    delivered_at = _order(paid_order).delivered_at
    tracking_webhook(carrier="sandbox", **dict(zip(("body", "signature"), _event("QZ2", "t", "in_transit"),
                                                   strict=True)))
    assert Shipment.objects.get().status == "delivered"
    order = _order(paid_order)
    assert (order.status, order.delivered_at) == (OrderStatus.DELIVERED, delivered_at)


@pytest.mark.parametrize("payload,error", [
    (b"not json", ValidationFailed),
    (json.dumps({"event_id": "x"}).encode(), ValidationFailed),
    (json.dumps({"event_id": "x", "tracking_number": "QZ3", "status": "teleported"}).encode(), ValidationFailed),
    (json.dumps({"event_id": "x", "tracking_number": "UNKNOWN", "status": "delivered"}).encode(), NotFound),
])
def test_malformed_or_unknown_events_are_refused(paid_order, shop, payload, error):
    shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox", tracking_number="QZ3")
    with pytest.raises(error):
        tracking_webhook(carrier="sandbox", body=payload, signature=carrier_signature(payload))
    assert not TrackingEvent.objects.exists()
    assert _order(paid_order).status == OrderStatus.SHIPPED


def test_only_paid_orders_of_the_merchants_own_shop_can_be_shipped(place_order, sku, shop, make_shop):
    orders, _payment = place_order([(sku, 1)])
    with pytest.raises(Conflict) as exc:
        shipment_create(shop=shop, order_number=orders[0].number, carrier="sf", tracking_number="SF1")
    assert exc.value.code == "invalid_order_state"
    with pytest.raises(NotFound):
        shipment_create(shop=make_shop(), order_number=orders[0].number, carrier="sf", tracking_number="SF1")
    assert not Shipment.objects.exists()


@pytest.mark.parametrize("carrier,number", [("dhl-moon", "X1"), ("sf", ""), ("sf", "bad number!"), ("sf", "9" * 41)])
def test_an_unknown_carrier_or_bad_tracking_number_is_refused(paid_order, shop, carrier, number):
    with pytest.raises(ValidationFailed):
        shipment_create(shop=shop, order_number=paid_order.number, carrier=carrier, tracking_number=number)
    assert _order(paid_order).status == OrderStatus.PAID


def test_a_tracking_number_in_use_is_refused_and_the_order_stays_unshipped(place_order, sku, shop):
    first, _p = place_order([(sku, 1)], pay=True)
    second, _p = place_order([(sku, 1)], pay=True)
    shipment_create(shop=shop, order_number=first[0].number, carrier="sf", tracking_number="SF777")
    with pytest.raises(Conflict) as exc:
        shipment_create(shop=shop, order_number=second[0].number, carrier="sf", tracking_number="SF777")
    assert exc.value.code == "tracking_in_use"
    assert _order(second[0]).status == OrderStatus.PAID


def test_shipping_twice_is_refused(paid_order, shop):
    shipment_create(shop=shop, order_number=paid_order.number, carrier="sf", tracking_number="SF1")
    with pytest.raises(Conflict):
        shipment_create(shop=shop, order_number=paid_order.number, carrier="sf", tracking_number="SF2")
    assert Shipment.objects.count() == 1


def test_the_webhook_endpoint_speaks_the_error_shape(paid_order, shop, client):
    shipment_create(shop=shop, order_number=paid_order.number, carrier="sandbox", tracking_number="QZ9")
    body, sig = _event("QZ9", "QZ9-3", "delivered")
    bad = client.post("/api/v1/shipping/webhook/sandbox", body, content_type="application/json",
                      HTTP_X_CARRIER_SIGNATURE="nope")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "bad_signature"
    ok = client.post("/api/v1/shipping/webhook/sandbox", body, content_type="application/json",
                     HTTP_X_CARRIER_SIGNATURE=sig)
    assert ok.status_code == 200 and ok.json() == {"ok": True, "duplicate": False}
    assert _order(paid_order).status == OrderStatus.DELIVERED
