"""Personal data held by payments. Payments are kept after deletion (accounting), linked to the
pseudonymised user row; the provider's buyer id is emptied."""

from quanzi.core.personal_data import declare, rows
from quanzi.payments.models import Payment


def export(user) -> dict:
    return {"payments": rows(Payment.objects.filter(user=user).order_by("-created_at"), "number", "provider",
                             "subject", "amount", "currency", "status", "created_at", "paid_at")}


def erase(user) -> None:
    Payment.objects.filter(user=user).exclude(payer="").update(payer="")


declare(
    app="payments",
    personal={"payments.Payment.user": "link", "payments.Payment.payer": "financial"},
    not_personal={
        "payments.Payment.action": "how to pay: the provider's URL and parameters (trade numbers, amounts)",
        "payments.Payment.items": "order numbers and amounts the payment covers",
        "payments.Refund.reason": "why the system refunded (a code-made text)",
        "payments.PaymentNotification.body": "the provider's signed notification, kept for the notification "
                                             "retention period (QUANZI_NOTIFICATION_RETENTION_DAYS) then pruned",
    },
    export=export, erase=erase,
)
