"""What serving reads, precomputed by the training job (services.train): item neighbours and the trending
list; and each person's choice to have personalised recommendations or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock


class ItemNeighbour(models.Model):
    """One of a product's nearest products by who interacted with both (item-kNN cosine), rank 1 first."""

    product_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    neighbour_id = models.BigIntegerField()
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product_id", "rank"], name="recommend_neighbour_rank")]


class TrendingItem(models.Model):
    """The non-personalised ranking: products by how many people interacted with them lately."""

    rank = models.PositiveSmallIntegerField(primary_key=True)
    product_id = models.BigIntegerField()
    score = models.FloatField()


class TrainingRun(models.Model):
    started_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    interactions = models.PositiveIntegerField(default=0)
    users = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    neighbours = models.PositiveIntegerField(default=0)


class RecommendPreference(models.Model):
    """A row only when the person changed a default: personalisation on, no category hidden."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="+")
    personalised = models.BooleanField(_("personalised recommendations"), default=True)
    hidden_categories = models.JSONField(_("hidden interests"), default=list, blank=True)  # category ids
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("recommendation preference")
        verbose_name_plural = _("recommendation preferences")
