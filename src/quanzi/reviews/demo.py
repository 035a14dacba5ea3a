"""Demo data of reviews (quanzi.core.seeding): verified-purchase reviews of delivered orders — at least
one for every product people received, some with a photo, one follow-up, merchant replies and
"helpful" marks — made through the reviews services, so only lines their authors really received can
be reviewed, once each.

The last part of the "social" section (after social/demo.py and content/demo.py), whose creators,
fans and random stream it shares.

Re-arm (`rearm_reviews`, quanzi.demo.rearm): orders keep arriving after the seed — the seed's own
deliveries complete when its transaction commits, and the sandbox carrier delivers parcels while the
demo runs — so whenever a product a seeded shopper received has no review yet, that shopper reviews
it, the way buyers do a few hours after delivery: every product people received has reviews, and its
stars are their mean.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

SECTION = "social"
D = dt.timedelta(days=1)

REVIEW_TEXTS = {
    5: ["质量很好，和描述一致，物流也快，会回购。", "包装很用心，东西超出预期，推荐！", "第二次买了，一如既往的好。"],
    4: ["整体不错，性价比高，就是快递慢了一天。", "东西挺好的，颜色比图片稍深一点。"],
    3: ["中规中矩，能用，期待改进包装。"],
}
MERCHANT_REPLIES = ["感谢您的认可！欢迎常来～", "谢谢反馈，我们会继续改进包装和物流，期待再次光临。"]
FOLLOWUP_TEXT = "用了两周来追评：依然很满意，已经推荐给朋友了。"


def reviewable_lines(demo) -> list:
    """Received lines not yet reviewed, not fully refunded, not bought by the shop's own owner: 小圈's
    first four; then one line of every product someone else received, the most received first (so
    every product people bought and got — the best-sellers above all — has reviews in proportion,
    and its stars are the mean of them); then more of the others, up to two thirds (at most 16)."""
    from collections import Counter

    from quanzi.orders.selectors import order_lines_received
    from quanzi.reviews.models import Review

    reviewed = set(Review.objects.values_list("order_line_id", flat=True))
    lines = [ln for ln in order_lines_received() if ln.pk not in reviewed
             and ln.refunded_quantity < ln.quantity and ln.order.shop.owner_id != ln.order.user_id]
    mine = [ln for ln in lines if ln.order.user_id == demo.pk]
    theirs = [ln for ln in lines if ln.order.user_id != demo.pk]
    received = Counter()
    for ln in theirs:
        received[ln.product_id] += ln.quantity
    firsts: dict[int, object] = {}
    for ln in sorted(theirs, key=lambda ln: -received[ln.product_id]):
        firsts.setdefault(ln.product_id, ln)
    chosen = list(firsts.values())
    taken = {ln.pk for ln in chosen}
    extra = max(8, min(16, len(theirs) * 2 // 3)) - len(chosen)
    chosen += [ln for ln in theirs if ln.pk not in taken][:max(0, extra)]
    return mine[:4] + chosen


def seed_reviews(ctx) -> dict[str, Any]:
    from quanzi.reviews.models import Review
    from quanzi.reviews.services import review_create

    demo = ctx.shared["demo"]
    chosen = reviewable_lines(demo)
    ctx.reset_rate_limits({"review": 3600, "review_followup": 3600}, {ln.order.user for ln in chosen})
    by_title = {p["title"]: p for p in ctx.data.PRODUCTS}
    reviews = []
    for i, line in enumerate(chosen):
        rating = 5 if i % 4 else (4 if i % 8 else 3)
        text = ctx.rng.choice(_texts(ctx, line.order.user)[rating])
        photos = [_photo(ctx, line, by_title.get(line.title_zh_hans), i)] if i % 3 == 0 else []
        delivered = line.order.delivered_at or ctx.t0 - 2 * D
        with ctx.at(delivered + dt.timedelta(hours=6 + 5 * (i % 7))):
            reviews.append(review_create(user=line.order.user, order_line_id=line.pk, rating=rating, text=text,
                                         images=photos))
    if reviews:
        _answers(ctx, reviews)
    return {"reviews": Review.objects.count()}


def _texts(ctx, user) -> dict[int, list[str]]:
    """The review texts in the language the reviewer writes (a few shoppers write English)."""
    return ctx.data_en.REVIEW_TEXTS_EN if user.nickname in ctx.data_en.ENGLISH_SHOPPERS else REVIEW_TEXTS


def _answer_in(ctx, review, chinese, english):
    """The shop answers a review in the language it was written in."""
    return english if review.language == "en" else chinese


def _photo(ctx, line, p: dict | None, i: int):
    images = ctx.images
    pic = images.product_picture(key=f"review{line.pk}", motif=p["motif"] if p else "box", variant=1,
                                 hue=(i * 0.13) % 1)
    return images.jpeg_upload(pic, "photo.jpg")


def _answers(ctx, reviews: list) -> None:
    """A follow-up on the first review, merchant replies, and "helpful" marks from the community."""
    from quanzi.reviews.services import followup_create, helpful_mark, merchant_reply

    first = reviews[0]
    with ctx.at(first.created_at + 3 * D):
        followup_create(user=first.author, review_id=first.pk,
                        text=_answer_in(ctx, first, FOLLOWUP_TEXT, ctx.data_en.FOLLOWUP_TEXT_EN))
    english = [r for r in reviews if r.language == "en"]
    answered = list(dict.fromkeys([*reviews[1:3], *english[:2]]))  # no review answered twice
    for k, review in enumerate(answered):
        replies = _answer_in(ctx, review, MERCHANT_REPLIES, ctx.data_en.MERCHANT_REPLIES_EN)
        merchant_reply(shop=review.shop, review_id=review.pk, text=replies[k % 2])
    merchant_reply(shop=first.shop, review_id=first.pk,
                   text=_answer_in(ctx, first, MERCHANT_REPLIES, ctx.data_en.MERCHANT_REPLIES_EN)[0])
    markers = [ctx.shared["demo"], *ctx.shared["creators"], *ctx.shared["fans"]]
    for review in reviews[::2]:
        for user in ctx.rng.sample(markers, 3):
            if user.pk != review.author_id:
                helpful_mark(user=user, review_id=review.pk)


def rearm_reviews(ctx) -> dict[str, Any]:
    """A review of every product a seeded shopper received that has none (see the module's doc)."""
    from quanzi.core import clock
    from quanzi.orders.selectors import order_lines_received
    from quanzi.reviews.models import Review
    from quanzi.reviews.services import review_create

    people = {p.pk for p in ctx.demo_people()}
    if not people or not Review.objects.exists():  # the social demo was never seeded
        return {}
    reviewed = set(Review.objects.values_list("product_id", flat=True))
    firsts: dict[int, Any] = {}
    for line in order_lines_received():
        if line.order.user_id in people and line.product_id not in reviewed and line.refunded_quantity < line.quantity:
            firsts.setdefault(line.product_id, line)
    if not firsts:
        return {}
    ctx.reset_rate_limits({"review": 3600}, {ln.order.user for ln in firsts.values()})
    for i, line in enumerate(firsts.values()):
        rating = 5 if i % 3 else 4
        delivered = line.order.delivered_at or clock.now()
        with ctx.at(delivered + dt.timedelta(hours=6 + 5 * (i % 7))):
            review_create(user=line.order.user, order_line_id=line.pk, rating=rating,
                          text=ctx.rng.choice(_texts(ctx, line.order.user)[rating]))
    return {"reviews": len(firsts)}


seeder = DemoSeeder(key="reviews", section=SECTION, run=seed_reviews, present=None, rearm=rearm_reviews,
                    describe=lambda r: f"{r['reviews']} reviews")
