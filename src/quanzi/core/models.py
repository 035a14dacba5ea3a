from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first response to a POST that carried an Idempotency-Key, replayed on retries."""

    scope = models.CharField(max_length=120)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Delivered")
    DEAD = "dead", _("Dead letter")


class OutboxEvent(models.Model):
    """A domain event written in its publisher's transaction, waiting for (or done with) delivery
    to its after-commit subscribers. See core/outbox.py and docs/events.md."""

    name = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"))
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(_("dispatch attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["next_attempt_at", "id"], condition=models.Q(status="pending"),
                         name="core_outbox_due"),
            models.Index(fields=["status", "done_at"], name="core_outbox_status_done"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"


class DeliveryStatus(models.TextChoices):
    DONE = "done", _("Delivered")
    RETRYING = "retrying", _("Retrying")
    DEAD = "dead", _("Dead letter")


class OutboxDelivery(models.Model):
    """One subscriber's delivery of one outbox event: written in the same transaction as the
    subscriber's own effects, so a handler runs to effect once per event, even after a crash."""

    event = models.ForeignKey(OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="deliveries")
    subscriber = models.CharField(_("subscriber"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        ordering = ["event_id", "subscriber"]
        constraints = [models.UniqueConstraint(fields=["event", "subscriber"], name="core_outbox_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscriber}"
