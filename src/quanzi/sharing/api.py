"""Sharing API (/api/v1/sharing): share links with stats, app clicks, invitations and the inviter.

Nothing here moves money. Another user's link answers 404.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.http import client_fingerprint
from quanzi.sharing import selectors, services
from quanzi.sharing.models import UplineVia

router = Router(tags=["sharing"])


class LinkIn(Schema):
    target_type: str = "product"
    target_id: int


class LinkOut(Schema):
    code: str
    target_type: str
    target_id: int
    url: str
    short_url: str
    poster_url: str
    copy_text: str
    expires_at: datetime


class LinkStatsOut(Schema):
    code: str
    target_type: str
    target_id: int
    short_url: str
    poster_url: str
    created_at: datetime
    expires_at: datetime
    clicks: int
    orders: int
    gmv: int


class LinkListOut(Schema):
    items: list[LinkStatsOut]
    next_cursor: str | None
    totals: dict


class ClickIn(Schema):
    code: str


class ClickOut(Schema):
    recorded: bool
    bound: bool


class InviteOut(Schema):
    code: str
    url: str
    upline: dict | None
    directs: int
    can_accept: bool


class AcceptIn(Schema):
    code: str


class UplineOut(Schema):
    upline: dict
    via: str
    bound_at: datetime


def link_stats_out(link) -> dict:
    return {"code": link.code, "target_type": link.target_type, "target_id": link.target_id,
            "short_url": selectors.absolute(path=selectors.short_path(link=link)),
            "poster_url": selectors.absolute(path=selectors.poster_path(link=link)),
            "created_at": link.created_at, "expires_at": link.expires_at,
            "clicks": link.click_count, "orders": link.order_count, "gmv": link.gmv}


def _user_out(user) -> dict:
    return {"uid": user.uid, "nickname": user.display_name}


@router.post("/links", response={201: LinkOut}, auth=auth, summary="Get my share link to a target (reused)")
def create_link(request, payload: LinkIn):
    link, target = services.share_link_for(sharer=request.auth, target_type=payload.target_type,
                                           target_id=payload.target_id)
    return 201, selectors.share_payload(link=link, target=target)


@router.get("/links", response=LinkListOut, auth=auth, summary="My share links with clicks, orders and sales")
def list_links(request, cursor: str | None = None, limit: int = 20):
    items, next_cursor = selectors.my_links(user_id=request.auth.pk, cursor=cursor, limit=limit)
    return {"items": [link_stats_out(link) for link in items], "next_cursor": next_cursor,
            "totals": selectors.link_stats(user_id=request.auth.pk)}


@router.get("/links/{code}", response=LinkStatsOut, auth=auth, summary="One of my links with its stats")
def get_link(request, code: str):
    return link_stats_out(selectors.my_link(user_id=request.auth.pk, code=code))


@router.post("/clicks", response=ClickOut, auth=auth,
             summary="An app opened a share code (the web records ?share= itself)")
def record_click(request, payload: ClickIn):
    """Apps that open a shared target natively report the code here; same rules as the web click."""
    info = services.link_info(code=payload.code)
    target_path = info.url if info else ""
    client = client_fingerprint(request)
    outcome = services.record_click(code=payload.code, path=target_path, user_id=request.auth.pk, session=None,
                                    ip=client["ip"], device=client["device"])
    return {"recorded": outcome is not None, "bound": bool(outcome and outcome.bound)}


@router.get("/invite", response=InviteOut, auth=auth, summary="My invitation code, link, inviter and team size")
def my_invite(request):
    from quanzi.sharing.models import SharingSettings, UplineRule

    user = request.auth
    invitation = services.invitation_for(user=user)
    upline = selectors.upline_of(user_id=user.pk)
    return {"code": invitation.code,
            "url": selectors.absolute(path=reverse("sharing:invite_link", args=[invitation.code])),
            "upline": _user_out(upline.upline) if upline else None,
            "directs": selectors.directs(user_id=user.pk).count(),
            "can_accept": upline is None and SharingSettings.current().upline_rule == UplineRule.SIGNUP
            and services.in_signup_window(user=user)}


@router.post("/invite/accept", response={201: UplineOut}, auth=auth,
             summary="Name my inviter by code (within the signup window; rate-limited)")
def accept_invite(request, payload: AcceptIn):
    link = services.invite_accept(user=request.auth, code=payload.code, ip=client_fingerprint(request)["ip"],
                                  via=UplineVia.CODE)
    return 201, {"upline": _user_out(link.upline), "via": link.via, "bound_at": link.bound_at}
