"""What serving reads, precomputed by the training job (services.train): item neighbours and the trending
list; and each person's choice to have personalised recommendations or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock


class NeighbourKind(models.TextChoices):
    VIEWED = "viewed", _("looked at together")  # 看了又看: every kind of interaction (item-kNN)
    BOUGHT = "bought", _("bought together")  # 买了还买: orders only
    CONTENT = "content", _("similar content")  # cold start: title, category (a product nobody touched yet)


class ItemNeighbour(models.Model):
    """One of a product's nearest products, rank 1 first: by who interacted with both (item-kNN cosine, on
    every interaction or on orders only) or, for products too new to have been touched, by their words."""

    kind = models.CharField(max_length=8, choices=NeighbourKind.choices, default=NeighbourKind.VIEWED)
    product_id = models.BigIntegerField()
    rank = models.PositiveSmallIntegerField()
    neighbour_id = models.BigIntegerField()
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product_id", "kind", "rank"], name="recommend_neighbour_kind_rank")]


class TrendingItem(models.Model):
    """The non-personalised ranking: products by how many people interacted with them lately."""

    rank = models.PositiveSmallIntegerField(primary_key=True)
    product_id = models.BigIntegerField()
    score = models.FloatField()


class RegionalTrendingItem(models.Model):
    """What sold most lately to addresses in one province: a new person's list before they have a history
    (cold start), after the interests they picked."""

    region = models.CharField(max_length=40)  # the province, as written on addresses
    rank = models.PositiveSmallIntegerField()
    product_id = models.BigIntegerField()
    score = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "rank"], name="recommend_regional_rank")]


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
    liked_categories = models.JSONField(_("interests you picked"), default=list, blank=True)  # cold start
    use_region = models.BooleanField(_("use my region"), default=True)  # cold start by the default address's province
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("recommendation preference")
        verbose_name_plural = _("recommendation preferences")


class Arm(models.TextChoices):
    """The A/B switch: a stable share of signed-in people (`RECOMMEND_HOLDOUT_PERCENT`) get the non-personalised
    ranking, so the lift of personalisation is measured, not assumed."""

    PERSONALISED = "p", _("personalised")
    HOLDOUT = "h", _("non-personalised (holdout)")


class ArmDay(models.Model):
    """One day's counts of one arm: rails shown, picks clicked, orders placed after a click (7 days)."""

    day = models.DateField()
    arm = models.CharField(max_length=1, choices=Arm.choices)
    impressions = models.PositiveIntegerField(default=0)
    clicks = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "arm"], name="recommend_arm_day")]


class PickClick(models.Model):
    """A click on a recommended product, kept 7 days to credit an order of it to the arm that showed it."""

    user_id = models.BigIntegerField()
    product_id = models.BigIntegerField()
    arm = models.CharField(max_length=1, choices=Arm.choices)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["user_id", "at"])]


class PersonPicks(models.Model):
    """A person's 猜你喜欢, precomputed: serving reads this one row (and the products) instead of working the
    list out on the request. `due` marks it for the refresh sweep — the person looked at a product, added to
    their cart or paid since, or the model was retrained — so it follows what they do within seconds while the
    request path stays two reads. `picks` is `[[product id, reason, source product id or null, friends], …]`,
    best first."""

    user_id = models.BigIntegerField(primary_key=True)
    picks = models.JSONField(default=list, blank=True)
    hidden_categories = models.JSONField(default=list, blank=True)  # when worked out (trending top-ups skip them)
    due = models.BooleanField(default=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    due_since = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["due_since"], condition=models.Q(due=True), name="recommend_picks_due")]
