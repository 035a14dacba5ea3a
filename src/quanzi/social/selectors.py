"""Read side of the social graph. Other apps call these; names and signatures are a contract.

Every function takes keyword arguments only. Users come back as instances of the user model
(`get_user_model()`, with their social profile joined where a page shows avatars); graph facts come
back as ids, counts or booleans. Apps built on the graph (content, circle, feed) read it only here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from quanzi.core.registry import Registry
from quanzi.social.models import Block, Follow, Profile

# ---------------------------------------------------------------- blocks


def is_blocked(*, user_a_id: int | None, user_b_id: int | None) -> bool:
    """True when either user blocked the other."""
    if not user_a_id or not user_b_id:
        return False
    return Block.objects.filter(Q(blocker_id=user_a_id, blocked_id=user_b_id)
                                | Q(blocker_id=user_b_id, blocked_id=user_a_id)).exists()


def blocked_ids(*, user_id: int | None) -> set[int]:
    """Users blocked by, or blocking, this user."""
    if not user_id:
        return set()
    ids: set[int] = set()
    for blocker, blocked in Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)).values_list(
            "blocker_id", "blocked_id"):
        ids.add(blocked if blocker == user_id else blocker)
    return ids


def has_blocked(*, blocker_id: int, blocked_id: int) -> bool:
    """One direction only: did `blocker_id` block `blocked_id`?"""
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def blocked_by_me_ids(*, user_id: int) -> list[int]:
    return list(Block.objects.filter(blocker_id=user_id).order_by("-id").values_list("blocked_id", flat=True))


# ---------------------------------------------------------------- follows and friends


def following_user_ids(*, user_id: int) -> list[int]:
    return list(Follow.objects.filter(follower_id=user_id, followee__isnull=False)
                .order_by("-id").values_list("followee_id", flat=True))


def follower_ids(*, user_id: int) -> list[int]:
    return list(Follow.objects.filter(followee_id=user_id).order_by("-id").values_list("follower_id", flat=True))


def followed_shop_ids(*, user_id: int) -> list[int]:
    return list(Follow.objects.filter(follower_id=user_id, shop__isnull=False)
                .order_by("-id").values_list("shop_id", flat=True))


def friend_ids(*, user_id: int) -> set[int]:
    """Mutual follows, minus anyone in a block with this user."""
    mutual = set(Follow.objects.filter(follower_id=user_id, followee__isnull=False,
                                       followee__following_edges__followee_id=user_id)
                 .values_list("followee_id", flat=True))
    return mutual - blocked_ids(user_id=user_id)


def are_friends(*, user_a_id: int | None, user_b_id: int | None) -> bool:
    if not user_a_id or not user_b_id or user_a_id == user_b_id:
        return False
    return (Follow.objects.filter(Q(follower_id=user_a_id, followee_id=user_b_id)
                                  | Q(follower_id=user_b_id, followee_id=user_a_id)).count() == 2
            and not is_blocked(user_a_id=user_a_id, user_b_id=user_b_id))


def follower_count(*, user_id: int) -> int:
    return Follow.objects.filter(followee_id=user_id).count()


def following_count(*, user_id: int) -> int:
    """Users followed (shops are counted separately in followed_shop_ids)."""
    return Follow.objects.filter(follower_id=user_id, followee__isnull=False).count()


def shop_follower_count(*, shop_id: int) -> int:
    return Follow.objects.filter(shop_id=shop_id).count()


def is_following_user(*, follower_id: int | None, user_id: int | None) -> bool:
    if not follower_id or not user_id:
        return False
    return Follow.objects.filter(follower_id=follower_id, followee_id=user_id).exists()


def is_following_shop(*, follower_id: int | None, shop_id: int | None) -> bool:
    if not follower_id or not shop_id:
        return False
    return Follow.objects.filter(follower_id=follower_id, shop_id=shop_id).exists()


def following_among(*, follower_id: int | None, user_ids: list[int]) -> list[int]:
    """Which of `user_ids` the follower follows (one query, for list pages)."""
    if not follower_id or not user_ids:
        return []
    return list(Follow.objects.filter(follower_id=follower_id, followee_id__in=user_ids)
                .values_list("followee_id", flat=True))


def relationship(*, viewer_id: int | None, user_id: int) -> dict:
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


def follower_edges(*, user_id: int) -> QuerySet[Follow]:
    """Queryset of follow edges pointing at the user (for cursor pages), with follower + profile joined."""
    return Follow.objects.filter(followee_id=user_id).select_related("follower", "follower__social_profile")


def following_edges(*, user_id: int) -> QuerySet[Follow]:
    return Follow.objects.filter(follower_id=user_id, followee__isnull=False).select_related(
        "followee", "followee__social_profile")


# ---------------------------------------------------------------- profiles and users

# Apps built on the graph add their own profile numbers (content: notes, likes received) without
# social importing them: profile_counters.register(fn, key="notes") in AppConfig.ready().
profile_counters: Registry[Callable[..., int]] = Registry(
    "social.profile_counters", keyed=True, owner=__name__,
    doc="Numbers on a profile besides followers/following, by name: `fn(*, user_id) -> int`.")


def profile_counts(*, user_id: int) -> dict:
    counts = {"followers": follower_count(user_id=user_id), "following": following_count(user_id=user_id)}
    for registration in profile_counters.registrations():
        counts[registration.key] = registration.item(user_id=user_id)
    return counts


def profile_for(*, user) -> Profile:
    """The user's profile, or an unsaved blank one (created lazily on first update)."""
    try:
        return Profile.objects.get(user_id=user.pk)
    except Profile.DoesNotExist:
        return Profile(user=user)


