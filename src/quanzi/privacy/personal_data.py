"""Personal data held by the privacy app itself: consents (kept as proof, with the guardian's details
emptied), exports (deleted) and deletion requests (kept: the record that the deletion happened)."""

from quanzi.core.personal_data import declare, rows
from quanzi.privacy.models import Consent, DataExport


def export(user) -> dict:
    return {
        "consents": rows(Consent.objects.filter(user=user).order_by("at"), "purpose", "version", "granted", "method",
                         "at", "guardian_name", "guardian_phone"),
        "exports": rows(DataExport.objects.filter(user=user), "status", "requested_at", "finished_at"),
    }


def erase(user) -> None:
    Consent.objects.filter(user=user).update(guardian_name="", guardian_phone="")
    DataExport.objects.filter(user=user).delete()


declare(
    app="privacy",
    personal={
        "privacy.Consent.user": "link", "privacy.Consent.guardian_name": "identity",
        "privacy.Consent.guardian_phone": "contact", "privacy.DataExport.user": "link",
        "privacy.DataExport.content": "content", "privacy.DeletionRequest.user": "link",
        "privacy.AccessLog.staff": "link", "privacy.AccessLog.subject": "link",
    },
    not_personal={
        "privacy.PolicyVersion.body_zh_hans": "the published policy text",
        "privacy.PolicyVersion.body_en": "the published policy text",
        "privacy.DeletionRequest.blockers": "the reasons deletion waited (code-made sentences about money and orders)",
    },
    export=export, erase=erase,
)
