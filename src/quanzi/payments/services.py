"""Payment use cases, provider-neutral. Knows nothing of orders: a captured payment publishes
`payment.captured` with its items, and whoever owns the purpose (orders, tips…) acts on it.

Ledger (docs/ledger.md): capture = provider cash +P / platform clearing −P;
refund succeeded = platform clearing +R / provider cash −R. Keys make both idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.ledger.services import Entry, ledger_post
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.events import PaymentCaptured, RefundSucceeded
from quanzi.payments.models import Payment, PaymentNotification, Refund, new_payment_number
from quanzi.payments.providers import BadNotification, get_provider
from quanzi.payments.states import PAYMENT, REFUND

logger = logging.getLogger("quanzi.payments")
CLEARING = "platform:clearing"
FIRST_QUERY_AFTER = dt.timedelta(seconds=60)
MAX_QUERY_INTERVAL = dt.timedelta(minutes=5)


def provider_cash(code: str) -> str:
    return f"provider:{code}:cash"


def _absolute(path: str) -> str:
    return settings.QUANZI["SITE_URL"].rstrip("/") + path


def payment_number_reserve() -> str:
    """A fresh payment number, for a caller that stamps it on its own rows before it calls
    `payment_create(number=…)` (checkout writes it on the orders: no UPDATE afterwards)."""
    return new_payment_number()


def payment_create(*, user, purpose: str, items: list[dict], subject: str, provider: str = "sandbox",
                   expires_at: dt.datetime | None = None, number: str | None = None) -> Payment:
    """One payment for several items ({"ref", "amount"}); registers it with the provider.

    `number` lets the caller stamp the payment number on its own rows first (no later UPDATE).
    """
    if not items or any(int(i["amount"]) <= 0 for i in items):
        raise ValidationFailed(_("Nothing to pay."), code="nothing_to_pay")
    with transaction.atomic(savepoint=False):
        return _payment_create(user, purpose, items, subject, provider, expires_at, number)


def _payment_create(user, purpose, items, subject, provider, expires_at, number) -> Payment:
    now = clock.now()
    payment = Payment.objects.create(
        number=number or new_payment_number(),
        user=user, purpose=purpose, items=[{"ref": str(i["ref"]), "amount": int(i["amount"])} for i in items],
        subject=subject[:120], amount=sum(int(i["amount"]) for i in items), provider=provider, created_at=now,
        expires_at=expires_at or now + dt.timedelta(seconds=settings.QUANZI["PAYMENT_TIMEOUT_SECONDS"]),
        next_query_at=now + FIRST_QUERY_AFTER)
    get_provider(provider).create(
        payment_number=payment.number, amount=payment.amount, subject=payment.subject,
        notify_url=_absolute(reverse("api:payment_notify", kwargs={"provider": provider})),
        return_url=_absolute(reverse("payments:return", args=[payment.number])))
    return payment


def payment_pay_url(*, payment: Payment) -> str:
    """Where to send the shopper to pay (the provider's hosted page)."""
    return get_provider(payment.provider).pay_url(payment_number=payment.number)


@transaction.atomic
def payment_capture(*, payment_number: str, amount: int, trade_no: str = "") -> tuple[Payment, bool]:
    """Record that the provider has the money. Exactly once per payment, whatever the number of
    duplicate notifications and queries racing: the row lock orders them and only the first
    moves the status. Returns (payment, captured_now)."""
    payment = Payment.objects.select_for_update().filter(number=payment_number).first()
    if payment is None:
        raise NotFound(_("Unknown payment."), code="payment_not_found")
    if payment.amount != amount:
        raise BusinessRuleViolation(_("Amount mismatch."), code="amount_mismatch",
                                    fields={"amount": f"expected {payment.amount}, got {amount}"})
    if not PAYMENT.can(payment.status, PaymentStatus.PAID):  # already captured: once only
        return payment, False
    # A CLOSED payment can still be captured: the money arrived late; its owner refunds what it cannot use.
    payment.status, payment.paid_at, payment.provider_trade_no = PaymentStatus.PAID, clock.now(), trade_no[:64]
    payment.save(update_fields=["status", "paid_at", "provider_trade_no"])
    ledger_post(key=f"payment-capture:{payment.number}", kind="payment.capture", ref_type="payment",
                ref_id=payment.number, memo=payment.subject,
                entries=[Entry(provider_cash(payment.provider), payment.amount), Entry(CLEARING, -payment.amount)])
    publish(PaymentCaptured(payment_id=payment.pk, payment_number=payment.number, purpose=payment.purpose,
                            items=payment.items, user_id=payment.user_id))
    return payment, True


def payment_handle_notification(*, provider: str, data: dict) -> str:
    """Verify and apply one provider notification; answer what the provider expects.

    Bad signatures, unknown payments and amount mismatches are logged and change nothing.
    """
    number = _clean(data.get("out_trade_no", ""))[:32]
    try:
        note = get_provider(provider).verify_notification(data)
    except (BadNotification, KeyError) as exc:
        _log_notification(provider, number, data, False, f"rejected: {exc}")
        return "failure"
    if not note.paid:
        _log_notification(provider, number, data, True, "ignored: not a success status")
        return "success"
    try:
        payment, captured = payment_capture(payment_number=note.payment_number, amount=note.amount,
                                            trade_no=note.trade_no)
    except (NotFound, BusinessRuleViolation) as exc:
        _log_notification(provider, number, data, True, f"rejected: {exc.code}")
        return "failure"
    _log_notification(provider, number, data, True, "captured" if captured else "duplicate")
    return "success"


def _log_notification(provider: str, number: str, data: dict, ok: bool, outcome: str) -> None:
    if not ok or outcome.startswith("rejected"):
        logger.warning("payment notification %s from %s: %s", number, provider, outcome)
    PaymentNotification.objects.create(provider=provider, payment_number=number, signature_ok=ok,
                                       outcome=outcome[:40], body={_clean(k): _clean(v) for k, v in data.items()})


def _clean(value) -> str:
    """What we keep of a provider's field: at most 200 characters, no NUL (PostgreSQL refuses it)."""
    return str(value).replace("\x00", "\\0")[:200]


def payment_sync(*, payment_number: str) -> Payment:
    """Ask the provider (the shopper came back, or a sweep polls). Captures if it says paid."""
    payment = Payment.objects.filter(number=payment_number).first()
    if payment is None:
        raise NotFound(_("Unknown payment."), code="payment_not_found")
    if payment.status == PaymentStatus.PAID:
        return payment
    result = get_provider(payment.provider).query(payment_number=payment.number)
    if result.status == "paid":
        payment, _captured = payment_capture(payment_number=payment.number, amount=result.amount,
                                             trade_no=result.trade_no)
    return payment


def payment_lock(*, payment_number: str) -> Payment | None:
    """Take the payment's row lock inside the caller's transaction (see orders' lock order)."""
    return Payment.objects.select_for_update().filter(number=payment_number).first()


@transaction.atomic
def payment_close(*, payment_number: str) -> bool:
    """Close an unpaid payment at the provider and here (its items were cancelled or expired)."""
    payment = Payment.objects.select_for_update().filter(number=payment_number).first()
    if payment is None or not PAYMENT.can(payment.status, PaymentStatus.CLOSED):
        return False
    get_provider(payment.provider).close(payment_number=payment.number)
    payment.status, payment.closed_at = PaymentStatus.CLOSED, clock.now()
    payment.save(update_fields=["status", "closed_at"])
    return True


def payment_for(*, user, payment_number: str) -> Payment:
    payment = Payment.objects.filter(number=payment_number, user=user).first()
    if payment is None:
        raise NotFound(_("Payment not found."))
    return payment


# ---------------------------------------------------------------- refunds

@transaction.atomic
def refund_create(*, payment_number: str, amount: int, key: str, reason: str = "", reference: str = "") -> Refund:
    """Refund part of a captured payment, once per `key`. Submits to the provider after commit."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(_("A refund is at least 0.01."), fields={"amount": "invalid"})
    existing = Refund.objects.filter(key=key).first()
    if existing is not None:
        if existing.amount != amount:
            raise Conflict(_("This refund was already made with another amount."), code="refund_key_conflict")
        return existing
    payment = Payment.objects.select_for_update().filter(number=payment_number).first()
    if payment is None or payment.status != PaymentStatus.PAID:
        raise Conflict(_("Only a captured payment can be refunded."), code="payment_not_captured")
    refunded = payment.refunds.aggregate(s=Sum("amount"))["s"] or 0  # failed ones are retried, so they count
    if refunded + amount > payment.amount:
        raise BusinessRuleViolation(_("You cannot refund more than was paid."), code="refund_exceeds_paid",
                                    fields={"amount": f"at most {payment.amount - refunded}"})
    refund = Refund.objects.create(payment=payment, amount=amount, key=key[:120], reason=reason[:200],
                                   reference=reference[:60])
    transaction.on_commit(lambda: refund_submit(refund_id=refund.pk))
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a pending refund to the provider (safe to repeat: the provider dedupes by number)."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status in REFUND.final_states:
        return refund
    result = get_provider(refund.payment.provider).refund(
        payment_number=refund.payment.number, refund_number=refund.number, amount=refund.amount)
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.status in REFUND.final_states:  # a racing submission got there first
            return refund
        refund.attempts += 1
        if not result.ok:
            refund.status, refund.last_error = RefundStatus.FAILED, result.error[:200]
            refund.save(update_fields=["status", "attempts", "last_error"])
            logger.warning("refund %s failed: %s", refund.number, result.error)
            return refund
        refund.status, refund.succeeded_at = RefundStatus.SUCCEEDED, clock.now()
        refund.provider_refund_no = result.provider_refund_no[:64]
        refund.save(update_fields=["status", "attempts", "succeeded_at", "provider_refund_no"])
        ledger_post(key=f"refund:{refund.number}", kind="payment.refund", ref_type="refund", ref_id=refund.number,
                    memo=refund.reason, entries=[Entry(CLEARING, refund.amount),
                                                 Entry(provider_cash(refund.payment.provider), -refund.amount)])
        publish(RefundSucceeded(refund_id=refund.pk, payment_number=refund.payment.number,
                                  reference=refund.reference, amount=refund.amount))
    return refund


def refunds_submit_pending() -> int:
    """Submit every refund still pending now, without waiting for the retry sweep (the demo seed; tests,
    whose transaction never commits, so the after-commit submission never runs). Returns how many succeeded."""
    pending = list(Refund.objects.filter(status=RefundStatus.PENDING).values_list("pk", flat=True))
    return sum(refund_submit(refund_id=refund_id).status == RefundStatus.SUCCEEDED for refund_id in pending)


def refunds_retry() -> int:
    """Sweep: resubmit refunds still pending after a minute, or failed (provider was down)."""
    cutoff = clock.now() - dt.timedelta(minutes=1)
    due = Refund.objects.filter(status__in=[RefundStatus.PENDING, RefundStatus.FAILED], created_at__lte=cutoff,
                                attempts__lt=20)
    done = 0
    for refund_id in list(due.values_list("pk", flat=True)[:200]):
        done += refund_submit(refund_id=refund_id).status == RefundStatus.SUCCEEDED
    return done


def payments_poll() -> int:
    """Sweep: ask the provider about open payments whose notification may have been lost.

    Each payment is asked at most once per interval; the interval doubles (60 s, 2 min, 4 min,
    then every 5 min) until the payment is captured or expires. Returns how many were captured.
    """
    now, captured = clock.now(), 0
    due = Payment.objects.filter(status=PaymentStatus.CREATED, next_query_at__lte=now, expires_at__gt=now)
    for payment_id, number, created_at in list(due.values_list("pk", "number", "created_at")[:200]):
        interval = min(max(now - created_at, FIRST_QUERY_AFTER), MAX_QUERY_INTERVAL)
        Payment.objects.filter(pk=payment_id, status=PaymentStatus.CREATED).update(next_query_at=now + interval)
        captured += payment_sync(payment_number=number).status == PaymentStatus.PAID
    return captured


def payments_expire() -> int:
    """Sweep: poll unpaid payments past their deadline one last time, then close them."""
    acted = 0
    for number in list(Payment.objects.filter(status=PaymentStatus.CREATED, expires_at__lte=clock.now())
                       .values_list("number", flat=True)[:500]):
        payment = payment_sync(payment_number=number)
        if payment.status == PaymentStatus.CREATED:
            acted += payment_close(payment_number=number)
        else:
            acted += 1
    return acted
