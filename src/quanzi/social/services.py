"""Write side of the social graph: follow/unfollow users and shops, block/unblock, profile edits.

Follows are idempotent (following twice returns the existing edge). Blocks work both ways: a block
removes the follow edges in both directions and forbids new ones (403 `blocked`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from quanzi.core import ratelimit
from quanzi.core.errors import Forbidden, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.social import selectors
from quanzi.social.events import Blocked, Followed, Unfollowed
from quanzi.social.models import BIO_MAX, Block, Follow, Profile

FOLLOW_LIMIT, FOLLOW_WINDOW = 30, 60


def _check_target(user, target) -> None:
    if target is None or not target.is_active:
        raise NotFound(_("This user does not exist."), code="user_not_found")
    if target.pk == user.pk:
        raise ValidationFailed(_("You cannot follow yourself."), code="cannot_follow_self")
    if selectors.is_blocked(user_a_id=user.pk, user_b_id=target.pk):
        raise Forbidden(_("You cannot interact with this user."), code="blocked")


def follow_user(*, user, target) -> Follow:
    _check_target(user, target)
    existing = Follow.objects.filter(follower_id=user.pk, followee_id=target.pk).first()
    if existing:
        return existing
    ratelimit.hit("follow", user.pk, limit=FOLLOW_LIMIT, window=FOLLOW_WINDOW)
    try:
        with transaction.atomic():
            edge = Follow.objects.create(follower_id=user.pk, followee_id=target.pk)
    except IntegrityError:  # a concurrent duplicate won
        return Follow.objects.get(follower_id=user.pk, followee_id=target.pk)
    publish(Followed(follower_id=user.pk, followee_user_id=target.pk, shop_id=None))
    return edge


def unfollow_user(*, user, target) -> bool:
    """Remove the edge if any; True when one was removed."""
    deleted, _n = Follow.objects.filter(follower_id=user.pk, followee_id=target.pk).delete()
    if deleted:
        publish(Unfollowed(follower_id=user.pk, followee_user_id=target.pk, shop_id=None))
    return bool(deleted)


def follow_shop(*, user, shop) -> Follow:
    if shop is None:
        raise NotFound(_("This shop does not exist."), code="shop_not_found")
    existing = Follow.objects.filter(follower_id=user.pk, shop_id=shop.pk).first()
    if existing:
        return existing
    if not shop.is_selling:
        raise NotFound(_("This shop does not exist."), code="shop_not_found")
    ratelimit.hit("follow", user.pk, limit=FOLLOW_LIMIT, window=FOLLOW_WINDOW)
    try:
        with transaction.atomic():
            edge = Follow.objects.create(follower_id=user.pk, shop_id=shop.pk)
    except IntegrityError:
        return Follow.objects.get(follower_id=user.pk, shop_id=shop.pk)
    publish(Followed(follower_id=user.pk, followee_user_id=None, shop_id=shop.pk))
    return edge


def unfollow_shop(*, user, shop) -> bool:
    deleted, _n = Follow.objects.filter(follower_id=user.pk, shop_id=shop.pk).delete()
    if deleted:
        publish(Unfollowed(follower_id=user.pk, followee_user_id=None, shop_id=shop.pk))
    return bool(deleted)


@transaction.atomic
def block_user(*, user, target) -> Block:
    if target is None:
        raise NotFound(_("This user does not exist."), code="user_not_found")
    if target.pk == user.pk:
        raise ValidationFailed(_("You cannot block yourself."), code="cannot_block_self")
    block, _created = Block.objects.get_or_create(blocker_id=user.pk, blocked_id=target.pk)
    Follow.objects.filter(Q(follower_id=user.pk, followee_id=target.pk)
                          | Q(follower_id=target.pk, followee_id=user.pk)).delete()
    publish(Blocked(blocker_id=user.pk, blocked_id=target.pk))
    return block


def unblock_user(*, user, target) -> bool:
    deleted, _n = Block.objects.filter(blocker_id=user.pk, blocked_id=target.pk).delete()
    return bool(deleted)


def profile_update(*, user, bio: str | None = None, avatar=None) -> Profile:
    """Update the bio (≤ 200 characters) and/or the avatar (an upload; stored as a square thumbnail)."""
    profile, _created = Profile.objects.get_or_create(user_id=user.pk)
    if bio is not None:
        bio = bio.strip()
        if len(bio) > BIO_MAX:
            raise ValidationFailed(_("The bio can have at most %(n)d characters.") % {"n": BIO_MAX},
                                   fields={"bio": _("too long")})
        profile.bio = bio
    if avatar is not None:
        from quanzi.core.images import save_product_image

        _full, thumb = save_product_image(avatar, folder="avatars")
        profile.avatar = thumb
    profile.save()
    return profile
