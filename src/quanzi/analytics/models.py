"""The analytics event log and its rollups.

`Event` is the raw log: one row per fact (a paid order, a share click, a product view …), keyed by an
idempotency key so a fact delivered twice is stored once. People appear only as a pseudonymous `actor`
(a keyed hash of the user id, or of the device for a visitor who is not signed in): no names, phones or
addresses. Reports never scan it for dashboards: `DailyRollup` holds per-day counts, distinct actors and
amounts per (shop, event, channel), recomputed for every day that received events (`DirtyMark`) by
`rollups.rollup_dirty_days` — Matomo's archiving, exact because a day is always recomputed whole.
Funnels and cohorts, which follow one actor across events, read the raw log over a bounded range.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

PLATFORM = 0  # DailyRollup.shop_id of the platform-wide rows
ALL_CHANNELS = "*"  # DailyRollup.channel of the rows over every channel


class Event(models.Model):
    key = models.CharField(_("idempotency key"), max_length=80)  # unique per day: Meta.constraints
    name = models.CharField(_("event"), max_length=24)
    occurred_at = models.DateTimeField(_("occurred at"))
    day = models.DateField(_("day (Asia/Shanghai)"))
    actor = models.CharField(_("pseudonymous actor"), max_length=24)
    shop_id = models.BigIntegerField(_("shop"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=12, blank=True)
    object_id = models.BigIntegerField(_("object"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount (fen)"), default=0)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    props = models.JSONField(_("properties"), default=dict, blank=True)

    class Meta:
        verbose_name = _("analytics event")
        verbose_name_plural = _("analytics events")
        # (key, day), not key alone: PostgreSQL partitions the table by day (partitions.py) and a unique
        # constraint there must include the partition key. A fact's day comes from its occurred_at, which
        # is the same on every re-delivery, so a re-sent fact is still stored once; SQLite has the same rule.
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="analytics_event_key_day")]
        indexes = [
            models.Index(fields=["day", "name"], name="analytics_event_day_name"),
            # covering (PostgreSQL): the raw-event reports — distinct buyers over a range, funnels — read
            # actor and time from the index alone, never the partitions' heap
            models.Index(fields=["name", "day", "shop_id"], include=["actor", "occurred_at"],
                         name="analytics_event_name_day_cover"),
            models.Index(fields=["actor", "occurred_at"], name="analytics_event_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.key}"


class DirtyMark(models.Model):
    """A day that received events since its rollup was last computed: appended with the events, in their
    transaction (no row everyone updates, so ingest never waits on another ingest); taken by the job with
    one DELETE … RETURNING, so a mark committed after that stays for the next run."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("day to roll up")
        verbose_name_plural = _("days to roll up")


class DailyRollup(models.Model):
    """One day's count, distinct actors and amount of one event for one shop (`PLATFORM` = everyone) and
    channel ("" = events without one; `ALL_CHANNELS` = all of the event's rows, whose distinct actors are
    not the sum of the channels')."""

    day = models.DateField(_("day"))
    shop_id = models.BigIntegerField(_("shop"), default=PLATFORM)
    name = models.CharField(_("event"), max_length=24)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    count = models.BigIntegerField(_("count"), default=0)
    actors = models.BigIntegerField(_("distinct actors"), default=0)
    amount = models.BigIntegerField(_("amount (fen)"), default=0)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [models.UniqueConstraint(fields=["day", "shop_id", "name", "channel"],
                                               name="analytics_rollup_uniq")]
        indexes = [models.Index(fields=["shop_id", "name", "day"], name="analytics_rollup_shop_name_day")]


def new_plan_number() -> str:
    import secrets

    from quanzi.core import clock

    return "DP" + clock.now().strftime("%Y%m%d") + secrets.token_hex(5).upper()


class DataPlan(models.Model):
    """A merchant's subscription to the data reports (the value-added service): bought through the payment
    flow (purpose `data_plan`); once paid it runs from `starts_at` to `ends_at` — after the shop's current
    plan if one is still running, so buying early never loses days."""

    number = models.CharField(_("number"), max_length=24, unique=True, default=new_plan_number)
    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)  # constants.PLANS key: "month" or "year"
    amount = models.BigIntegerField(_("amount (fen)"))
    status = models.CharField(_("status"), max_length=10, default="created")  # created → paid
    payment_number = models.CharField(_("payment number"), max_length=32, blank=True, db_index=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data plan")
        verbose_name_plural = _("data plans")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="analytics_plan_positive")]
        indexes = [models.Index(fields=["shop", "status", "ends_at"], name="analytics_plan_shop_active")]


class ReportDelivery(models.Model):
    """A weekly data report e-mailed to a shop with a data plan: one per shop and week (the unique pair is
    what keeps two sweeps from sending it twice)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week (Monday)"))
    to = models.CharField(_("sent to"), max_length=254)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        constraints = [models.UniqueConstraint(fields=["shop", "week"], name="analytics_report_once_a_week")]
