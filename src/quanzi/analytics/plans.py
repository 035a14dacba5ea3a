"""The data plan: merchants pay for the full data reports (the seeds' value-added data service).

A shop without a plan sees its last 7 days of basic sales (`FREE_DAYS`); a plan unlocks ranges up to a
year, funnels, cohorts, repurchase, the channel mix over any range and CSV exports. Buying goes through
the normal cashier: `plan_start` opens a payment with purpose `data_plan`; the `payment.captured`
subscriber (in the payment's transaction) activates it exactly once and books the price as platform
revenue (`clearing → revenue:services`), so it shows in the operator's revenue report.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.analytics import accounts as acct
from quanzi.analytics.constants import PLAN_PURPOSE, PLANS
from quanzi.analytics.models import DataPlan
from quanzi.core import clock
from quanzi.core.errors import NotFound, ValidationFailed
from quanzi.ledger.services import Entry, ledger_post
from quanzi.payments.services import payment_create

PAID = "paid"


def _shop_of(user):
    from quanzi.shops.selectors import shop_for_owner

    shop = shop_for_owner(user=user)
    if shop is None:
        raise NotFound(_("You have no shop."), code="shop_not_found")
    return shop


@transaction.atomic
def plan_start(*, user, period: str):
    """The shop's owner buys a month or a year of data reports: returns (plan, payment) — pay at the cashier."""
    if period not in PLANS:
        raise ValidationFailed(_("Choose a monthly or a yearly plan."), code="invalid_plan",
                               fields={"period": str(period)[:10]})
    shop = _shop_of(user)
    price, _days = PLANS[period]
    plan = DataPlan.objects.create(shop=shop, user=user, period=period, amount=price, created_at=clock.now())
    payment = payment_create(user=user, purpose=PLAN_PURPOSE, items=[{"ref": plan.number, "amount": price}],
                             subject=_("Data reports plan"))
    plan.payment_number = payment.number
    plan.save(update_fields=["payment_number"])
    return plan, payment


def _current_end(shop_id: int, now: dt.datetime) -> dt.datetime:
    ends = (DataPlan.objects.filter(shop_id=shop_id, status=PAID, ends_at__gt=now)
            .order_by("-ends_at").values_list("ends_at", flat=True).first())
    return ends or now


@transaction.atomic
def plan_activate(*, plan_number: str, payment_number: str, amount: int) -> bool:
    """`payment.captured` for a plan: it runs from now (or from the end of the shop's running plan) for its
    days, and its price becomes platform revenue. Exactly once; returns whether it activated now."""
    plan = DataPlan.objects.select_for_update().filter(number=plan_number, payment_number=payment_number).first()
    if plan is None or plan.status == PAID or plan.amount != amount:
        return False
    now = clock.now()
    plan.starts_at = _current_end(plan.shop_id, now)
    plan.ends_at = plan.starts_at + dt.timedelta(days=PLANS[plan.period][1])
    plan.status, plan.paid_at = PAID, now
    plan.save(update_fields=["starts_at", "ends_at", "status", "paid_at"])
    ledger_post(key=f"data-plan:{plan.number}", kind="services.data_plan", ref_type="data_plan", ref_id=plan.number,
                entries=[Entry(acct.CLEARING, amount), Entry(acct.SERVICES_REVENUE, -amount)])
    return True


def active_plan(*, shop_id: int) -> DataPlan | None:
    """The shop's plan running now (the one ending last), or None: the free tier."""
    now = clock.now()
    return (DataPlan.objects.filter(shop_id=shop_id, status=PAID, starts_at__lte=now, ends_at__gt=now)
            .order_by("-ends_at").first())


def plans_of(*, shop_id: int) -> list[DataPlan]:
    return list(DataPlan.objects.filter(shop_id=shop_id, status=PAID).order_by("-paid_at")[:12])
