"""Facts of share commissions (see core.events). Published by the per-order handlers only, so
batch runs (backfills, the bench) do not flood anyone's inbox."""

from __future__ import annotations

from quanzi.core.events import DomainEvent, event


@event("commission.accrued")
class CommissionAccrued(DomainEvent):
    commission_id: int
    beneficiary_id: int
    amount: int
    level: int
    held: bool
    title: str


@event("commission.released")
class CommissionReleased(DomainEvent):
    """The sum released to one beneficiary for one order."""

    order_id: int
    beneficiary_id: int
    amount: int
