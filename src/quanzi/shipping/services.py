"""Shipping: the merchant hands a parcel to a carrier; carriers push signed tracking events; the
delivered event starts the order's return window (orders.order_mark_delivered)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.orders.selectors import order_id_for_shop
from quanzi.orders.services import order_add_event, order_mark_delivered, order_mark_shipped
from quanzi.shipping.constants import CARRIERS, TrackingStatus
from quanzi.shipping.models import SandboxParcel, Shipment, TrackingEvent

logger = logging.getLogger("quanzi.shipping")
# The sandbox carrier's words are stored as English msgids and translated when shown (the order pages'
# `{% trans ev.description %}`), so each reader sees one language; a real carrier's own text shows as sent.
SANDBOX_ROUTE = [
    (TrackingStatus.PICKED_UP, gettext_noop("The courier picked up the parcel"), gettext_noop("Shanghai")),
    (TrackingStatus.IN_TRANSIT, gettext_noop("In transit: arrived at the sorting centre"), gettext_noop("Hangzhou")),
    (TrackingStatus.OUT_FOR_DELIVERY, gettext_noop("Out for delivery"), gettext_noop("Destination city")),
    (TrackingStatus.DELIVERED, gettext_noop("Delivered, signed for"), gettext_noop("Destination")),
]


def carrier_secret() -> bytes:
    return settings.QUANZI["SANDBOX_CARRIER_SECRET"].encode()


def carrier_signature(body: bytes) -> str:
    return hmac.new(carrier_secret(), body, hashlib.sha256).hexdigest()


@transaction.atomic
def shipment_create(*, shop, order_number: str, carrier: str, tracking_number: str = "") -> Shipment:
    """The merchant ships a paid order. With the sandbox carrier the tracking number is issued."""
    if carrier not in CARRIERS or (carrier == "sandbox" and not settings.QUANZI.get("SANDBOX_CARRIER", True)):
        raise ValidationFailed(_("Choose a carrier."), fields={"carrier": "unknown"})  # no sandbox in production
    tracking_number = (tracking_number or "").strip()
    if carrier == "sandbox" and not tracking_number:
        tracking_number = "QZ" + f"{secrets.randbelow(10**12):012d}"
    if not tracking_number or len(tracking_number) > 40 or not tracking_number.replace("-", "").isalnum():
        raise ValidationFailed(_("Enter the tracking number."), fields={"tracking_number": "invalid"})
    order_id = order_id_for_shop(shop=shop, number=order_number)
    if order_id is None:
        raise NotFound(_("Order not found."))
    with translation.override("en"):  # stored as the msgid; the timeline translates it when shown
        carrier_name = str(CARRIERS[carrier])
    order_mark_shipped(order_id=order_id, carrier=carrier, tracking_number=tracking_number, carrier_name=carrier_name)
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(order_id=order_id, carrier=carrier, tracking_number=tracking_number)
    except IntegrityError:
        raise Conflict(_("This tracking number is already used."), code="tracking_in_use",
                       fields={"tracking_number": "in use"})
    if carrier == "sandbox":
        SandboxParcel.objects.create(
            tracking_number=tracking_number, next_event_at=clock.now() + _step_delay(),
            webhook_url=settings.QUANZI["SITE_URL"].rstrip("/") + reverse("api:tracking_webhook", kwargs={"carrier": "sandbox"}))
    return shipment


def _step_delay() -> dt.timedelta:
    return dt.timedelta(seconds=settings.QUANZI.get("SANDBOX_CARRIER_STEP_SECONDS", 60))


def tracking_webhook(*, carrier: str, body: bytes, signature: str) -> dict:
    """Apply one signed carrier event. Duplicate event ids are acknowledged and ignored."""
    if carrier != "sandbox":
        raise NotFound(_("Unknown carrier."))
    if not signature or not hmac.compare_digest(signature.encode(), carrier_signature(body).encode()):
        logger.warning("tracking webhook with a bad signature")
        raise ValidationFailed(_("Bad signature."), code="bad_signature")
    try:
        data = json.loads(body)
        event_id, number, status = str(data["event_id"]), str(data["tracking_number"]), str(data["status"])
        occurred = parse_datetime(str(data.get("occurred_at", ""))) or clock.now()
    except (ValueError, KeyError, TypeError):
        raise ValidationFailed(_("Malformed tracking event."), code="malformed_event")
    if status not in TrackingStatus.values:
        raise ValidationFailed(_("Unknown tracking status."), fields={"status": status})
    return _apply_event(carrier, event_id, number, status, str(data.get("description", ""))[:200],
                        str(data.get("location", ""))[:80], occurred)


@transaction.atomic
def _apply_event(carrier, event_id, number, status, description, location, occurred) -> dict:
    shipment = Shipment.objects.select_for_update().filter(carrier=carrier, tracking_number=number).first()
    if shipment is None:
        raise NotFound(_("Unknown tracking number."))
    if TrackingEvent.objects.filter(event_id=event_id).exists():
        return {"ok": True, "duplicate": True}
    TrackingEvent.objects.create(shipment=shipment, event_id=event_id, status=status, description=description,
                                 location=location, occurred_at=occurred)
    # the carrier's words as parameters: the timeline translates each (the sandbox's are msgids)
    order_add_event(order_id=shipment.order_id, kind=f"tracking_{status}", actor="carrier",
                    message="%(description)s · %(location)s" if location else "%(description)s",
                    params={"description": description[:200], "location": location[:80]}, when=clock.now())
    if status == TrackingStatus.DELIVERED and shipment.status != TrackingStatus.DELIVERED:
        shipment.status, shipment.delivered_at = status, occurred
        shipment.save(update_fields=["status", "delivered_at"])
        try:
            order_mark_delivered(order_id=shipment.order_id)
        except Conflict:
            pass  # the order was refunded or closed meanwhile; the parcel still arrived
    elif status != TrackingStatus.DELIVERED and shipment.status != TrackingStatus.DELIVERED:
        shipment.status = status
        shipment.save(update_fields=["status"])
    return {"ok": True, "duplicate": False}


# ---------------------------------------------------------------- the sandbox carrier (its side)

def sandbox_event_body(parcel: SandboxParcel, step: int) -> bytes:
    status, description, location = SANDBOX_ROUTE[step]
    return json.dumps({"event_id": f"{parcel.tracking_number}-{step}", "tracking_number": parcel.tracking_number,
                       "status": str(status), "description": description, "location": location,
                       "occurred_at": clock.now().isoformat()}, ensure_ascii=False).encode()


def sandbox_carrier_advance(*, tracking_number: str) -> bool:
    """The sandbox carrier reports its parcel's next step to the platform's webhook.

    No transaction is held across the HTTP call: the platform writes while handling the event, and
    on SQLite an open read transaction could not be turned into a write afterwards. The step is
    advanced with a compare-and-set only when the platform acknowledged the event (2xx), so a
    missed webhook is sent again later; a duplicate send is harmless (the event id dedupes it).
    """
    parcel = SandboxParcel.objects.filter(tracking_number=tracking_number).first()
    if parcel is None or parcel.step >= len(SANDBOX_ROUTE):
        return False
    step = parcel.step
    if not _post_event(_webhook_url(), sandbox_event_body(parcel, step)):
        SandboxParcel.objects.filter(pk=parcel.pk, step=step).update(next_event_at=clock.now() + _step_delay())
        return False
    nxt = clock.now() + _step_delay() if step + 1 < len(SANDBOX_ROUTE) else None
    return bool(SandboxParcel.objects.filter(pk=parcel.pk, step=step).update(step=step + 1, next_event_at=nxt))


def _webhook_url() -> str:
    """Where the platform receives carrier events now (SITE_URL may differ from when it shipped)."""
    return settings.QUANZI["SITE_URL"].rstrip("/") + reverse("api:tracking_webhook", kwargs={"carrier": "sandbox"})


def _post_event(url: str, body: bytes) -> bool:
    headers = {"Content-Type": "application/json", "X-Carrier-Signature": carrier_signature(body)}
    if settings.QUANZI.get("SANDBOX_TRANSPORT", "http") == "inprocess":
        from urllib.parse import urlparse

        from django.test import Client

        response = Client(HTTP_HOST="testserver").post(urlparse(url).path, body, content_type="application/json",
                                                       HTTP_X_CARRIER_SIGNATURE=headers["X-Carrier-Signature"])
        return 200 <= response.status_code < 300
    import urllib.request

    try:
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own webhook
            return 200 <= response.status < 300
    except Exception as exc:  # noqa: BLE001 - the carrier logs and tries again later
        logger.warning("sandbox carrier webhook to %s failed: %s", url, exc)
        return False


def sandbox_carrier_sweep() -> int:
    """The sandbox carrier posts each parcel's next tracking event at `next_event_at` (every
    QUANZI_SANDBOX_CARRIER_STEP_SECONDS, 60 s); a step not acknowledged is sent again next time."""
    due = SandboxParcel.objects.filter(next_event_at__lte=clock.now(), step__lt=len(SANDBOX_ROUTE))
    return sum(sandbox_carrier_advance(tracking_number=t) for t in list(due.values_list("tracking_number", flat=True)[:200]))
