"""Ledger account codes for merchants and the platform (chart of accounts: docs/ledger.md)."""

CLEARING = "platform:clearing"
TAKE_RATE_REVENUE = "revenue:take_rate"
PAYOUT_CASH = "provider:bank:cash"


def merchant_pending(shop_id: int) -> str:
    return f"merchant:{shop_id}:pending"


def merchant_available(shop_id: int) -> str:
    return f"merchant:{shop_id}:available"


def merchant_payout_hold(shop_id: int) -> str:
    return f"merchant:{shop_id}:payout_hold"
