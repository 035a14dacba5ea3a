"""Circle API (/api/v1/circle): friends' purchases, sharing settings, per-order hide and comment.

Only friends (mutual follows, no block either way) see a purchase. Hiding or commenting on an
order that is not yours answers 404.
"""

from __future__ import annotations

from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.circle import selectors, services
from quanzi.core.images import media_url

router = Router(tags=["circle"])


class PurchaseOut(Schema):
    id: int
    user: dict
    product: dict
    comment: str
    created_at: str


class FeedOut(Schema):
    items: list[PurchaseOut]
    next_cursor: str | None


class SettingsIn(Schema):
    share_purchases: bool


class SettingsOut(Schema):
    share_purchases: bool


class HideIn(Schema):
    hidden: bool = True


class CircleCommentIn(Schema):
    comment: str = ""


class CircleCountOut(Schema):
    updated: int


def purchase_out(p) -> dict:
    return {
        "id": p.pk,
        "user": {"uid": p.user.uid, "nickname": p.user.display_name},
        "product": {"id": p.product_id, "title": p.product.title, "price": p.product.min_price,
                    "cover": media_url(p.product.cover_thumb or p.product.cover) if (p.product.cover_thumb or p.product.cover) else ""},
        "comment": p.comment,
        "created_at": p.created_at.isoformat(),
    }


@router.get("/friends", response=FeedOut, auth=auth)
def friends_feed(request, cursor: str | None = None, limit: int = 20):
    items, next_cursor = selectors.friends_purchases(viewer=request.auth, cursor=cursor, limit=limit)
    return {"items": [purchase_out(p) for p in items], "next_cursor": next_cursor}


@router.get("/settings", response=SettingsOut, auth=auth)
def get_settings(request):
    return {"share_purchases": selectors.settings_for(user=request.auth).share_purchases}


@router.patch("/settings", response=SettingsOut, auth=auth)
def patch_settings(request, payload: SettingsIn):
    obj = services.settings_update(user=request.auth, share_purchases=payload.share_purchases)
    return {"share_purchases": obj.share_purchases}


@router.post("/orders/{number}/hide", response=CircleCountOut, auth=auth)
def hide_order(request, number: str, payload: HideIn | None = None):
    hidden = payload.hidden if payload is not None else True
    return {"updated": services.circle_hide_order(user=request.auth, order_number=number, hidden=hidden)}


@router.post("/orders/{number}/comment", response=CircleCountOut, auth=auth)
def comment_order(request, number: str, payload: CircleCommentIn):
    return {"updated": services.circle_comment_order(user=request.auth, order_number=number,
                                                    comment=payload.comment)}
