"""The social graph: profiles, follows (a user follows a user or a shop) and blocks.

Counters are never stored: followers/following are COUNT queries on indexed columns, so they
cannot drift. `manage.py social_check` verifies the graph's invariants.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

BIO_MAX = 200


class Profile(models.Model):
    """A user's public profile extras; created lazily on first read/update."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="social_profile")
    bio = models.CharField(_("bio"), max_length=BIO_MAX, blank=True)
    avatar = models.CharField(_("avatar"), max_length=200, blank=True, help_text=_("Storage name of the thumbnail."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class Follow(models.Model):
    """An edge: `follower` follows exactly one of `followee` (a user) or `shop`."""

    follower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_edges")
    followee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="follower_edges")
    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="follower_edges")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(followee__isnull=False, shop__isnull=True) | Q(followee__isnull=True, shop__isnull=False)),
                name="social_follow_one_target"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="social_follow_not_self"),
            models.UniqueConstraint(fields=["follower", "followee"], condition=Q(followee__isnull=False),
                                    name="social_follow_unique_user"),
            models.UniqueConstraint(fields=["follower", "shop"], condition=Q(shop__isnull=False),
                                    name="social_follow_unique_shop"),
        ]
        indexes = [
            models.Index(fields=["followee", "follower"], name="social_follow_followee_idx"),
            models.Index(fields=["shop", "follower"], name="social_follow_shop_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {'user ' + str(self.followee_id) if self.followee_id else 'shop ' + str(self.shop_id)}"


class Block(models.Model):
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="social_block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="social_block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="social_block_blocked_idx")]

    def __str__(self) -> str:
        return f"{self.blocker_id} ⊘ {self.blocked_id}"
