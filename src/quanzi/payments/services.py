"""Payment use cases, provider-neutral. Knows nothing of orders: a captured payment publishes
`payment.captured` with its items, and whoever owns the purpose (orders, tips…) acts on it.

A payment is paid through one *trade* at a provider at a time (docs/payments.md): the shopper picks a
provider and method at the cashier (`payment_start`), which opens the trade `<number>` — or, after a
switch, `<number>_<n>`, the old trade closed first. Notifications, queries and statements name the
trade; `payment_number_of` maps it back.

Ledger (docs/ledger.md): capture = provider cash +P / platform clearing −P;
refund succeeded = platform clearing +R / provider cash −R. Keys make both idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, DomainError, NotFound, ValidationFailed
from quanzi.core.events import publish
from quanzi.ledger.services import Entry, ledger_post
from quanzi.payments import cashier
from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.events import PaymentCaptured, RefundSucceeded
from quanzi.payments.models import Payment, PaymentNotification, Refund, new_payment_number
from quanzi.payments.providers import (
    Answer,
    BadNotification,
    Client,
    Notification,
    PayAction,
    ProviderError,
    RefundResult,
    get_provider,
)
from quanzi.payments.states import PAYMENT, REFUND

logger = logging.getLogger("quanzi.payments")
CLEARING = "platform:clearing"
FIRST_QUERY_AFTER = dt.timedelta(seconds=60)
MAX_QUERY_INTERVAL = dt.timedelta(minutes=5)
TRADE_SEPARATOR = "_"  # never in a payment number (P + date + hex); allowed by Alipay and WeChat Pay


def provider_cash(code: str) -> str:
    return f"provider:{code}:cash"


def _absolute(path: str) -> str:
    return settings.QUANZI["SITE_URL"].rstrip("/") + path


def payment_number_of(trade_number: str) -> str:
    """The payment a provider's trade number belongs to: `P…_2` → `P…` (the first trade is the number)."""
    return str(trade_number or "").split(TRADE_SEPARATOR, 1)[0]


def _trade_number(payment: Payment) -> str:
    return payment.trade_number or payment.number


def payment_number_reserve() -> str:
    """A fresh payment number, for a caller that stamps it on its own rows before it calls
    `payment_create(number=…)` (checkout writes it on the orders: no UPDATE afterwards)."""
    return new_payment_number()


# ---------------------------------------------------------------- opening and paying


def payment_create(*, user, purpose: str, items: list[dict], subject: str, provider: str | None = None,
                   method: str | None = None, expires_at: dt.datetime | None = None,
                   number: str | None = None) -> Payment:
    """One payment for several items ({"ref", "amount"}).

    The shopper chooses the provider and method at the cashier (`payment_start`). When there is
    nothing to choose — one enabled provider with one method, the sandbox in dev and tests — or the
    caller names them, the trade is opened at once and the shopper goes straight to it.
    `number` lets the caller stamp the payment number on its own rows first (no later UPDATE).
    """
    if not items or any(int(i["amount"]) <= 0 for i in items):
        raise ValidationFailed(_("Nothing to pay."), code="nothing_to_pay")
    if provider is None:
        only = cashier.only_choice()
        provider, method = (only.provider, only.method) if only else ("", "")
    elif not method:
        method = get_provider(provider).methods[0]
    with transaction.atomic(savepoint=False):
        return _payment_create(user, purpose, items, subject, provider, method or "", expires_at, number)


def _payment_create(user, purpose, items, subject, provider, method, expires_at, number) -> Payment:
    now = clock.now()
    number = number or new_payment_number()
    payment = Payment(
        number=number, user=user, purpose=purpose,
        items=[{"ref": str(i["ref"]), "amount": int(i["amount"])} for i in items],
        subject=subject[:120], amount=sum(int(i["amount"]) for i in items), provider=provider, method=method,
        created_at=now, expires_at=expires_at or now + dt.timedelta(seconds=settings.QUANZI["PAYMENT_TIMEOUT_SECONDS"]),
        next_query_at=now + FIRST_QUERY_AFTER)
    if provider:  # one INSERT for the payment with its trade: the checkout's statement budget
        payment.trade_number, payment.attempt = number, 1
        payment.action = _action_dict(_open_trade(payment, Client()))
    payment.save(force_insert=True)
    return payment


