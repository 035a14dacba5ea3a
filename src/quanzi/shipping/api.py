from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.errors import NotFound
from quanzi.orders.selectors import order_for_user
from quanzi.shipping import selectors, services

router = Router(tags=["shipping"])


class WebhookOut(Schema):
    ok: bool
    duplicate: bool


class TrackingEventOut(Schema):
    status: str
    description: str
    location: str
    occurred_at: str


class TrackingOut(Schema):
    carrier: str
    carrier_name: str
    tracking_number: str
    status: str
    events: list[TrackingEventOut]


@router.post("/webhook/{carrier}", response=WebhookOut, auth=None, url_name="tracking_webhook",
             summary="Carrier tracking event (JSON body signed with HMAC-SHA256 in X-Carrier-Signature)")
def webhook(request, carrier: str):
    return services.tracking_webhook(carrier=carrier, body=request.body,
                                     signature=request.headers.get("X-Carrier-Signature", ""))


@router.get("/orders/{number}", response=TrackingOut, auth=auth, summary="Tracking of one of my orders")
def tracking(request, number: str):
    order = order_for_user(user=request.auth, number=number)
    shipment = selectors.shipment_for_order(order_id=order.pk) if order else None
    if shipment is None:
        raise NotFound(_("No shipment for this order yet."))
    return {"carrier": shipment.carrier, "carrier_name": shipment.carrier_name,
            "tracking_number": shipment.tracking_number, "status": shipment.status,
            "events": [{"status": e.status, "description": e.description, "location": e.location,
                        "occurred_at": e.occurred_at.isoformat()} for e in shipment.events.all()]}
