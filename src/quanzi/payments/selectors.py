"""Payment reads for other apps (orders, promotions) and the pages: by payment number."""

from __future__ import annotations

from quanzi.payments.models import Payment


def payment_get(*, number: str) -> Payment | None:
    """The payment with this number, or None."""
    return Payment.objects.filter(number=number).first() if number else None


def payments_by_number(*, numbers) -> dict[str, Payment]:
    """Payments by number (one query); unknown numbers are left out."""
    return {p.number: p for p in Payment.objects.filter(number__in=set(numbers))}


# ---- public interface used by commission (fraud signals)

def payers_by_number(*, numbers) -> dict[str, str]:
    """{payment number: the payer account it was paid from} for providers that report one; {} while
    payments record no payer (no provider reports it today), so callers need not know the field."""
    if not any(f.name == "payer" for f in Payment._meta.get_fields()):
        return {}
    numbers = {n for n in numbers if n}
    return {n: str(p or "") for n, p in Payment.objects.filter(number__in=numbers).values_list("number", "payer")}


# ---- public interface used by reconciliation (a provider's daily bill against our records)

def payments_captured_between(*, provider: str, start, end) -> list[Payment]:
    """Payments captured through this provider whose capture (`paid_at`) falls in [start, end), in capture order."""
    from quanzi.payments.constants import PaymentStatus

    return list(Payment.objects.filter(provider=provider, status=PaymentStatus.PAID, paid_at__gte=start,
                                       paid_at__lt=end).defer("items", "action").order_by("paid_at", "id"))


def _refunds_of(provider: str):
    """Refunds made through this provider (older refunds name no provider: their payment's)."""
    from django.db.models import Q

    from quanzi.payments.models import Refund

    return Refund.objects.filter(Q(provider=provider) | Q(provider="", payment__provider=provider)) \
        .select_related("payment").defer("payment__items", "payment__action")


def refunds_succeeded_between(*, provider: str, start, end) -> list:
    """Succeeded refunds through this provider whose success (`succeeded_at`) falls in [start, end),
    their payments joined."""
    from quanzi.payments.constants import RefundStatus

    return list(_refunds_of(provider).filter(status=RefundStatus.SUCCEEDED, succeeded_at__gte=start,
                                             succeeded_at__lt=end).order_by("succeeded_at", "id"))


def refunds_by_number(*, numbers) -> dict:
    """Refunds by number, their payments joined (one query); unknown numbers are left out."""
    from quanzi.payments.models import Refund

    numbers = {n for n in numbers if n}
    return {r.number: r for r in Refund.objects.filter(number__in=numbers).select_related("payment")
            .defer("payment__items", "payment__action")}


def second_trades(*, provider: str, trade_numbers=None, start=None, end=None) -> list:
    """Second trades of captured payments that were paid too (the shopper switched methods and paid
    both), through this provider: the refunds that send them back (`trade_number` is not the payment's
    captured trade), of these trade numbers or created in [start, end)."""
    from django.db.models import F

    qs = _refunds_of(provider).exclude(trade_number="").exclude(trade_number=F("payment__trade_number"))
    if trade_numbers is not None:
        qs = qs.filter(trade_number__in={t for t in trade_numbers if t})
    if start is not None:
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    return list(qs.order_by("created_at", "id"))


def provider_codes_enabled() -> list[str]:
    """The enabled providers' codes (QUANZI_PAYMENT_PROVIDERS, registered ones only)."""
    from quanzi.payments.cashier import enabled_codes

    return enabled_codes()


def provider_codes_used_between(*, start, end) -> set[str]:
    """Providers that captured a payment, or completed a refund, in [start, end) — enabled or not any more."""
    from quanzi.payments.constants import PaymentStatus, RefundStatus
    from quanzi.payments.models import Refund

    used = set(Payment.objects.filter(status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=end)
               .values_list("provider", flat=True).distinct())
    used |= set(Refund.objects.filter(status=RefundStatus.SUCCEEDED, succeeded_at__gte=start, succeeded_at__lt=end)
                .values_list("provider", flat=True).distinct())
    return {code for code in used if code}
