"""Payout provider interface and registry (money leaving the platform to a user's account).

A real adapter (Alipay transfer to account, bank payment API) implements `PayoutProvider`; the
platform talks to it only through `transfer` and `query`, with integer fen. Both must be idempotent
per withdrawal number: the payout sweep may send the same number again after a crash, and the
provider must answer with the first outcome instead of paying twice.

Which provider is used comes from `settings.QUANZI["PAYOUT_PROVIDER"]` (default "sandbox").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from quanzi.core.registry import Registry

OK = "ok"
FAILED = "failed"
PENDING = "pending"


@dataclass(frozen=True)
class PayoutResult:
    status: str  # OK | FAILED | PENDING
    reference: str = ""  # the provider's transfer id
    reason: str = ""  # why it failed (shown to the user and the operator)

    def __post_init__(self) -> None:
        if self.status not in (OK, FAILED, PENDING):
            raise ValueError(f"unknown payout status {self.status!r}")


class PayoutProvider(Protocol):
    code: str

    def transfer(self, number: str, account: dict, amount: int) -> PayoutResult:
        """Send `amount` fen to `account` ({"type", "number", "name"}); idempotent by `number`."""

    def query(self, number: str) -> PayoutResult:
        """The outcome of an earlier transfer (PENDING while it is still on its way)."""


class SandboxPayoutProvider:
    """Deterministic stand-in for demos and tests, no network:

    - an account ending in "0000" fails ("the account is frozen"), always;
    - an account ending in "1111" answers PENDING to the transfer and OK to every later query;
    - anything else is paid at once.
    The reference is derived from the number, so sending the same number twice is the same transfer.
    """

    code = "sandbox"
    FAIL_SUFFIX = "0000"
    PENDING_SUFFIX = "1111"

    def transfer(self, number: str, account: dict, amount: int) -> PayoutResult:
        if amount <= 0:
            return PayoutResult(FAILED, reason="amount must be positive")
        reference = self._reference(number)
        target = str(account.get("number", ""))
        if target.endswith(self.FAIL_SUFFIX):
            return PayoutResult(FAILED, reference, "the receiving account is frozen (sandbox)")
        if target.endswith(self.PENDING_SUFFIX):
            return PayoutResult(PENDING, reference)
        return PayoutResult(OK, reference)

    def query(self, number: str) -> PayoutResult:
        return PayoutResult(OK, self._reference(number))

    @staticmethod
    def _reference(number: str) -> str:
        return "SBX" + hashlib.sha256(number.encode()).hexdigest()[:20].upper()


payout_providers: Registry[PayoutProvider] = Registry(
    "wallet.payout_providers", keyed=True, owner=__name__, key_of=lambda provider: provider.code,
    doc="Where user withdrawals are paid out, by code (QUANZI_PAYOUT_PROVIDER; the sandbox built in).")


def get_payout_provider(code: str | None = None) -> PayoutProvider:
    """The provider named `code`, or the configured one. Unknown names are a configuration error."""
    code = code or getattr(settings, "QUANZI", {}).get("PAYOUT_PROVIDER", "sandbox")
    provider = payout_providers.get(code)
    if provider is None:
        raise LookupError(f"no payout provider registered as {code!r}")
    return provider
