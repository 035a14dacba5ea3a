"""Event subscribers (after commit): the feed never slows down or fails the publishing request."""

from __future__ import annotations

from quanzi.core.events import Event, subscribe

from . import services
from .models import BigSource


@subscribe("content.note_published")
def on_note_published(event: Event) -> None:
    services.fanout_note(event["note_id"])


@subscribe("catalog.product_on_shelf")
def on_product_on_shelf(event: Event) -> None:
    services.fanout_product(event["product_id"], event["shop_id"])


@subscribe("social.followed")
def on_followed(event: Event) -> None:
    if event.payload.get("followee_user_id"):
        services.backfill_follow(event["follower_id"], event["followee_user_id"])  # also re-decides bigness
    elif event.payload.get("shop_id"):
        services.refresh_big_source(BigSource.Kind.SHOP, event["shop_id"])


@subscribe("social.unfollowed")
def on_unfollowed(event: Event) -> None:
    if event.payload.get("followee_user_id"):
        services.cleanup_unfollow(event["follower_id"], event["followee_user_id"])
        services.refresh_big_source(BigSource.Kind.USER, event["followee_user_id"])
    elif event.payload.get("shop_id"):
        services.cleanup_unfollow_shop(event["follower_id"], event["shop_id"])
        services.refresh_big_source(BigSource.Kind.SHOP, event["shop_id"])


@subscribe("social.blocked")
def on_blocked(event: Event) -> None:
    """A block removes the follows both ways, so both inboxes lose the other's notes."""
    services.cleanup_unfollow(event["blocker_id"], event["blocked_id"])
    services.cleanup_unfollow(event["blocked_id"], event["blocker_id"])
    for user_id in (event["blocker_id"], event["blocked_id"]):
        services.refresh_big_source(BigSource.Kind.USER, user_id)
