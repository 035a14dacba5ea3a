"""In-app notifications. Text is stored as an untranslated msgid + params and translated when shown."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.core.translated_columns import text_for_reader
from quanzi.notifications.constants import Kind


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.CASCADE,
                              null=True, blank=True, related_name="+")
    target_type = models.CharField(max_length=20, blank=True)  # note | user | order | review | earnings | coupons | live
    target_id = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=200)  # English msgid, translated by text()
    text_params = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-id"], name="notif_recipient_read_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"

    def text(self) -> str:
        # a parameter stored in every language ({"zh-hans": …, "en": …}) reads in the reader's
        params = {k: text_for_reader(v) if isinstance(v, dict) else v for k, v in (self.text_params or {}).items()}
        if self.actor_id:
            params["actor"] = self.actor.display_name
        message = gettext(self.message)
        try:
            return message % params
        except (KeyError, TypeError, ValueError):
            try:
                return self.message % params
            except (KeyError, TypeError, ValueError):
                return self.message

    def link(self) -> str:
        params = self.text_params or {}
        if self.target_type == "note" and self.target_id:
            return f"/n/{self.target_id}/"
        if self.target_type == "user" and self.actor_id:
            return f"/u/{self.actor.uid}/"
        if self.target_type == "order" and params.get("number"):
            return f"/orders/{params['number']}/"
        if self.target_type == "review" and params.get("product_id"):
            return f"/p/{params['product_id']}/"
        if self.target_type == "earnings":
            return "/me/earnings/"
        if self.target_type == "coupons":
            return "/me/coupons/"
        if self.target_type == "live" and params.get("number"):
            return f"/live/{params['number']}/"
        return "/notifications/"


class NotificationPreference(models.Model):
    """A row only when the user changed the default (everything is on by default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}={self.enabled}"


class SenderMute(models.Model):
    """A person stopped every notification one sender causes ("stop sharing to me"): that sender's
    likes, comments, replies, @mentions, follows and live notices no longer reach them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.CASCADE,
                               related_name="+")
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("muted sender")
        verbose_name_plural = _("muted senders")
        constraints = [models.UniqueConstraint(fields=["user", "sender"], name="notif_mute_unique")]


class HarassmentReport(models.Model):
    """A recipient reported a notification's sender as harassment. Distinct reporters over 30 days
    lower the sender's caps (harassment.py); trust and safety hears of each report (event)."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.CASCADE,
                                 related_name="+")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sender"), on_delete=models.CASCADE,
                               related_name="+")
    notification = models.ForeignKey(Notification, verbose_name=_("notification"), on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        verbose_name = _("harassment report")
        verbose_name_plural = _("harassment reports")
        constraints = [models.UniqueConstraint(fields=["reporter", "notification"], name="notif_report_once")]
        indexes = [models.Index(fields=["sender", "created_at"], name="notif_report_sender_idx")]


class SenderDailyCount(models.Model):
    """How many notifications of one kind a sender caused today, to one recipient (`recipient_id`) or to
    anyone (`recipient_id` 0): the caps' counters, taken with a conditional UPDATE so concurrent deliveries
    never pass a cap. `withheld` counts what a cap or a report kept back."""

    day = models.DateField()
    sender_id = models.BigIntegerField()
    recipient_id = models.BigIntegerField()  # 0: the sender's total for the day
    kind = models.CharField(max_length=12)
    count = models.PositiveIntegerField(default=0)
    withheld = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "sender_id", "recipient_id", "kind"],
                                               name="notif_sender_day_unique")]
