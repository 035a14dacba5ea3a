"""Facts of share commissions (see core.events). Published by the per-order handlers only, so
batch runs (backfills, the bench) do not flood anyone's inbox."""

from __future__ import annotations

import dataclasses

from quanzi.core.events import DomainEvent, event


@event("commission.accrued")
class CommissionAccrued(DomainEvent):
    commission_id: int
    beneficiary_id: int
    amount: int
    level: int
    held: bool
    title: str
    # the title in every language ({"zh-hans": …, "en": …}, docs/i18n.md); empty in events stored before
    titles: dict[str, str] = dataclasses.field(default_factory=dict)


@event("commission.released")
class CommissionReleased(DomainEvent):
    """The sum released to one beneficiary for one order."""

    order_id: int
    beneficiary_id: int
    amount: int