def _open_trade(payment: Payment, client: Client) -> PayAction:
    try:
        return get_provider(payment.provider).create(
            payment_number=payment.trade_number, amount=payment.amount, subject=payment.subject,
            notify_url=_absolute(reverse("api:payment_notify", kwargs={"provider": payment.provider})),
            return_url=_absolute(reverse("payments:return", args=[payment.number])), method=payment.method,
            expires_at=payment.expires_at, client=client)
    except ProviderError as exc:
        logger.warning("%s create %s failed: %s", payment.provider, payment.trade_number, exc)
        raise _unavailable(exc) from None


class ProviderUnavailable(DomainError):
    """The provider refused or did not answer our call to open a trade (503 for the shopper). If the
    provider needs the shopper somewhere first (a ProviderError with a `redirect_url`, such as an OAuth
    page to learn the payer's id), the cashier sends them there."""

    status = 503

    def __init__(self, exc: ProviderError):
        super().__init__(_("The payment service is not answering. Try again in a moment."),
                         code="provider_unavailable")
        self.redirect_url = str(getattr(exc, "redirect_url", "") or "")


def _unavailable(exc: ProviderError) -> ProviderUnavailable:
    return ProviderUnavailable(exc)


ACTION_SCHEMES = {"redirect": ("https://", "http://", "/"), "form": ("https://", "http://", "/"),
                  "qr": ("https://", "http://", "weixin://", "alipays://"), "jsapi": ("https://", "http://", "/", "")}


def _action_dict(action: PayAction) -> dict:
    """The action as stored (and shown to API clients); a kind or URL scheme we do not know is the
    provider's error, never something to send a shopper to."""
    url = str(action.url or "")
    if action.kind not in ACTION_SCHEMES or not url.startswith(ACTION_SCHEMES[action.kind]) \
            or url.startswith("//"):
        raise ProviderUnavailable(ProviderError(f"unusable action {action.kind!r} {url[:40]!r}"))
    return {"kind": action.kind, "url": url, "params": dict(action.params or {})}


def payment_pay_url(*, payment: Payment) -> str:
    """Where to send the shopper to pay: straight to the provider's page when there was nothing to
    choose, otherwise the cashier (which shows the choice made so far and lets the shopper switch)."""
    action = payment.action or {}
    if payment.trade_number and action.get("kind") == "redirect" and action.get("url") \
            and cashier.only_choice() is not None:
        return action["url"]
    return reverse("payments:cashier", args=[payment.number])


def payment_action(*, payment: Payment) -> dict | None:
    """The open trade's PayAction as a dict ({"kind", "url", "params"}), for API clients; None before a
    provider was chosen, or once the payment is no longer open."""
    if payment.status != PaymentStatus.CREATED or not payment.trade_number or not payment.action:
        return None
    return dict(payment.action)


def payment_start(*, user, payment_number: str, provider: str, method: str, client: Client | None = None) -> Payment:
    """The shopper chose `provider` and `method` at the cashier: open that trade (again, if it is the
    one already open: providers answer the same trade). Switching closes the previous trade first —
    or finds it paid, and captures it instead."""
    client = client or Client()
    if cashier.find(provider=provider, method=method) is None:
        raise ValidationFailed(_("Choose one of the payment methods offered."), code="payment_method_unavailable",
                               fields={"method": f"{provider}:{method}"[:60]})
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(number=payment_number, user=user).first()
        if payment is None:
            raise NotFound(_("Payment not found."), code="payment_not_found")
        if payment.status != PaymentStatus.CREATED or payment.expires_at <= clock.now():
            raise Conflict(_("This payment is no longer open."), code="payment_not_open",
                           fields={"status": payment.status})
        if payment.trade_number and (payment.provider, payment.method) != (provider, method):
            if _retire_trade(payment):
                return payment  # the old trade was paid meanwhile: captured
        if not payment.trade_number or (payment.provider, payment.method) != (provider, method):
            payment.attempt += 1
            payment.trade_number = payment.number if payment.attempt == 1 \
                else f"{payment.number}{TRADE_SEPARATOR}{payment.attempt}"
        payment.provider, payment.method = provider, method
        payment.action = _action_dict(_open_trade(payment, client))
        payment.next_query_at = clock.now() + FIRST_QUERY_AFTER
        payment.save(update_fields=["provider", "method", "trade_number", "attempt", "action", "next_query_at"])
    return payment


