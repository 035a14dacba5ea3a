"""The social demo data (social/demo.py, content/demo.py, reviews/demo.py), seeded through the services
after `seed_demo --small`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from quanzi.accounts.selectors import user_get_by_phone
from quanzi.accounts.testing import users_by_email_prefix
from quanzi.content.constants import NoteStatus
from quanzi.content.testing import engagement_counts, notes_by
from quanzi.core.testing import table_counts
from quanzi.demo import data
from quanzi.demo.runner import is_seeded, run_seeders, seed_section
from quanzi.orders.constants import OrderStatus
from quanzi.orders.selectors import order_counts_by_user
from quanzi.reviews.testing import review_counts, reviews
from quanzi.social.selectors import followed_shop_ids, follower_ids, following_user_ids, profile_for

pytestmark = pytest.mark.django_db

SOCIAL = ("accounts", "social", "content", "reviews")  # users, profiles, follows, notes …, reviews, helpful marks


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return table_counts(*SOCIAL)


def test_social_seed_content_graph_reviews_and_idempotency():
    out = seed()
    assert "social: 7 creators" in out
    assert is_seeded("social")

    # creators: profiles, 3–5 published notes each with 2–4 images and 1–3 tagged products, one draft
    creators = users_by_email_prefix(prefix="creator")
    assert len(creators) == 7  # five write Chinese, two English (demo/data_en.py)
    for creator in creators:
        profile = profile_for(user=creator)
        assert profile.bio and profile.avatar
        published = notes_by(author=creator, status=NoteStatus.PUBLISHED)
        assert 3 <= len(published) <= 5
        for note in published:
            assert 2 <= len(note.images.all()) <= 4, note.title
            assert 1 <= len(note.product_tags.all()) <= 3, note.title
            assert note.published_at is not None and "#" in note.body
            assert note.topics.all()
        assert len(notes_by(author=creator, status=NoteStatus.DRAFT)) == 1
        assert len({note.language for note in published}) == 1  # each writes in one language
    assert {notes_by(author=c, status=NoteStatus.PUBLISHED)[0].language for c in creators} == {"zh-hans", "en"}

    # follows: 小圈 follows 3 creators, 2 shops, and is friends (mutual) with 3 shoppers who bought things
    me = user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])
    following = set(following_user_ids(user_id=me.pk))
    assert len(following & {c.pk for c in creators}) == 3
    assert len(followed_shop_ids(user_id=me.pk)) == 2
    friend_ids = following & set(follower_ids(user_id=me.pk))
    assert len(friend_ids) == 3
    received = order_counts_by_user(statuses=[OrderStatus.DELIVERED, OrderStatus.COMPLETED], user_ids=friend_ids)
    for friend_id in friend_ids:
        assert received.get(friend_id, 0) > 0

    # engagement: likes, favourites, comments with a reply and an @mention of 小圈
    engagement = engagement_counts(user=me)
    assert engagement["likes"] >= 20 and engagement["favourites"] > 0
    assert engagement["replies"] > 0
    assert engagement["comment_mentions"] > 0

    # reviews only on delivered/completed lines bought by their authors; photos, follow-up, replies, helpful
    everything = reviews()
    assert len(everything) >= 5
    for review in everything:
        order = review.order_line.order
        assert order.user_id == review.author_id
        assert order.status in (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
        assert review.shop_id == order.shop_id and review.product_id == review.order_line.product_id
    assert reviews(author=me)
    tally = review_counts()
    assert tally["images"] > 0 and tally["followups"] == 1
    assert tally["replies"] >= 2 and tally["helpful"] > 0

    # seeding again creates nothing new
    before = counts()
    out = seed()
    assert "nothing to do" in out
    assert counts() == before
    assert seed_section("social") is None
    assert counts() == before


def test_social_seed_is_added_to_a_database_seeded_before_issue_3():
    run_seeders(small=True, only=["shop"])  # the commerce seed alone (what an older database holds)
    assert not is_seeded("social")
    out = seed()
    assert "Added the demo data of: social" in out
    assert is_seeded("social") and notes_by(status=NoteStatus.PUBLISHED)
