"""Every state change of guarantees: opting in, paying the deposit, filing, answering and deciding claims,
paying them through the ledger, and suspending a shop after repeated verified counterfeits.

Locks, in this order: the claim row, then the shop's `ShopDeposit` row, then (suspension) the shop row. Every
movement of a shop's deposit happens under its `ShopDeposit` lock, so the balance read from the ledger there
is the balance the payout takes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationFailed
from quanzi.core.images import save_product_image
from quanzi.core.money import format_yuan
from quanzi.core.text import check_text
from quanzi.guarantees import accounts as acct
from quanzi.guarantees import rules
from quanzi.guarantees.constants import (
    ANSWER_HOURS,
    DEPOSIT_MAX,
    DEPOSIT_PURPOSE,
    MAX_PHOTOS,
    MIN_DEPOSIT,
    SHIP_HOURS,
    SUSPEND_AFTER,
    SUSPEND_WINDOW_DAYS,
    ClaimStatus,
    DepositStatus,
    GuaranteeKind,
)
from quanzi.guarantees.models import Claim, ClaimEvent, ClaimPhoto, DepositPayment, Guarantee, ShopDeposit
from quanzi.guarantees.selectors import deposit_balance
from quanzi.guarantees.states import CLAIM, DEPOSIT_PAYMENT
from quanzi.ledger.services import Entry, ledger_post
from quanzi.orders.constants import OrderStatus
from quanzi.orders.selectors import order_line_for_buyer
from quanzi.payments.services import payment_create
from quanzi.shops.constants import ShopStatus
from quanzi.shops.selectors import shop_for_owner, shop_get
from quanzi.shops.services import shop_suspend

RECEIVED = (OrderStatus.DELIVERED, OrderStatus.COMPLETED)
PAID_ORDER = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED)
DESCRIPTION_MAX = 1000
NOTE_MAX = 500


def merchant_shop(user):
    """The shop the user owns (403 `no_shop` otherwise)."""
    shop = shop_for_owner(user=user) if user is not None and user.is_authenticated else None
    if shop is None:
        raise Forbidden(_("Open a shop first."), code="no_shop")
    return shop


def _kind(kind) -> str:
    if kind not in GuaranteeKind.values:
        raise ValidationFailed(_("Choose one of the guarantees."), code="invalid_kind", fields={"kind": "invalid"})
    return str(kind)


def _text(value, *, field: str, limit: int, required: bool) -> str:
    text = check_text(str(value or ""), field).strip()
    if required and len(text) < 2:
        raise ValidationFailed(_("Write a few words."), code="text_required", fields={field: "required"})
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, code="text_too_long",
                               fields={field: f"max {limit}"})
    return text


def _lock_deposit(shop_id: int) -> ShopDeposit:
    ShopDeposit.objects.get_or_create(shop_id=shop_id)
    return ShopDeposit.objects.select_for_update().get(shop_id=shop_id)


# ---------------------------------------------------------------- merchant: opt in and pay the deposit

@transaction.atomic
def guarantee_opt_in(*, user, kind: str) -> Guarantee:
    """The shop's owner makes a promise; it shows to shoppers once the deposit covers all its promises.
    Opting in twice is the same promise (returned as it is)."""
    shop = merchant_shop(user)
    kind = _kind(kind)
    if shop.status != ShopStatus.APPROVED:
        raise BusinessRuleViolation(_("Only a shop that may sell can make guarantees."), code="shop_not_selling")
    _lock_deposit(shop.pk)
    guarantee, _created = Guarantee.objects.get_or_create(
        shop=shop, kind=kind, defaults={"deposit_required": MIN_DEPOSIT[kind], "opted_in_at": clock.now()})
    return guarantee


def deposit_required(*, shop_id: int) -> int:
    return sum(Guarantee.objects.filter(shop_id=shop_id).values_list("deposit_required", flat=True))


@transaction.atomic
def deposit_start(*, user, amount) -> tuple[DepositPayment, object]:
    """Open a payment (purpose `guarantee_deposit`) that credits the shop's deposit when captured.
    At least what the deposit lacks for the shop's promises (or ¥1 when it lacks nothing). Returns
    (deposit payment, payment): pay at the cashier."""
    shop = merchant_shop(user)
    if not Guarantee.objects.filter(shop=shop).exists():
        raise BusinessRuleViolation(_("Choose a guarantee first."), code="no_guarantee")
    lacking = max(0, deposit_required(shop_id=shop.pk) - deposit_balance(shop_id=shop.pk))
    least = max(lacking, 100)
    if isinstance(amount, bool) or not isinstance(amount, int) or not least <= amount <= DEPOSIT_MAX:
        raise ValidationFailed(_("Pay between %(a)s and %(b)s.") % {"a": "¥" + format_yuan(least),
                                                                    "b": "¥" + format_yuan(DEPOSIT_MAX)},
                               code="invalid_amount", fields={"amount": f"{least}..{DEPOSIT_MAX}"})
    row = DepositPayment.objects.create(shop=shop, user=user, amount=amount, created_at=clock.now())
    payment = payment_create(user=user, purpose=DEPOSIT_PURPOSE, items=[{"ref": row.number, "amount": amount}],
                             subject=_("Guarantee deposit"))
    row.payment_number = payment.number
    row.save(update_fields=["payment_number"])
    return row, payment


@transaction.atomic
def deposit_credit(*, deposit_number: str, payment_number: str, amount: int) -> bool:
    """`payment.captured` for a deposit: clearing → the shop's deposit, exactly once. Returns whether it
    credited now."""
    row = DepositPayment.objects.select_for_update().filter(number=deposit_number,
                                                            payment_number=payment_number).first()
    if row is None or row.status == DepositStatus.PAID or row.amount != amount:
        return False
    _lock_deposit(row.shop_id)
    DEPOSIT_PAYMENT.check(row.status, DepositStatus.PAID)
    now = clock.now()
    row.status, row.paid_at = DepositStatus.PAID, now
    row.save(update_fields=["status", "paid_at"])
    ledger_post(key=f"guarantee-deposit:{row.number}", kind="guarantees.deposit", ref_type="guarantee_deposit",
                ref_id=row.number, entries=[Entry(acct.CLEARING, amount), Entry(acct.guarantee_deposit(row.shop_id),
                                                                                -amount)])
    ShopDeposit.objects.filter(shop_id=row.shop_id).update(paid_in=F("paid_in") + amount, updated_at=now)
    return True


# ---------------------------------------------------------------- buyer: file a claim

def _event(claim: Claim, message: str, *, params: dict | None = None, note: str = "") -> None:
    ClaimEvent.objects.create(claim=claim, status=claim.status, message=message, params=params or {}, note=note,
                              created_at=clock.now())


def _eligible(line, kind: str, guarantee: Guarantee | None) -> None:
    order = line.order
    if guarantee is None or order.paid_at is None or guarantee.opted_in_at > order.paid_at:
        raise BusinessRuleViolation(_("This shop did not offer that guarantee when you bought this."),
                                    code="no_guarantee", fields={"kind": kind})
    if kind == GuaranteeKind.SHIP_ON_TIME:
        shipped = order.shipped_at or clock.now()
        if order.status not in PAID_ORDER or shipped - order.paid_at <= dt.timedelta(hours=SHIP_HOURS):
            raise BusinessRuleViolation(_("The parcel was shipped within %(h)d hours.") % {"h": SHIP_HOURS},
                                        code="shipped_on_time")
    elif order.status not in RECEIVED:
        raise BusinessRuleViolation(_("You can claim once the parcel has been delivered."), code="not_delivered")


def _check_photos(photos: Sequence, kind: str) -> list:
    photos = [p for p in (photos or []) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="too_many_images",
                               fields={"photos": f"max {MAX_PHOTOS}"})
    if kind == GuaranteeKind.COUNTERFEIT and not photos:
        raise ValidationFailed(_("Add at least one photo of the item as evidence."), code="photos_required",
                               fields={"photos": "required"})
    return photos


def claim_file(*, user, line_id, kind, description, photos: Sequence = ()) -> Claim:
    """A buyer claims under the shop's guarantee for one line of their own order (anybody else's line is a
    404), with a reason, a description and evidence photos (verified images; anything else is a 400).
    One claim per line and reason (409 `claim_exists`)."""
    kind = _kind(kind)
    description = _text(description, field="description", limit=DESCRIPTION_MAX, required=True)
    photos = _check_photos(photos, kind)
    if isinstance(line_id, bool) or not isinstance(line_id, int) or not 0 < line_id < 2**62:
        raise NotFound(_("Order line not found."), code="line_not_found")
    line = order_line_for_buyer(user=user, line_id=line_id)
    if line is None:
        raise NotFound(_("Order line not found."), code="line_not_found")
    _claimable(line, kind)  # refused before a photo is stored …
    stored = [save_product_image(p, folder="claims") for p in photos]  # … and photos verified before a row is written
    return _claim_create(user, line, kind, description, stored)


def _duplicate() -> Conflict:
    return Conflict(_("You already filed a claim for this item with this reason."), code="claim_exists",
                    fields={"line_id": "claimed"})


def _claimable(line, kind: str) -> tuple[Guarantee, int]:
    """The promise the claim is made under and the most it can pay; a domain error when there is no claim."""
    guarantee = Guarantee.objects.filter(shop_id=line.order.shop_id, kind=kind).first()
    _eligible(line, kind, guarantee)
    if Claim.objects.filter(line=line, kind=kind).exists():
        raise _duplicate()
    cap = rules.claim_cap(kind=kind, line_paid=line.line_total, refunded=line.refunded_amount,
                          deposit_required=guarantee.deposit_required)
    if cap <= 0:
        raise BusinessRuleViolation(_("This item has been refunded in full."), code="nothing_to_claim")
    return guarantee, cap


@transaction.atomic
def _claim_create(user, line, kind: str, description: str, stored: list[tuple[str, str]]) -> Claim:
    _guarantee, cap = _claimable(line, kind)
    now = clock.now()
    try:
        with transaction.atomic():
            claim = Claim.objects.create(buyer=user, shop_id=line.order.shop_id, line=line,
                                         order_number=line.order.number, kind=kind, description=description,
                                         line_paid=line.line_total, cap=cap, created_at=now,
                                         answer_deadline=now + dt.timedelta(hours=ANSWER_HOURS))
    except IntegrityError:  # a concurrent twin of the same claim
        raise _duplicate() from None
    ClaimPhoto.objects.bulk_create([ClaimPhoto(claim=claim, image=full, thumb=thumb, sort=n)
                                    for n, (full, thumb) in enumerate(stored)])
    _event(claim, gettext_noop("Claim filed"))
    return claim


# ---------------------------------------------------------------- merchant: answer

def _lock_claim(number: str, **scope) -> Claim:
    claim = Claim.objects.select_for_update().filter(number=str(number)[:24], **scope).first()
    if claim is None:
        raise NotFound(_("Claim not found."), code="claim_not_found")
    return claim


@transaction.atomic
def claim_answer(*, user, number: str, accept: bool, note: str = "") -> Claim:
    """The shop accepts the claim or contests it with a note, before the deadline; the operator decides
    either way. Another shop's claim is a 404; a second answer is a 409."""
    shop = merchant_shop(user)
    note = _text(note, field="note", limit=NOTE_MAX, required=not accept)
    claim = _lock_claim(number, shop=shop)
    target = ClaimStatus.ACCEPTED if accept else ClaimStatus.CONTESTED
    CLAIM.check(claim.status, target)
    if clock.now() > claim.answer_deadline:
        raise BusinessRuleViolation(_("The time to answer this claim is over."), code="answer_too_late")
    claim.status, claim.merchant_note, claim.answered_at = target, note, clock.now()
    claim.save(update_fields=["status", "merchant_note", "answered_at"])
    _event(claim, gettext_noop("The merchant accepted the claim") if accept
           else gettext_noop("The merchant contested the claim"), note=note)
    return claim


