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
    services.fanout_note(event.note_id)


@subscribe(ProductOnShelf)
def on_product_on_shelf(event: ProductOnShelf) -> None:
    services.fanout_product(event.product_id, event.shop_id)


@subscribe(Followed)
def on_followed(event: Followed) -> None:
    if event.followee_user_id:
        services.backfill_follow(event.follower_id, event.followee_user_id)  # also re-decides bigness
    elif event.shop_id:
        services.refresh_big_source(BigSource.Kind.SHOP, event.shop_id)


@subscribe(Unfollowed)
def on_unfollowed(event: Unfollowed) -> None:
    if event.followee_user_id:
        services.cleanup_unfollow(event.follower_id, event.followee_user_id)
        services.refresh_big_source(BigSource.Kind.USER, event.followee_user_id)
    elif event.shop_id:
        services.cleanup_unfollow_shop(event.follower_id, event.shop_id)
        services.refresh_big_source(BigSource.Kind.SHOP, event.shop_id)


@subscribe(Blocked)
def on_blocked(event: Blocked) -> None:
    """A block removes the follows both ways, so both inboxes lose the other's notes."""
    services.cleanup_unfollow(event.blocker_id, event.blocked_id)
    services.cleanup_unfollow(event.blocked_id, event.blocker_id)
    for user_id in (event.blocker_id, event.blocked_id):
        services.refresh_big_source(BigSource.Kind.USER, user_id)
