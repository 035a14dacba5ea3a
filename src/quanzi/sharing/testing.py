"""Test helpers of sharing (never imported by application code)."""

from __future__ import annotations

# ---- public interface used by groupbuy, bargain

def share_link_count(*, sharer_id: int | None = None) -> int:
    """How many share links exist (of one sharer when given)."""
    from quanzi.sharing.models import ShareLink

    qs = ShareLink.objects.all()
    return (qs.filter(sharer_id=sharer_id) if sharer_id is not None else qs).count()
