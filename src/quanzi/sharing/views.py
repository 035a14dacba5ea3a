"""Sharing pages: the short link and poster, the share page of a product, invite links and /me/invite/."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import DomainError, NotFound, RateLimited
from quanzi.sharing import selectors, services, targets
from quanzi.sharing.models import ShareLink, SharingSettings, UplineRule, UplineVia
from quanzi.web.helpers import client_ip, error_context, login_required, redirect


def _link_by_code(code: str) -> ShareLink | None:
    if not services.CODE_RE.match(code or ""):
        return None
    return ShareLink.objects.select_related("sharer").filter(code=code).first()


def short_link(request, code: str):
    """/s/<code> → the target's page with ?share=<code>; the middleware records the click there, once.

    An unknown code goes home and an expired one to the target without attribution: the visit still works."""
    link = _link_by_code(code)
    target = targets.resolve(link.target_type, link.target_id) if link else None
    if target is None:
        return HttpResponseRedirect(reverse("storefront:home"))
    if not link.is_active():
        return HttpResponseRedirect(target.url)
    return HttpResponseRedirect(selectors.share_path(link=link, target=target))


def poster(request, code: str):
    """The link's poster PNG (drawn once per version, then served from disk)."""
    from quanzi.sharing.poster import poster_file

    link = _link_by_code(code)
    target = targets.resolve(link.target_type, link.target_id) if link else None
    if target is None or not link.is_active():
        raise Http404
    path = poster_file(link, target, link.sharer, selectors.absolute(path=selectors.short_path(link=link)))
    response = FileResponse(open(path, "rb"), content_type="image/png")  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def share_product(request, product_id: int):
    """The sharer's page for a product: link, poster, copy-text and this link's clicks and orders."""
    try:
        link, target = services.share_link_for(sharer=request.user, target_type="product", target_id=product_id)
    except NotFound:
        raise Http404 from None
    except RateLimited as exc:
        return TemplateResponse(request, "sharing/share.html", error_context(exc), status=429)
    return TemplateResponse(request, "sharing/share.html", {
        "share": selectors.share_payload(link=link, target=target), "target": target,
        "stats": selectors.my_link_for_target(user_id=request.user.pk, target_type=link.target_type,
                                                target_id=link.target_id),
    })


def invite_link(request, code: str):
    """/i/<code>: remember the inviter in the session and go to signup (rate-limited per IP)."""
    try:
        invitation = services.invitation_lookup(code=code, ip=client_ip(request))
    except RateLimited as exc:
        return TemplateResponse(request, "sharing/invite_error.html", error_context(exc), status=429)
    except DomainError as exc:
        return TemplateResponse(request, "sharing/invite_error.html", error_context(exc), status=404)
    request.session[services.SESSION_INVITE] = invitation.code
    if request.user.is_authenticated:
        bound = services.bind_invite_from_session(user=request.user, session=request.session)
        if bound is not None:
            messages.success(request, _("%(name)s is now your inviter.") % {"name": invitation.user.display_name})
        return HttpResponseRedirect(reverse("sharing:invite"))
    messages.info(request, _("%(name)s invited you to Quanzi. Sign up to join.") % {
        "name": invitation.user.display_name})
    return HttpResponseRedirect(reverse("accounts:register"))


@login_required
def invite_page(request):
    """My invitation code and link, my inviter, my directs; accept a code within the signup window."""
    context: dict = {}
    status = 200
    if request.method == "POST":
        try:
            services.invite_accept(user=request.user, code=request.POST.get("code", ""), ip=client_ip(request),
                                   via=UplineVia.CODE)
            messages.success(request, _("Your inviter is set."))
            return redirect(request, reverse("sharing:invite"))
        except DomainError as exc:
            context, status = {**error_context(exc), "code_value": request.POST.get("code", "")}, exc.status
    invitation = services.invitation_for(user=request.user)
    upline = selectors.upline_of(user_id=request.user.pk)
    conf = SharingSettings.current()
    context.update({
        "invitation": invitation,
        "invite_url": selectors.absolute(path=reverse("sharing:invite_link", args=[invitation.code])),
        "upline": upline, "directs": selectors.directs_page(user_id=request.user.pk),
        "directs_total": selectors.directs(user_id=request.user.pk).count(),
        "can_accept": upline is None and conf.upline_rule == UplineRule.SIGNUP and services.in_signup_window(user=request.user),
        "stats": selectors.link_stats(user_id=request.user.pk), "now": clock.now(),
    })
    return TemplateResponse(request, "sharing/invite.html", context, status=status)
