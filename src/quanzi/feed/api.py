"""Feed API.

GET /api/v1/feed/following?cursor=&limit=   (auth) → {"items": [...], "next_cursor": str|null}
GET /api/v1/feed/discover?exclude=1,2,3&limit=  (auth optional) → {"items": [...], "exclude": "1,2,3,…"}
`exclude` lists note ids the client already showed (the last 500 are kept); pass back the returned
`exclude` to get the next page without repeats.
"""

from __future__ import annotations

from ninja import Router

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core.images import media_url

from . import selectors

router = Router(tags=["feed"])


def _iso(value):
    return value.isoformat() if value else None


def note_card_out(n) -> dict:
    images = list(n.images.all())
    return {
        "id": n.pk, "title": n.title, "author_uid": n.author.uid, "author_name": n.author.display_name,
        "cover_url": media_url(images[0].thumb) if images else "", "image_count": len(images),
        "products": [{"product_id": t.product_id, "title": t.product.title, "price": t.product.min_price,
                      "url": f"/p/{t.product_id}/?from_note={n.pk}"} for t in n.product_tags.all()],
        "like_count": getattr(n, "like_count", 0), "comment_count": getattr(n, "comment_count", 0),
        "favourite_count": getattr(n, "favourite_count", 0), "liked": bool(getattr(n, "viewer_liked", False)),
        "url": n.get_absolute_url(), "published_at": _iso(n.published_at),
    }


def product_card_out(p) -> dict:
    return {"id": p.pk, "title": p.title, "price": p.min_price, "shop_id": p.shop_id, "shop_name": p.shop.name,
            "cover_url": media_url(p.cover_thumb or p.cover), "url": f"/p/{p.pk}/"}


def purchase_out(cp) -> dict:
    return {"buyer_uid": cp.user.uid, "buyer_name": cp.user.display_name, "comment": cp.comment,
            "bought_at": _iso(cp.created_at)}


def item_out(item) -> dict:
    """type "note" (note card), "product" (a followed shop's new product) or "purchase" (a friend's
    purchase: product card + buyer)."""
    if item.kind == "note":
        return {"type": "note", "at": _iso(item.at), "note": note_card_out(item.note), "product": None}
    out = {"type": item.kind, "at": _iso(item.at), "note": None, "product": product_card_out(item.product)}
    if item.kind == "purchase":
        out["purchase"] = purchase_out(item.purchase)
    return out


@router.get("/following", auth=auth)
def following(request, cursor: str | None = None, limit: int = 20):
    items, next_cursor = selectors.following_feed(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [item_out(i) for i in items], "next_cursor": next_cursor}


@router.get("/discover", auth=optional_auth)
def discover(request, exclude: str = "", limit: int = 20):
    user = getattr(request, "auth", None)
    user = user if getattr(user, "pk", None) else None
    seen = selectors.parse_exclude(raw=exclude)
    notes = selectors.discovery_feed(user=user, session_seen_ids=seen, limit=limit)
    seen = (seen + [n.pk for n in notes])[-selectors.SEEN_CAP:]
    return {"items": [{"type": "note", "note": note_card_out(n)} for n in notes],
            "exclude": ",".join(str(i) for i in seen)}
