"""Reviews API (/api/v1/reviews): write a verified-purchase review, follow up, reply as the
merchant, mark helpful, and read a product's reviews with its rating summary."""

from __future__ import annotations

from datetime import datetime

from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core.errors import NotFound
from quanzi.core.images import media_url
from quanzi.reviews import selectors, services
from quanzi.shops.selectors import shop_for_owner

router = Router(tags=["reviews"], auth=auth)


class PhotoOut(Schema):
    image: str
    thumb: str


class FollowUpOut(Schema):
    text: str
    photos: list[PhotoOut]
    created_at: datetime


class ReplyOut(Schema):
    text: str
    created_at: datetime


class ReviewOut(Schema):
    id: int
    product_id: int
    order_line_id: int
    author: str
    sku_label: str
    rating: int
    text: str
    status: str
    photos: list[PhotoOut]
    followup: FollowUpOut | None
    reply: ReplyOut | None
    helpful_count: int
    helped: bool
    created_at: datetime


class RatingOut(Schema):
    average: float | None
    count: int
    distribution: dict[str, int]


class ReviewPageOut(Schema):
    rating: RatingOut
    items: list[ReviewOut]
    next_cursor: str | None


class TextIn(Schema):
    text: str


class HelpfulOut(Schema):
    review_id: int
    helpful_count: int
    helped: bool


class LineOut(Schema):
    order_line_id: int
    order_number: str
    product_id: int
    title: str
    sku_label: str
    image: str


def _photos(photos) -> list[dict]:
    return [{"image": media_url(p.image), "thumb": media_url(p.thumb)} for p in photos]


def review_out(review) -> dict:
    if not hasattr(review, "photos"):
        review = selectors.review_detail(review_id=review.pk)
    followup, reply = review.followup_or_none, review.reply_or_none
    return {
        "id": review.pk, "product_id": review.product_id, "order_line_id": review.order_line_id,
        "author": review.author.display_name, "sku_label": review.sku_label, "rating": review.rating,
        "text": review.text, "status": review.status, "photos": _photos(review.photos),
        "followup": {"text": followup.text, "photos": _photos(review.followup_photos),
                     "created_at": followup.created_at} if followup else None,
        "reply": {"text": reply.text, "created_at": reply.created_at} if reply else None,
        "helpful_count": getattr(review, "helpful_count", 0), "helped": bool(getattr(review, "helped", False)),
        "created_at": review.created_at,
    }


def rating_out(rating: dict) -> dict:
    return {"average": float(rating["average"]) if rating["average"] is not None else None,
            "count": rating["count"], "distribution": {str(k): v for k, v in rating["distribution"].items()}}


def _uploads(request, images) -> list:
    files = list(images or [])
    files += [f for f in request.FILES.getlist("images[]") if f not in files]
    return files


@router.post("/", response={201: ReviewOut},
             summary="Review a delivered item you bought (multipart: order_line_id, rating 1–5, text, images ≤ 9)")
def review_create(request, order_line_id: Form[int], rating: Form[int], text: Form[str] = "",
                  images: File[list[UploadedFile]] = None):
    review = services.review_create(user=request.auth, order_line_id=order_line_id, rating=rating, text=text,
                                    images=_uploads(request, images))
    return 201, review_out(review)


@router.get("/products/{product_id}", response=ReviewPageOut, auth=optional_auth,
            summary="A product's visible reviews (newest first, cursor pages) and its rating summary")
def product_reviews(request, product_id: int, cursor: str | None = None, limit: int = 10,
                    every_language: bool = Query(False, description="All reviews; by default only those written in "
                                                 "the request's language (Accept-Language) or of no telling language")):
    viewer = request.auth if request.auth is not True else None
    reviews, next_cursor = selectors.reviews_for_product(product_id=product_id, cursor=cursor, limit=limit, viewer=viewer,
                                                         every_language=every_language)
    return {"rating": rating_out(selectors.product_rating(product_id=product_id)),
            "items": [review_out(r) for r in reviews], "next_cursor": next_cursor}


@router.get("/me/to-review", response=list[LineOut], summary="Delivered items you have not reviewed yet")
def to_review(request):
    return [{"order_line_id": ln.pk, "order_number": ln.order.number, "product_id": ln.product_id,
             "title": ln.title, "sku_label": ln.sku_label, "image": media_url(ln.image)}
            for ln in selectors.reviewable_lines(user=request.auth)]


@router.post("/{review_id}/follow-up", response={201: ReviewOut},
             summary="Add the one follow-up to your review (multipart: text ≤ 500, images ≤ 9)")
def followup_create(request, review_id: int, text: Form[str] = "", images: File[list[UploadedFile]] = None):
    services.followup_create(user=request.auth, review_id=review_id, text=text, images=_uploads(request, images))
    return 201, review_out(selectors.review_detail(review_id=review_id))


@router.post("/{review_id}/reply", response={201: ReviewOut},
             summary="The selling shop's one reply (JSON {text}, ≤ 500 characters)")
def reply_create(request, review_id: int, payload: TextIn):
    shop = shop_for_owner(user=request.auth)
    if shop is None:
        raise NotFound("Review not found.", code="review_not_found")
    services.merchant_reply(shop=shop, review_id=review_id, text=payload.text)
    return 201, review_out(selectors.review_detail(review_id=review_id))


@router.post("/{review_id}/helpful", response=HelpfulOut, summary="Mark helpful (idempotent)")
def helpful_mark(request, review_id: int):
    count = services.helpful_mark(user=request.auth, review_id=review_id)
    return {"review_id": review_id, "helpful_count": count, "helped": True}


@router.delete("/{review_id}/helpful", response=HelpfulOut, summary="Unmark helpful (idempotent)")
def helpful_unmark(request, review_id: int):
    count = services.helpful_unmark(user=request.auth, review_id=review_id)
    return {"review_id": review_id, "helpful_count": count, "helped": False}
