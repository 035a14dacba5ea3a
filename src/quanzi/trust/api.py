"""API of trust and safety (/api/v1/trust), operators only (anyone else: 403 `staff_only`; no account: 401):
the risk cases (cursor-paginated, highest score first), one case with its evidence, members and attributes,
the decision, and running detection now. Errors: the one error shape."""

from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.errors import Forbidden, NotFound
from quanzi.core.http import idempotent, iso, money_json
from quanzi.trust import selectors, services

router = Router(tags=["trust"])


class MoneyOut(Schema):
    amount: int
    currency: str = "CNY"


class CaseOut(Schema):
    number: str
    detector: str
    state: str
    score: int
    accounts: int
    held_commissions: int
    held: MoneyOut
    label: str
    opened_at: str
    updated_at: str
    decided_at: str | None


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class EvidenceOut(Schema):
    rule: str
    label: str
    weight: int
    user: int | None = None
    why: dict


class MemberOut(Schema):
    user_id: int
    nickname: str
    score: int
    verification_required: bool
    label: str


class AttributeOut(Schema):
    kind: str
    value: str
    users: list[int]


class CaseDetailOut(CaseOut):
    evidence: list[EvidenceOut]
    members: list[MemberOut]
    attributes: list[AttributeOut]
    shop_ids: list[int]
    note: str


class DecisionIn(Schema):
    decision: Literal["fraud", "legit"]
    note: str = Field("", max_length=400)
    void_commissions: bool = True


class RunOut(Schema):
    opened: int
    updated: int
    skipped: int
    findings: int


def _staff(request) -> None:
    if not request.auth.is_staff:
        raise Forbidden(_("Operators only."), code="staff_only")


def _case(c, accounts: int | None = None) -> dict:
    return {"number": c.number, "detector": c.detector, "state": c.state, "score": c.score,
            "accounts": accounts if accounts is not None else getattr(c, "n_members", 0),
            "held_commissions": c.held_commissions, "held": money_json(c.held_amount), "label": c.label,
            "opened_at": iso(c.opened_at), "updated_at": iso(c.updated_at), "decided_at": iso(c.decided_at)}


def _detail(c) -> dict:
    members = selectors.case_members(case=c)
    return {**_case(c, len(members)), "note": c.note, "shop_ids": c.shop_ids, "attributes": c.attributes,
            "evidence": [{**e, "label": selectors.rule_label(e["rule"])} for e in c.evidence],
            "members": [{"user_id": m.user_id, "nickname": m.user.nickname, "score": m.score,
                         "verification_required": m.verification_required, "label": m.label} for m in members]}


@router.get("/cases", auth=auth, response=CasePage, summary="Operator: risk cases, highest score first")
def cases(request, state: Literal["open", "actioned", "dismissed"] = "open", cursor: str | None = None,
          limit: int = Query(20, ge=1, le=100)):
    _staff(request)
    rows, nxt = selectors.cases_page(state=state, cursor=cursor, limit=limit)
    return {"items": [_case(c) for c in rows], "next_cursor": nxt}


@router.get("/cases/{number}", auth=auth, response=CaseDetailOut,
            summary="Operator: one case with why it fired, its accounts and the attributes they share")
def case(request, number: str):
    _staff(request)
    c = selectors.case_get(number=number)
    if c is None:
        raise NotFound(_("Case not found."))
    return _detail(c)


@router.post("/cases/{number}/decision", auth=auth, response=CaseDetailOut,
             summary="Operator: dismiss as legitimate (holds released) or confirm fraud (holds voided); "
                     "Idempotency-Key supported")
@idempotent("trust-decision")
def decide(request, number: str, payload: DecisionIn):
    _staff(request)
    c = services.case_decide(actor=request.auth, number=number, decision=payload.decision, note=payload.note,
                             void_commissions=payload.void_commissions)
    return _detail(selectors.case_get(number=c.number))


@router.post("/detection", auth=auth, response=RunOut, summary="Operator: run detection now over the signals")
def detection(request):
    _staff(request)
    return services.detection_run()



