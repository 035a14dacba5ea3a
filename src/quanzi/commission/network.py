"""The referral graph as commission sees it: the only place that reads the sharing app's uplines.

`sharing` owns the graph (and keeps it acyclic); commission only asks for a sharer's chain of
uplines (nearest first) and a user's directs. The depth asked for is clamped to the legal cap here
as well, so no caller can walk deeper than three levels.
"""

from __future__ import annotations

from quanzi.commission.models import MAX_LEVELS


def upline_chain(user_id: int, depth: int) -> list[int]:
    """Up to `depth` (≤ 2 here: levels 2 and 3) upline ids of `user_id`, nearest first."""
    from quanzi.sharing.selectors import upline_chain as chain

    depth = max(0, min(depth, MAX_LEVELS - 1))
    if depth == 0:
        return []
    return list(chain(user_id, depth))[:depth]


def directs_ids(user_id: int) -> list[int]:
    from quanzi.sharing.selectors import directs

    return list(directs(user_id).order_by("pk").values_list("pk", flat=True))


def upline_chains(user_ids, depth: int) -> dict[int, list[int]]:
    """`upline_chain` for many users in one query (batched accrual): {user_id: [upline, upline's upline]}.
    Same rule as `sharing.selectors.upline_chain`: the chain stops at the first missing link."""
    from quanzi.sharing.models import Upline

    ids = sorted(set(user_ids))
    depth = max(0, min(depth, MAX_LEVELS - 1))
    chains: dict[int, list[int]] = {u: [] for u in ids}
    if depth == 0 or not ids:
        return chains
    columns = ["upline_id", "upline__upline_link__upline_id"][:depth]
    for user_id, *links in Upline.objects.filter(user_id__in=ids).values_list("user_id", *columns):
        for upline_id in links:
            if upline_id is None:
                break
            chains[user_id].append(upline_id)
    return chains
