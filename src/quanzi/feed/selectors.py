"""Read side of the feed.

Following feed = the user's inbox (fan-out on write) MERGED with recent notes of the big authors
the user follows (merge on read). Discovery = recent notes ranked by engagement with time decay.
Both pages run a constant number of queries whatever the inbox size.

The feed owns only its inbox and the list of big sources. Notes, the follow graph, products and
purchases are read through content's, social's, catalog's and circle's selectors: they decide
what is published, followed, sellable or visible; the feed merges and pages. Public functions take
keyword arguments only.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Q

from quanzi.core import clock
from quanzi.core.errors import ValidationFailed
from quanzi.core.language import reading_language

from .models import BigSource, InboxEntry

MAX_LIMIT = 50
SEEN_CAP = 500
PER_AUTHOR = 2

# Sort key of a merged item, newest first: (time, source, id). Each source pages itself after the
# cursor with the same lexicographic rule (see _after), so merging never skips or repeats an item.
SRC_BIG, SRC_INBOX, SRC_CIRCLE, SRC_SHOP = 0, 1, 2, 3
SOURCES = (SRC_BIG, SRC_INBOX, SRC_CIRCLE, SRC_SHOP)
BIG_SHOP_DAYS = 30


@dataclass
class FeedItem:
    kind: str  # "note" | "product" | "purchase"
    at: dt.datetime
    src: int
    key_id: int
    note: object | None = None
    product: object | None = None
    note_id: int | None = None
    purchase: object | None = None
    extra: dict = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple:
        return (self.at, self.src, self.key_id)


def discovery_days() -> int:
    value = getattr(settings, "QUANZI_FEED_DISCOVERY_DAYS", None)
    return int(value if value is not None else os.environ.get("QUANZI_FEED_DISCOVERY_DAYS", 7))


def _encode_cursor(item: FeedItem) -> str:
    raw = f"{int(item.at.timestamp() * 1_000_000)}:{item.src}:{item.key_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> tuple[dt.datetime, int, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        us, src, key = (int(x) for x in raw.split(":"))
        at = dt.datetime.fromtimestamp(us / 1_000_000, tz=dt.UTC)
        if src not in SOURCES:
            raise ValueError
        return at, src, key
    except (ValueError, UnicodeDecodeError, OverflowError):
        raise ValidationFailed("The cursor is not valid.", fields={"cursor": "invalid"}) from None


def big_sources(*, author_ids: list[int], shop_ids: list[int]) -> tuple[list[int], list[int]]:
    """Which of these authors and shops are big (see models.BigSource): one indexed query for both,
    no counting."""
    if not author_ids and not shop_ids:
        return [], []
    rows = BigSource.objects.filter(Q(kind=BigSource.Kind.USER, target_id__in=author_ids)
                                    | Q(kind=BigSource.Kind.SHOP, target_id__in=shop_ids))
    found = list(rows.values_list("kind", "target_id"))
    return ([t for k, t in found if k == BigSource.Kind.USER], [t for k, t in found if k == BigSource.Kind.SHOP])


def big_author_ids(*, author_ids: list[int]) -> list[int]:
    return big_sources(author_ids=author_ids, shop_ids=[])[0]


def big_shop_ids(*, shop_ids: list[int]) -> list[int]:
    return big_sources(author_ids=[], shop_ids=shop_ids)[1]


def _hydrate_notes(note_ids: list[int], viewer) -> dict[int, object]:
    """Cards need counts, author, images and product tags: 1 + 2 prefetch queries for any page size."""
    from quanzi.content.selectors import note_cards

    return note_cards(note_ids=note_ids, viewer=viewer)


def _after(cursor, src: int, at_field: str, id_field: str = "id") -> Q:
    """Rows of source `src` that sort strictly after the cursor item (newest first)."""
    at, c_src, key = cursor
    same_time = Q(**{at_field: at})
    if src < c_src:
        tie = same_time
    elif src == c_src:
        tie = same_time & Q(**{f"{id_field}__lt": key})
    else:
        tie = Q(pk__in=[])
    return Q(**{f"{at_field}__lt": at}) | tie


def _inbox_items(user, blocked, after, limit) -> list[FeedItem]:
    """Fanned-out notes and followed shops' new products, still visible and still followed."""
    from quanzi.catalog.selectors import products_by_ids, sellable_q
    from quanzi.content.selectors import published_note_q
    from quanzi.social.selectors import follow_exists

    still_follows_author = follow_exists(follower_id=user.pk, user_ref=OuterRef("note__author_id"))
    still_follows_shop = follow_exists(follower_id=user.pk, shop_ref=OuterRef("product__shop_id"))
    visible = (Q(note__isnull=False) & published_note_q(prefix="note") & still_follows_author
               & ~Q(note__author_id__in=blocked)) | (
        Q(product__isnull=False) & sellable_q(prefix="product") & still_follows_shop)
    inbox = InboxEntry.objects.filter(Q(user_id=user.pk) & visible)
    if after:
        inbox = inbox.filter(_after(after, SRC_INBOX, "created_at"))
    rows = list(inbox.order_by("-created_at", "-id").values_list("pk", "note_id", "product_id", "created_at")
                [: limit + 1])
    # Narrow rows, then products only when the page has some: no wide product/shop join per note row.
    product_ids = [product_id for _pk, _note, product_id, _at in rows if product_id]
    products = products_by_ids(product_ids=product_ids)
    return [FeedItem(kind="note" if note_id else "product", at=at, src=SRC_INBOX, key_id=pk, note_id=note_id,
                     product=products.get(product_id)) for pk, note_id, product_id, at in rows]


