"""Test helpers of shipping: the sandbox carrier's hands, and read-outs of shipments. Never imported by
application code; other apps' tests, the root conftest, bench/ and tests/e2e use these instead of the
shipping models."""

from __future__ import annotations

from quanzi.shipping.models import SandboxParcel, Shipment


def carrier_deliver(tracking_number: str, *, until: str = "delivered") -> list:
    """Post the sandbox carrier's signed tracking events for a parcel through the webhook, step by step
    up to `until` (picked_up, in_transit, out_for_delivery, delivered). Returns the webhook responses."""
    from django.test import Client

    from quanzi.shipping.services import SANDBOX_ROUTE, carrier_signature, sandbox_event_body

    parcel = SandboxParcel.objects.get(tracking_number=tracking_number)
    responses = []
    for step, (status, _description, _location) in enumerate(SANDBOX_ROUTE):
        body = sandbox_event_body(parcel, step)
        responses.append(Client().post("/api/v1/shipping/webhook/sandbox", body, content_type="application/json",
                                       HTTP_X_CARRIER_SIGNATURE=carrier_signature(body)))
        if str(status) == until:
            break
    return responses


def sandbox_parcel_step(*, tracking_number: str) -> int:
    """How many tracking steps the sandbox carrier has reported for the parcel."""
    return SandboxParcel.objects.get(tracking_number=tracking_number).step


def shipments(*, order_id: int | None = None) -> list[Shipment]:
    """Shipments in id order (of one order, or all of them)."""
    qs = Shipment.objects.order_by("id")
    if order_id is not None:
        qs = qs.filter(order_id=order_id)
    return list(qs)


def shipment_get(*, order_id: int | None = None) -> Shipment:
    """The shipment of this order (or the only shipment), fresh from the database."""
    return Shipment.objects.get(order_id=order_id) if order_id is not None else Shipment.objects.get()
