"""Shipping constants other apps may use: the carriers a merchant can pick and the tracking statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _

CARRIERS = {
    "sandbox": _("Quanzi Sandbox Express"),
    "sf": _("SF Express"),
    "zto": _("ZTO Express"),
    "yto": _("YTO Express"),
    "jd": _("JD Logistics"),
    "ems": _("EMS"),
}


class TrackingStatus(models.TextChoices):
    SHIPPED = "shipped", _("Handed to the carrier")
    PICKED_UP = "picked_up", _("Picked up")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
