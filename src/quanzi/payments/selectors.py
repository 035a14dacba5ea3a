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
