"""Payment provider interface and registry. Adapters for Alipay / WeChat Pay implement
`PaymentProvider`; money is integer fen inside and converted at this edge only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from quanzi.core.registry import Registry


class BadNotification(Exception):
    """Signature, format or amount problem: log it, change nothing, tell the provider 'failure'."""


@dataclass(frozen=True)
class Notification:
    payment_number: str
    trade_no: str
    amount: int  # fen
    paid: bool  # a success notification (others, like WAIT_BUYER_PAY, are recorded and ignored)


@dataclass(frozen=True)
class QueryResult:
    status: str  # "paid" | "unpaid" | "closed" | "unknown"
    amount: int = 0
    trade_no: str = ""


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    provider_refund_no: str = ""
    error: str = ""


class PaymentProvider(Protocol):
    code: str

    def create(self, *, payment_number: str, amount: int, subject: str, notify_url: str, return_url: str) -> str:
        """Register the payment with the provider; return the URL that takes the shopper to pay."""

    def pay_url(self, *, payment_number: str) -> str:
        """The hosted page of an already registered payment (no call to the provider)."""

    def verify_notification(self, data: dict) -> Notification: ...

    def query(self, *, payment_number: str) -> QueryResult: ...

    def refund(self, *, payment_number: str, refund_number: str, amount: int) -> RefundResult: ...

    def close(self, *, payment_number: str) -> None: ...


payment_providers: Registry[PaymentProvider] = Registry(
    "payments.providers", keyed=True, owner=__name__, key_of=lambda provider: provider.code,
    doc="Payment providers by code (the sandbox built in; Alipay and WeChat Pay adapters).")


def get_provider(code: str) -> PaymentProvider:
    provider = payment_providers.get(code)
    if provider is None:
        raise KeyError(code)
    return provider