def _retire_trade(payment: Payment) -> bool:
    """Before another trade is opened: capture the open one if it was paid, else close it. True if paid."""
    adapter, trade_number = get_provider(payment.provider), _trade_number(payment)
    try:
        result = adapter.query(payment_number=trade_number)
        if result.status == "paid":
            _capture_locked(payment, amount=result.amount, trade_no=result.trade_no, provider=payment.provider,
                            trade_number=trade_number)
            return True
        if result.status == "unpaid":
            adapter.close(payment_number=trade_number)
    except ProviderError as exc:
        logger.warning("%s could not retire %s: %s", payment.provider, trade_number, exc)
        raise Conflict(_("The previous payment method could not be cancelled yet. Try again in a moment."),
                       code="payment_switch_failed")
    return False


# ---------------------------------------------------------------- capture


@transaction.atomic
def payment_capture(*, payment_number: str, amount: int, trade_no: str = "", provider: str = "",
                    trade_number: str = "", payer: str = "") -> tuple[Payment, bool]:
    """Record that the provider has the money. Exactly once per payment, whatever the number of
    duplicate notifications and queries racing: the row lock orders them and only the first
    moves the status. Returns (payment, captured_now).

    `provider` and `trade_number` name the trade that was paid (the payment's current one by default).
    Money for a *second* trade of a captured payment (the shopper switched methods and paid both) is
    booked and refunded at once."""
    payment = Payment.objects.select_for_update().filter(number=payment_number).first()
    if payment is None:
        raise NotFound(_("Unknown payment."), code="payment_not_found")
    return payment, _capture_locked(payment, amount=amount, trade_no=trade_no, provider=provider,
                                    trade_number=trade_number, payer=payer)


def _capture_locked(payment: Payment, *, amount: int, trade_no: str, provider: str, trade_number: str,
                    payer: str = "") -> bool:
    if payment.amount != amount:
        raise BusinessRuleViolation(_("Amount mismatch."), code="amount_mismatch",
                                    fields={"amount": f"expected {payment.amount}, got {amount}"})
    provider, trade_number = provider or payment.provider, trade_number or _trade_number(payment)
    if not PAYMENT.can(payment.status, PaymentStatus.PAID):  # already captured: once only
        if (provider, trade_number) != (payment.provider, _trade_number(payment)):
            _refund_second_trade(payment, provider=provider, trade_number=trade_number, trade_no=trade_no)
        return False
    # A CLOSED payment can still be captured: the money arrived late; its owner refunds what it cannot use.
    payment.status, payment.paid_at, payment.provider_trade_no = PaymentStatus.PAID, clock.now(), trade_no[:64]
    payment.provider, payment.trade_number, payment.payer = provider, trade_number, payer[:64]
    payment.save(update_fields=["status", "paid_at", "provider_trade_no", "provider", "trade_number", "payer"])
    ledger_post(key=f"payment-capture:{payment.number}", kind="payment.capture", ref_type="payment",
                ref_id=payment.number, memo=payment.subject,
                entries=[Entry(provider_cash(payment.provider), payment.amount), Entry(CLEARING, -payment.amount)])
    publish(PaymentCaptured(payment_id=payment.pk, payment_number=payment.number, purpose=payment.purpose,
                            items=payment.items, user_id=payment.user_id))
    return True


def _refund_second_trade(payment: Payment, *, provider: str, trade_number: str, trade_no: str) -> None:
    """The same payment was paid twice, through two trades: book the second and send it back."""
    key = f"paid-twice:{provider}:{trade_number}"[:120]
    if Refund.objects.filter(key=key).exists():
        return
    logger.warning("payment %s paid twice: %s %s", payment.number, provider, trade_number)
    ledger_post(key=f"payment-capture:{provider}:{trade_number}", kind="payment.capture", ref_type="payment",
                ref_id=payment.number, memo=f"paid twice ({trade_no[:40]})",
                entries=[Entry(provider_cash(provider), payment.amount), Entry(CLEARING, -payment.amount)])
    refund = Refund.objects.create(payment=payment, amount=payment.amount, key=key, reason="paid twice",
                                   reference=payment.number, provider=provider, trade_number=trade_number)
    transaction.on_commit(lambda: refund_submit(refund_id=refund.pk))


