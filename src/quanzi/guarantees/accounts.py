"""Ledger account codes of guarantees (chart of accounts: docs/guarantees.md).

- `shop:<id>:guarantee_deposit` — the deposit a shop keeps for its guarantees: money we hold for the merchant
  (a liability, credit-normal: a deposit of ¥1,000 is −100000 in the ledger). A paid deposit credits it from
  clearing; an upheld claim debits it.
- `expense:guarantee_fund` — the platform's guarantee fund: what the platform pays when an upheld claim is more
  than the shop's deposit holds (debit-normal).
- `user:<id>:wallet` — the buyer's withdrawable wallet balance (the wallet app's account): where a claim is paid.
"""

from __future__ import annotations

from quanzi.settlement.accounts import CLEARING  # noqa: F401 - where captured payments wait
from quanzi.wallet.accounts import wallet_available  # noqa: F401 - the buyer is paid into their wallet

GUARANTEE_FUND = "expense:guarantee_fund"


def guarantee_deposit(shop_id: int) -> str:
    return f"shop:{shop_id}:guarantee_deposit"
