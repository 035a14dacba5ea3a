"""Accounts sweeps (see core.sweeps)."""

from quanzi.accounts.services import api_tokens_delete_expired
from quanzi.core.sweeps import sweeps


@sweeps.register(key="accounts_expired_tokens")
def accounts_expired_tokens() -> int:
    """Delete bearer tokens past `expires_at` (they are refused already; this keeps the table small)."""
    return api_tokens_delete_expired()