# ---------------------------------------------------------------- notifications


def payment_notification_receive(*, provider: str, body: bytes = b"", headers: Mapping[str, str] | None = None,
                                 form: Mapping[str, str] | None = None, keep_rejected: bool = True) -> Answer:
    """Verify and apply one provider notification; answer what the provider expects.

    Bad signatures, unknown payments and amount mismatches are logged and change nothing; the
    provider is told "failure" and sends again later. What was handled (a capture, a duplicate, a
    status we ignore, a refund) is answered success, so the provider stops.
    """
    headers, form = headers or {}, form or {}
    adapter = get_provider(provider)
    hint = payment_number_of(_clean(form.get("out_trade_no", "")))[:32]
    try:
        note = adapter.verify_notification(body=body, headers=headers, form=form)
    except BadNotification as exc:
        _log_notification(provider, hint, body, headers, form, False, f"rejected: {exc}", keep=keep_rejected)
        return adapter.notification_answer(ok=False)
    number = payment_number_of(note.payment_number)[:32]
    if note.kind == "refund":
        ok, outcome = _apply_refund_notification(note)
    elif not note.paid:
        ok, outcome = True, "ignored: not a success status"
    else:
        try:
            _payment, captured = payment_capture(payment_number=number, amount=note.amount, trade_no=note.trade_no,
                                                 provider=provider, trade_number=note.payment_number,
                                                 payer=note.payer)
            ok, outcome = True, "captured" if captured else "duplicate"
        except (NotFound, BusinessRuleViolation) as exc:
            ok, outcome = False, f"rejected: {exc.code}"
    _log_notification(provider, number, body, headers, form, True, outcome, keep=ok or keep_rejected)
    return adapter.notification_answer(ok=ok)


def payment_handle_notification(*, provider: str, data: dict) -> str:
    """A form-encoded notification (the sandbox's, Alipay's): the answer's body ("success"/"failure")."""
    from urllib.parse import urlencode

    form = {str(k): str(v) for k, v in data.items()}
    return payment_notification_receive(provider=provider, body=urlencode(form).encode(),
                                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                                        form=form).body


def _apply_refund_notification(note: Notification) -> tuple[bool, str]:
    refund = Refund.objects.select_related("payment").filter(number=note.refund_number[:32]).first()
    if refund is None or refund.payment.number != payment_number_of(note.payment_number):
        return False, "rejected: refund_not_found"
    if note.amount and note.amount != refund.amount:
        return False, "rejected: amount_mismatch"
    if not note.refund_ok:
        if refund.status == RefundStatus.SUCCEEDED:
            return True, "ignored: refund already succeeded"
        _refund_failed(refund.pk, "the provider reports the refund failed")
        return True, "refund failed"
    return True, "refunded" if _refund_complete(refund.pk, provider_refund_no=note.trade_no) else "duplicate"


NOTIFICATION_MAX_FIELDS = 60
NOTIFICATION_MAX_TEXT = 4000


def _stored(body: bytes, headers: Mapping[str, str], form: Mapping[str, str]) -> dict:
    """What is kept of a notification: at most 60 form fields of 200 characters, or the first 4,000
    characters of another body (with the provider's signature headers): a few KB whatever arrives."""
    if form:
        kept = {_clean(k)[:64]: _clean(v) for k, v in list(form.items())[:NOTIFICATION_MAX_FIELDS]}
        if len(form) > NOTIFICATION_MAX_FIELDS:
            kept["_fields"] = str(len(form))
        return kept
    text = body[:NOTIFICATION_MAX_TEXT].decode("utf-8", errors="replace").replace("\x00", "\\0")
    kept = {"_body": text, "_bytes": str(len(body))}
    for name, value in list(headers.items())[:100]:
        if str(name).lower().startswith("wechatpay-"):
            kept[_clean(name)[:64]] = _clean(value)
    return kept


