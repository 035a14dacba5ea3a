"""Ledger account codes of analytics (chart of accounts: docs/ledger.md).

- `revenue:services` — the platform's revenue from value-added services (the merchants' data plans),
  credit-normal. A paid plan moves its price from clearing (where captured payments wait) to it.
"""

from __future__ import annotations

from quanzi.settlement.accounts import CLEARING  # noqa: F401 - where captured payments wait

SERVICES_REVENUE = "revenue:services"