def _big_author_items(big, after, limit) -> list[FeedItem]:
    """The big authors' newest notes after the cursor (content reads them with one statement over
    its per-author index, see content.selectors.newest_published_notes)."""
    from quanzi.content.selectors import newest_published_notes

    if not big:
        return []
    before = None
    if after:
        at, c_src, key = after
        # notes of this source published at the cursor's time sort after it when the cursor item came
        # from a later source (sources break ties in SOURCES order); same source: the id decides
        before = (at, None) if SRC_BIG < c_src else (at, key)
    rows = newest_published_notes(author_ids=list(big), limit=limit + 1, before=before)
    return [FeedItem(kind="note", at=at, src=SRC_BIG, key_id=pk, note_id=pk) for pk, at in rows]


def _big_shop_items(shops, after, limit) -> list[FeedItem]:
    """New products of followed shops too big to fan out to (by creation time, last BIG_SHOP_DAYS)."""
    from quanzi.catalog.selectors import sellable_products

    if not shops:
        return []
    products = sellable_products().filter(shop_id__in=shops,
                                          created_at__gte=clock.now() - dt.timedelta(days=BIG_SHOP_DAYS))
    if after:
        products = products.filter(_after(after, SRC_SHOP, "created_at"))
    rows = products.select_related("shop").order_by("-created_at", "-id")[: limit + 1]
    return [FeedItem(kind="product", at=p.created_at, src=SRC_SHOP, key_id=p.pk, product=p) for p in rows]


def _circle_items(user, friends, after, limit) -> list[FeedItem]:
    """Friends' purchases, with the 拼小圈 visibility rules (friends only, unless turned off or hidden)."""
    from quanzi.circle.selectors import visible_purchases

    if not friends:
        return []
    qs = visible_purchases(viewer_id=user.pk, friends=friends)
    if after:
        qs = qs.filter(_after(after, SRC_CIRCLE, "created_at"))
    rows = qs.select_related("user", "user__social_profile", "product").order_by("-created_at", "-id")[: limit + 1]
    return [FeedItem(kind="purchase", at=r.created_at, src=SRC_CIRCLE, key_id=r.pk, purchase=r,
                     product=r.product) for r in rows]


def _my_graph(user_id: int, blocked: set[int]) -> tuple[list[int], list[int], set[int]]:
    """Followed users, followed shops and friends (mutual follows, not blocked) in one query."""
    from quanzi.social.selectors import follow_overview

    users, shops, mutual = follow_overview(user_id=user_id)
    return users, shops, mutual - blocked


def following_feed(*, user, cursor: str | None = None, limit: int = 20) -> tuple[list[FeedItem], str | None]:
    """One page of the following feed, newest first. Returns (items, next_cursor).

    Four sources, each paged after the cursor and merged: the inbox (fan-out on write), big authors'
    notes and big shops' new products (merge on read), and friends' purchases (拼小圈, read time).
    """
    from quanzi.social.selectors import blocked_ids

    limit = max(1, min(int(limit or 20), MAX_LIMIT))
    after = _decode_cursor(cursor)
    blocked = blocked_ids(user_id=user.pk)
    users, shops, friends = _my_graph(user.pk, blocked)
    big_users, big_shops = big_sources(author_ids=users, shop_ids=shops)
    big = [a for a in big_users if a not in blocked]
    items = (_inbox_items(user, blocked, after, limit) + _big_author_items(big, after, limit)
             + _big_shop_items(big_shops, after, limit) + _circle_items(user, friends, after, limit))

    items.sort(key=lambda i: i.sort_key, reverse=True)
    page, seen = [], set()
    for item in items[: limit + 1]:
        if item.note_id and item.note_id in seen:
            continue  # an author who crossed the limit can be in both sources
        seen.add(item.note_id)
        page.append(item)
    has_more = len(items) > limit
    page = page[:limit]
    next_cursor = _encode_cursor(page[-1]) if has_more and page else None

    notes_by_id = _hydrate_notes([i.note_id for i in page if i.note_id], user)
    out = []
    for item in page:
        if item.kind == "note":
            item.note = notes_by_id.get(item.note_id)
            if item.note is None:
                continue
        out.append(item)
    return out, next_cursor


