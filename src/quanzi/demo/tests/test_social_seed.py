"""The social demo data (demo/social_seed.py), seeded through the services after `seed_demo --small`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from quanzi.accounts.models import User
from quanzi.content.models import (
    Comment,
    Favourite,
    Like,
    Mention,
    Note,
    NoteImage,
    NoteProductTag,
    NoteStatus,
)
from quanzi.demo import data, social_seed
from quanzi.orders.models import OrderStatus
from quanzi.reviews.models import FollowUp, Helpful, MerchantReply, Review, ReviewImage
from quanzi.social.models import Follow, Profile

pytestmark = pytest.mark.django_db

MODELS = [User, Profile, Follow, Note, NoteImage, NoteProductTag, Like, Favourite, Comment, Mention, Review,
          ReviewImage, FollowUp, MerchantReply, Helpful]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_social_seed_content_graph_reviews_and_idempotency():
    out = seed()
    assert "social: 5 creators" in out
    assert social_seed.already_seeded()

    # creators: profiles, 3–5 published notes each with 2–4 images and 1–3 tagged products, one draft
    creators = list(User.objects.filter(email__startswith="creator").order_by("email"))
    assert len(creators) == 5
    for creator in creators:
        profile = Profile.objects.get(user=creator)
        assert profile.bio and profile.avatar
        published = Note.objects.filter(author=creator, status=NoteStatus.PUBLISHED).annotate(
            images_n=Count("images", distinct=True), tags_n=Count("product_tags", distinct=True))
        assert 3 <= published.count() <= 5
        for note in published:
            assert 2 <= note.images_n <= 4, note.title
            assert 1 <= note.tags_n <= 3, note.title
            assert note.published_at is not None and "#" in note.body
            assert note.topics.exists()
        assert Note.objects.filter(author=creator, status=NoteStatus.DRAFT).count() == 1

    # follows: 小圈 follows 3 creators, 2 shops, and is friends (mutual) with 3 shoppers who bought things
    me = User.objects.get(phone=data.DEMO_SHOPPER["phone"])
    mine = Follow.objects.filter(follower=me)
    assert mine.filter(followee__email__startswith="creator").count() == 3
    assert mine.filter(shop__isnull=False).count() == 2
    friend_ids = set(mine.filter(followee__isnull=False).values_list("followee_id", flat=True)) & set(
        Follow.objects.filter(followee=me).values_list("follower_id", flat=True))
    assert len(friend_ids) == 3
    for friend in User.objects.filter(pk__in=friend_ids):
        assert friend.orders.filter(status__in=[OrderStatus.DELIVERED, OrderStatus.COMPLETED]).exists()

    # engagement: likes, favourites, comments with a reply and an @mention of 小圈
    assert Like.objects.count() >= 20 and Favourite.objects.filter(collection__user=me).exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Mention.objects.filter(user=me, comment__isnull=False).exists()

    # reviews only on delivered/completed lines bought by their authors; photos, follow-up, replies, helpful
    reviews = Review.objects.select_related("order_line__order")
    assert reviews.count() >= 5
    for review in reviews:
        order = review.order_line.order
        assert order.user_id == review.author_id
        assert order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
        assert review.shop_id == order.shop_id and review.product_id == review.order_line.product_id
    assert Review.objects.filter(author=me).exists()
    assert ReviewImage.objects.exists() and FollowUp.objects.count() == 1
    assert MerchantReply.objects.count() >= 2 and Helpful.objects.exists()

    # seeding again creates nothing new
    before = counts()
    out = seed()
    assert "nothing to do" in out
    assert counts() == before
    assert social_seed.seed_social() is None
    assert counts() == before


def test_social_seed_is_added_to_a_database_seeded_before_issue_3():
    from quanzi.demo.seed import Seeder

    Seeder(small=True).run()  # the commerce seed alone (what an older database holds)
    assert not social_seed.already_seeded()
    out = seed()
    assert "Added the demo data of: social" in out
    assert social_seed.already_seeded() and Note.objects.filter(status=NoteStatus.PUBLISHED).exists()
