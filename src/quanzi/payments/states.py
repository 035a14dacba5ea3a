"""The payment and refund state machines (core.states).

A payment waits, is paid or closed; a closed payment can still be captured when the money arrives
late (its owner then refunds what it cannot use). A refund is pending until the provider confirms
it; a failed one is retried until it succeeds. Captures and submissions are idempotent, so the
services ask `can()` and return quietly instead of raising.
"""

from __future__ import annotations

from quanzi.core.states import StateMachine
from quanzi.payments.constants import PaymentStatus as P
from quanzi.payments.constants import RefundStatus as R

PAYMENT = StateMachine("payment", {
    P.CREATED: {P.PAID, P.CLOSED},
    P.CLOSED: {P.PAID},
    P.PAID: set(),
}, code="invalid_payment_state")

REFUND = StateMachine("refund", {
    R.PENDING: {R.SUCCEEDED, R.FAILED},
    R.FAILED: {R.SUCCEEDED, R.FAILED},
    R.SUCCEEDED: set(),
}, code="invalid_refund_state")
