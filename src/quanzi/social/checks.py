"""Invariants of the social graph, shared by `manage.py social_check` and the tests."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q

from quanzi.social.models import Block, Follow


def bad_edges() -> dict[str, list[int]]:
    """Follow ids breaking an invariant, by kind: self-follows, follows across a block, duplicates
    (every copy after the first), edges with zero or two targets."""
    self_follows = list(Follow.objects.filter(followee_id=F("follower_id")).values_list("id", flat=True))
    across_block = Block.objects.filter(
        Q(blocker_id=OuterRef("follower_id"), blocked_id=OuterRef("followee_id"))
        | Q(blocker_id=OuterRef("followee_id"), blocked_id=OuterRef("follower_id")))
    blocked = list(Follow.objects.filter(followee__isnull=False).filter(Exists(across_block))
                   .values_list("id", flat=True))
    duplicates: list[int] = []
    for target in ("followee", "shop"):
        groups = (Follow.objects.filter(**{f"{target}__isnull": False}).values("follower_id", f"{target}_id")
                  .annotate(n=Count("id")).filter(n__gt=1))
        for group in groups:
            ids = list(Follow.objects.filter(follower_id=group["follower_id"],
                                             **{f"{target}_id": group[f"{target}_id"]})
                       .order_by("id").values_list("id", flat=True))
            duplicates += ids[1:]
    targets = list(Follow.objects.filter(Q(followee__isnull=True, shop__isnull=True)
                                         | Q(followee__isnull=False, shop__isnull=False))
                   .values_list("id", flat=True))
    return {"self_follow": self_follows, "blocked": blocked, "duplicate": duplicates, "target": targets}


def repair(found: dict[str, list[int]]) -> int:
    ids = {pk for ids in found.values() for pk in ids}
    deleted, _n = Follow.objects.filter(pk__in=ids).delete()
    return deleted
