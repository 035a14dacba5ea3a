"""Log in, register, log out, change password, sign-in security (HTML). The rules live in accounts.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters

from quanzi.accounts import selectors, services
from quanzi.core.client_address import client_ip
from quanzi.core.errors import DomainError, NotFound, RateLimited

BACKEND = "quanzi.accounts.backends.PhoneOrEmailBackend"


def next_url(request, default: str) -> str:
    """The `next` parameter if it stays on this site (no open redirects), else `default`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return default


def error_context(exc: DomainError) -> dict:
    return {"error": exc.message, "field_errors": {k: str(v) for k, v in (exc.fields or {}).items()}}


def _form(request, template: str, extra: dict | None = None, status: int = 200):
    context = {"form": request.POST, "next": next_url(request, ""), **(extra or {})}
    return TemplateResponse(request, template, context, status=status)


@sensitive_post_parameters("password")
def login_view(request):
    if request.method != "POST":
        if request.user.is_authenticated:
            return HttpResponseRedirect(next_url(request, reverse("storefront:home")))
        return _form(request, "accounts/login.html")
    try:
        user = services.user_login_check(identifier=request.POST.get("identifier", ""),
                                         password=request.POST.get("password", ""), ip=client_ip(request))
    except RateLimited as exc:
        return _form(request, "accounts/login.html", {**error_context(exc), "throttled": True}, status=429)
    except DomainError as exc:
        return _form(request, "accounts/login.html", error_context(exc))
    login(request, user, backend=BACKEND)
    messages.success(request, _("Welcome back, %(name)s!") % {"name": user.display_name})
    return HttpResponseRedirect(next_url(request, reverse("storefront:home")))


@sensitive_post_parameters("password")
def register_view(request):
    if request.method != "POST":
        return _form(request, "accounts/register.html")
    try:
        user = services.user_register(identifier=request.POST.get("identifier", ""),
                                      password=request.POST.get("password", ""),
                                      nickname=request.POST.get("nickname", ""), ip=client_ip(request))
    except RateLimited as exc:
        return _form(request, "accounts/register.html", error_context(exc), status=429)
    except DomainError as exc:
        return _form(request, "accounts/register.html", error_context(exc))
    login(request, user, backend=BACKEND)
    if getattr(user, "was_created", True):
        messages.success(request, _("Welcome to Quanzi, %(name)s!") % {"name": user.display_name})
    else:  # the phone/e-mail had an account and this was its password: signed in, as a login would
        messages.success(request, _("Welcome back, %(name)s!") % {"name": user.display_name})
    return HttpResponseRedirect(next_url(request, reverse("storefront:home")))


def logout_view(request):
    if request.method != "POST":
        return TemplateResponse(request, "accounts/logout.html", {})
    logout(request)
    messages.info(request, _("You are logged out."))
    return HttpResponseRedirect(reverse("storefront:home"))


@login_required
@sensitive_post_parameters("old_password", "new_password")
def password_view(request):
    if request.method != "POST":
        return _form(request, "accounts/password.html")
    try:
        services.user_change_password(user=request.user, old_password=request.POST.get("old_password", ""),
                                      new_password=request.POST.get("new_password", ""))
    except DomainError as exc:
        return _form(request, "accounts/password.html", error_context(exc))
    update_session_auth_hash(request, request.user)
    messages.success(request, _("Password changed."))
    return HttpResponseRedirect(reverse("storefront:me"))


@login_required
def security_view(request):
    """Sign-in and devices: the user's bearer tokens (apps, scripts) with a revoke button each, and
    "log out everywhere else" (other browser sessions and every token)."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "revoke":
                token_id = request.POST.get("token_id", "")
                if not token_id.isdigit() or len(token_id) > 18:
                    raise NotFound(_("Token not found."), code="token_not_found")
                services.api_token_revoke(user=request.user, token_id=int(token_id))
                messages.success(request, _("Token revoked."))
            elif action == "logout_others":
                revoked = services.user_logout_other_sessions(user=request.user)
                update_session_auth_hash(request, request.user)  # this session stays
                messages.success(request, ngettext("Logged out everywhere else (%(n)d token revoked).",
                                                   "Logged out everywhere else (%(n)d tokens revoked).",
                                                   revoked) % {"n": revoked})
        except DomainError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("accounts:security"))
    return TemplateResponse(request, "accounts/security.html",
                            {"tokens": selectors.api_tokens_of(user=request.user)})
