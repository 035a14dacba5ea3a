"""The following-feed inbox (fan-out on write).

One row per (follower, note) or (follower, product). Rows are written when an ordinary author
publishes (≤ QUANZI_FEED_FANOUT_LIMIT followers) or a followed shop puts a product on shelf.
Big authors' notes are never fanned out: readers merge them in at read time (see selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class InboxEntry(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey("content.Note", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The item's own time (note.published_at / shelf time), so backfilled rows sort correctly.
    created_at = models.DateTimeField(db_index=False)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="feed_inbox_user_time")]
        constraints = [
            models.UniqueConstraint(fields=["user", "note"], name="feed_inbox_user_note"),
            models.UniqueConstraint(fields=["user", "product"], name="feed_inbox_user_product"),
            models.CheckConstraint(condition=Q(note__isnull=False, product__isnull=True)
                                   | Q(note__isnull=True, product__isnull=False), name="feed_inbox_one_item"),
        ]

    def __str__(self) -> str:
        return f"inbox {self.user_id}: {'note ' + str(self.note_id) if self.note_id else 'product ' + str(self.product_id)}"


class BigSource(models.Model):
    """An author or shop with more than QUANZI_FEED_FANOUT_LIMIT followers: never fanned out, merged
    into readers' feeds on read. Kept current on every follow/unfollow of that target (a bounded
    count, see services.refresh_big_source), and rebuilt from the graph by `manage.py feed_big_sources`
    (after bulk imports, or to reconcile)."""

    class Kind(models.TextChoices):
        USER = "user"
        SHOP = "shop"

    kind = models.CharField(max_length=4, choices=Kind.choices)
    target_id = models.BigIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "target_id"], name="feed_big_source_once")]

    def __str__(self) -> str:
        return f"big {self.kind} {self.target_id}"
