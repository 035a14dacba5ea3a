"""Write side of the feed: fan-out on write into InboxEntry, backfill on follow."""

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


def _followers(kind: str, target_id: int):
    from quanzi.social.models import Follow

    return Follow.objects.filter(**({"followee_id": target_id} if kind == BigSource.Kind.USER else {"shop_id": target_id}))


def refresh_big_source(kind: str, target_id: int) -> bool:
    """Re-decide whether one author/shop is big, counting at most limit+1 edges (cheap for anyone).
    Called after every follow/unfollow of the target and whenever fan-out meets a big one."""
    limit = fanout_limit()
    big = _followers(kind, target_id)[: limit + 1].count() > limit
    if big:
        BigSource.objects.get_or_create(kind=kind, target_id=target_id)
    else:
        BigSource.objects.filter(kind=kind, target_id=target_id).delete()
    return big


def rebuild_big_sources() -> int:
    """Recompute every big author and shop from the follow graph (one GROUP BY per kind)."""
    from django.db import transaction
    from django.db.models import Count

    from quanzi.social.models import Follow

    limit = fanout_limit()
    users = Follow.objects.filter(followee__isnull=False).values("followee_id").annotate(n=Count("id")) \
        .filter(n__gt=limit).values_list("followee_id", flat=True)
    shops = Follow.objects.filter(shop__isnull=False).values("shop_id").annotate(n=Count("id")) \
        .filter(n__gt=limit).values_list("shop_id", flat=True)
    rows = [BigSource(kind=BigSource.Kind.USER, target_id=pk) for pk in users] + \
           [BigSource(kind=BigSource.Kind.SHOP, target_id=pk) for pk in shops]
    with transaction.atomic():
        BigSource.objects.all().delete()
        BigSource.objects.bulk_create(rows)
    return len(rows)


def fanout_note(note_id: int) -> int:
    """Write the note into every follower's inbox unless its author is big. Returns rows attempted."""
    from quanzi.content.models import Note, NoteStatus
    from quanzi.social.models import Follow

    note = Note.objects.filter(pk=note_id, status=NoteStatus.PUBLISHED).values(
        "author_id", "published_at").first()
    if note is None:
        return 0
    followers = Follow.objects.filter(followee_id=note["author_id"])
    if refresh_big_source(BigSource.Kind.USER, note["author_id"]):  # counts at most limit+1 rows
        return 0
    at = note["published_at"] or clock.now()
    ids = followers.values_list("follower_id", flat=True).iterator(chunk_size=BATCH)
    return _bulk(InboxEntry(user_id=uid, note_id=note_id, created_at=at) for uid in ids)


def fanout_product(product_id: int, shop_id: int) -> int:
    from quanzi.social.models import Follow

    followers = Follow.objects.filter(shop_id=shop_id)
    if refresh_big_source(BigSource.Kind.SHOP, shop_id):
        return 0  # a big shop: readers merge its new products in on read
    at = clock.now()
    ids = followers.values_list("follower_id", flat=True).iterator(chunk_size=BATCH)
    return _bulk(InboxEntry(user_id=uid, product_id=product_id, created_at=at) for uid in ids)


def backfill_follow(follower_id: int, followee_id: int) -> int:
    """A new follow: copy the followee's latest notes into the follower's inbox (big authors need nothing)."""
    from quanzi.content.models import Note, NoteStatus

    if refresh_big_source(BigSource.Kind.USER, followee_id):
        return 0
    notes = Note.objects.filter(author_id=followee_id, status=NoteStatus.PUBLISHED).order_by("-published_at", "-id").values_list(
        "pk", "published_at")[:BACKFILL]
    return _bulk(InboxEntry(user_id=follower_id, note_id=pk, created_at=at or clock.now()) for pk, at in notes)


def cleanup_unfollow(follower_id: int, followee_id: int) -> int:
    """Drop the ex-followee's notes from the follower's inbox (reads already filter them out; this
    keeps the inbox from carrying dead rows)."""
    return InboxEntry.objects.filter(user_id=follower_id, note__author_id=followee_id).delete()[0]


def cleanup_unfollow_shop(follower_id: int, shop_id: int) -> int:
    return InboxEntry.objects.filter(user_id=follower_id, product__shop_id=shop_id).delete()[0]
