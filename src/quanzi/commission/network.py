"""The referral graph as commission sees it: the only place that reads the sharing app's uplines.

`sharing` owns the graph (and keeps it acyclic); commission only asks, through sharing's selectors,
for a sharer's chain of uplines (nearest first) and a user's directs. The depth asked for is clamped
to the legal cap here as well, so no caller can walk deeper than three levels.
"""

from __future__ import annotations

from quanzi.commission.constants import MAX_LEVELS
from quanzi.sharing import selectors as sharing


def _clamp(depth: int) -> int:
    return max(0, min(depth, MAX_LEVELS - 1))  # levels 2 and 3 at most: the sharer is level 1


def upline_chain(*, user_id: int, depth: int) -> list[int]:
    """Up to `depth` (≤ 2 here: levels 2 and 3) upline ids of `user_id`, nearest first."""
    depth = _clamp(depth)
    if depth == 0:
        return []
    return list(sharing.upline_chain(user_id=user_id, depth=depth))[:depth]


def directs_ids(*, user_id: int) -> list[int]:
    return sharing.direct_ids(user_id=user_id)


def upline_chains(*, user_ids, depth: int) -> dict[int, list[int]]:
    """`upline_chain` for many users in one query (batched accrual): {user_id: [upline, upline's upline]}."""
    return sharing.upline_chains(user_ids=user_ids, depth=_clamp(depth))
