"""Coupon kinds, scopes, channels and states (docs/promotions.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MAX_PER_USER = 10  # the most a template may let one shopper claim
MAX_TOTAL = 10_000_000  # units one template may issue
MAX_SCOPE_IDS = 200
MAX_PERCENT_OFF = 90
CODE_TRIES_PER_HOUR = 10  # wrong or right, per shopper: a code cannot be guessed by brute force


class Issuer(models.TextChoices):
    PLATFORM = "platform", _("Platform")
    SHOP = "shop", _("Shop")


class Kind(models.TextChoices):
    FIXED = "fixed", _("Amount off")  # with a minimum spend it is 满减 (spend ¥X, save ¥Y)
    PERCENT = "percent", _("Percentage off")
    FREE_SHIPPING = "free_shipping", _("Free shipping")


class Scope(models.TextChoices):
    ALL = "all", _("Everything")
    SHOPS = "shops", _("Chosen shops")
    CATEGORIES = "categories", _("Chosen categories")
    PRODUCTS = "products", _("Chosen products")


class Channel(models.TextChoices):
    PUBLIC = "public", _("Coupon centre, shop and product pages")
    CODE = "code", _("Redeem with a code")
    NEW_USER = "new_user", _("Granted on sign-up")
    REWARD = "reward", _("Reward for sharing a coupon")


class TemplateStatus(models.TextChoices):
    LIVE = "live", pgettext_lazy("coupon status", "Live")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class CouponStatus(models.TextChoices):
    AVAILABLE = "available", pgettext_lazy("coupon status", "Available")
    HELD = "held", _("Held by an unpaid order")
    USED = "used", _("Used")


class ShareRewardStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the order to settle")
    GRANTED = "granted", _("Granted")
    VOID = "void", _("Void: the order was refunded")
    GONE = "gone", _("Rewards ran out")
