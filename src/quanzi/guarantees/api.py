"""API of guarantees (/api/v1/guarantees): a shop's guarantees (public); the merchant's opt-in, deposit payment
and answers; the buyer's claims (file with photos, list, detail with the timeline); the operator's queue and
decisions. Another user's claim or order line answers 404; errors: the one error shape; money is integer fen."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from quanzi.accounts.auth import auth
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import idempotent, money_json
from quanzi.core.images import media_url
from quanzi.guarantees import selectors, services
from quanzi.guarantees.constants import MAX_PHOTOS
from quanzi.payments.services import payment_pay_url
from quanzi.shops.selectors import shop_get_selling

router = Router(tags=["guarantees"])


class GtMoneyOut(Schema):
    amount: int
    currency: str


class GtDisputesOut(Schema):
    claims: int
    upheld: int
    orders: int
    rate_bps: int


class ShopGuaranteesOut(Schema):
    shop_id: int
    guarantees: list[str]
    live: bool
    deposit: GtMoneyOut
    required: GtMoneyOut
    disputes: GtDisputesOut


class GtGuaranteeIn(Schema):
    kind: str


class GtGuaranteeOut(Schema):
    kind: str
    deposit_required: GtMoneyOut
    opted_in_at: datetime


class GtDepositIn(Schema):
    amount: int


class GtPaymentOut(Schema):
    payment_number: str
    amount: GtMoneyOut
    pay_url: str


class GtDepositOut(Schema):
    deposit_number: str
    amount: GtMoneyOut
    payment: GtPaymentOut


class GtMerchantAccountOut(Schema):
    guarantees: list[GtGuaranteeOut]
    live: bool
    deposit: GtMoneyOut
    required: GtMoneyOut
    lacking: GtMoneyOut
    paid_in: GtMoneyOut
    paid_out: GtMoneyOut


class ClaimPhotoOut(Schema):
    image: str
    thumb: str


class ClaimEventOut(Schema):
    status: str
    text: str
    note: str
    at: datetime


class ClaimOut(Schema):
    number: str
    kind: str
    status: str
    order_number: str
    order_line_id: int
    shop_id: int
    title: str
    description: str
    line_paid: GtMoneyOut
    cap: GtMoneyOut
    answer_deadline: datetime
    merchant_note: str
    decision_note: str
    amount: GtMoneyOut
    from_deposit: GtMoneyOut
    from_fund: GtMoneyOut
    paid_at: datetime | None
    created_at: datetime
    photos: list[ClaimPhotoOut]
    timeline: list[ClaimEventOut]


class ClaimPageOut(Schema):
    items: list[ClaimOut]
    next_cursor: str | None


class ClaimAnswerIn(Schema):
    accept: bool
    note: str = ""


class ClaimDecisionIn(Schema):
    decision: str
    amount: int | None = None
    note: str = ""


def _money(v: int) -> dict:
    return money_json(int(v))


def _claim_out(c, *, details: bool = True) -> dict:
    return {
        "number": c.number, "kind": c.kind, "status": c.status, "order_number": c.order_number,
        "order_line_id": c.line_id, "shop_id": c.shop_id, "title": c.line.title, "description": c.description,
        "line_paid": _money(c.line_paid), "cap": _money(c.cap), "answer_deadline": c.answer_deadline,
        "merchant_note": c.merchant_note, "decision_note": c.decision_note, "amount": _money(c.amount),
        "from_deposit": _money(c.from_deposit), "from_fund": _money(c.from_fund), "paid_at": c.paid_at,
        "created_at": c.created_at,
        "photos": [{"image": media_url(p.image), "thumb": media_url(p.thumb)} for p in c.photos.all()] if details else [],
        "timeline": [{"status": e.status, "text": e.text(), "note": e.note, "at": e.created_at}
                     for e in c.events.all()] if details else [],
    }


def _staff(request) -> None:
    if not getattr(request.auth, "is_staff", False):
        raise Forbidden(_("For the platform's staff only."), code="staff_only")


# ---------------------------------------------------------------- public

@router.get("/shops/{shop_id}", response=ShopGuaranteesOut,
            summary="A shop's guarantees (shown while its deposit covers them), deposit and dispute rate")
def shop_guarantees(request, shop_id: int):
    shop = shop_get_selling(shop_id=shop_id) if 0 < shop_id < 2**62 else None
    if shop is None:
        raise NotFound(_("Shop not found."), code="shop_not_found")
    info, stats = selectors.shop_guarantees(shop_id=shop.pk), selectors.shop_dispute_stats(shop=shop)
    return {"shop_id": shop.pk, "guarantees": info["kinds"] if info["live"] else [], "live": info["live"],
            "deposit": _money(info["deposit"]), "required": _money(info["required"]),
            "disputes": {k: stats[k] for k in ("claims", "upheld", "orders", "rate_bps")}}


# ---------------------------------------------------------------- merchant

@router.get("/merchant", auth=auth, response=GtMerchantAccountOut, summary="Merchant: your guarantees and deposit")
def merchant_account(request):
    a = selectors.shop_deposit_account(shop=services.merchant_shop(request.auth))
    return {"guarantees": [{"kind": g.kind, "deposit_required": _money(g.deposit_required),
                            "opted_in_at": g.opted_in_at} for g in a["guarantees"]],
            "live": a["live"], "deposit": _money(a["deposit"]), "required": _money(a["required"]),
            "lacking": _money(a["lacking"]), "paid_in": _money(a["paid_in"]), "paid_out": _money(a["paid_out"])}


@router.post("/merchant/guarantees", auth=auth, response={201: GtGuaranteeOut},
             summary="Merchant: opt into a guarantee (counterfeit, returns_7day, ship_on_time); idempotent")
def opt_in(request, payload: GtGuaranteeIn):
    g = services.guarantee_opt_in(user=request.auth, kind=payload.kind)
    return 201, {"kind": g.kind, "deposit_required": _money(g.deposit_required), "opted_in_at": g.opted_in_at}


@router.post("/merchant/deposits", auth=auth, response={201: GtDepositOut},
             summary="Merchant: pay into the deposit; returns the payment to open (Idempotency-Key supported)")
@idempotent("guarantee-deposit")
def deposit(request, payload: GtDepositIn):
    row, payment = services.deposit_start(user=request.auth, amount=payload.amount)
    return 201, {"deposit_number": row.number, "amount": _money(row.amount),
                 "payment": {"payment_number": payment.number, "amount": _money(payment.amount),
                             "pay_url": payment_pay_url(payment=payment)}}


@router.get("/merchant/claims", auth=auth, response=ClaimPageOut,
            summary="Merchant: claims against your shop (newest first; open_only: waiting for your answer)")
def merchant_claims(request, open_only: bool = False, cursor: str | None = None, limit: int = 20):
    items, nxt = selectors.claims_for_shop(shop=services.merchant_shop(request.auth), open_only=open_only,
                                           cursor=cursor, limit=limit)
    return {"items": [_claim_out(c) for c in items], "next_cursor": nxt}


@router.post("/merchant/claims/{number}/answer", auth=auth, response=ClaimOut,
             summary="Merchant: accept a claim, or contest it with a note, before its deadline")
def answer(request, number: str, payload: ClaimAnswerIn):
    shop = services.merchant_shop(request.auth)
    services.claim_answer(user=request.auth, number=number, accept=payload.accept, note=payload.note)
    return _claim_out(selectors.claim_for_shop(shop=shop, number=number))


# ---------------------------------------------------------------- buyer

@router.post("/claims", auth=auth, response={201: ClaimOut},
             summary=f"File a claim on a line of your order (multipart: line_id, kind, description, photos ≤ {MAX_PHOTOS})")
def claim_file(request, line_id: Form[int], kind: Form[str], description: Form[str] = "",
               photos: File[list[UploadedFile]] = None):
    files = list(photos or [])[:MAX_PHOTOS + 1]
    claim = services.claim_file(user=request.auth, line_id=line_id, kind=kind, description=description, photos=files)
    return 201, _claim_out(selectors.claim_for_buyer(user=request.auth, number=claim.number))


@router.get("/claims", auth=auth, response=ClaimPageOut, summary="Your claims (newest first, cursor pages)")
def claims(request, cursor: str | None = None, limit: int = 20):
    items, nxt = selectors.claims_for_buyer(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [_claim_out(c, details=False) for c in items], "next_cursor": nxt}


@router.get("/claims/{number}", auth=auth, response=ClaimOut, summary="One of your claims, with its timeline")
def claim_detail(request, number: str):
    claim = selectors.claim_for_buyer(user=request.auth, number=number)
    if claim is None:
        raise NotFound(_("Claim not found."), code="claim_not_found")
    return _claim_out(claim)


# ---------------------------------------------------------------- operator

@router.get("/ops/claims", auth=auth, response=list[ClaimOut], summary="Staff: claims awaiting a decision, oldest first")
def ops_queue(request):
    _staff(request)
    return [_claim_out(c) for c in selectors.claims_awaiting_decision()]


@router.post("/ops/claims/{number}/decide", auth=auth, response=ClaimOut,
             summary="Staff: uphold (amount ≤ the claim's cap; paid at once) or reject (note required); "
                     "exactly once (Idempotency-Key supported)")
@idempotent("guarantee-decide")
def decide(request, number: str, payload: ClaimDecisionIn):
    _staff(request)
    services.claim_decide(operator=request.auth, number=number, decision=payload.decision, amount=payload.amount,
                          note=payload.note)
    return _claim_out(selectors.claim_for_operator(number=number))
