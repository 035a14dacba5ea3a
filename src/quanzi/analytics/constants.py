"""What analytics counts: the names of its events (server facts and browser beacons) and the sales
channels of an order. Other apps compare with these without the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Facts taken from the domain event stream (handlers.py): wire name → analytics name.
SIGNED_UP = "account.signup"
CART_ADDED = "cart.added"
ORDER_CREATED = "order.created"
ORDER_PAID = "order.paid"
LINE_PAID = "order.line_paid"  # one per order line of a paid order: sales by product and category
ORDER_REFUNDED = "order.refunded"
SHARE_CREATED = "share.created"
SHARE_CLICKED = "share.clicked"
FOLLOWED = "social.followed"
NOTE_PUBLISHED = "note.published"
NOTE_LIKED = "note.liked"
COMMENTED = "note.commented"
REVIEWED = "review.created"

# What a browser reports (beacons): views and impressions the server cannot see on its own.
PAGE_VIEW = "page.view"
PRODUCT_VIEW = "product.view"
NOTE_VIEW = "note.view"
ROOM_VIEW = "room.view"
IMPRESSION = "impression"
BEACON_NAMES = frozenset({PAGE_VIEW, PRODUCT_VIEW, NOTE_VIEW, ROOM_VIEW, IMPRESSION})
BEACON_OBJECTS = {PAGE_VIEW: "", PRODUCT_VIEW: "product", NOTE_VIEW: "note", ROOM_VIEW: "room", IMPRESSION: ""}

SERVER_NAMES = frozenset({SIGNED_UP, CART_ADDED, ORDER_CREATED, ORDER_PAID, LINE_PAID, ORDER_REFUNDED, SHARE_CREATED, SHARE_CLICKED, FOLLOWED,
                          NOTE_PUBLISHED, NOTE_LIKED, COMMENTED, REVIEWED})
EVENT_NAMES = SERVER_NAMES | BEACON_NAMES


class Channel(models.TextChoices):
    """Where a sale came from (an order's attribution and price source, in this order of precedence)."""

    SHARE = "share", _("Shared link")
    NOTE = "note", _("Note")
    LIVE = "live", _("Live room")
    GROUP = "group", _("Group buy")
    FLASH = "flash", _("Flash sale")
    BARGAIN = "bargain", _("Bargain")
    ORGANIC = "organic", _("Organic")


PLAN_PURPOSE = "data_plan"  # payment purpose of a data-plan purchase (payment.captured → handlers.activate_plan)
PLANS = {  # period → (price in fen, days)
    "month": (9_900, 31),
    "year": (99_900, 366),
}
FREE_DAYS = 7  # what a shop without a plan sees: the last 7 days of its basic sales
