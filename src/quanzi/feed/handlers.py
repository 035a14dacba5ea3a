"""Event subscribers (through the outbox): the feed never slows down or fails the publishing request."""

from __future__ import annotations

from quanzi.catalog.events import ProductOnShelf
from quanzi.content.events import NotePublished
from quanzi.core.events import subscribe
from quanzi.social.events import Blocked, Followed, Unfollowed

from . import services
from .models import BigSource


@subscribe(NotePublished)
def on_note_published(event: NotePublished) -> None:
    services.fanout_note(note_id=event.note_id)


@subscribe(ProductOnShelf)
def on_product_on_shelf(event: ProductOnShelf) -> None:
    services.fanout_product(product_id=event.product_id, shop_id=event.shop_id)


@subscribe(Followed)
def on_followed(event: Followed) -> None:
    if event.followee_user_id:  # the backfill also re-decides the followee's bigness
        services.backfill_follow(follower_id=event.follower_id, followee_id=event.followee_user_id)
    elif event.shop_id:
        services.refresh_big_source(kind=BigSource.Kind.SHOP, target_id=event.shop_id)


@subscribe(Unfollowed)
def on_unfollowed(event: Unfollowed) -> None:
    if event.followee_user_id:
        services.cleanup_unfollow(follower_id=event.follower_id, followee_id=event.followee_user_id)
        services.refresh_big_source(kind=BigSource.Kind.USER, target_id=event.followee_user_id)
    elif event.shop_id:
        services.cleanup_unfollow_shop(follower_id=event.follower_id, shop_id=event.shop_id)
        services.refresh_big_source(kind=BigSource.Kind.SHOP, target_id=event.shop_id)


@subscribe(Blocked)
def on_blocked(event: Blocked) -> None:
    """A block removes the follows both ways, so both inboxes lose the other's notes."""
    services.cleanup_unfollow(follower_id=event.blocker_id, followee_id=event.blocked_id)
    services.cleanup_unfollow(follower_id=event.blocked_id, followee_id=event.blocker_id)
    for user_id in (event.blocker_id, event.blocked_id):
        services.refresh_big_source(kind=BigSource.Kind.USER, target_id=user_id)
