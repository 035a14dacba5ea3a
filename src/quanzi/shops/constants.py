"""Shop constants other apps may use (the review status of a shop)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopStatus(models.TextChoices):
    APPLIED = "applied", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