def parse_exclude(*, raw: str | list | None) -> list[int]:
    """`exclude` is a comma-separated list of note ids the client has already shown (newest last)."""
    if not raw:
        return []
    parts = raw if isinstance(raw, list) else str(raw).split(",")
    ids = []
    for p in parts:
        p = str(p).strip()
        if p.isdigit():
            ids.append(int(p))
    return ids[-SEEN_CAP:]


def score(*, likes: int, comments: int, favourites: int, age_hours: float) -> float:
    return (likes + 2 * comments + 3 * favourites + 1) / (max(age_hours, 0.0) + 2) ** 1.5


DISCOVERY_POOL = 2000
DISCOVERY_POOL_KEY = "feed:discovery:pool"


def discovery_pool_ttl() -> int:
    value = getattr(settings, "QUANZI_FEED_DISCOVERY_TTL", None)
    return int(value if value is not None else os.environ.get("QUANZI_FEED_DISCOVERY_TTL", 30))


def discovery_pool(*, refresh: bool = False) -> list[tuple[int, int, str]]:
    """[(note id, author id, written language)] of the last days' published notes, best first, shared by every reader.

    Ranking reads up to DISCOVERY_POOL notes with their engagement counters, so no reader should pay
    it: the `feed_discovery_pool` sweep re-ranks every run (30 s) with refresh=True, and
    readers use the cached pool, computing it themselves only when the cache is cold. The cached pool
    lives 10 × QUANZI_FEED_DISCOVERY_TTL (default 30 s); a TTL of 0 turns the cache off.
    Per-reader rules (seen, blocked, hidden since) are applied afterwards."""
    from django.core.cache import cache

    from quanzi.content.selectors import recent_published_note_stats

    ttl = discovery_pool_ttl()
    pool = cache.get(DISCOVERY_POOL_KEY) if ttl > 0 and not refresh else None
    if pool is not None:
        return pool
    now = clock.now()
    since = now - dt.timedelta(days=discovery_days())

    candidates = recent_published_note_stats(since=since, limit=DISCOVERY_POOL)
    ranked = sorted(candidates, key=lambda c: score(likes=c[3], comments=c[4], favourites=c[5],
                                                    age_hours=(now - c[2]).total_seconds() / 3600),
                    reverse=True)
    pool = [(c[0], c[1], c[6]) for c in ranked]
    if ttl > 0:
        cache.set(DISCOVERY_POOL_KEY, pool, timeout=10 * ttl)
    return pool


def discovery_feed(*, user, session_seen_ids=(), limit: int = 20) -> list:
    """Recent published notes ranked by decayed engagement; never a seen note; ≤ 2 notes per author;
    nothing by anyone in a block with the reader; only notes in the reader's language when there are
    any (core.language.in_reading_language's rule)."""
    from quanzi.content.constants import NoteStatus
    from quanzi.social.selectors import blocked_ids

    limit = max(1, min(int(limit or 20), MAX_LIMIT))
    seen = set(list(session_seen_ids)[-SEEN_CAP:])
    viewer_id = getattr(user, "pk", None)
    blocked = blocked_ids(user_id=viewer_id) if viewer_id else set()
    per_author: dict[int, int] = {}
    chosen = []
    pool = discovery_pool()
    language = reading_language()
    if any(lang == language for _pk, _author, lang in pool):  # the reader's language, when anyone writes it
        pool = [entry for entry in pool if entry[2] in (language, "")]
    for pk, author_id, _lang in pool:
        if pk in seen or author_id in blocked or per_author.get(author_id, 0) >= PER_AUTHOR:
            continue
        per_author[author_id] = per_author.get(author_id, 0) + 1
        chosen.append(pk)
        if len(chosen) >= limit:
            break
    notes = _hydrate_notes(chosen, user if viewer_id else None)
    # a note hidden or deleted since the pool was ranked drops out here
    return [notes[pk] for pk in chosen if pk in notes and notes[pk].status == NoteStatus.PUBLISHED]
