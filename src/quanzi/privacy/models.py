import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.privacy.constants import DeletionStatus, ExportStatus, Method, Purpose


def new_token() -> str:
    return secrets.token_urlsafe(24)


class PolicyVersion(models.Model):
    """One published version of the privacy policy. Consents name the version they were given for."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    summary = models.CharField(_("summary of changes"), max_length=200, blank=True)
    body_zh_hans = models.TextField(_("policy text (Chinese)"))
    body_en = models.TextField(_("policy text (English)"))
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("privacy policy version")
        verbose_name_plural = _("privacy policy versions")

    def __str__(self) -> str:
        return f"v{self.version}"


class Consent(models.Model):
    """One act of consent: granted or withdrawn, for a purpose, under a policy version. Rows are appended,
    never edited, so the history is the proof; the newest row of a purpose is the current answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="privacy_consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    version = models.PositiveIntegerField(_("policy version"))
    granted = models.BooleanField(_("granted"))
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    at = models.DateTimeField(_("when"))
    guardian_name = models.CharField(_("guardian's name"), max_length=40, blank=True)
    guardian_phone = models.CharField(_("guardian's phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "purpose", "-at"], name="privacy_consent_current")]


class DataExport(models.Model):
    """"Export my data": a job that builds one JSON document from every app's exporter."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="privacy_exports")
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    requested_at = models.DateTimeField(_("requested at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("downloadable until"), null=True, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content = models.TextField(blank=True)  # the JSON document; emptied when it expires
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status="pending"),
                                               name="privacy_one_running_export")]


class DeletionRequest(models.Model):
    """"Delete my account": requested → completed, or waiting while blockers (money, open orders) remain."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="privacy_deletions")
    status = models.CharField(_("status"), max_length=10, choices=DeletionStatus.choices,
                              default=DeletionStatus.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"))
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    blockers = models.JSONField(_("blocked by"), default=list, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("account deletion")
        verbose_name_plural = _("account deletions")
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(status__in=["requested", "waiting"]),
                                               name="privacy_one_open_deletion")]


class AccessLog(models.Model):
    """Staff looked at a person's personal data (the privacy admin, a user's export)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff"), on_delete=models.PROTECT,
                              related_name="+")
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("whose data"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    what = models.CharField(_("what"), max_length=80)
    at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("staff access to personal data")
        verbose_name_plural = _("staff access to personal data")
