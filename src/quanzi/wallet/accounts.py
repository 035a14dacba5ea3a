"""Ledger account codes of user wallets (see docs/ledger.md, "Chart of accounts").

A user's money on the platform (distribution commission today; live-host commission and tip income
later) is earned into `user:<id>:earnings_pending` by the feature that earns it, moves to
`user:<id>:wallet` when it becomes withdrawable, and to `user:<id>:withdrawing` while a withdrawal is
in flight. All are liabilities: balances are negative (credit) and shown with the sign flipped.
"""

from __future__ import annotations

from quanzi.settlement.accounts import PAYOUT_CASH  # noqa: F401 - the bank account payouts leave from

WITHDRAWAL_FEE_REVENUE = "revenue:withdrawal_fee"


def earnings_pending(user_id: int) -> str:
    """Earned but not yet withdrawable (the order's return window is still open, or held for review)."""
    return f"user:{user_id}:earnings_pending"


def wallet_available(user_id: int) -> str:
    """Withdrawable."""
    return f"user:{user_id}:wallet"


def wallet_withdrawing(user_id: int) -> str:
    """Requested for withdrawal, not yet paid out (or returned)."""
    return f"user:{user_id}:withdrawing"
