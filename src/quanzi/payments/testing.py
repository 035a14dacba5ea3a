"""Test helpers of payments: the shopper's hands on the sandbox provider, and read-outs of the
payment tables for assertions. Never imported by application code; other apps' tests (and the root
conftest, bench/, tests/e2e) use these instead of the payments models.
"""

from __future__ import annotations

from quanzi.payments.models import Payment, PaymentNotification, Refund, SandboxTrade
from quanzi.payments.services import refunds_submit_pending

# ---------------------------------------------------------------- the sandbox provider


def sandbox_pay(payment_number: str) -> None:
    """The shopper pays on the sandbox page and the sandbox's notification reaches the platform."""
    from quanzi.payments.providers.sandbox import SandboxProvider, deliver_notification

    SandboxProvider().pay(out_trade_no=payment_number)
    deliver_notification(sandbox_trade(payment_number=payment_number).pk)


def sandbox_paid_at_provider(*, payment_number: str) -> SandboxTrade:
    """The shopper has paid at the sandbox, but its notification is still on the way (held back):
    for races between the notification, polls and cancels."""
    from quanzi.core import clock

    SandboxTrade.objects.filter(out_trade_no=payment_number).update(status="TRADE_SUCCESS", paid_at=clock.now())
    return sandbox_trade(payment_number=payment_number)


def sandbox_notification(payment_number: str, *, status: str | None = None) -> dict:
    """The signed form the sandbox posts to the notification endpoint for this payment (its real
    status, or `status` such as "TRADE_CLOSED")."""
    from quanzi.payments.providers.sandbox import notification_params

    return notification_params(sandbox_trade(payment_number=payment_number), status=status)


def sandbox_trade(*, payment_number: str) -> SandboxTrade:
    """The sandbox provider's own record of the payment (status "WAIT_BUYER_PAY", "TRADE_SUCCESS", …)."""
    return SandboxTrade.objects.get(out_trade_no=payment_number)


def sandbox_trades(*, payment_numbers=None, status: str | None = None) -> list[SandboxTrade]:
    qs = SandboxTrade.objects.order_by("id")
    if payment_numbers is not None:
        qs = qs.filter(out_trade_no__in=list(payment_numbers))
    if status is not None:
        qs = qs.filter(status=status)
    return list(qs)


def sandbox_refund_count(*, payment_number: str) -> int:
    """How many refunds the sandbox provider has booked against the payment's trade."""
    return sandbox_trade(payment_number=payment_number).refunds.count()


def submit_refunds() -> int:
    """Submit pending refunds now (normally after commit; a test's transaction never commits)."""
    return refunds_submit_pending()


# ---------------------------------------------------------------- read-outs


def payment_get(*, number: str | None = None, payment_id: int | None = None) -> Payment:
    """The payment, fresh from the database (DoesNotExist if there is none)."""
    return Payment.objects.get(**({"pk": payment_id} if payment_id is not None else {"number": number}))


def payments(*, status: str | None = None, user=None, numbers=None) -> list[Payment]:
    """Payments in id order, optionally of one status, one payer, or these numbers."""
    qs = Payment.objects.order_by("id")
    if status is not None:
        qs = qs.filter(status=status)
    if user is not None:
        qs = qs.filter(user=user)
    if numbers is not None:
        qs = qs.filter(number__in=list(numbers))
    return list(qs)


def refund_get(*, key: str | None = None) -> Refund:
    """The refund made for this business key (one ever), or without a key the only refund there is."""
    return Refund.objects.get(key=key) if key is not None else Refund.objects.get()


def refunds(*, payment_number: str | None = None, status: str | None = None, key_prefix: str = "",
            exclude_key_prefix: str = "") -> list[Refund]:
    """Refunds in id order, optionally of one payment, one status, or whose key starts (or does not
    start) with a prefix such as "unpayable:" (money that arrived for an order that could not take it)."""
    qs = Refund.objects.order_by("id")
    if payment_number is not None:
        qs = qs.filter(payment__number=payment_number)
    if status is not None:
        qs = qs.filter(status=status)
    if key_prefix:
        qs = qs.filter(key__startswith=key_prefix)
    if exclude_key_prefix:
        qs = qs.exclude(key__startswith=exclude_key_prefix)
    return list(qs)


def notifications(*, payment_number: str | None = None) -> list[PaymentNotification]:
    """The provider notifications received (kept for audit), oldest first."""
    qs = PaymentNotification.objects.order_by("id")
    if payment_number is not None:
        qs = qs.filter(payment_number=payment_number)
    return list(qs)


def notification_get() -> PaymentNotification:
    """The only notification received (DoesNotExist / MultipleObjectsReturned otherwise)."""
    return PaymentNotification.objects.get()


# ---- public interface used by demo, bench/ and the project's tests

def payment_numbers(*, status: str, user_ids=None, numbers=None) -> list[str]:
    """Numbers of the payments in this status (of these payers, among these numbers), in id order."""
    qs = Payment.objects.filter(status=status).order_by("id")
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    if numbers is not None:
        qs = qs.filter(number__in=list(numbers))
    return list(qs.values_list("number", flat=True))


def refunded_payment_numbers(*, numbers, statuses) -> set[str]:
    """Which of these payments have a refund in one of these statuses."""
    return set(Refund.objects.filter(payment__number__in=list(numbers), status__in=list(statuses))
               .values_list("payment__number", flat=True))


def sandbox_trades_mark_paid(*, payment_numbers) -> int:
    """Bring the sandbox provider's own books in line when a benchmark signed the notifications itself
    instead of clicking the sandbox cashier: these trades are paid and notified."""
    return SandboxTrade.objects.filter(out_trade_no__in=list(payment_numbers)) \
        .update(status="TRADE_SUCCESS", notified=True)
