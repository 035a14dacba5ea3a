"""Test helpers of commission: read-outs for other apps' tests, the browser journeys and bench/ (never
imported by application code)."""

from __future__ import annotations

from quanzi.commission.models import Commission

# ---- public interface used by demo, bench/ and the project's tests

def commissions(*, order_id: int | None = None) -> list[Commission]:
    """Commissions in id order (of one order when given)."""
    qs = Commission.objects.order_by("pk")
    return list(qs.filter(order_id=order_id) if order_id is not None else qs)


def commission_amounts() -> list[tuple[int, int, int, int]]:
    """(order id, level, amount, reversed) of every commission, in id order (bulk checks)."""
    return list(Commission.objects.order_by("pk").values_list("order_id", "level", "amount", "reversed"))
