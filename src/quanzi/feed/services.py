"""Write side of the feed: fan-out on write into InboxEntry, backfill on follow.

Followers come from social's selectors and notes from content's: the feed writes only its own
tables. Every function takes keyword arguments only."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.conf import settings

from quanzi.core import clock

from .models import BigSource, InboxEntry

BATCH = 2000
BACKFILL = 20


def fanout_limit() -> int:
    """Authors with more followers than this are "big": no fan-out, merged on read."""
    value = getattr(settings, "QUANZI_FEED_FANOUT_LIMIT", None)
    if value is None:
        value = os.environ.get("QUANZI_FEED_FANOUT_LIMIT", 5000)
    return int(value)


def _bulk(rows: Iterable[InboxEntry]) -> int:
    n, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            InboxEntry.objects.bulk_create(batch, ignore_conflicts=True)
            n, batch = n + len(batch), []
    if batch:
        InboxEntry.objects.bulk_create(batch, ignore_conflicts=True)
        n += len(batch)
    return n


def _target(kind: str, target_id: int) -> dict:
    """The keyword naming the target for social's follower selectors."""
    return {"user_id": target_id} if kind == BigSource.Kind.USER else {"shop_id": target_id}


def refresh_big_source(*, kind: str, target_id: int) -> bool:
    """Re-decide whether one author/shop is big, counting at most limit+1 edges (cheap for anyone).
    Called after every follow/unfollow of the target and whenever fan-out meets a big one."""
    from quanzi.social.selectors import follower_count_up_to

    limit = fanout_limit()
    big = follower_count_up_to(**_target(kind, target_id), limit=limit + 1) > limit
    if big:
        BigSource.objects.get_or_create(kind=kind, target_id=target_id)
    else:
        BigSource.objects.filter(kind=kind, target_id=target_id).delete()
    return big


def rebuild_big_sources() -> int:
    """Recompute every big author and shop from the follow graph (one GROUP BY per kind)."""
    from django.db import transaction

    from quanzi.social.selectors import targets_with_followers_over

    users, shops = targets_with_followers_over(limit=fanout_limit())
    rows = [BigSource(kind=BigSource.Kind.USER, target_id=pk) for pk in users] + \
           [BigSource(kind=BigSource.Kind.SHOP, target_id=pk) for pk in shops]
    with transaction.atomic():
        BigSource.objects.all().delete()
        BigSource.objects.bulk_create(rows)
    return len(rows)


def fanout_note(*, note_id: int) -> int:
    """Write the note into every follower's inbox unless its author is big. Returns rows attempted."""
    from quanzi.content.selectors import note_publication
    from quanzi.social.selectors import iter_follower_ids

    found = note_publication(note_id=note_id)
    if found is None:
        return 0
    author_id, published_at = found
    if refresh_big_source(kind=BigSource.Kind.USER, target_id=author_id):  # counts at most limit+1 rows
        return 0
    at = published_at or clock.now()
    ids = iter_follower_ids(user_id=author_id, chunk_size=BATCH)
    return _bulk(InboxEntry(user_id=uid, note_id=note_id, created_at=at) for uid in ids)


def fanout_product(*, product_id: int, shop_id: int) -> int:
    from quanzi.social.selectors import iter_follower_ids

    if refresh_big_source(kind=BigSource.Kind.SHOP, target_id=shop_id):
        return 0  # a big shop: readers merge its new products in on read
    at = clock.now()
    ids = iter_follower_ids(shop_id=shop_id, chunk_size=BATCH)
    return _bulk(InboxEntry(user_id=uid, product_id=product_id, created_at=at) for uid in ids)


def backfill_follow(*, follower_id: int, followee_id: int) -> int:
    """A new follow: copy the followee's latest notes into the follower's inbox (big authors need nothing).
    Outbox deliveries can be retried after a later unfollow: a follow that is gone copies nothing."""
    from quanzi.content.selectors import newest_published_notes
    from quanzi.social.selectors import is_following_user

    if not is_following_user(follower_id=follower_id, user_id=followee_id):
        return 0
    if refresh_big_source(kind=BigSource.Kind.USER, target_id=followee_id):
        return 0
    notes = newest_published_notes(author_ids=[followee_id], limit=BACKFILL)
    return _bulk(InboxEntry(user_id=follower_id, note_id=pk, created_at=at or clock.now()) for pk, at in notes)


def cleanup_unfollow(*, follower_id: int, followee_id: int) -> int:
    """Drop the ex-followee's notes from the follower's inbox (reads already filter them out; this
    keeps the inbox from carrying dead rows)."""
    return InboxEntry.objects.filter(user_id=follower_id, note__author_id=followee_id).delete()[0]


def cleanup_unfollow_shop(*, follower_id: int, shop_id: int) -> int:
    return InboxEntry.objects.filter(user_id=follower_id, product__shop_id=shop_id).delete()[0]