def claims_due_to_lapse(*, limit: int = 500) -> list[int]:
    return list(Claim.objects.filter(status=ClaimStatus.FILED, answer_deadline__lt=clock.now())
                .order_by("answer_deadline").values_list("pk", flat=True)[:limit])


@transaction.atomic
def claim_lapse(*, claim_id: int) -> bool:
    """The merchant did not answer in time: the claim goes to the operator. Returns whether it moved now."""
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None or claim.status != ClaimStatus.FILED or claim.answer_deadline >= clock.now():
        return False
    claim.status = ClaimStatus.LAPSED
    claim.save(update_fields=["status"])
    _event(claim, gettext_noop("The merchant did not answer in time"))
    return True


# ---------------------------------------------------------------- operator: decide, pay

def _amount(value, cap: int) -> int:
    amount = cap if value is None else value
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= cap:
        raise ValidationFailed(_("Pay between ¥0.01 and %(cap)s.") % {"cap": "¥" + format_yuan(cap)},
                               code="invalid_amount", fields={"amount": f"1..{cap}"})
    return amount


@transaction.atomic
def claim_decide(*, operator, number: str, decision: str, amount: int | None = None, note: str = "") -> Claim:
    """The operator upholds the claim (with an amount up to its cap; the cap when none is given) and it is
    paid at once, or rejects it. Exactly once: the claim's row lock and state machine make a second or racing
    decision a 409, and the ledger posting's key is the claim's."""
    if operator is None or not getattr(operator, "is_staff", False):
        raise NotFound(_("Claim not found."), code="claim_not_found")
    if decision not in ("upheld", "rejected"):
        raise ValidationFailed(_("Uphold or reject the claim."), code="invalid_decision", fields={"decision": "invalid"})
    note = _text(note, field="note", limit=NOTE_MAX, required=decision == "rejected")
    claim = _lock_claim(number)
    now = clock.now()
    if claim.status == ClaimStatus.FILED:
        if now <= claim.answer_deadline:
            raise BusinessRuleViolation(_("The merchant may still answer this claim."), code="awaiting_merchant")
        claim.status = ClaimStatus.LAPSED  # the deadline passed and the sweep has not run yet
        _event(claim, gettext_noop("The merchant did not answer in time"))
    CLAIM.check(claim.status, decision)
    claim.decided_by, claim.decided_at, claim.decision_note = operator, now, note
    if decision == "rejected":
        claim.status = ClaimStatus.REJECTED
        claim.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _event(claim, gettext_noop("Claim rejected"), note=note)
        return claim
    paying = _amount(amount, claim.cap)
    claim.status = ClaimStatus.UPHELD
    _event(claim, gettext_noop("Claim upheld: %(amount)s to pay"), params={"amount": "¥" + format_yuan(paying)},
           note=note)
    _pay(claim, paying, now)
    return claim


