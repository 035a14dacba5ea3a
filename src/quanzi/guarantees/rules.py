"""The money rules of claims as pure functions (unit-tested with hypothesis, no database).

- `claim_cap`: the most an upheld claim pays. 假一赔十 pays ten times what the buyer paid for the line, never
  more than the deposit the promise requires (the cap a merchant signs up for); a refused 7-day return pays
  back what was paid for the line and not yet refunded; a late parcel pays the fixed compensation.
- `split_payout`: the deposit pays first, as far as it holds; the platform's guarantee fund pays the rest.
"""

from __future__ import annotations

from quanzi.guarantees.constants import COUNTERFEIT_MULTIPLE, MIN_DEPOSIT, SHIP_COMPENSATION, GuaranteeKind


def claim_cap(*, kind: str, line_paid: int, refunded: int = 0, deposit_required: int | None = None) -> int:
    """Fen; 0 when there is nothing to pay (a fully refunded line)."""
    open_amount = max(0, line_paid - refunded)
    if kind == GuaranteeKind.COUNTERFEIT:
        limit = MIN_DEPOSIT[GuaranteeKind.COUNTERFEIT] if deposit_required is None else deposit_required
        return min(COUNTERFEIT_MULTIPLE * open_amount, max(limit, 0))
    if kind == GuaranteeKind.RETURNS_7DAY:
        return open_amount
    if kind == GuaranteeKind.SHIP_ON_TIME:
        return SHIP_COMPENSATION if open_amount > 0 else 0
    raise ValueError(kind)


def split_payout(*, amount: int, deposit_balance: int) -> tuple[int, int]:
    """(from the deposit, from the platform's fund) for paying `amount`; both ≥ 0 and they add up."""
    if amount < 0:
        raise ValueError(amount)
    from_deposit = min(amount, max(deposit_balance, 0))
    return from_deposit, amount - from_deposit
