"""The built-in sandbox payment provider: behaves like Alipay's web pay.

- It speaks yuan with two decimals (`total_amount="12.30"`); the platform converts at the edge.
- Messages are signed with HMAC-SHA256 over the sorted `k=v&…` string (Alipay's canonical form).
- After the shopper pays on the hosted cashier page, it POSTs a form-encoded notification to the
  platform's notify URL, and retries on anything but the body `success` (Alipay's schedule,
  compressed); `SANDBOX_CHAOS` makes it also send duplicates and a stale out-of-order message.
- The platform can `query` a trade at any time and `refund` part or all of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import urllib.parse
import urllib.request
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quanzi.core import clock
from quanzi.core.money import format_yuan, yuan_to_fen
from quanzi.payments.models import SandboxRefund, SandboxTrade
from quanzi.payments.providers import (
    Answer,
    BadNotification,
    Client,
    Notification,
    PayAction,
    QueryResult,
    RefundResult,
    StatementLine,
)

logger = logging.getLogger("quanzi.payments.sandbox")
RETRY_SCHEDULE = [dt.timedelta(seconds=s) for s in (15, 60, 240, 600, 3600, 7200)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED_SECRET = "sandbox-pay-secret-dev"  # the default in config/settings/base.py: never in production


def _secret() -> bytes:
    return settings.QUANZI["SANDBOX_PAY_SECRET"].encode()


def sign(params: dict) -> str:
    canonical = "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in ("sign", "sign_type")
                         and params[k] not in (None, ""))
    return hmac.new(_secret(), canonical.encode("utf-8", errors="replace"), hashlib.sha256).hexdigest()


def signed(params: dict) -> dict:
    return {**params, "sign_type": "HMAC-SHA256", "sign": sign(params)}


class SandboxProvider:
    code = "sandbox"
    label = _("Sandbox Pay")
    methods = ("page",)
    method_devices = {"page": ("desktop", "mobile", "wechat")}  # one hosted page for every device
    method_hints = {"page": _("Test money only: a page that plays the part of Alipay or WeChat Pay")}

    # ---- what the platform calls
    def create(self, *, payment_number: str, amount: int, subject: str, notify_url: str, return_url: str,
               method: str = "page", expires_at: dt.datetime | None = None, client: Client | None = None) -> PayAction:
        """Registers the trade in one statement; the same number again is the same trade (the shopper
        came back to it), so a conflict is ignored."""
        SandboxTrade.objects.bulk_create([SandboxTrade(
            out_trade_no=payment_number, trade_no="SBX" + secrets.token_hex(10).upper(),
            total_amount=format_yuan(amount), subject=subject[:120], notify_url=notify_url,
            return_url=return_url)], ignore_conflicts=True)
        return PayAction(kind="redirect", url=self.pay_url(payment_number=payment_number))

    def pay_url(self, *, payment_number) -> str:
        return reverse("payments:sandbox_cashier", args=[payment_number])

    def verify_notification(self, *, body: bytes = b"", headers: Mapping[str, str] | None = None,
                            form: Mapping[str, str] | None = None) -> Notification:
        params = {str(k): str(v) for k, v in (form or {}).items()}
        given = params.get("sign", "")
        if not given or not hmac.compare_digest(given.encode("utf-8", errors="replace"), sign(params).encode()):
            raise BadNotification("bad signature")
        try:
            amount = yuan_to_fen(params.get("total_amount", ""))
        except ValueError as exc:
            raise BadNotification(str(exc)[:100])
        number = params.get("out_trade_no", "")
        if not number:
            raise BadNotification("missing out_trade_no")
        return Notification(payment_number=number, trade_no=params.get("trade_no", ""), amount=amount,
                            paid=params.get("trade_status") in ("TRADE_SUCCESS", "TRADE_FINISHED"))

    def notification_answer(self, *, ok: bool) -> Answer:
        return Answer(status=200, body="success" if ok else "failure")

    def query(self, *, payment_number) -> QueryResult:
        trade = SandboxTrade.objects.filter(out_trade_no=payment_number).first()
        if trade is None:
            return QueryResult(status="unknown")
        status = {"TRADE_SUCCESS": "paid", "TRADE_CLOSED": "closed"}.get(trade.status, "unpaid")
        return QueryResult(status=status, amount=yuan_to_fen(trade.total_amount), trade_no=trade.trade_no)

    def refund(self, *, payment_number, refund_number, amount, total: int | None = None,
               reason: str = "") -> RefundResult:
        with transaction.atomic():
            trade = SandboxTrade.objects.select_for_update().filter(out_trade_no=payment_number).first()
            if trade is None or trade.status != "TRADE_SUCCESS":
                return RefundResult(ok=False, error="trade not paid")
            existing = SandboxRefund.objects.filter(out_request_no=refund_number).first()
            if existing is None:
                refunded = sum(yuan_to_fen(r.refund_amount) for r in trade.refunds.all())
                if refunded + amount > yuan_to_fen(trade.total_amount):
                    return RefundResult(ok=False, error="refund exceeds trade amount")
                existing = SandboxRefund.objects.create(trade=trade, out_request_no=refund_number,
                                                        refund_amount=format_yuan(amount))
        return RefundResult(ok=True, provider_refund_no=f"SBXR{existing.pk:08d}")

    def refund_query(self, *, payment_number, refund_number) -> RefundResult:
        found = SandboxRefund.objects.filter(out_request_no=refund_number, trade__out_trade_no=payment_number).first()
        if found is None:
            return RefundResult(ok=False, error="refund not found")
        return RefundResult(ok=True, provider_refund_no=f"SBXR{found.pk:08d}")

    def close(self, *, payment_number) -> None:
        SandboxTrade.objects.filter(out_trade_no=payment_number, status="WAIT_BUYER_PAY").update(status="TRADE_CLOSED")

    def statement(self, *, day: dt.date) -> list[StatementLine]:
        """The sandbox's own books of `day` (Asia/Shanghai): trades paid and refunds made that day, as a
        real provider's bill lists them — so reconciliation can be tried end to end."""
        start = dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)
        end = start + dt.timedelta(days=1)
        lines = [StatementLine(kind="payment", payment_number=t.out_trade_no, provider_trade_no=t.trade_no,
                               amount=yuan_to_fen(t.total_amount), at=t.paid_at)
                 for t in SandboxTrade.objects.filter(paid_at__gte=start, paid_at__lt=end).order_by("paid_at", "id")]
        lines += [StatementLine(kind="refund", payment_number=r.trade.out_trade_no, provider_trade_no=r.trade.trade_no,
                                amount=yuan_to_fen(r.refund_amount), at=r.created_at, refund_number=r.out_request_no,
                                provider_refund_no=f"SBXR{r.pk:08d}")
                  for r in SandboxRefund.objects.filter(created_at__gte=start, created_at__lt=end)
                  .select_related("trade").order_by("created_at", "id")]
        return lines

    # ---- what the shopper does on the hosted page
    def pay(self, *, out_trade_no: str) -> SandboxTrade:
        with transaction.atomic():
            trade = SandboxTrade.objects.select_for_update().get(out_trade_no=out_trade_no)
            if trade.status == "WAIT_BUYER_PAY":
                trade.status, trade.paid_at, trade.next_notify_at = "TRADE_SUCCESS", clock.now(), clock.now()
                trade.save(update_fields=["status", "paid_at", "next_notify_at"])
                transaction.on_commit(lambda: deliver_notification(trade.pk))
        return trade


