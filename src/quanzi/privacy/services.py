"""State changes of the privacy app: consents, exports, account deletion and the staff access log.

Export and deletion call every app through the personal-data registry (`quanzi.core.personal_data`):
the privacy app never reads another app's tables itself.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.core.personal_data import declarations
from quanzi.privacy import selectors
from quanzi.privacy.constants import (
    EXPORT_TTL_DAYS,
    OPTIONAL_PURPOSES,
    DeletionStatus,
    ExportStatus,
    Method,
    Purpose,
)
from quanzi.privacy.masking import clean_text
from quanzi.privacy.models import AccessLog, Consent, DataExport, DeletionRequest, PolicyVersion
from quanzi.privacy.states import DELETION, EXPORT

logger = logging.getLogger("quanzi.privacy")
PURPOSES = {p.value for p in Purpose}


# ---------------------------------------------------------------- policy and consent

@transaction.atomic
def policy_publish(*, version: int, body_zh_hans: str, body_en: str, summary: str = "") -> PolicyVersion:
    current = selectors.policy_current()
    if current is not None and version <= current.version:
        raise Conflict(_("A newer policy version is already published."), code="policy_version_old")
    return PolicyVersion.objects.create(version=version, body_zh_hans=body_zh_hans, body_en=body_en,
                                        summary=summary, published_at=clock.now())


def _answered(consent: Consent) -> Consent:
    """Tell the apps that act on an answer (recommend turns personalisation on or off) — through the outbox."""
    from quanzi.core.events import publish
    from quanzi.privacy.events import ConsentChanged

    publish(ConsentChanged(user_id=consent.user_id, purpose=consent.purpose, granted=consent.granted))
    return consent


def _purpose(purpose) -> str:
    if not isinstance(purpose, str) or purpose not in PURPOSES:
        raise ValidationFailed(_("Unknown consent purpose."), fields={"purpose": _("unknown")})
    return purpose


def _version() -> int:
    policy = selectors.policy_current()
    if policy is None:
        raise Conflict(_("No privacy policy is published yet."), code="no_policy")
    return policy.version


@transaction.atomic
def consent_grant(*, user, purpose: str, method: str = Method.CENTRE) -> Consent:
    """Record a yes for `purpose` under the current policy version. Sensitive data of a child under 14
    needs the guardian's consent first."""
    purpose = _purpose(purpose)
    if purpose == Purpose.GUARDIAN:
        raise ValidationFailed(_("A guardian's consent is recorded with the guardian's details."),
                               fields={"purpose": _("use the guardian form")})
    if purpose == Purpose.SENSITIVE and selectors.needs_guardian(user=user):
        raise BusinessRuleViolation(_("You are under 14: a parent or guardian must consent first."),
                                    code="guardian_consent_required")
    return _answered(Consent.objects.create(user=user, purpose=purpose, version=_version(), granted=True,
                                            method=method, at=clock.now()))


@transaction.atomic
def consent_withdraw(*, user, purpose: str, method: str = Method.CENTRE) -> Consent:
    purpose = _purpose(purpose)
    if purpose not in OPTIONAL_PURPOSES:
        raise BusinessRuleViolation(_("This consent cannot be withdrawn here; delete your account instead."),
                                    code="consent_required")
    return _answered(Consent.objects.create(user=user, purpose=purpose, version=_version(), granted=False,
                                            method=method, at=clock.now()))


@transaction.atomic
def guardian_consent_record(*, user, guardian_name: str, guardian_phone: str, method: str = Method.GUARDIAN) -> Consent:
    """A parent or guardian consents for a child under 14 (PIPL art. 31): their name and phone are kept
    with the consent, so the consent can be verified."""
    name, phone = clean_text(guardian_name, 40), clean_text(guardian_phone, 20)
    errors = {}
    if not name:
        errors["guardian_name"] = _("the guardian's name")
    if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
        errors["guardian_phone"] = _("an 11-digit mobile number")
    if errors:
        raise ValidationFailed(_("Check the guardian's details."), fields=errors)
    return Consent.objects.create(user=user, purpose=Purpose.GUARDIAN, version=_version(), granted=True,
                                  method=method, at=clock.now(), guardian_name=name, guardian_phone=phone)


# ---------------------------------------------------------------- export my data

def export_request(*, user) -> DataExport:
    """Start an export. A second one while one is being prepared is refused (409 export_running)."""
    if DataExport.objects.filter(user=user, status=ExportStatus.PENDING).exists():
        raise Conflict(_("An export of your data is already being prepared."), code="export_running")
    try:
        with transaction.atomic():
            return DataExport.objects.create(user=user, requested_at=clock.now())
    except IntegrityError:  # a concurrent request won the unique "one pending export" index
        raise Conflict(_("An export of your data is already being prepared."), code="export_running") from None


def export_document(*, user) -> dict:
    """The export: every app's exporter, keyed by app."""
    doc: dict = {"format": "quanzi-personal-data/1", "generated_at": clock.now().isoformat(), "user": user.uid,
                 "apps": {}}
    for decl in declarations():
        if decl.export is not None:
            doc["apps"][decl.app] = decl.export(user)
    return doc


