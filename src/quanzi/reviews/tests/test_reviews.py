"""Verified-purchase reviews: who may review, once, follow-up, reply, helpful, moderation, rating."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, RateLimited, ValidationFailed
from quanzi.reviews import selectors, services
from quanzi.reviews.models import ModerationAction, Review, ReviewImage, ReviewModeration, ReviewStatus

from .conftest import png

pytestmark = pytest.mark.django_db


def review(user, line, rating=5, text="Great tee, fits well.", images=()):
    return services.review_create(user=user, order_line_id=line.pk, rating=rating, text=text, images=images)


# ---------------------------------------------------------------- who may review


def test_buyer_reviews_a_delivered_line_with_photos(shopper, line, product):
    from quanzi.core.testing import subscribed
    from quanzi.reviews.events import ReviewCreated

    seen = []
    with subscribed(ReviewCreated, seen.append, in_transaction=True):
        r = review(shopper, line, rating=4, images=[png(), png()])
    assert (r.author, r.product, r.shop_id, r.rating, r.status) == (shopper, product, product.shop_id, 4, "visible")
    photos = list(r.images.all())
    assert len(photos) == 2 and all(p.image.startswith("reviews/") and p.thumb.endswith("_t.jpg") for p in photos)
    assert seen == [ReviewCreated(review_id=r.pk, product_id=product.pk, author_id=shopper.pk, rating=4)]


def test_another_users_line_is_404(make_shopper, line):
    with pytest.raises(NotFound):
        review(make_shopper(), line)
    assert not Review.objects.exists()


def test_not_delivered_is_422(shopper, bought_line):
    line = bought_line(delivered=False)
    with pytest.raises(BusinessRuleViolation) as exc:
        review(shopper, line)
    assert exc.value.code == "not_received"


def test_refunded_line_is_422(shopper, line):
    from quanzi.orders.testing import order_line_force_refunded

    order_line_force_refunded(line_id=line.pk)
    with pytest.raises(BusinessRuleViolation) as exc:
        review(shopper, line)
    assert exc.value.code == "refunded"


def test_second_review_is_409(shopper, line):
    review(shopper, line)
    with pytest.raises(Conflict) as exc:
        review(shopper, line, rating=1, text="again")
    assert exc.value.code == "already_reviewed"
    assert Review.objects.count() == 1


def test_merchant_cannot_review_own_product(shop, make_shopper, place_order, deliver, sku):
    from quanzi.accounts.services import address_create

    owner = shop.owner
    address_create(user=owner, data={"recipient": "王", "phone": "13800138000", "province": "上海", "city": "上海",
                                     "district": "黄浦区", "detail": "1 号"})
    orders, _p = place_order([(sku, 1)], user=owner, pay=True)
    deliver(orders[0])
    with pytest.raises(BusinessRuleViolation) as exc:
        review(owner, orders[0].lines.get())
    assert exc.value.code == "own_shop"


@pytest.mark.parametrize("rating", [0, 6, -1, "x", None])
def test_rating_outside_1_to_5_is_400(shopper, line, rating):
    with pytest.raises(ValidationFailed) as exc:
        review(shopper, line, rating=rating)
    assert "rating" in exc.value.fields


@pytest.mark.parametrize("text", ["", "   ", "x" * 1001])
def test_empty_or_overlong_text_is_400(shopper, line, text):
    with pytest.raises(ValidationFailed) as exc:
        review(shopper, line, text=text)
    assert "text" in exc.value.fields
    assert not Review.objects.exists()


def test_exactly_1000_characters_is_fine(shopper, line):
    assert len(review(shopper, line, text="好" * 1000).text) == 1000


def test_more_than_9_images_is_400(shopper, line):
    with pytest.raises(ValidationFailed) as exc:
        review(shopper, line, images=[png(f"{i}.png") for i in range(10)])
    assert exc.value.code == "too_many_images"
    assert not Review.objects.exists()


def test_non_image_upload_is_400(shopper, line):
    fake = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    with pytest.raises(ValidationFailed) as exc:
        review(shopper, line, images=[png(), fake])
    assert exc.value.code == "not_an_image"
    assert not Review.objects.exists() and not ReviewImage.objects.exists()


def test_review_creation_is_rate_limited(shopper):
    for _ in range(20):
        with pytest.raises(NotFound):
            services.review_create(user=shopper, order_line_id=999999, rating=5, text="x")
    with pytest.raises(RateLimited) as exc:
        services.review_create(user=shopper, order_line_id=999999, rating=5, text="x")
    assert int(exc.value.fields["retry_after"]) > 0


# ---------------------------------------------------------------- follow-up, reply, helpful


def test_followup_once_by_the_author_only(shopper, make_shopper, line):
    r = review(shopper, line)
    with pytest.raises(NotFound):
        services.followup_create(user=make_shopper(), review_id=r.pk, text="me too")
    services.followup_create(user=shopper, review_id=r.pk, text="Still great after a month.", images=[png()])
    with pytest.raises(Conflict) as exc:
        services.followup_create(user=shopper, review_id=r.pk, text="again")
    assert exc.value.code == "already_followed_up"
    assert r.images.filter(for_followup=True).count() == 1


def test_followup_text_limit(shopper, line):
    r = review(shopper, line)
    with pytest.raises(ValidationFailed):
        services.followup_create(user=shopper, review_id=r.pk, text="x" * 501)


def test_merchant_reply_once_and_only_by_the_seller(shopper, line, shop, make_shop, bought_line):
    r = review(shopper, line)
    with pytest.raises(NotFound):
        services.merchant_reply(shop=make_shop(), review_id=r.pk, text="Thanks!")
    services.merchant_reply(shop=shop, review_id=r.pk, text="Thanks for buying!")
    with pytest.raises(Conflict) as exc:
        services.merchant_reply(shop=shop, review_id=r.pk, text="again")
    assert exc.value.code == "already_replied"
    with pytest.raises(ValidationFailed):
        services.merchant_reply(shop=shop, review_id=review(shopper, bought_line()).pk, text="x" * 501)


def test_helpful_is_idempotent_and_not_on_own_review(shopper, make_shopper, line):
    r = review(shopper, line)
    reader = make_shopper()
    assert services.helpful_mark(user=reader, review_id=r.pk) == 1
    assert services.helpful_mark(user=reader, review_id=r.pk) == 1
    assert services.helpful_mark(user=make_shopper(), review_id=r.pk) == 2
    assert services.helpful_unmark(user=reader, review_id=r.pk) == 1
    assert services.helpful_unmark(user=reader, review_id=r.pk) == 1
    with pytest.raises(BusinessRuleViolation) as exc:
        services.helpful_mark(user=shopper, review_id=r.pk)
    assert exc.value.code == "own_review"


# ---------------------------------------------------------------- rating and moderation


def test_rating_average_count_and_distribution_are_exact(make_shopper, bought_line, product):
    assert selectors.product_rating(product_id=product.pk) == {"average": None, "count": 0,
                                                    "distribution": {5: 0, 4: 0, 3: 0, 2: 0, 1: 0}}
    for stars in (5, 4, 4):
        user = make_shopper()
        review(user, bought_line(user=user), rating=stars)
    rating = selectors.product_rating(product_id=product.pk)
    assert rating["average"] == Decimal("4.3") and rating["count"] == 3
    assert rating["distribution"] == {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}


def test_hidden_review_leaves_the_rating_and_the_decision_is_recorded(make_shopper, make_user, bought_line,
                                                                      product):
    operator = make_user(is_staff=True)
    users = [make_shopper(), make_shopper()]
    r1 = review(users[0], bought_line(user=users[0]), rating=5)
    review(users[1], bought_line(user=users[1]), rating=1)
    with pytest.raises(ValidationFailed):
        services.review_hide(review_id=r1.pk, operator=operator, reason="  ")
    assert Review.objects.get(pk=r1.pk).status == ReviewStatus.VISIBLE
    services.review_hide(review_id=r1.pk, operator=operator, reason="Advertising spam")
    assert selectors.product_rating(product_id=product.pk)["count"] == 1
    assert selectors.product_rating(product_id=product.pk)["average"] == Decimal("1.0")
    assert [x.pk for x in selectors.reviews_for_product(product_id=product.pk)[0]] != [r1.pk]
    with pytest.raises(Conflict):
        services.review_hide(review_id=r1.pk, operator=operator, reason="again")
    services.review_restore(review_id=r1.pk, operator=operator, reason="Appeal accepted")
    assert selectors.product_rating(product_id=product.pk)["count"] == 2
    log = list(ReviewModeration.objects.filter(review=r1).order_by("id").values_list("action", "reason", "operator"))
    assert log == [(ModerationAction.HIDE, "Advertising spam", operator.pk),
                   (ModerationAction.RESTORE, "Appeal accepted", operator.pk)]


def test_reviewable_lines_and_review_for_line(shopper, bought_line):
    delivered, pending = bought_line(), bought_line(delivered=False)
    assert [ln.pk for ln in selectors.reviewable_lines(user=shopper)] == [delivered.pk]
    r = review(shopper, delivered)
    assert selectors.reviewable_lines(user=shopper) == []
    assert selectors.review_for_line(line_id=delivered.pk) == r and selectors.review_for_line(line_id=pending.pk) is None


def test_product_reviews_query_count_is_flat(make_shopper, bought_line, product, shop):
    def add(n):
        for _ in range(n):
            user = make_shopper()
            r = review(user, bought_line(user=user), images=[png()])
            services.followup_create(user=user, review_id=r.pk, text="later", images=[png()])
            services.merchant_reply(shop=shop, review_id=r.pk, text="thanks")
            services.helpful_mark(user=make_shopper(), review_id=r.pk)

    viewer = make_shopper()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            reviews, _c = selectors.reviews_for_product(product_id=product.pk, viewer=viewer)
            for r in reviews:
                _ = (r.author.display_name, r.photos, r.followup_or_none.text, r.reply_or_none.text, r.helpful_count,
                 r.helped)
        return len(ctx.captured_queries), len(reviews)

    add(2)
    few = count()
    add(3)
    many = count()
    assert few[1] == 2 and many[1] == 5
    assert few[0] == many[0] <= 3


def test_a_product_shows_the_reviews_of_the_readers_language_and_rates_with_all(make_shopper, bought_line, product):
    from django.utils.translation import override

    def write(text):
        user = make_shopper()
        return services.review_create(user=user, order_line_id=bought_line(user=user).pk, rating=5, text=text)

    chinese = write("质量很好，会回购。")
    english = write("Lovely tea, will buy again.")
    assert (chinese.language, english.language) == ("zh-hans", "en")
    with override("en"):
        assert [r.pk for r in selectors.reviews_for_product(product_id=product.pk)[0]] == [english.pk]
    with override("zh-hans"):
        assert [r.pk for r in selectors.reviews_for_product(product_id=product.pk)[0]] == [chinese.pk]
    assert selectors.product_rating(product_id=product.pk)["count"] == 2  # the rating counts every review
