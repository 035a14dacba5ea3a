"""Ledger account codes of live-room sales (chart of accounts: docs/ledger.md, docs/live-sales.md).

- `user:<id>:tip_balance` — the tipper's prepaid tip balance (a liability: money we hold for them);
- `revenue:tips` — the platform's share of tips;
- the host's commission and tip income use the wallet's codes (`quanzi.wallet.accounts`), so they
  show up in /me/wallet/: commission is earned into `earnings_pending` and released to `wallet` at
  settlement; the host's share of a tip goes straight to `wallet` (a tip is final: it is paid out of
  money already captured and is never refunded).
"""

from __future__ import annotations

from quanzi.settlement.accounts import CLEARING  # noqa: F401 - where captured payments wait
from quanzi.wallet.accounts import earnings_pending, wallet_available  # noqa: F401

TIP_REVENUE = "revenue:tips"


def tip_balance(user_id: int) -> str:
    return f"user:{user_id}:tip_balance"
