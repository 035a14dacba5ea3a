"""Payment provider interface and registry (docs/payments.md).

An adapter (the sandbox, Alipay, WeChat Pay) implements `PaymentProvider` and is registered in
`payment_providers` from PaymentsConfig.ready(); the ones named in `QUANZI["PAYMENT_PROVIDERS"]` are
enabled: offered at the cashier and heard at the notify URL (payments.cashier). Money is
integer fen inside Quanzi; an adapter converts at its edge only (Alipay's yuan strings, WeChat's
fen integers), and never floats.

The interface is what the platform needs, not what one provider offers:

- `create` registers (or signs) a payment for one of the provider's `methods` and says what the
  shopper's device must do next (`PayAction`: go to a URL, show a QR code, call the WeChat JS
  bridge with signed parameters, or post a form);
- `verify_notification` turns an asynchronous notification (form fields for Alipay, a signed and
  encrypted JSON body with headers for WeChat Pay) into a `Notification`, or raises
  `BadNotification` (bad signature, wrong app or merchant, stale or replayed, amount in a bad
  format) — the platform then changes nothing and logs it;
- `notification_answer` is what the provider expects back (Alipay: the text `success`/`failure`;
  WeChat Pay: HTTP 200 with `{"code": "SUCCESS"}` or 4xx/5xx with a FAIL body);
- `query`, `close`, `refund`, `refund_query` are the provider's own calls; `statement` fetches the
  day's bill for reconciliation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from quanzi.core.registry import Registry


class BadNotification(Exception):
    """Signature, format, replay or amount problem: log it, change nothing, answer failure."""


class ProviderError(Exception):
    """The provider could not be reached or answered an error to one of our calls (create, query,
    refund…). Callers retry through their sweeps; the message is for logs, never for shoppers."""


@dataclass(frozen=True)
class Client:
    """What a provider may need to know about the payer's device to start a payment."""

    ip: str = ""  # WeChat H5 requires the payer's IP (scene_info)
    user_agent: str = ""
    openid: str = ""  # WeChat JSAPI: the payer's openid for our app id (from WeChat OAuth)


@dataclass(frozen=True)
class PayAction:
    """What the shopper's device does next.

    kind "redirect": open `url` (Alipay page/WAP pay, WeChat H5, the sandbox cashier);
    kind "qr": show `url` as a QR code to scan with the provider's app (WeChat Native);
    kind "jsapi": call WeixinJSBridge.invoke('getBrandWCPayRequest', params) in WeChat's browser;
    kind "form": auto-submit an HTML form of `params` to `url` (a provider that wants a POST)."""

    kind: str
    url: str = ""
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    payment_number: str
    trade_no: str
    amount: int  # fen
    paid: bool  # a success notification (others, like WAIT_BUYER_PAY, are recorded and ignored)
    kind: str = "payment"  # "payment" or "refund" (WeChat Pay notifies refunds too)
    refund_number: str = ""  # kind "refund": our refund number
    refund_ok: bool = False  # kind "refund": the refund reached the buyer
    payer: str = ""  # the provider's id of the buyer (Alipay buyer_id, WeChat openid), if it says


@dataclass(frozen=True)
class QueryResult:
    status: str  # "paid" | "unpaid" | "closed" | "unknown"
    amount: int = 0
    trade_no: str = ""


@dataclass(frozen=True)
class RefundResult:
    ok: bool  # accepted by the provider (it may still be processing: see `pending`)
    provider_refund_no: str = ""
    error: str = ""
    pending: bool = False  # accepted, not final yet: ask again with refund_query (or wait for its notify)


@dataclass(frozen=True)
class StatementLine:
    """One line of a provider's daily bill, in fen (the reconciliation compares these with Quanzi's books)."""

    kind: str  # "payment" or "refund"
    payment_number: str  # our out_trade_no
    provider_trade_no: str
    amount: int  # fen, positive
    at: dt.datetime | None = None
    refund_number: str = ""  # our out_refund_no, for refunds
    provider_refund_no: str = ""
    fee: int = 0  # the provider's service fee on this line, fen


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to a notification, in the provider's own terms."""

    status: int
    body: str
    content_type: str = "text/plain"


class PaymentProvider(Protocol):
    code: str  # "sandbox", "alipay", "wechat": the {provider} of the notify URL
    label: str  # shown at the cashier ("支付宝", "微信支付")
    methods: tuple[str, ...]  # "page", "wap" (Alipay); "native", "h5", "jsapi" (WeChat); the sandbox: "page"
    # Optional: `method_devices = {"page": ("desktop", "mobile", "wechat")}` says on which devices a method
    # works, where payments.cashier.METHOD_DEVICES (by method name) is not right for this provider.

    def create(self, *, payment_number: str, amount: int, subject: str, notify_url: str, return_url: str,
               method: str, expires_at: dt.datetime, client: Client) -> PayAction:
        """Register the payment with the provider (or sign its pay request) for `method`."""

    def verify_notification(self, *, body: bytes, headers: Mapping[str, str],
                            form: Mapping[str, str]) -> Notification: ...

    def notification_answer(self, *, ok: bool) -> Answer: ...

    def query(self, *, payment_number: str) -> QueryResult: ...

    def close(self, *, payment_number: str) -> None: ...

    def refund(self, *, payment_number: str, refund_number: str, amount: int, total: int,
               reason: str = "") -> RefundResult:
        """`total` is the payment's whole amount (WeChat Pay wants it with every refund)."""

    def refund_query(self, *, payment_number: str, refund_number: str) -> RefundResult: ...

    def statement(self, *, day: dt.date) -> list[StatementLine]:
        """The provider's bill of `day` (Asia/Shanghai), payments and refunds."""


payment_providers: Registry[PaymentProvider] = Registry(
    "payments.providers", keyed=True, owner=__name__, key_of=lambda provider: provider.code,
    doc="Payment providers by code (the sandbox built in; Alipay and WeChat Pay adapters).")


def get_provider(code: str) -> PaymentProvider:
    provider = payment_providers.get(code)
    if provider is None:
        raise KeyError(code)
    return provider
