"""Recommendation API (/api/v1/recommend): the rails as JSON, and the person's settings."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core.errors import NotFound
from quanzi.recommend import selectors, services
from quanzi.recommend.models import Arm

router = Router(tags=["recommend"])


class RecommendationOut(Schema):
    product_id: int
    title: str
    price: int  # fen, the lowest SKU price
    shop: str
    reason: str  # because | also | similar | bought | friends | interest | region | trending
    because_product_id: int | None
    because_title: str | None
    friends_bought: int  # how many of the viewer's friends bought it (0 when not personalised)
    region: str = ""  # reason "region": the province where it sells most (the person's default address's)


class RecommendationsOut(Schema):
    personalised: bool
    arm: str | None = None  # the A/B arm of a signed-in, personalised viewer: p (personalised) or h (holdout)
    items: list[RecommendationOut]


class InterestTagOut(Schema):
    category_id: int
    name: str
    weight: float
    hidden: bool


class RecommendPreferencesOut(Schema):
    personalised: bool
    interests: list[InterestTagOut]
    liked_categories: list[int]  # the interests the person picked (cold start)
    region: str  # the province of the default address ("" without one)
    use_region: bool  # whether a new person's list may start from what sells most there


class RecommendPreferencesIn(Schema):
    personalised: bool | None = None
    hide_category: int | None = None
    show_category: int | None = None
    liked_categories: list[int] | None = None  # replaces the interests picked (at most 10 category ids)
    use_region: bool | None = None


class RecommendArmOut(Schema):
    arm: str
    label: str
    impressions: int
    clicks: int
    orders: int
    ctr: float
    orders_per_mille: float


def _picks(picks) -> list[dict]:
    return [{"product_id": p.product.pk, "title": p.product.title, "price": p.product.min_price,
             "shop": p.product.shop.name, "reason": p.reason,
             "because_product_id": p.source.pk if p.source else None,
             "because_title": p.source.title if p.source else None, "friends_bought": p.friends,
             "region": p.region} for p in picks]


@router.get("/for-you", auth=optional_auth, response=RecommendationsOut, summary="猜你喜欢: products for the signed-in person")
def for_you(request, limit: int = 12):
    """Personalised from the person's latest interactions, with why; the trending list for everyone else
    and for people who turned personalisation off."""
    user = request.auth
    personalised, _hidden = selectors.preference(user=user)
    arm = selectors.arm_of(user=user) if personalised else None
    return {"personalised": personalised and arm != Arm.HOLDOUT, "arm": arm,
            "items": _picks(selectors.for_user(user=user, limit=max(1, min(int(limit), 48))))}


@router.get("/products/{product_id}/also", response=RecommendationsOut, summary="看了又看: products people also looked at")
def also_viewed(request, product_id: int, limit: int = 8):
    return {"personalised": False,
            "items": _picks(selectors.also_viewed(product_id=product_id, limit=max(1, min(int(limit), 48))))}


@router.get("/products/{product_id}/bought-together", response=RecommendationsOut,
            summary="买了还买: products the buyers of this product also bought")
def bought_together(request, product_id: int, limit: int = 8):
    return {"personalised": False, "items": _picks(selectors.bought_together(
        product_ids=[product_id], limit=max(1, min(int(limit), 48))))}


@router.get("/ab", auth=auth, response=list[RecommendArmOut], summary="The recommendation A/B arms (staff)")
def ab_report(request, days: int = 14):
    """Per arm over the last `days` days (1–90): rails shown, picks opened, orders after a pick."""
    if not request.auth.is_staff:
        raise NotFound(_("Not found."))
    return selectors.arm_report(days=max(1, min(int(days), 90)))


def _preferences(user) -> dict:
    personalised, _hidden = selectors.preference(user=user)
    return {"personalised": personalised, "interests": selectors.interests(user=user),
            "liked_categories": selectors.liked_categories(user=user), **selectors.region_of(user=user)}


@router.get("/preferences", auth=auth, response=RecommendPreferencesOut, summary="My recommendation settings")
def get_preferences(request):
    return _preferences(request.auth)


@router.put("/preferences", auth=auth, response=RecommendPreferencesOut, summary="Change my recommendation settings")
def put_preferences(request, payload: RecommendPreferencesIn):
    """Turn personalisation on or off; hide an inferred interest (a category id) or show it again; let the
    province of the default address start a new person's list or not."""
    services.preference_set(user=request.auth, personalised=payload.personalised,
                            hide_category=payload.hide_category, show_category=payload.show_category,
                            use_region=payload.use_region)
    if payload.liked_categories is not None:
        services.set_interests(user=request.auth, category_ids=payload.liked_categories)
    return _preferences(request.auth)
