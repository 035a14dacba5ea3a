"""Event subscribers of guarantees. A paid deposit is credited inside the payment's transaction
(`in_transaction=True`): the deposit and its ledger posting commit or roll back with the capture."""

from __future__ import annotations

from quanzi.core.events import subscribe
from quanzi.guarantees import services
from quanzi.guarantees.constants import DEPOSIT_PURPOSE
from quanzi.payments.events import PaymentCaptured


def deposit_return(payment) -> str:
    """After paying a deposit at the cashier: back to the console's guarantees page."""
    from django.urls import reverse

    return reverse("guarantees:merchant")


@subscribe(PaymentCaptured, in_transaction=True)
def credit_deposit(event: PaymentCaptured) -> None:
    if event.purpose != DEPOSIT_PURPOSE:
        return
    for item in event.items:
        services.deposit_credit(deposit_number=item["ref"], payment_number=event.payment_number,
                                amount=int(item["amount"]))