def _users():
    """Users with their social profile joined (avatars on cards cost no extra query)."""
    return get_user_model().objects.select_related("social_profile")


def user_by_uid(*, uid: str):
    """The active user with this public uid (profile joined), or None."""
    return _users().filter(uid=uid, is_active=True).first()


def users_by_ids(*, user_ids, active_only: bool = False) -> dict:
    """{id: user} for the given ids, profiles joined (one query); unknown ids are left out."""
    qs = _users().filter(pk__in=list(user_ids))
    if active_only:
        qs = qs.filter(is_active=True)
    return {u.pk: u for u in qs}


def friends_of(*, user_id: int) -> list:
    """The user's active friends (mutual follows, no block), newest account first."""
    return list(_users().filter(pk__in=friend_ids(user_id=user_id), is_active=True).order_by("-id"))


def blocked_users_of(*, user_id: int) -> list:
    """Users this user blocked, most recently blocked first."""
    ids = blocked_by_me_ids(user_id=user_id)
    users = users_by_ids(user_ids=ids)
    return [users[i] for i in ids if i in users]


def user_search(*, query: str, exclude_ids=(), limit: int = 20) -> list:
    """Active users whose nickname contains `query`, most followed first, each with `follower_count`."""
    qs = get_user_model().objects.filter(is_active=True, nickname__icontains=query)
    if exclude_ids:
        qs = qs.exclude(pk__in=list(exclude_ids))
    return list(qs.select_related("social_profile").annotate(follower_count=Count("follower_edges", distinct=True))
                .order_by("-follower_count", "-pk")[:limit])


def avatar_of(*, user) -> str:
    """Storage name of a user's avatar thumbnail ("" if none); uses a select_related profile if loaded."""
    try:
        profile = user.social_profile
    except Profile.DoesNotExist:
        return ""
    return profile.avatar if profile else ""


# ---------------------------------------------------------------- the graph as the feed reads it


def follow_overview(*, user_id: int) -> tuple[list[int], list[int], set[int]]:
    """(followed user ids, followed shop ids, followed users who follow back) in one query.
    Blocks are not applied: the caller removes blocked ids it already has."""
    follows_back = Exists(Follow.objects.filter(follower_id=OuterRef("followee_id"), followee_id=user_id))
    users, shops, mutual = [], [], set()
    for followee_id, shop_id, back in Follow.objects.filter(follower_id=user_id).annotate(
            back=follows_back).values_list("followee_id", "shop_id", "back"):
        if followee_id:
            users.append(followee_id)
            if back:
                mutual.add(followee_id)
        elif shop_id:
            shops.append(shop_id)
    return users, shops, mutual


def follow_exists(*, follower_id: int, user_ref=None, shop_ref=None) -> Exists:
    """"`follower_id` follows this user (or shop)" for each row of another model's query, the target
    named by an outer reference (`user_ref=OuterRef("note__author_id")`): one probe of the unique
    follow index per row, so a list stays correct right after an unfollow."""
    if (user_ref is None) == (shop_ref is None):
        raise TypeError("name exactly one of user_ref and shop_ref")
    target = {"followee_id": user_ref} if user_ref is not None else {"shop_id": shop_ref}
    return Exists(Follow.objects.filter(follower_id=follower_id, **target))


def _followers_of(user_id: int | None, shop_id: int | None) -> QuerySet[Follow]:
    if (user_id is None) == (shop_id is None):
        raise TypeError("name exactly one of user_id and shop_id")
    return Follow.objects.filter(followee_id=user_id) if user_id is not None else Follow.objects.filter(shop_id=shop_id)


def follower_count_up_to(*, user_id: int | None = None, shop_id: int | None = None, limit: int) -> int:
    """min(followers, limit): a bounded count, cheap whatever the target's audience."""
    return _followers_of(user_id, shop_id)[:limit].count()


def iter_follower_ids(*, user_id: int | None = None, shop_id: int | None = None,
                      chunk_size: int = 2000) -> Iterator[int]:
    """Every follower id of a user or a shop, streamed from the database in chunks."""
    return _followers_of(user_id, shop_id).values_list("follower_id", flat=True).iterator(chunk_size=chunk_size)


def targets_with_followers_over(*, limit: int) -> tuple[list[int], list[int]]:
    """(user ids, shop ids) followed by more than `limit` users: one GROUP BY per kind."""
    users = (Follow.objects.filter(followee__isnull=False).values("followee_id").annotate(n=Count("id"))
             .filter(n__gt=limit).values_list("followee_id", flat=True))
    shops = (Follow.objects.filter(shop__isnull=False).values("shop_id").annotate(n=Count("id"))
             .filter(n__gt=limit).values_list("shop_id", flat=True))
    return list(users), list(shops)
