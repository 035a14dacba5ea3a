"""Demo data of shipping: the sandbox carrier's own schedule, kept consistent with what the seed did."""

from __future__ import annotations

from quanzi.shipping.models import SandboxParcel


def sandbox_parcel_set_progress(*, parcel_id: int, step: int, next_event_at=None) -> None:
    """The seed posted the parcel's first `step` events itself; a parcel still on its way reports its next
    step at `next_event_at` (None: done, or nothing scheduled)."""
    SandboxParcel.objects.filter(pk=parcel_id).update(step=step, next_event_at=next_event_at)
