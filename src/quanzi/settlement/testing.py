"""Test helpers of settlement (never imported by application code)."""

from __future__ import annotations

from quanzi.settlement.models import Settlement


def settlement_get(*, order_id: int | None = None) -> Settlement:
    """The settlement of this order (without an id: the only one there is)."""
    return Settlement.objects.get(order_id=order_id) if order_id is not None else Settlement.objects.get()


# ---- public interface used by commission

def settlements(*, order_id: int | None = None) -> list[Settlement]:
    """Settlement rows (one per settled order), of one order or all of them, in id order."""
    qs = Settlement.objects.all()
    if order_id is not None:
        qs = qs.filter(order_id=order_id)
    return list(qs.order_by("id"))


# ---- public interface used by console (the operator's admin pages)

def make_take_rate_policy(*, default_bps: int):
    """The platform's take-rate policy row (the admin edits the single row there is)."""
    from quanzi.settlement.models import TakeRatePolicy

    return TakeRatePolicy.objects.create(default_bps=default_bps)
