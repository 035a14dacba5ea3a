"""Payment provider interface and registry. Adapters for Alipay / WeChat Pay implement
`PaymentProvider`; money is integer fen inside and converted at this edge only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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


_providers: dict[str, PaymentProvider] = {}


def register_provider(provider: PaymentProvider) -> None:
    _providers[provider.code] = provider


def get_provider(code: str) -> PaymentProvider:
    if not _providers:
        from quanzi.payments.providers.sandbox import SandboxProvider

        register_provider(SandboxProvider())
    return _providers[code]
