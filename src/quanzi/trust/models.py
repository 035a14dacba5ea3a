"""Trust and safety: what links accounts (attributes), what they did (activity), and the risk cases.

Attribute values are stored hashed (a device id, a /24 network, an address, a payer account): the graph needs
to know that two accounts share one, never what it is. Signals arrive through outbox subscribers
(`handlers.py`) and a sweep (`tasks.py`); detection (`services.detection_run`) reads them into arrays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.trust.constants import ActivityKind, AttrKind, CaseState, Detector, Label


class Attribute(models.Model):
    """An edge of the shared-attribute graph: this account used this device / network / address / payer, or
    bought from / clicked the ads of this shop."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=AttrKind.choices)
    value = models.CharField(max_length=32)  # a hash (or a shop id)
    first_seen = models.DateTimeField(default=clock.now)
    last_seen = models.DateTimeField(default=clock.now)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("account attribute")
        verbose_name_plural = _("account attributes")
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="trust_attr_uniq")]
        indexes = [models.Index(fields=["kind", "value"], name="trust_attr_value"),
                   models.Index(fields=["last_seen"], name="trust_attr_seen")]


class Activity(models.Model):
    """One thing an account did that a rule reads (an order paid, a quick refund, a fast review, an
    invitation, a batch of ad clicks). `key` makes recording idempotent (an outbox retry adds nothing)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    shop_id = models.BigIntegerField(null=True, blank=True)
    other_user_id = models.BigIntegerField(null=True, blank=True)  # the inviter, the sharer
    count = models.PositiveIntegerField(default=1)
    key = models.CharField(max_length=64, unique=True)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("account activity")
        verbose_name_plural = _("account activities")
        indexes = [models.Index(fields=["at"], name="trust_activity_at"),
                   models.Index(fields=["user", "kind"], name="trust_activity_user")]


class RiskCase(models.Model):
    """A detector's hit, for an operator to decide. Detection opens and updates it; only a decision closes it."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    detector = models.CharField(_("detector"), max_length=16, choices=Detector.choices)
    state = models.CharField(_("state"), max_length=10, choices=CaseState.choices, default=CaseState.OPEN)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    evidence = models.JSONField(_("evidence"), default=list)  # [{"rule", "weight", "user", "why"}]
    attributes = models.JSONField(default=list)  # [{"kind", "value", "users": [ids]}]
    shop_ids = models.JSONField(default=list)
    held_commissions = models.PositiveIntegerField(_("commissions held"), default=0)
    held_amount = models.BigIntegerField(_("amount held (fen)"), default=0)
    opened_at = models.DateTimeField(_("opened at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    label = models.CharField(_("label"), max_length=8, choices=Label.choices, blank=True)
    note = models.CharField(_("note"), max_length=400, blank=True)

    class Meta:
        verbose_name = _("risk case")
        verbose_name_plural = _("risk cases")
        ordering = ["-score", "-id"]
        indexes = [models.Index(fields=["state", "score"], name="trust_case_queue")]

    def __str__(self) -> str:
        return self.number

    @property
    def detector_labels(self) -> list[str]:
        """The detectors whose findings this case holds (several when their findings overlapped)."""
        names = dict.fromkeys([self.detector, *(e.get("detector") for e in self.evidence if isinstance(e, dict))])
        return [str(Detector(n).label) for n in names if n in Detector.values]


class CaseMember(models.Model):
    """An account in a case, with its label once the operator decided (fed back to detection: an account
    labelled legitimate by a dismissed case does not reopen one for the same detector)."""

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(default=0)
    verification_required = models.BooleanField(default=False)
    label = models.CharField(max_length=8, choices=Label.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="trust_member_uniq")]
        indexes = [models.Index(fields=["user", "label"], name="trust_member_label")]


class CaseEvent(models.Model):
    """The case's history: opened, updated by detection, held commissions, decided (who, when, note)."""

    case = models.ForeignKey(RiskCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.CharField(max_length=400, blank=True)
    at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        from quanzi.trust.constants import EVENT_LABELS

        return str(EVENT_LABELS.get(self.action, self.action))
