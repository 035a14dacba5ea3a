from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.shipping.constants import CARRIERS, TrackingStatus


class Shipment(models.Model):
    order_id = models.BigIntegerField(unique=True)
    carrier = models.CharField(_("carrier"), max_length=20)
    tracking_number = models.CharField(_("tracking number"), max_length=40)
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices, default=TrackingStatus.SHIPPED)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [models.UniqueConstraint(fields=["carrier", "tracking_number"], name="uniq_tracking")]

    @property
    def carrier_name(self) -> str:
        return str(CARRIERS.get(self.carrier, self.carrier))


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=64, unique=True)  # the carrier's id: duplicates are ignored
    status = models.CharField(_("status"), max_length=20, choices=TrackingStatus.choices)
    description = models.CharField(max_length=200)
    location = models.CharField(_("location"), max_length=80, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), default=clock.now)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]


class SandboxParcel(models.Model):
    """The sandbox carrier's own record: what it will report next, and when."""

    tracking_number = models.CharField(_("tracking number"), max_length=40, unique=True)
    webhook_url = models.CharField(max_length=300)
    step = models.PositiveSmallIntegerField(default=0)  # index into SANDBOX_ROUTE
    next_event_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("sandbox parcel")
        verbose_name_plural = _("sandbox parcels")