def export_build(*, export_id: int) -> DataExport:
    """The job: build the document of a pending export. Safe to run twice (a second run finds it done)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").get(pk=export_id)
        if export.status != ExportStatus.PENDING:
            return export
        try:
            with transaction.atomic():
                content = json.dumps(export_document(user=export.user), ensure_ascii=False, sort_keys=True)
        except Exception as exc:  # noqa: BLE001 - an exporter bug fails this export, visibly, not the sweep
            logger.exception("privacy export %s failed", export.pk)
            EXPORT.check(export.status, ExportStatus.FAILED)
            export.status, export.error, export.finished_at = ExportStatus.FAILED, type(exc).__name__, clock.now()
            export.save(update_fields=["status", "error", "finished_at"])
            return export
        EXPORT.check(export.status, ExportStatus.READY)
        now = clock.now()
        export.status, export.content, export.size = ExportStatus.READY, content, len(content.encode())
        export.finished_at, export.expires_at = now, now + timedelta(days=EXPORT_TTL_DAYS)
        export.save(update_fields=["status", "content", "size", "finished_at", "expires_at"])
        return export


def export_download(*, user, token: str) -> DataExport:
    export = selectors.export_for(user=user, token=token)
    if export is None:
        raise NotFound(_("No such export."))
    if export.status == ExportStatus.PENDING:
        raise Conflict(_("This export is still being prepared."), code="export_running")
    if export.status == ExportStatus.FAILED:
        raise Conflict(_("This export failed; start a new one."), code="export_failed")
    if export.status == ExportStatus.EXPIRED or (export.expires_at and export.expires_at <= clock.now()):
        raise Conflict(_("This export has expired; start a new one."), code="export_expired", status=410)
    return export


def exports_expire() -> int:
    """Sweep: forget the documents of exports past their download window."""
    done = 0
    for pk in DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=clock.now()).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            export = DataExport.objects.select_for_update().get(pk=pk)
            if export.status == ExportStatus.READY:
                export.status, export.content = ExportStatus.EXPIRED, ""
                export.save(update_fields=["status", "content"])
                done += 1
    return done


def exports_build_pending() -> int:
    """Sweep: build exports whose request-time build did not run (a crash, a worker restart)."""
    ids = list(DataExport.objects.filter(status=ExportStatus.PENDING).values_list("pk", flat=True)[:20])
    for pk in ids:
        export_build(export_id=pk)
    return len(ids)


# ---------------------------------------------------------------- delete my account

def deletion_blockers(*, user) -> list[str]:
    reasons: list[str] = []
    for decl in declarations():
        if decl.blockers is not None:
            reasons += [str(r) for r in decl.blockers(user)]
    return reasons


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return False
    return "\x00" not in text


def _confirm(user, *, password: str, phone: str) -> None:
    password, phone = password if isinstance(password, str) else "", phone if isinstance(phone, str) else ""
    if len(password) > 200 or len(phone) > 40 or not _encodable(password + phone):
        raise ValidationFailed(_("Check what you typed."), fields={"password": _("invalid")})
    if password and user.has_usable_password() and user.check_password(password):
        return
    if phone and user.phone and phone.strip() == user.phone:
        return
    raise Forbidden(_("Confirm with your password or your phone number."), code="confirmation_failed",
                    fields={"password": _("does not match")})


def deletion_request(*, user, password: str = "", phone: str = "") -> DeletionRequest:
    """The user asks to delete their account, confirmed by password or phone. It completes at once when
    nothing blocks it; otherwise it waits (with the reasons) and a sweep re-checks it."""
    _confirm(user, password=password, phone=phone)
    if selectors.deletion_open(user=user) is not None:
        raise Conflict(_("Your account is already being deleted."), code="deletion_open")
    try:
        with transaction.atomic():
            request = DeletionRequest.objects.create(user=user, requested_at=clock.now())
    except IntegrityError:
        raise Conflict(_("Your account is already being deleted."), code="deletion_open") from None
    return deletion_process(request_id=request.pk)


@transaction.atomic
def deletion_process(*, request_id: int) -> DeletionRequest:
    """Check the blockers under the request's lock; erase every app's personal data when there are none."""
    request = DeletionRequest.objects.select_for_update().select_related("user").get(pk=request_id)
    if request.status not in (DeletionStatus.REQUESTED, DeletionStatus.WAITING):
        return request
    user, now = request.user, clock.now()
    reasons = deletion_blockers(user=user)
    request.checked_at = now
    if reasons:
        DELETION.check(request.status, DeletionStatus.WAITING)
        request.status, request.blockers = DeletionStatus.WAITING, reasons
        request.save(update_fields=["status", "blockers", "checked_at"])
        return request
    DELETION.check(request.status, DeletionStatus.COMPLETED)
    erase_everywhere(user=user)
    request.status, request.blockers, request.completed_at = DeletionStatus.COMPLETED, [], now
    request.save(update_fields=["status", "blockers", "checked_at", "completed_at"])
    return request


def erase_everywhere(*, user) -> None:
    """Every app's eraser, in declaration order (accounts' own row last), in the caller's transaction."""
    for decl in declarations():
        if decl.erase is not None:
            decl.erase(user)


@transaction.atomic
def deletion_cancel(*, user) -> DeletionRequest:
    request = selectors.deletion_open(user=user)
    if request is None:
        raise NotFound(_("There is no deletion request to cancel."))
    request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    DELETION.check(request.status, DeletionStatus.CANCELLED)
    request.status = DeletionStatus.CANCELLED
    request.save(update_fields=["status"])
    return request


def deletions_recheck() -> int:
    """Sweep: re-check waiting deletions (money settled, orders finished) at most once an hour each."""
    due = clock.now() - timedelta(hours=1)
    ids = list(DeletionRequest.objects.filter(status=DeletionStatus.WAITING, checked_at__lte=due)
               .values_list("pk", flat=True)[:100])
    done = 0
    for pk in ids:
        if deletion_process(request_id=pk).status == DeletionStatus.COMPLETED:
            done += 1
    return done


# ---------------------------------------------------------------- staff access

def access_log_record(*, staff, subject=None, what: str) -> AccessLog:
    return AccessLog.objects.create(staff=staff, subject=subject, what=what[:80], at=clock.now())
