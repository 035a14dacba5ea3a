"""Wallet reads shared by the pages, the API and other apps (the distribution dashboard); keyword-only."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from quanzi.core.errors import NotFound
from quanzi.core.http import cursor_page
from quanzi.ledger.selectors import balances as ledger_balances
from quanzi.wallet import accounts as acct
from quanzi.wallet.constants import WithdrawalStatus
from quanzi.wallet.models import Withdrawal, WithdrawalSettings
from quanzi.wallet.services import withdrawal_fee, withdrawn_today


def balances(*, user_id: int) -> dict[str, int]:
    """The user's money in fen, liabilities shown positive (two queries):

    - pending: earned, not yet withdrawable (return window open, or held for review);
    - available: withdrawable now;
    - withdrawing: requested, not yet paid out or returned;
    - withdrawn: the total of paid withdrawals (amount taken from the wallet, fee included).
    """
    codes = [acct.earnings_pending(user_id), acct.wallet_available(user_id), acct.wallet_withdrawing(user_id)]
    raw = ledger_balances(codes=codes)
    withdrawn = Withdrawal.objects.filter(user_id=user_id, status=WithdrawalStatus.PAID) \
        .aggregate(s=Sum("amount"))["s"] or 0
    return {"pending": -raw[codes[0]], "available": -raw[codes[1]], "withdrawing": -raw[codes[2]],
            "withdrawn": withdrawn}


def withdrawal_settings() -> WithdrawalSettings:
    return WithdrawalSettings.current()


def withdrawal_limits(*, user_id: int) -> dict[str, int]:
    """What the withdraw form tells the user before they try: minimum, today's room, fee, approval."""
    cfg = WithdrawalSettings.current()
    return {"min_amount": cfg.min_amount, "daily_limit": cfg.daily_limit,
            "remaining_today": max(cfg.daily_limit - withdrawn_today(user_id), 0),
            "fee_bps": cfg.fee_bps, "fee_min": cfg.fee_min, "approval_threshold": cfg.approval_threshold}


def fee_for(*, amount: int) -> int:
    return withdrawal_fee(amount, WithdrawalSettings.current())


def withdrawals_for(*, user, cursor: str | None = None, limit: int = 20) -> tuple[list[Withdrawal], str | None]:
    """The user's withdrawals, newest first, one query per page."""
    return cursor_page(Withdrawal.objects.filter(user_id=user.pk), cursor=cursor, limit=limit)


def withdrawal_for(*, user, number: str) -> Withdrawal:
    """One of the user's withdrawals with its timeline; another user's number is a 404."""
    number = str(number)
    withdrawal = None if len(number) > 24 else (Withdrawal.objects.filter(user_id=user.pk, number=number)
                                                .prefetch_related("events").first())
    if withdrawal is None:
        raise NotFound(_("Withdrawal not found."), code="withdrawal_not_found")
    return withdrawal


# ---- public interface used by the operator's to-do list (wallet's admin.todo slot entry)

def withdrawal_count_requested() -> int:
    """Withdrawals waiting for the operator's approval."""
    return Withdrawal.objects.filter(status=WithdrawalStatus.REQUESTED).count()
