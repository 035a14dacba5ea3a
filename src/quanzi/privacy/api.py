"""API of privacy (/api/v1/privacy): the policy, consents, "export my data" and "delete my account".

Consents: GET /consents, POST /consents {purpose, granted}, POST /consents/guardian. Exports: POST /exports
starts one (409 `export_running` while another is being prepared), GET /exports/{token} is its status and
GET /exports/{token}/download the JSON document until it expires (410 `export_expired`). Deletion:
POST /deletion {password | phone} (403 `confirmation_failed`), GET /deletion, DELETE /deletion cancels
one that waits. Another user's export token answers 404.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.errors import NotFound
from quanzi.core.ratelimit import hit
from quanzi.privacy import selectors, services
from quanzi.privacy.constants import Method

router = Router(tags=["privacy"], auth=auth)


class PolicyOut(Schema):
    version: int
    summary: str
    body: str
    published_at: str


class ConsentOut(Schema):
    purpose: str
    label: str
    granted: bool
    version: int | None
    at: str | None
    method: str
    optional: bool
    separate: bool
    outdated: bool


class ConsentIn(Schema):
    purpose: str
    granted: bool


class GuardianIn(Schema):
    guardian_name: str
    guardian_phone: str


class ExportOut(Schema):
    token: str
    status: str
    requested_at: str
    finished_at: str | None
    expires_at: str | None
    size: int


class DeletionIn(Schema):
    password: str = ""
    phone: str = ""


class DeletionOut(Schema):
    status: str
    status_label: str
    requested_at: str
    completed_at: str | None
    blockers: list[str]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_out(e) -> dict:
    return {"token": e.token, "status": e.status, "requested_at": e.requested_at.isoformat(),
            "finished_at": _iso(e.finished_at), "expires_at": _iso(e.expires_at), "size": e.size}


def deletion_out(d) -> dict:
    return {"status": d.status, "status_label": str(d.get_status_display()), "requested_at": d.requested_at.isoformat(),
            "completed_at": _iso(d.completed_at), "blockers": [str(b) for b in d.blockers or []]}


def consents_out(user) -> list[dict]:
    return [dict(row, at=_iso(row["at"])) for row in selectors.consent_rows(user=user)]


@router.get("/policy", response=PolicyOut, auth=None, summary="The current privacy policy")
def policy(request):
    p = selectors.policy_current()
    if p is None:
        raise NotFound(_("No privacy policy is published yet."))
    body = p.body_en if (request.LANGUAGE_CODE or "").startswith("en") else p.body_zh_hans
    return {"version": p.version, "summary": p.summary, "body": body, "published_at": p.published_at.isoformat()}


@router.get("/consents", response=list[ConsentOut], summary="My consents: every purpose with its current answer")
def consent_list(request):
    return consents_out(request.auth)


@router.post("/consents", response=list[ConsentOut], summary="Grant or withdraw a consent")
def consent_set(request, payload: ConsentIn):
    hit("privacy-consent", request.auth.pk, limit=60, window=3600)
    if payload.granted:
        services.consent_grant(user=request.auth, purpose=payload.purpose, method=Method.API)
    else:
        services.consent_withdraw(user=request.auth, purpose=payload.purpose, method=Method.API)
    return consents_out(request.auth)


@router.post("/consents/guardian", response={201: list[ConsentOut]},
             summary="Record a guardian's consent (users under 14)")
def guardian_consent(request, payload: GuardianIn):
    hit("privacy-consent", request.auth.pk, limit=60, window=3600)
    services.guardian_consent_record(user=request.auth, guardian_name=payload.guardian_name,
                                     guardian_phone=payload.guardian_phone, method=Method.API)
    return 201, consents_out(request.auth)


@router.post("/exports", response={201: ExportOut}, summary="Export my data (409 while one is being prepared)")
def export_start(request):
    hit("privacy-export", request.auth.pk, limit=10, window=86400)
    export = services.export_request(user=request.auth)
    return 201, export_out(services.export_build(export_id=export.pk))


@router.get("/exports", response=list[ExportOut], summary="My recent exports")
def export_list(request):
    return [export_out(e) for e in selectors.exports_of(user=request.auth)]


@router.get("/exports/{token}", response=ExportOut, summary="One export's status")
def export_status(request, token: str):
    export = selectors.export_for(user=request.auth, token=token)
    if export is None:
        raise NotFound(_("No such export."))
    return export_out(export)


@router.get("/exports/{token}/download", summary="The export as a JSON document (until it expires)",
            response={200: dict})
def export_download(request, token: str):
    export = services.export_download(user=request.auth, token=token)
    response = HttpResponse(export.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quanzi-data-{export.requested_at:%Y%m%d}.json"'
    return response


@router.post("/deletion", response={201: DeletionOut}, summary="Delete my account (confirm by password or phone)")
def deletion_request(request, payload: DeletionIn):
    hit("privacy-delete", request.auth.pk, limit=10, window=3600)
    return 201, deletion_out(services.deletion_request(user=request.auth, password=payload.password,
                                                       phone=payload.phone))


@router.get("/deletion", response=DeletionOut, summary="My latest deletion request")
def deletion_status(request):
    d = selectors.deletion_latest(user=request.auth)
    if d is None:
        raise NotFound(_("No deletion request."))
    return deletion_out(d)


@router.delete("/deletion", response=DeletionOut, summary="Cancel a deletion that is waiting")
def deletion_cancel(request):
    return deletion_out(services.deletion_cancel(user=request.auth))