def _log_notification(provider, number, body, headers, form, ok: bool, outcome: str, *, keep: bool = True) -> None:
    if not ok or outcome.startswith("rejected"):
        logger.warning("payment notification %s from %s: %s", number, provider, outcome)
    if not keep:  # a flood of rejected requests from one address: logged above, not stored
        return
    PaymentNotification.objects.create(provider=provider[:20], payment_number=number, signature_ok=ok,
                                       outcome=outcome[:40], body=_stored(body, headers, form))


def payment_notification_refused(*, provider: str, reason: str, size: int, store: bool) -> None:
    """A request the notify endpoint refused before reading it (too large, too many fields): logged, and
    kept as a bare record while the sender is within its allowance."""
    logger.warning("payment notification for %s refused: %s (%d bytes)", provider, reason, size)
    if store:
        PaymentNotification.objects.create(provider=provider[:20], signature_ok=False, outcome=f"refused: {reason}"[:40],
                                           body={"_bytes": str(size)})


def _clean(value) -> str:
    """What we keep of a provider's field: at most 200 characters, no NUL (PostgreSQL refuses it), no
    lone surrogate (neither can be stored or encoded)."""
    text = str(value).replace("\x00", "\\0")[:200]
    return text.encode("utf-8", errors="replace").decode("utf-8")


