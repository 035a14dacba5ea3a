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
GROUP_JOINED = "group.joined"  # a spot taken in a group buy (its leader's opening, or a member's join)
# Per order and campaign type (a price source or an attribution, see `CampaignType`): what the campaign
# sold (line totals) and what its prices gave away (list price × quantity − line total). Campaign ROI.
CAMPAIGN_SALE = "campaign.sale"
CAMPAIGN_DISCOUNT = "campaign.discount"

# What a browser reports (beacons): views and impressions the server cannot see on its own.
PAGE_VIEW = "page.view"
PRODUCT_VIEW = "product.view"
NOTE_VIEW = "note.view"
ROOM_VIEW = "room.view"
IMPRESSION = "impression"
BEACON_NAMES = frozenset({PAGE_VIEW, PRODUCT_VIEW, NOTE_VIEW, ROOM_VIEW, IMPRESSION})
BEACON_OBJECTS = {PAGE_VIEW: "", PRODUCT_VIEW: "product", NOTE_VIEW: "note", ROOM_VIEW: "room", IMPRESSION: ""}

SERVER_NAMES = frozenset({SIGNED_UP, CART_ADDED, ORDER_CREATED, ORDER_PAID, LINE_PAID, ORDER_REFUNDED, SHARE_CREATED, SHARE_CLICKED, FOLLOWED,
                          NOTE_PUBLISHED, NOTE_LIKED, COMMENTED, REVIEWED, GROUP_JOINED, CAMPAIGN_SALE,
                          CAMPAIGN_DISCOUNT})
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


class CampaignType(models.TextChoices):
    """What a campaign-ROI row is about. A line can count for two campaigns (a group-buy line bought through
    a shared link is both): each row answers "what did this campaign return", the rows do not add up."""

    GROUP = "group", _("Group buy")
    FLASH = "flash", _("Flash sale")
    BARGAIN = "bargain", _("Bargain")
    LIVE = "live", _("Live room")
    SHARE = "share", _("Shared link")
    NOTE = "note", _("Note")
    ADS = "ads", _("Sponsored listing")


PRICED_CAMPAIGNS = frozenset({"group", "flash", "bargain", "live"})  # line price sources
ATTRIBUTED_CAMPAIGNS = frozenset({"share", "note", "live"})  # keys of a line's attribution snapshot
# What a campaign costs the merchant beyond its discounts, from the ledger: the transaction kinds that move
# money out of the merchant's account (sharers' and hosts' commissions) or the shop's ads balance (clicks).
COST_KINDS = {
    "share": ("commission.accrue", "commission.reverse", "commission.void"),
    "live": ("live.commission.accrue", "live.commission.reverse"),
    "ads": ("ads.click", "ads.click.reversal"),
}


PLAN_PURPOSE = "data_plan"  # payment purpose of a data-plan purchase (payment.captured → handlers.activate_plan)
PLANS = {  # period → (price in fen, days)
    "month": (9_900, 31),
    "year": (99_900, 366),
}
FREE_DAYS = 7  # what a shop without a plan sees: the last 7 days of its basic sales
