"""System checks of shipping: nothing of the sandbox carrier in production (docs/payments.md).

The tracking webhook trusts events signed with QUANZI_SANDBOX_CARRIER_SECRET, whose default is published
in the source: with it anyone could mark any parcel delivered (which starts the return window and, later,
the merchant's settlement). In production it must be replaced, and the sandbox carrier (its automatic
parcels and the "advance parcel" button) may only be on with QUANZI_SANDBOX_IN_PRODUCTION=1.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

PUBLISHED_SECRET = "sandbox-carrier-secret-dev"  # the default in config/settings/base.py


@register()
def no_sandbox_carrier_in_production(app_configs, **kwargs):
    if settings.QUANZI.get("ENV") != "prod":
        return []
    errors = []
    if (settings.QUANZI.get("SANDBOX_CARRIER_SECRET") or "") in ("", PUBLISHED_SECRET):
        errors.append(Error(
            "QUANZI_SANDBOX_CARRIER_SECRET is the published default (or empty): anyone can sign tracking "
            "events with it and mark parcels delivered.",
            hint="Set QUANZI_SANDBOX_CARRIER_SECRET to a long random value.", id="shipping.E001"))
    if settings.QUANZI.get("SANDBOX_CARRIER") and not settings.QUANZI.get("SANDBOX_IN_PRODUCTION"):
        errors.append(Error(
            "The sandbox carrier is enabled in production (QUANZI_SANDBOX_CARRIER=1): merchants could 'ship' "
            "parcels that deliver themselves.",
            hint="Unset QUANZI_SANDBOX_CARRIER, or — for a staging site only — opt in with "
                 "QUANZI_SANDBOX_IN_PRODUCTION=1.", id="shipping.E002"))
    return errors
