"""Read side of the social graph. Other apps call these; names and signatures are a contract."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from quanzi.core.registry import Registry
from quanzi.social.models import Block, Follow, Profile


def is_blocked(user_a_id: int, user_b_id: int) -> bool:
    """True when either user blocked the other."""
    if not user_a_id or not user_b_id:
        return False
    return Block.objects.filter(Q(blocker_id=user_a_id, blocked_id=user_b_id)
                                | Q(blocker_id=user_b_id, blocked_id=user_a_id)).exists()


def blocked_ids(user_id: int) -> set[int]:
    """Users blocked by, or blocking, this user."""
    if not user_id:
        return set()
    ids: set[int] = set()
    for blocker, blocked in Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
            "blocker_id", "blocked_id"):
        ids.add(blocked if blocker == user_id else blocker)
    return ids


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    """One direction only: did `blocker_id` block `blocked_id`?"""
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def blocked_by_me_ids(user_id: int) -> list[int]:
    return list(Block.objects.filter(blocker_id=user_id).order_by("-id").values_list("blocked_id", flat=True))


def following_user_ids(user_id: int) -> list[int]:
    return list(Follow.objects.filter(follower_id=user_id, followee__isnull=False)
                .order_by("-id").values_list("followee_id", flat=True))


def follower_ids(user_id: int) -> list[int]:
    return list(Follow.objects.filter(followee_id=user_id).order_by("-id").values_list("follower_id", flat=True))


def followed_shop_ids(user_id: int) -> list[int]:
    return list(Follow.objects.filter(follower_id=user_id, shop__isnull=False)
                .order_by("-id").values_list("shop_id", flat=True))


def friend_ids(user_id: int) -> set[int]:
    """Mutual follows, minus anyone in a block with this user."""
    mutual = set(Follow.objects.filter(follower_id=user_id, followee__isnull=False,
                                       followee__following_edges__followee_id=user_id)
                 .values_list("followee_id", flat=True))
    return mutual - blocked_ids(user_id)


def are_friends(a_id: int, b_id: int) -> bool:
    if not a_id or not b_id or a_id == b_id:
        return False
    return (Follow.objects.filter(Q(follower_id=a_id, followee_id=b_id) | Q(follower_id=b_id, followee_id=a_id))
            .count() == 2 and not is_blocked(a_id, b_id))


def follower_count(user_id: int) -> int:
    return Follow.objects.filter(followee_id=user_id).count()


def following_count(user_id: int) -> int:
    """Users followed (shops are counted separately in followed_shop_ids)."""
    return Follow.objects.filter(follower_id=user_id, followee__isnull=False).count()


def shop_follower_count(shop_id: int) -> int:
    return Follow.objects.filter(shop_id=shop_id).count()


# Apps built on the graph add their own profile numbers (content: notes, likes received) without
# social importing them: profile_counters.register(fn, key="notes") in AppConfig.ready().
profile_counters: Registry[Callable[[int], int]] = Registry(
    "social.profile_counters", keyed=True, owner=__name__,
    doc="Numbers on a profile besides followers/following, by name: `fn(user_id) -> int`.")


def profile_counts(user_id: int) -> dict:
    counts = {"followers": follower_count(user_id), "following": following_count(user_id)}
    for registration in profile_counters.registrations():
        counts[registration.key] = registration.item(user_id)
    return counts


def is_following_user(follower_id: int, user_id: int) -> bool:
    if not follower_id or not user_id:
        return False
    return Follow.objects.filter(follower_id=follower_id, followee_id=user_id).exists()


def is_following_shop(follower_id: int, shop_id: int) -> bool:
    if not follower_id or not shop_id:
        return False
    return Follow.objects.filter(follower_id=follower_id, shop_id=shop_id).exists()


def relationship(viewer_id: int | None, user_id: int) -> dict:
    """Everything a profile header needs about viewer ↔ user, in two queries."""
    rel = {"i_follow": False, "follows_me": False, "i_blocked": False, "blocked_me": False}
    if not viewer_id or viewer_id == user_id:
        return rel
    for a in Follow.objects.filter(Q(follower_id=viewer_id, followee_id=user_id)
                                   | Q(follower_id=user_id, followee_id=viewer_id)).values_list(
            "follower_id", flat=True):
        rel["i_follow" if a == viewer_id else "follows_me"] = True
    for a in Block.objects.filter(Q(blocker_id=viewer_id, blocked_id=user_id)
                                  | Q(blocker_id=user_id, blocked_id=viewer_id)).values_list(
            "blocker_id", flat=True):
        rel["i_blocked" if a == viewer_id else "blocked_me"] = True
    return rel


def profile_for(user) -> Profile:
    """The user's profile, or an unsaved blank one (created lazily on first update)."""
    try:
        return Profile.objects.get(user_id=user.pk)
    except Profile.DoesNotExist:
        return Profile(user=user)


def user_by_uid(uid: str):
    from quanzi.accounts.models import User

    return User.objects.filter(uid=uid, is_active=True).select_related("social_profile").first()


def follower_edges(user_id: int):
    """Queryset of follow edges pointing at the user (for cursor pages), with follower + profile joined."""
    return Follow.objects.filter(followee_id=user_id).select_related("follower", "follower__social_profile")


def following_edges(user_id: int):
    return Follow.objects.filter(follower_id=user_id, followee__isnull=False).select_related(
        "followee", "followee__social_profile")


def avatar_of(user) -> str:
    """Storage name of a user's avatar thumbnail ("" if none); uses a select_related profile if loaded."""
    try:
        profile = user.social_profile
    except Profile.DoesNotExist:
        return ""
    return profile.avatar if profile else ""


def following_among(follower_id: int, user_ids: list[int]) -> list[int]:
    """Which of `user_ids` the follower follows (one query, for list pages)."""
    if not follower_id or not user_ids:
        return []
    return list(Follow.objects.filter(follower_id=follower_id, followee_id__in=user_ids)
                .values_list("followee_id", flat=True))
