"""Periodic work: send approved withdrawals whose transfer is due, and re-ask about pending ones."""

from __future__ import annotations

from quanzi.core.sweeps import sweeps
from quanzi.wallet.services import payouts_due, withdrawal_pay


@sweeps.register(key="wallet_payouts")
def wallet_payouts() -> int:
    """Approved withdrawals the after-commit send missed (crash, provider outage) or the provider
    answered "pending" for. Each one is handled under its row lock, so concurrent sweeps act once."""
    done = 0
    for withdrawal_id in payouts_due():
        withdrawal_pay(withdrawal_id=withdrawal_id)
        done += 1
    return done
