"""Catalog constants other apps may use (a product's shelf status).

Whether a product can be sold is not decided from `ProductStatus` alone (its shop must be approved
too): ask `quanzi.catalog.selectors.sellable_products()` / `product_sellable()`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ON_SHELF = "on_shelf", _("On shelf")
    OFF_SHELF = "off_shelf", _("Off shelf")


# ---- public interface used by groupbuy, bargain (the life of a campaign, see catalog.campaigns)

class CampaignStatus(models.TextChoices):
    """The life of a campaign that is drafted, then activated (group buys, bargains)."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