def _pay(claim: Claim, amount: int, now) -> None:
    """The deposit pays as far as it holds, the platform's guarantee fund the rest, into the buyer's wallet."""
    _lock_deposit(claim.shop_id)
    from_deposit, from_fund = rules.split_payout(amount=amount, deposit_balance=deposit_balance(shop_id=claim.shop_id))
    ledger_post(key=f"guarantee-claim:{claim.number}", kind="guarantees.claim", ref_type="guarantee_claim",
                ref_id=claim.number, entries=[Entry(acct.guarantee_deposit(claim.shop_id), from_deposit),
                                              Entry(acct.GUARANTEE_FUND, from_fund),
                                              Entry(acct.wallet_available(claim.buyer_id), -amount)])
    ShopDeposit.objects.filter(shop_id=claim.shop_id).update(paid_out=F("paid_out") + from_deposit, updated_at=now)
    CLAIM.check(claim.status, ClaimStatus.PAID)
    claim.status, claim.amount, claim.from_deposit, claim.from_fund, claim.paid_at = (
        ClaimStatus.PAID, amount, from_deposit, from_fund, now)
    claim.save(update_fields=["status", "amount", "from_deposit", "from_fund", "paid_at", "decided_by", "decided_at",
                              "decision_note"])
    _event(claim, gettext_noop("Paid %(amount)s to your wallet"), params={"amount": "¥" + format_yuan(amount)})
    if claim.kind == GuaranteeKind.COUNTERFEIT:
        _suspend_if_repeated(claim.shop_id, now)


def _suspend_if_repeated(shop_id: int, now) -> None:
    """SUSPEND_AFTER upheld counterfeit claims within SUSPEND_WINDOW_DAYS: the shop is suspended (the shops
    app's review; the operator can approve it again)."""
    upheld = Claim.objects.filter(shop_id=shop_id, kind=GuaranteeKind.COUNTERFEIT, status=ClaimStatus.PAID,
                                  paid_at__gte=now - dt.timedelta(days=SUSPEND_WINDOW_DAYS)).count()
    shop = shop_get(shop_id=shop_id)
    if upheld >= SUSPEND_AFTER and shop is not None and shop.status == ShopStatus.APPROVED:
        shop_suspend(shop_id=shop_id, note=_("%(n)d counterfeit claims upheld in %(d)d days.")
                     % {"n": upheld, "d": SUSPEND_WINDOW_DAYS})