def notifications_prune() -> int:
    """Sweep: forget notifications older than QUANZI_NOTIFICATION_RETENTION_DAYS (rejected ones after a
    tenth of it), a thousand at a time."""
    days = settings.QUANZI.get("NOTIFICATION_RETENTION_DAYS", 400)
    now = clock.now()
    old = PaymentNotification.objects.filter(
        Q(received_at__lt=now - dt.timedelta(days=days))
        | Q(received_at__lt=now - dt.timedelta(days=max(days // 10, 1)), signature_ok=False))
    ids = list(old.values_list("pk", flat=True)[:1000])
    return PaymentNotification.objects.filter(pk__in=ids).delete()[0] if ids else 0


# ---------------------------------------------------------------- asking and closing


def payment_sync(*, payment_number: str) -> Payment:
    """Ask the provider (the shopper came back, or a sweep polls). Captures if it says paid."""
    payment = Payment.objects.filter(number=payment_number).first()
    if payment is None:
        raise NotFound(_("Unknown payment."), code="payment_not_found")
    if payment.status == PaymentStatus.PAID or not payment.provider or not payment.trade_number:
        return payment
    trade_number = payment.trade_number
    try:
        result = get_provider(payment.provider).query(payment_number=trade_number)
    except ProviderError as exc:
        logger.warning("%s query %s failed: %s", payment.provider, trade_number, exc)
        return payment
    if result.status == "paid":
        payment, _captured = payment_capture(payment_number=payment.number, amount=result.amount,
                                             trade_no=result.trade_no, provider=payment.provider,
                                             trade_number=trade_number)
    return payment


def payment_lock(*, payment_number: str) -> Payment | None:
    """Take the payment's row lock inside the caller's transaction (see orders' lock order)."""
    return Payment.objects.select_for_update().filter(number=payment_number).first()


@transaction.atomic
def payment_close(*, payment_number: str) -> bool:
    """Close an unpaid payment at the provider and here (its items were cancelled or expired). If the
    provider cannot be reached the payment is closed here anyway: money that still arrives is captured
    late and refunded by its owner."""
    payment = Payment.objects.select_for_update().filter(number=payment_number).first()
    if payment is None or not PAYMENT.can(payment.status, PaymentStatus.CLOSED):
        return False
    if payment.provider and payment.trade_number:
        try:
            get_provider(payment.provider).close(payment_number=payment.trade_number)
        except ProviderError as exc:
            logger.warning("%s close %s failed: %s", payment.provider, payment.trade_number, exc)
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
    trade_number = _trade_number(payment)
    # failed ones are retried, so they count; refunds of a second trade (paid twice) do not
    refunded = payment.refunds.filter(trade_number__in=["", trade_number]).aggregate(s=Sum("amount"))["s"] or 0
    if refunded + amount > payment.amount:
        raise BusinessRuleViolation(_("You cannot refund more than was paid."), code="refund_exceeds_paid",
                                    fields={"amount": f"at most {payment.amount - refunded}"})
    refund = Refund.objects.create(payment=payment, amount=amount, key=key[:120], reason=reason[:200],
                                   reference=reference[:60], provider=payment.provider, trade_number=trade_number)
    transaction.on_commit(lambda: refund_submit(refund_id=refund.pk))
    return refund


def refund_submit(*, refund_id: int) -> Refund:
    """Send a refund to the provider — or, once it accepted the refund without finishing it, ask how it
    went (`refund_query`). Safe to repeat: the provider dedupes by refund number."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status in REFUND.final_states:
        return refund
    payment = refund.payment
    adapter = get_provider(refund.provider or payment.provider)
    trade_number = refund.trade_number or _trade_number(payment)
    total = payment.amount
    try:
        if refund.accepted_at is not None and refund.status == RefundStatus.PENDING:
            result = adapter.refund_query(payment_number=trade_number, refund_number=refund.number)
        else:
            result = adapter.refund(payment_number=trade_number, refund_number=refund.number, amount=refund.amount,
                                    total=total, reason=refund.reason)
    except ProviderError as exc:
        result = RefundResult(ok=False, error=str(exc) or "provider error")
    return _refund_apply(refund_id, result)


def _refund_apply(refund_id: int, result: RefundResult) -> Refund:
    if result.ok and not result.pending:
        _refund_complete(refund_id, provider_refund_no=result.provider_refund_no, count_attempt=True)
        return Refund.objects.get(pk=refund_id)
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status in REFUND.final_states:  # a racing submission or notification got there first
            return refund
        refund.attempts += 1
        if result.ok:  # accepted, still processing: the sweep asks again (or its notification arrives)
            refund.accepted_at = refund.accepted_at or clock.now()
            refund.provider_refund_no = (result.provider_refund_no or refund.provider_refund_no)[:64]
            refund.save(update_fields=["attempts", "accepted_at", "provider_refund_no"])
            return refund
        refund.status, refund.last_error, refund.accepted_at = RefundStatus.FAILED, result.error[:200], None
        refund.save(update_fields=["status", "attempts", "last_error", "accepted_at"])
        logger.warning("refund %s failed: %s", refund.number, result.error)
        return refund


def _refund_failed(refund_id: int, error: str) -> None:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status in REFUND.final_states:
            return
        refund.status, refund.last_error, refund.accepted_at = RefundStatus.FAILED, error[:200], None
        refund.save(update_fields=["status", "last_error", "accepted_at"])


@transaction.atomic
def _refund_complete(refund_id: int, *, provider_refund_no: str = "", count_attempt: bool = False) -> bool:
    """The provider confirmed the refund: succeeded, posted and published, exactly once. True if now."""
    refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
    if refund.status in REFUND.final_states:
        return False
    refund.attempts += 1 if count_attempt else 0
    refund.status, refund.succeeded_at = RefundStatus.SUCCEEDED, clock.now()
    refund.provider_refund_no = (provider_refund_no or refund.provider_refund_no)[:64]
    refund.save(update_fields=["status", "attempts", "succeeded_at", "provider_refund_no"])
    provider = refund.provider or refund.payment.provider
    ledger_post(key=f"refund:{refund.number}", kind="payment.refund", ref_type="refund", ref_id=refund.number,
                memo=refund.reason, entries=[Entry(CLEARING, refund.amount), Entry(provider_cash(provider), -refund.amount)])
    publish(RefundSucceeded(refund_id=refund.pk, payment_number=refund.payment.number,
                            reference=refund.reference, amount=refund.amount))
    return True


def refunds_submit_pending() -> int:
    """Submit every refund still pending now, without waiting for the retry sweep (the demo seed; tests,
    whose transaction never commits, so the after-commit submission never runs). Returns how many succeeded."""
    pending = list(Refund.objects.filter(status=RefundStatus.PENDING).values_list("pk", flat=True))
    return sum(refund_submit(refund_id=refund_id).status == RefundStatus.SUCCEEDED for refund_id in pending)


def refunds_retry() -> int:
    """Sweep: a minute on, ask about refunds the provider accepted but has not finished
    (`refund_query`), and resubmit pending or failed ones (provider was down), up to 20 attempts."""
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
    due = Payment.objects.filter(status=PaymentStatus.CREATED, next_query_at__lte=now, expires_at__gt=now) \
        .exclude(trade_number="")
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
