"""The privacy centre (/me/privacy/): consents, "export my data", "delete my account".

Plain function views: each POST calls one service and redirects back; a domain error shows on the page
with its status and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.ratelimit import hit
from quanzi.privacy import selectors, services
from quanzi.privacy.constants import DeletionStatus, Method
from quanzi.web.helpers import error_context, login_required


def _centre(request, *, status: int = 200, **extra):
    user = request.user
    return TemplateResponse(request, "privacy/centre.html", {
        "policy": selectors.policy_current(), "consents": selectors.consent_rows(user=user),
        "needs_guardian": selectors.needs_guardian(user=user), "exports": selectors.exports_of(user=user),
        "deletion": selectors.deletion_latest(user=user), "DeletionStatus": DeletionStatus,
        "history": selectors.consent_history(user=user, limit=10), "active_tab": "privacy",
        "policy_url": reverse("privacy:policy"), **extra,
    }, status=status)


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("privacy:centre"))


@login_required
def centre(request):
    return _centre(request)


def policy(request):
    """The policy in force: public, since people read it before they sign up."""
    return TemplateResponse(request, "privacy/policy.html", {"policy": selectors.policy_current()})


@login_required
@require_POST
def consent(request):
    purpose, action = request.POST.get("purpose", ""), request.POST.get("action", "")
    try:
        hit("privacy-consent", request.user.pk, limit=60, window=3600)
        if action == "grant":
            services.consent_grant(user=request.user, purpose=purpose, method=Method.CENTRE)
            messages.success(request, _("Consent given."))
        else:
            services.consent_withdraw(user=request.user, purpose=purpose, method=Method.CENTRE)
            messages.success(request, _("Consent withdrawn."))
    except DomainError as exc:
        return _centre(request, status=exc.status, **error_context(exc))
    return _back()


@login_required
@require_POST
def guardian(request):
    try:
        hit("privacy-consent", request.user.pk, limit=60, window=3600)
        services.guardian_consent_record(user=request.user, guardian_name=request.POST.get("guardian_name", ""),
                                         guardian_phone=request.POST.get("guardian_phone", ""))
    except DomainError as exc:
        return _centre(request, status=exc.status, guardian_form=request.POST, **error_context(exc))
    messages.success(request, _("Your guardian's consent is recorded."))
    return _back()


@login_required
@require_POST
def export_start(request):
    try:
        hit("privacy-export", request.user.pk, limit=10, window=86400)
        export = services.export_request(user=request.user)
    except DomainError as exc:
        return _centre(request, status=exc.status, **error_context(exc))
    services.export_build(export_id=export.pk)  # the job; the sweep builds it if this process dies first
    messages.success(request, _("Your data export is ready to download."))
    return _back()


@login_required
def export_download(request, token: str):
    try:
        export = services.export_download(user=request.user, token=token)
    except DomainError as exc:
        return _centre(request, status=exc.status, **error_context(exc))
    response = HttpResponse(export.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quanzi-data-{export.requested_at:%Y%m%d}.json"'
    return response


@login_required
@require_POST
def delete_account(request):
    try:
        hit("privacy-delete", request.user.pk, limit=10, window=3600)
        deletion = services.deletion_request(user=request.user, password=request.POST.get("password", ""),
                                             phone=request.POST.get("phone", ""))
    except DomainError as exc:
        return _centre(request, status=exc.status, delete_open=True, **error_context(exc))
    if deletion.status == DeletionStatus.COMPLETED:
        logout(request)
        return TemplateResponse(request, "privacy/deleted.html", {})
    messages.warning(request, _("Your account will be deleted when nothing is pending any more."))
    return _back()


@login_required
@require_POST
def delete_cancel(request):
    try:
        services.deletion_cancel(user=request.user)
    except DomainError as exc:
        return _centre(request, status=exc.status, **error_context(exc))
    messages.success(request, _("Account deletion cancelled."))
    return _back()