def notification_params(trade: SandboxTrade, *, status: str | None = None) -> dict:
    return signed({
        "notify_id": secrets.token_hex(8), "notify_time": clock.now().strftime("%Y-%m-%d %H:%M:%S"),
        "out_trade_no": trade.out_trade_no, "trade_no": trade.trade_no, "total_amount": trade.total_amount,
        "trade_status": status or trade.status, "app_id": "sandbox-app",
    })


def _post(url: str, params: dict) -> str:
    transport = settings.QUANZI.get("SANDBOX_TRANSPORT", "http")
    if transport == "inprocess":
        from django.test import Client

        response = Client(HTTP_HOST="testserver").post(urllib.parse.urlparse(url).path, urllib.parse.urlencode(params),
                                                       content_type="application/x-www-form-urlencoded")
        return response.content.decode()
    data = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own notify URL
        return response.read().decode()


def deliver_notification(trade_id: int) -> bool:
    """Send the trade's notification once; schedule a retry unless the platform said `success`."""
    trade = SandboxTrade.objects.get(pk=trade_id)
    if trade.notified or trade.status != "TRADE_SUCCESS":
        return trade.notified
    chaos = settings.QUANZI.get("SANDBOX_CHAOS", False)
    try:
        if chaos:
            _post(trade.notify_url, notification_params(trade, status="WAIT_BUYER_PAY"))
        answer = _post(trade.notify_url, notification_params(trade))
        if chaos:
            _post(trade.notify_url, notification_params(trade))
    except Exception as exc:  # noqa: BLE001 - the network fails; the sandbox retries like Alipay
        logger.warning("sandbox notify to %s failed: %s", trade.notify_url, exc)
        answer = "error"
    attempts = trade.notify_attempts + 1
    ok = answer.strip() == "success"
    delay = RETRY_SCHEDULE[min(attempts - 1, len(RETRY_SCHEDULE) - 1)]
    SandboxTrade.objects.filter(pk=trade.pk).update(notify_attempts=attempts, notified=ok,
                                                    next_notify_at=None if ok else clock.now() + delay)
    return ok


def retry_due_notifications() -> int:
    """The sandbox provider sends again the notifications the platform did not answer `success`
    (`next_notify_at`: 15 s, 1, 4, 10, 60, 120 min), as real providers do."""
    due = SandboxTrade.objects.filter(status="TRADE_SUCCESS", notified=False, next_notify_at__lte=clock.now(),
                                      notify_attempts__lt=len(RETRY_SCHEDULE) + 2)
    return sum(1 for trade_id in list(due.values_list("pk", flat=True)[:200]) if deliver_notification(trade_id))
