"""Social pages: public profile, profile edit, follower/following lists, and the HTMX toggles.

A user who blocked you: their profile and lists answer 403 with an explanation. Users you blocked
stay visible (so you can unblock them), without follow buttons.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.http import cursor_page
from quanzi.shops.selectors import shop_get
from quanzi.social import selectors, services
from quanzi.web.helpers import error_context, is_htmx, login_required, redirect

LIST_SIZE = 20


def _target_or_404(uid: str):
    target = selectors.user_by_uid(uid=uid)
    if target is None:
        raise Http404
    return target


def _blocked_page(request, target):
    return TemplateResponse(request, "social/blocked.html", {"target": target}, status=403)


def _viewer_id(request) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


def profile(request, uid: str):
    target = _target_or_404(uid)
    viewer_id = _viewer_id(request)
    rel = selectors.relationship(viewer_id=viewer_id, user_id=target.pk)
    if rel["blocked_me"]:
        return _blocked_page(request, target)
    return TemplateResponse(request, "social/profile.html", {
        "target": target, "profile": selectors.profile_for(user=target), "rel": rel,
        "counts": selectors.profile_counts(user_id=target.pk), "is_me": viewer_id == target.pk,
    })


@login_required
def profile_edit(request):
    user = request.user
    ctx: dict = {}
    status = 200
    if request.method == "POST":
        bio = request.POST.get("bio", "")
        try:
            services.profile_update(user=user, bio=bio, avatar=request.FILES.get("avatar"))
        except DomainError as exc:
            ctx = {**error_context(exc), "bio": bio}
            status = exc.status if exc.status < 500 else 400
        else:
            messages.success(request, _("Profile saved."))
            return redirect(request, reverse("social:profile", args=[user.uid]))
    profile = selectors.profile_for(user=user)
    ctx.setdefault("bio", profile.bio)
    return TemplateResponse(request, "social/profile_edit.html", {"profile": profile, **ctx}, status=status)


def _user_list(request, uid: str, kind: str):
    target = _target_or_404(uid)
    viewer_id = _viewer_id(request)
    if viewer_id and viewer_id != target.pk and selectors.has_blocked(blocker_id=target.pk, blocked_id=viewer_id):
        return _blocked_page(request, target)
    if kind == "followers":
        edges, attr = selectors.follower_edges(user_id=target.pk), "follower"
    else:
        edges, attr = selectors.following_edges(user_id=target.pk), "followee"
    try:
        items, next_cursor = cursor_page(edges, cursor=request.GET.get("cursor"), limit=LIST_SIZE)
    except DomainError:
        raise Http404
    hidden = selectors.blocked_ids(user_id=viewer_id) if viewer_id else set()
    users = [getattr(e, attr) for e in items]
    users = [u for u in users if u.pk not in hidden and u.is_active]
    i_follow = set(selectors.following_among(follower_id=viewer_id, user_ids=[u.pk for u in users])) if viewer_id else set()
    rows = [{"user": u, "i_follow": u.pk in i_follow, "is_me": u.pk == viewer_id} for u in users]
    return TemplateResponse(request, "social/user_list.html", {
        "target": target, "kind": kind, "rows": rows, "next_cursor": next_cursor,
        "counts": selectors.profile_counts(user_id=target.pk),
    })


def followers(request, uid: str):
    return _user_list(request, uid, "followers")


def following(request, uid: str):
    return _user_list(request, uid, "following")


@login_required
@require_POST
def follow_toggle(request, uid: str):
    target = _target_or_404(uid)
    user = request.user
    error = ""
    try:
        if selectors.is_following_user(follower_id=user.pk, user_id=target.pk):
            services.unfollow_user(user=user, target=target)
        else:
            services.follow_user(user=user, target=target)
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        rel = selectors.relationship(viewer_id=user.pk, user_id=target.pk)
        return TemplateResponse(request, "social/partials/follow_button.html", {
            "target": target, "i_follow": rel["i_follow"], "follows_me": rel["follows_me"], "error": error,
            "followers": selectors.follower_count(user_id=target.pk), "oob": request.POST.get("oob") == "1", "oob_count": request.POST.get("oob") == "1",
        })
    if error:
        messages.error(request, error)
    return redirect(request, reverse("social:profile", args=[target.uid]))


@login_required
@require_POST
def follow_shop_toggle(request, shop_id: int):
    shop = shop_get(shop_id=shop_id)
    if shop is None:
        raise Http404
    user = request.user
    error = ""
    try:
        if selectors.is_following_shop(follower_id=user.pk, shop_id=shop.pk):
            services.unfollow_shop(user=user, shop=shop)
        else:
            services.follow_shop(user=user, shop=shop)
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        return TemplateResponse(request, "social/partials/follow_shop_button.html", {"shop": shop, "error": error})
    if error:
        messages.error(request, error)
    return redirect(request, reverse("storefront:shop", args=[shop.pk]))


@login_required
@require_POST
def block_toggle(request, uid: str):
    target = _target_or_404(uid)
    user = request.user
    try:
        if selectors.has_blocked(blocker_id=user.pk, blocked_id=target.pk):
            services.unblock_user(user=user, target=target)
            messages.success(request, _("Unblocked %(name)s.") % {"name": target.display_name})
        else:
            services.block_user(user=user, target=target)
            messages.success(request, _("Blocked %(name)s. You no longer follow each other.")
                             % {"name": target.display_name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(request, reverse("social:profile", args=[target.uid]))
