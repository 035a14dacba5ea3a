"""Share links, clicks, attribution bindings, conversions, invitations and the upline graph.

A `ShareLink` is one sharer's personal link to one target (a product today; notes, group buys and
live rooms later, see `targets.py`). Visiting the target with `?share=<code>` records a `ShareClick`
and binds the visitor to the sharer for that product (`AttributionBinding`, or the session while
anonymous). At checkout the binding becomes the order line's attribution snapshot; when the order is
paid a `ShareConversion` row per attributed line keeps link statistics cheap.

Invitations build the upline graph (`Upline`, one per user, never changed, always acyclic). Nothing in
this app moves money: commission (another app) reads the snapshot and the graph.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.sharing.constants import ClickRule, TargetType, UplineRule, UplineVia  # noqa: F401 - re-exported

SETTINGS_CACHE_KEY = "sharing:settings:v1"


class SharingSettings(models.Model):
    """The programme's knobs, one row (pk=1) edited in the admin; `current()` gives defaults when absent."""

    window_days = models.PositiveIntegerField(
        _("attribution window (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)])
    click_rule = models.CharField(_("click rule"), max_length=8, choices=ClickRule.choices, default=ClickRule.LAST)
    upline_rule = models.CharField(_("upline rule"), max_length=12, choices=UplineRule.choices,
                                   default=UplineRule.SIGNUP)
    link_ttl_days = models.PositiveIntegerField(
        _("share link lifetime (days)"), default=90, validators=[MinValueValidator(1), MaxValueValidator(3650)])
    signup_window_hours = models.PositiveIntegerField(
        _("invitation window after signup (hours)"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 30)])

    class Meta:
        verbose_name = _("sharing settings")
        verbose_name_plural = _("sharing settings")

    def __str__(self) -> str:
        return str(_("Sharing settings"))

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)
        cache.delete(SETTINGS_CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(SETTINGS_CACHE_KEY)
        return result

    @classmethod
    def current(cls) -> SharingSettings:
        """The saved row or the defaults, cached briefly: the click middleware reads it on every share visit."""
        found = cache.get(SETTINGS_CACHE_KEY)
        if found is None:
            found = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(SETTINGS_CACHE_KEY, found, 60)
        return found


class ShareLink(models.Model):
    """One sharer's link to one target, reused on every share; the code rotates when it expires."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sharer"), on_delete=models.CASCADE,
                               related_name="share_links")
    target_type = models.CharField(_("target type"), max_length=12, choices=TargetType.choices)
    target_id = models.BigIntegerField(_("target id"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        constraints = [models.UniqueConstraint(fields=["sharer", "target_type", "target_id"],
                                               name="sharing_one_link_per_target")]

    def __str__(self) -> str:
        return f"{self.code} ({self.target_type}:{self.target_id})"

    def is_active(self, at=None) -> bool:
        return self.expires_at > (at or clock.now())


class ShareClick(models.Model):
    """One visit through a share link (recorded even when it binds nothing, e.g. the sharer's own)."""

    link = models.ForeignKey(ShareLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="clicks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visitor"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    session_key = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    device = models.CharField(max_length=16, blank=True)
    self_click = models.BooleanField(_("sharer's own click"), default=False)
    at = models.DateTimeField(_("at"), default=clock.now)

    class Meta:
        verbose_name = _("share click")
        verbose_name_plural = _("share clicks")
        indexes = [models.Index(fields=["link", "at"], name="sharing_click_link_idx")]

    def __str__(self) -> str:
        return f"click {self.link_id} at {self.at:%Y-%m-%d %H:%M}"


class AttributionBinding(models.Model):
    """Who gets the credit if `user` buys `product_id` before `expires_at` (one row per user and product)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_bindings")
    product_id = models.BigIntegerField()
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="bindings")
    clicked_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    self_purchase = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("attribution binding")
        verbose_name_plural = _("attribution bindings")
        constraints = [models.UniqueConstraint(fields=["user", "product_id"], name="sharing_one_binding_per_product")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.sharer_id} for product {self.product_id}"


class ShareConversion(models.Model):
    """A paid order line that came through a link: what link statistics count (orders, GMV)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="conversions")
    sharer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order_id = models.BigIntegerField()
    line_id = models.BigIntegerField(unique=True)
    amount = models.BigIntegerField(_("amount (fen)"))
    self_purchase = models.BooleanField(default=False)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("share conversion")
        verbose_name_plural = _("share conversions")
        indexes = [models.Index(fields=["sharer", "at"], name="sharing_conv_sharer_idx"),
                   models.Index(fields=["buyer", "at"], name="sharing_conv_buyer_idx")]

    def __str__(self) -> str:
        return f"line {self.line_id} via {self.link_id}"


class Invitation(models.Model):
    """A user's invitation code (邀请码), created on first need."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation")
    code = models.CharField(_("invitation code"), max_length=16, unique=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")

    def __str__(self) -> str:
        return self.code


class Upline(models.Model):
    """`user`'s upline (上级). Set once, never changed; the graph of these rows is acyclic."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upline_link")
    upline = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="direct_links")
    bound_at = models.DateTimeField(default=clock.now)
    via = models.CharField(max_length=12, choices=UplineVia.choices)
    code = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("upline")
        verbose_name_plural = _("uplines")
        constraints = [models.CheckConstraint(condition=~models.Q(user=models.F("upline")), name="sharing_no_self_upline")]

    def __str__(self) -> str:
        return f"{self.user_id} ↑ {self.upline_id}"
