"""Ledger account codes of sponsored listings (chart of accounts: docs/ledger.md, docs/ads.md).

- `shop:<id>:ads_prepaid` — the shop's prepaid ads balance: money we hold for the merchant (a liability,
  credit-normal: a balance of ¥100 is −10000 in the ledger). Top-ups credit it from clearing; every
  billed click debits it; a refunded click credits it back.
- `revenue:ads` — the platform's advertising revenue (credit-normal).
"""

from __future__ import annotations

from quanzi.settlement.accounts import CLEARING  # noqa: F401 - where captured payments wait

ADS_REVENUE = "revenue:ads"


def ads_prepaid(shop_id: int) -> str:
    return f"shop:{shop_id}:ads_prepaid"
