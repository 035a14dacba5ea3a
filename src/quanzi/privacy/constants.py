"""Values other code compares with: consent purposes, export and deletion statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    POLICY = "policy", _("Privacy policy")
    SENSITIVE = "sensitive", _("Sensitive personal information")
    CARRIERS = "carriers", _("Sharing my address with carriers")
    PAYMENT = "payment", _("Sharing order data with payment providers")
    PERSONALISATION = "personalisation", _("Personalised recommendations")
    GUARDIAN = "guardian", _("Guardian's consent (under 14)")


# Purposes the user may withdraw in the privacy centre (withdrawing the policy itself means deleting the
# account; the guardian's consent is given by the guardian, not withdrawn here).
OPTIONAL_PURPOSES = (Purpose.SENSITIVE, Purpose.CARRIERS, Purpose.PAYMENT, Purpose.PERSONALISATION)
# PIPL art. 29 / 23: sensitive data and sharing with third parties need their own, separate consent.
SEPARATE_PURPOSES = (Purpose.SENSITIVE, Purpose.CARRIERS, Purpose.PAYMENT)


class Method(models.TextChoices):
    SIGNUP = "signup", _("at sign-up")
    CENTRE = "centre", _("in the privacy centre")
    API = "api", _("through the API")
    GUARDIAN = "guardian", _("by the guardian")
    DEMO = "demo", _("demo data")
    SETTINGS = "settings", _("in the recommendation settings")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class DeletionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    WAITING = "waiting", _("Waiting for pending money or orders")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


GUARDIAN_AGE = 14  # PIPL art. 31: a child under 14 needs a parent's or guardian's consent
EXPORT_TTL_DAYS = 7  # how long a finished export can be downloaded
