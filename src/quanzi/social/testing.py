"""Test helpers for the social graph, for other apps' tests (never imported by application code).

They write edges directly, as a bulk import or an old row would: no events are published and no
rate limit applies. Tests of the services themselves use `quanzi.social.services`.
"""

from __future__ import annotations

from quanzi.social.models import Block, Follow


def make_follow(*, follower, followee=None, shop=None) -> Follow:
    """An edge `follower` → a user (`followee`) or a shop."""
    return Follow.objects.create(follower=follower, followee=followee, shop=shop)


def befriend(a, b) -> None:
    """Mutual follows: `a` and `b` become friends."""
    make_follow(follower=a, followee=b)
    make_follow(follower=b, followee=a)


def remove_follow(*, follower, followee=None, shop=None) -> int:
    """Delete the edge as a direct write would (no event): returns how many edges went."""
    edges = Follow.objects.filter(follower=follower)
    edges = edges.filter(followee=followee) if followee is not None else edges.filter(shop=shop)
    return edges.delete()[0]


def make_block(*, blocker, blocked) -> Block:
    """`blocker` blocks `blocked`, without the services' clean-up of the follows between them."""
    return Block.objects.create(blocker=blocker, blocked=blocked)


def follow_count() -> int:
    """Every follow edge in the database (users and shops)."""
    return Follow.objects.count()


# ---- public interface used by demo, bench/ and the project's tests

def follower_user_ids(*, limit: int) -> list[int]:
    """Up to `limit` ids of users who follow someone or some shop (bench/feed.py samples readers)."""
    return list(Follow.objects.values_list("follower_id", flat=True).distinct()[:limit])
