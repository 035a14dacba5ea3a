"""Social API (/api/v1/social): profiles, follows (users and shops), blocks, friend lists.

Users are addressed by their public `uid`. Blocks: following, or viewing the profile or lists of,
a user who blocked you answers 403 `blocked`; you can still see (and unblock) users you blocked.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from quanzi.accounts.auth import auth, optional_auth
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import cursor_page
from quanzi.core.images import media_url
from quanzi.shops.selectors import shop_get
from quanzi.social import selectors, services

router = Router(tags=["social"])


class ProfileIn(Schema):
    bio: str | None = None


class UserCard(Schema):
    uid: str
    nickname: str
    avatar: str


class MyProfileOut(Schema):
    uid: str
    nickname: str
    phone: str | None
    bio: str
    avatar: str
    followers: int
    following: int
    notes: int = 0
    likes_received: int = 0
    shops_following: int


class PublicProfileOut(Schema):
    uid: str
    nickname: str
    masked_phone: str  # "" unless you are this user (or staff): the phone is nobody else's business
    bio: str
    avatar: str
    followers: int
    following: int
    notes: int = 0
    likes_received: int = 0
    i_follow: bool
    follows_me: bool
    is_friend: bool
    i_blocked: bool
    is_me: bool


class FollowOut(Schema):
    following: bool
    followers: int


class ShopFollowOut(Schema):
    shop_id: int
    following: bool
    followers: int


class BlockOut(Schema):
    uid: str
    blocked: bool


class UserPage(Schema):
    items: list[UserCard]
    next_cursor: str | None


class UserList(Schema):
    items: list[UserCard]


def card(user) -> dict:
    return {"uid": user.uid, "nickname": user.display_name, "avatar": media_url(selectors.avatar_of(user=user))}


def _viewer(request):
    user = getattr(request, "auth", None)
    return user if getattr(user, "is_authenticated", False) else None


def _target(uid: str):
    target = selectors.user_by_uid(uid=uid)
    if target is None:
        raise NotFound(_("This user does not exist."), code="user_not_found")
    return target


def _visible_target(request, uid: str):
    target = _target(uid)
    viewer = _viewer(request)
    if viewer and viewer.pk != target.pk and selectors.has_blocked(blocker_id=target.pk, blocked_id=viewer.pk):
        raise Forbidden(_("You cannot interact with this user."), code="blocked")
    return target, viewer


def _my_profile(user) -> dict:
    profile = selectors.profile_for(user=user)
    counts = selectors.profile_counts(user_id=user.pk)
    return {"uid": user.uid, "nickname": user.display_name, "phone": user.phone, "bio": profile.bio,
            "avatar": media_url(profile.avatar), "shops_following": len(selectors.followed_shop_ids(user_id=user.pk)),
            **counts}


@router.get("/me/profile", response=MyProfileOut, auth=auth, summary="My profile (the owner sees the phone)")
def my_profile(request):
    return _my_profile(request.auth)


@router.patch("/me/profile", response=MyProfileOut, auth=auth, summary="Edit my bio")
def my_profile_update(request, payload: ProfileIn):
    services.profile_update(user=request.auth, bio=payload.bio)
    return _my_profile(request.auth)


@router.post("/me/avatar", response=MyProfileOut, auth=auth,
             summary="Upload my avatar (multipart `avatar`; verified, re-encoded, square thumbnail)")
def my_avatar(request, avatar: File[UploadedFile]):
    services.profile_update(user=request.auth, avatar=avatar)
    return _my_profile(request.auth)


@router.get("/me/friends", response=UserList, auth=auth, summary="Mutual follows, minus blocks")
def my_friends(request):
    return {"items": [card(u) for u in selectors.friends_of(user_id=request.auth.pk)]}


@router.get("/me/blocked", response=UserList, auth=auth, summary="Users I blocked")
def my_blocked(request):
    return {"items": [card(u) for u in selectors.blocked_users_of(user_id=request.auth.pk)]}


@router.get("/users/{uid}", response=PublicProfileOut, auth=optional_auth,
            summary="A public profile (the masked phone only for its owner and staff); 403 `blocked` if they blocked you")
def user_profile(request, uid: str):
    target, viewer = _visible_target(request, uid)
    rel = selectors.relationship(viewer_id=viewer.pk if viewer else None, user_id=target.pk)
    profile = selectors.profile_for(user=target)
    own_or_staff = bool(viewer and (viewer.pk == target.pk or viewer.is_staff))
    return {"uid": target.uid, "nickname": target.display_name,
            "masked_phone": target.masked_phone if own_or_staff else "",
            "bio": profile.bio, "avatar": media_url(profile.avatar), **selectors.profile_counts(user_id=target.pk),
            "i_follow": rel["i_follow"], "follows_me": rel["follows_me"],
            "is_friend": rel["i_follow"] and rel["follows_me"], "i_blocked": rel["i_blocked"],
            "is_me": bool(viewer and viewer.pk == target.pk)}


@router.post("/users/{uid}/follow", response=FollowOut, auth=auth, summary="Follow a user (idempotent)")
def user_follow(request, uid: str):
    target = _target(uid)
    services.follow_user(user=request.auth, target=target)
    return {"following": True, "followers": selectors.follower_count(user_id=target.pk)}


@router.delete("/users/{uid}/follow", response=FollowOut, auth=auth, summary="Unfollow a user (idempotent)")
def user_unfollow(request, uid: str):
    target = _target(uid)
    services.unfollow_user(user=request.auth, target=target)
    return {"following": False, "followers": selectors.follower_count(user_id=target.pk)}


def _shop(shop_id: int):
    shop = shop_get(shop_id=shop_id)
    if shop is None:
        raise NotFound(_("This shop does not exist."), code="shop_not_found")
    return shop


@router.post("/shops/{shop_id}/follow", response=ShopFollowOut, auth=auth, summary="Follow a shop (idempotent)")
def shop_follow(request, shop_id: int):
    shop = _shop(shop_id)
    services.follow_shop(user=request.auth, shop=shop)
    return {"shop_id": shop.pk, "following": True, "followers": selectors.shop_follower_count(shop_id=shop.pk)}


@router.delete("/shops/{shop_id}/follow", response=ShopFollowOut, auth=auth, summary="Unfollow a shop")
def shop_unfollow(request, shop_id: int):
    shop = _shop(shop_id)
    services.unfollow_shop(user=request.auth, shop=shop)
    return {"shop_id": shop.pk, "following": False, "followers": selectors.shop_follower_count(shop_id=shop.pk)}


@router.post("/users/{uid}/block", response=BlockOut, auth=auth,
             summary="Block a user (removes follows both ways)")
def user_block(request, uid: str):
    target = _target(uid)
    services.block_user(user=request.auth, target=target)
    return {"uid": target.uid, "blocked": True}


@router.delete("/users/{uid}/block", response=BlockOut, auth=auth, summary="Unblock a user")
def user_unblock(request, uid: str):
    target = _target(uid)
    services.unblock_user(user=request.auth, target=target)
    return {"uid": target.uid, "blocked": False}


def _user_page(request, edges, attr: str, cursor: str | None, limit: int) -> dict:
    viewer = _viewer(request)
    hidden = selectors.blocked_ids(user_id=viewer.pk) if viewer else set()
    items, next_cursor = cursor_page(edges, cursor=cursor, limit=limit)
    users = [getattr(edge, attr) for edge in items]
    return {"items": [card(u) for u in users if u.pk not in hidden and u.is_active], "next_cursor": next_cursor}


@router.get("/users/{uid}/followers", response=UserPage, auth=optional_auth,
            summary="Who follows this user (newest first, cursor-paginated)")
def user_followers(request, uid: str, cursor: str | None = None, limit: int = 20):
    target, _viewer_user = _visible_target(request, uid)
    return _user_page(request, selectors.follower_edges(user_id=target.pk), "follower", cursor, limit)


@router.get("/users/{uid}/following", response=UserPage, auth=optional_auth,
            summary="Whom this user follows (newest first, cursor-paginated)")
def user_following(request, uid: str, cursor: str | None = None, limit: int = 20):
    target, _viewer_user = _visible_target(request, uid)
    return _user_page(request, selectors.following_edges(user_id=target.pk), "followee", cursor, limit)
