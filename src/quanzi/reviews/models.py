"""Verified-purchase reviews: one per bought order line, with photos, one follow-up, one merchant
reply, "helpful" marks, and an audit trail of moderation decisions.

A review is never edited by the merchant and never deleted by the platform; the platform can only
hide (and restore) it through a recorded `ReviewModeration` (E-commerce Law art. 17 and 39).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock

MAX_IMAGES = 9
MAX_TEXT = 1000
MAX_FOLLOWUP = 500
MAX_REPLY = 500


class ReviewStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by moderation")


class Review(models.Model):
    order_line = models.OneToOneField("orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT,
                                      related_name="review")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="reviews")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="reviews")
    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="reviews")
    sku_label = models.CharField(_("variant"), max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.CharField(_("text"), max_length=MAX_TEXT)
    language = models.CharField(_("language"), max_length=8, blank=True, default="", editable=False)  # written_language
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.VISIBLE)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["product", "status", "-id"]),
            models.Index(fields=["shop", "-id"]),
            models.Index(fields=["author", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=5), name="review_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ★{self.rating}"

    @property
    def is_visible(self) -> bool:
        return self.status == ReviewStatus.VISIBLE


class ReviewImage(models.Model):
    """A photo of the review (or, with `for_followup`, of its follow-up). Stored re-encoded."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="images")
    for_followup = models.BooleanField(default=False)
    image = models.CharField(max_length=255)
    thumb = models.CharField(max_length=255)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["sort", "id"]


class FollowUp(models.Model):
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="followup")
    text = models.CharField(_("text"), max_length=MAX_FOLLOWUP)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")


class MerchantReply(models.Model):
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="reply")
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("text"), max_length=MAX_REPLY)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("merchant reply")
        verbose_name_plural = _("merchant replies")


class Helpful(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("helpful mark")
        verbose_name_plural = _("helpful marks")
        constraints = [models.UniqueConstraint(fields=["review", "user"], name="uniq_review_helpful")]


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("Hide")
    RESTORE = "restore", _("Restore")


class ReviewModeration(models.Model):
    """The recorded decision behind every change of a review's visibility (append-only)."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="moderations")
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=ModerationAction.choices)
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("review moderation")
        verbose_name_plural = _("review moderations")
        ordering = ["-id"]
