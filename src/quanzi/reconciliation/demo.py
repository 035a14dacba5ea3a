"""Demo data of reconciliation (quanzi.core.seeding), on top of the shop seed.

Yesterday's bill of the sandbox provider, reconciled with Quanzi's books, so the operator page
(/admin/reconciliation/) shows one completed run and the to-do link on the admin index has something to
do. The sandbox's bill is its own books (the trades its cashier was paid, the refunds it made), so the
shop seed's payments of yesterday match; two things went wrong on purpose, made through the payments
services and the sandbox at past moments of the clock:

- 小圈 paid ¥49.00 at the sandbox cashier at 20:02 and the notification was lost on the way: the
  provider has the money, Quanzi's payment still waits (status differs; the payments' query sweep
  captures it later, as it would in production — the operator then resolves the mismatch);
- Quanzi captured a ¥33.00 payment at 14:05 whose trade the sandbox never billed (a notification
  replayed from another environment, say): missing at the provider.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.seeding import DemoSeeder

PROVIDER = "sandbox"
PURPOSE = "reconciliation-demo"  # no app owns it: a capture of it moves nothing but the ledger
LOST_NOTIFICATION = 4900
NOT_BILLED = 3300


def reconciliation_present(ctx) -> bool:
    from quanzi.reconciliation.models import ReconciliationRun

    return ReconciliationRun.objects.exists()


def seed_reconciliation(ctx) -> dict[str, Any] | None:
    from quanzi.payments.providers import payment_providers
    from quanzi.reconciliation import services

    shopper = ctx.demo_shopper()
    if shopper is None or payment_providers.get(PROVIDER) is None:
        return None
    day = services.local_today(ctx.t0) - dt.timedelta(days=1)
    lost = _lost_notification(ctx, shopper, day)
    not_billed = _not_billed(ctx, shopper, day)
    run = services.reconcile(provider=PROVIDER, day=day, force=True)
    counts = {"day": day.isoformat(), "mismatches": run.mismatches_found, "lost": lost, "not billed": not_billed}
    ctx.log(f"  reconciliation: {counts}")
    return {"runs": 1, "mismatches": run.mismatches_found}


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    from quanzi.reconciliation.services import TZ

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def _lost_notification(ctx, shopper, day: dt.date) -> str:
    """Paid at the sandbox cashier; the sandbox believes it told Quanzi, Quanzi never heard."""
    from quanzi.payments.demo import sandbox_trade_mark_notified
    from quanzi.payments.providers.sandbox import SandboxProvider
    from quanzi.payments.services import payment_create

    with ctx.at(_at(day, 20, 0)):
        payment = payment_create(user=shopper, purpose=PURPOSE, subject="对账演示 · 通知丢失", provider=PROVIDER,
                                 items=[{"ref": "lost-notification", "amount": LOST_NOTIFICATION}])
    with ctx.at(_at(day, 20, 2)):
        trade = SandboxProvider().pay(out_trade_no=payment.number)
        sandbox_trade_mark_notified(trade_id=trade.pk)
    return payment.number


def _not_billed(ctx, shopper, day: dt.date) -> str:
    """Captured by Quanzi; the sandbox's trade was never paid, so its bill does not list it."""
    from quanzi.payments.services import payment_capture, payment_create

    with ctx.at(_at(day, 14, 0)):
        payment = payment_create(user=shopper, purpose=PURPOSE, subject="对账演示 · 渠道无此笔", provider=PROVIDER,
                                 items=[{"ref": "not-billed", "amount": NOT_BILLED}])
    with ctx.at(_at(day, 14, 5)):
        payment_capture(payment_number=payment.number, amount=NOT_BILLED, trade_no="SBX-REPLAYED")
    return payment.number


seeder = DemoSeeder(key="reconciliation", run=seed_reconciliation, present=reconciliation_present,
                    label="reconciliation")
