"""Wallet API (/api/v1/wallet): balances, withdrawal requests, the user's withdrawals.

Money is integer fen. POST /withdrawals accepts an `Idempotency-Key` header: a retry with the same
key and body replays the first answer instead of withdrawing twice. Another user's withdrawal
number answers 404.
"""

from ninja import Router, Schema

from quanzi.accounts.auth import auth
from quanzi.core.http import idempotent
from quanzi.core.ratelimit import hit
from quanzi.wallet import selectors, services
from quanzi.wallet.models import Withdrawal

router = Router(tags=["wallet"], auth=auth)

class BalancesOut(Schema):
    currency: str
    pending: int
    available: int
    withdrawing: int
    withdrawn: int
    limits: dict


class WithdrawIn(Schema):
    amount: int
    account_type: str
    account_number: str
    account_name: str


class WithdrawalOut(Schema):
    number: str
    amount: int
    fee: int
    net: int
    currency: str
    status: str
    status_label: str
    account: dict
    created_at: str
    decided_at: str | None
    paid_at: str | None
    failed_at: str | None
    failure_reason: str
    operator_note: str


class WithdrawalDetailOut(WithdrawalOut):
    timeline: list[dict]


class WithdrawalPageOut(Schema):
    items: list[WithdrawalOut]
    next_cursor: str | None


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def withdrawal_out(w: Withdrawal) -> dict:
    return {
        "number": w.number, "amount": w.amount, "fee": w.fee, "net": w.net, "currency": "CNY",
        "status": w.status, "status_label": str(w.get_status_display()),
        "account": {"type": w.account_type, "masked": w.masked_account, "name": w.account_name},
        "created_at": w.created_at.isoformat(), "decided_at": _iso(w.decided_at), "paid_at": _iso(w.paid_at),
        "failed_at": _iso(w.failed_at), "failure_reason": w.failure_reason, "operator_note": w.operator_note,
    }


def withdrawal_detail_out(w: Withdrawal) -> dict:
    """The timeline never names the operator: only what happened, when, and the note."""
    timeline = [{"status": e.to_status, "at": e.at.isoformat(), "note": e.note} for e in w.events.all()]
    return {**withdrawal_out(w), "timeline": timeline}


@router.get("", response=BalancesOut, summary="My balances (fen) and the withdrawal limits")
def wallet_balances(request):
    return {"currency": "CNY", **selectors.balances(user_id=request.auth.pk),
            "limits": selectors.withdrawal_limits(user_id=request.auth.pk)}


@router.post("/withdrawals", response={201: WithdrawalOut},
             summary="Withdraw from the available balance (Idempotency-Key supported)")
@idempotent("wallet-withdraw")
def withdraw(request, payload: WithdrawIn):
    hit("wallet-withdraw", request.auth.pk, **services.WITHDRAW_RATE)
    w = services.withdrawal_request(user=request.auth, amount=payload.amount, account_type=payload.account_type,
                                    account_number=payload.account_number, account_name=payload.account_name)
    return 201, withdrawal_out(w)


@router.get("/withdrawals", response=WithdrawalPageOut, summary="My withdrawals, newest first")
def withdrawal_list(request, cursor: str | None = None, limit: int = 20):
    items, next_cursor = selectors.withdrawals_for(user=request.auth, cursor=cursor, limit=limit)
    return {"items": [withdrawal_out(w) for w in items], "next_cursor": next_cursor}


@router.get("/withdrawals/{number}", response=WithdrawalDetailOut, summary="One of my withdrawals with its timeline")
def withdrawal_detail(request, number: str):
    return withdrawal_detail_out(selectors.withdrawal_for(user=request.auth, number=number))
