"""Withdrawals: every state change of a `Withdrawal`, each with its ledger transaction.

Money path (docs/wallet.md): request holds the amount (`user:<id>:wallet` → `user:<id>:withdrawing`);
payment moves it out (net → `provider:bank:cash`, fee → `revenue:withdrawal_fee`); a rejection or a
failed transfer returns it to the wallet. Each step is keyed by the withdrawal number, so a replay
writes nothing twice, and each runs in the transaction that changes the row's status.

Concurrency: a request locks the user's `Wallet` row before it reads the balance, so two requests at
once queue and the second one sees the first one's hold. Decisions lock the withdrawal row and check
the state table (`states.py`), so deciding twice is a 409 instead of a second payment.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import BusinessRuleViolation, NotFound, ValidationFailed
from quanzi.core.money import apply_rate, format_yuan
from quanzi.ledger.selectors import balance
from quanzi.ledger.services import Entry, ledger_post
from quanzi.wallet import accounts as acct
from quanzi.wallet import payouts
from quanzi.wallet.constants import AccountType
from quanzi.wallet.constants import WithdrawalStatus as S
from quanzi.wallet.models import Wallet, Withdrawal, WithdrawalEvent, WithdrawalSettings
from quanzi.wallet.states import COUNTS_TOWARDS_LIMIT, WITHDRAWAL, check_transition

logger = logging.getLogger("quanzi.wallet")

LIMIT_TZ = ZoneInfo("Asia/Shanghai")  # the daily limit follows the Chinese calendar day
MAX_AMOUNT = 10**11  # ¥1,000,000,000: anything above is a typo or an attack, not a withdrawal
PENDING_RECHECK = dt.timedelta(seconds=60)  # how soon the sweep asks the provider again
WITHDRAW_RATE = {"limit": 10, "window": 60}  # requests per user per minute (pages and API); people need one

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
CARD_RE = re.compile(r"^\d{16,19}$")


# ---------------------------------------------------------------- rules

def withdrawal_fee(amount: int, cfg: WithdrawalSettings) -> int:
    """`fee_bps` of the amount rounded down (the user keeps the fraction), at least `fee_min`."""
    if not cfg.fee_bps and not cfg.fee_min:
        return 0
    return max(apply_rate(amount, cfg.fee_bps), cfg.fee_min)


def day_start(at: dt.datetime) -> dt.datetime:
    """Midnight (Asia/Shanghai) of the calendar day `at` falls in, as an aware datetime."""
    local = at.astimezone(LIMIT_TZ)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def withdrawn_today(user_id: int) -> int:
    """Fen requested today that still counts against the daily limit (returned money does not)."""
    return Withdrawal.objects.filter(user_id=user_id, created_at__gte=day_start(clock.now()),
                                     status__in=COUNTS_TOWARDS_LIMIT).aggregate(s=Sum("amount"))["s"] or 0


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def validate_payout_account(*, account_type: str, account_number: str, account_name: str) -> dict:
    """Normalise and check the shape of a payout account; return {"type", "number", "name"}.

    Alipay: a mainland mobile number or an e-mail address. Bank card: 16–19 digits (spaces allowed
    when typed) with a valid Luhn check digit. The holder's name is required: providers match it."""
    fields: dict[str, str] = {}
    number = re.sub(r"[\s-]", "", account_number or "") if account_type == AccountType.BANK else \
        (account_number or "").strip()
    name = " ".join((account_name or "").split())
    if account_type not in AccountType.values:
        fields["account_type"] = _("Choose Alipay or a bank card.")
    elif account_type == AccountType.ALIPAY and not (PHONE_RE.match(number) or EMAIL_RE.match(number)):
        fields["account_number"] = _("Enter the mobile number or e-mail address of the Alipay account.")
    elif account_type == AccountType.BANK and not (CARD_RE.match(number) and luhn_ok(number)):
        fields["account_number"] = _("Enter a valid bank card number (16 to 19 digits).")
    if not name or len(name) > 40 or any(ord(c) < 32 for c in name):
        fields["account_name"] = _("Enter the account holder's name (at most 40 characters).")
    if fields:
        raise ValidationFailed(_("The payout account is not valid."), code="invalid_payout_account", fields=fields)
    return {"type": account_type, "number": number, "name": name}


def _check_amount(amount, cfg: WithdrawalSettings) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0 or amount > MAX_AMOUNT:
        raise ValidationFailed(_("Enter an amount in fen."), code="validation_error",
                               fields={"amount": _("a positive whole number of fen")})
    if amount < cfg.min_amount:
        raise ValidationFailed(_("The minimum withdrawal is ¥%(m)s.") % {"m": format_yuan(cfg.min_amount)},
                               code="withdrawal_below_minimum", fields={"amount": f"min {cfg.min_amount}"})
    return amount


# ---------------------------------------------------------------- helpers

def _lock_wallet(user_id: int) -> Wallet:
    """Create the user's lock row if needed (INSERT … ON CONFLICT DO NOTHING), then lock it."""
    Wallet.objects.bulk_create([Wallet(user_id=user_id)], ignore_conflicts=True)
    return Wallet.objects.select_for_update().get(user_id=user_id)


def _lock(withdrawal_id: int) -> Withdrawal:
    withdrawal = Withdrawal.objects.select_for_update().filter(pk=withdrawal_id).first()
    if withdrawal is None:
        raise NotFound(_("Withdrawal not found."), code="withdrawal_not_found")
    return withdrawal


def _move(withdrawal: Withdrawal, target: str, *, actor=None, note: str = "", fields: tuple[str, ...] = ()) -> None:
    """Check the transition, save the status (and `fields`), append the event."""
    check_transition(withdrawal.status, target)
    previous = withdrawal.status
    withdrawal.status = target
    withdrawal.save(update_fields=["status", *fields])
    WithdrawalEvent.objects.create(withdrawal=withdrawal, from_status=previous, to_status=target,
                                   actor=actor, note=note[:200], at=clock.now())


def _post_return(withdrawal: Withdrawal) -> None:
    ledger_post(key=f"withdrawal-return:{withdrawal.number}", kind="withdrawal.return", ref_type="withdrawal",
                ref_id=withdrawal.number,
                entries=[Entry(acct.wallet_withdrawing(withdrawal.user_id), withdrawal.amount),
                         Entry(acct.wallet_available(withdrawal.user_id), -withdrawal.amount)])


def _approve(withdrawal: Withdrawal, *, actor, note: str) -> None:
    withdrawal.decided_at = clock.now()
    withdrawal.next_check_at = withdrawal.decided_at
    withdrawal.operator_note = note[:200] if actor is not None else withdrawal.operator_note
    _move(withdrawal, S.APPROVED, actor=actor, note=note,
          fields=("decided_at", "next_check_at", "operator_note"))
    withdrawal_id = withdrawal.pk
    transaction.on_commit(lambda: pay_after_commit(withdrawal_id))


def pay_after_commit(withdrawal_id: int) -> None:
    """Send an approved withdrawal right after its approval commits. A failure here is only logged:
    the row keeps `next_check_at`, so the `wallet_payouts` sweep sends it again."""
    try:
        withdrawal_pay(withdrawal_id=withdrawal_id)
    except Exception:  # noqa: BLE001 - the sweep retries; never fail the committed approval
        logger.exception("sending withdrawal %s to the payout provider failed; the sweep will retry",
                         withdrawal_id)


# ---------------------------------------------------------------- use cases

@transaction.atomic
def withdrawal_request(*, user, amount: int, account_type: str, account_number: str,
                       account_name: str) -> Withdrawal:
    """Hold `amount` from the user's wallet for a withdrawal to the given account.

    Refuses below the minimum, more than available, above today's limit, or a malformed account.
    At or below the approval threshold the system approves it at once and the payout is sent after
    commit; above it, it waits for an operator."""
    cfg = WithdrawalSettings.current()
    amount = _check_amount(amount, cfg)
    account = validate_payout_account(account_type=account_type, account_number=account_number,
                                      account_name=account_name)
    fee = withdrawal_fee(amount, cfg)
    if fee >= amount:
        raise ValidationFailed(_("The fee (¥%(fee)s) would take the whole amount.") % {"fee": format_yuan(fee)},
                               code="withdrawal_below_fee", fields={"amount": f"fee {fee}"})
    _lock_wallet(user.pk)
    available = -balance(code=acct.wallet_available(user.pk))
    if amount > available:
        raise BusinessRuleViolation(
            _("You can withdraw at most ¥%(a)s.") % {"a": format_yuan(max(available, 0))},
            code="insufficient_balance", fields={"amount": f"available {max(available, 0)}"})
    used = withdrawn_today(user.pk)
    if used + amount > cfg.daily_limit:
        left = max(cfg.daily_limit - used, 0)
        raise BusinessRuleViolation(
            _("Today you can withdraw at most ¥%(left)s more (daily limit ¥%(limit)s).")
            % {"left": format_yuan(left), "limit": format_yuan(cfg.daily_limit)},
            code="daily_limit_exceeded", fields={"amount": f"remaining today {left}"})
    withdrawal = Withdrawal.objects.create(user=user, amount=amount, fee=fee, net=amount - fee,
                                           account_type=account["type"], account_number=account["number"],
                                           account_name=account["name"], created_at=clock.now())
    WithdrawalEvent.objects.create(withdrawal=withdrawal, to_status=S.REQUESTED, actor=user, at=withdrawal.created_at)
    ledger_post(key=f"withdrawal-hold:{withdrawal.number}", kind="withdrawal.hold", ref_type="withdrawal",
                ref_id=withdrawal.number,
                entries=[Entry(acct.wallet_available(user.pk), amount),
                         Entry(acct.wallet_withdrawing(user.pk), -amount)])
    if amount <= cfg.approval_threshold:
        _approve(withdrawal, actor=None, note="")
    return withdrawal


@transaction.atomic
def withdrawal_approve(*, withdrawal_id: int, actor=None, note: str = "") -> Withdrawal:
    """Operator approval of a withdrawal above the threshold; the payout is sent after commit."""
    withdrawal = _lock(withdrawal_id)
    _approve(withdrawal, actor=actor, note=(note or "").strip())
    return withdrawal


@transaction.atomic
def withdrawal_reject(*, withdrawal_id: int, actor=None, note: str) -> Withdrawal:
    """Operator refusal: the money goes back to the wallet. The note is shown to the user, so it is required."""
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say why the withdrawal is rejected."), code="note_required",
                               fields={"note": _("required")})
    withdrawal = _lock(withdrawal_id)
    withdrawal.decided_at, withdrawal.operator_note = clock.now(), note[:200]
    _move(withdrawal, S.REJECTED, actor=actor, note=note, fields=("decided_at", "operator_note"))
    _post_return(withdrawal)
    return withdrawal


@transaction.atomic
def withdrawal_pay(*, withdrawal_id: int, provider: payouts.PayoutProvider | None = None) -> Withdrawal:
    """Send an approved withdrawal to the payout provider (or ask about one already sent) and book
    the outcome. A final withdrawal is returned unchanged (the sweep and the after-commit hook may
    both get here); a requested one is a 409 — it has to be approved first.

    The provider is called under the row lock, so two sweeps never send one withdrawal twice at
    once, and providers dedupe by number, so a crash between their answer and our commit is safe."""
    withdrawal = _lock(withdrawal_id)
    if withdrawal.status in WITHDRAWAL.final_states:
        return withdrawal
    check_transition(withdrawal.status, S.PAID)
    provider = provider or payouts.get_payout_provider()
    result = _ask_provider(withdrawal, provider)
    withdrawal.provider = provider.code
    if result.status == payouts.OK:
        _mark_paid(withdrawal, result)
    elif result.status == payouts.FAILED:
        _mark_failed(withdrawal, result)
    else:
        withdrawal.provider_reference = result.reference or withdrawal.provider_reference
        withdrawal.next_check_at = clock.now() + PENDING_RECHECK
        withdrawal.save(update_fields=["provider", "provider_reference", "submitted_at", "next_check_at"])
    return withdrawal


def _ask_provider(withdrawal: Withdrawal, provider: payouts.PayoutProvider) -> payouts.PayoutResult:
    """transfer() the first time, query() afterwards; an exception counts as "still pending"."""
    try:
        if withdrawal.submitted_at is None:
            withdrawal.submitted_at = clock.now()
            return provider.transfer(withdrawal.number, {"type": withdrawal.account_type,
                                                         "number": withdrawal.account_number,
                                                         "name": withdrawal.account_name}, withdrawal.net)
        return provider.query(withdrawal.number)
    except Exception:  # noqa: BLE001 - a provider outage must not lose the withdrawal
        logger.exception("payout provider %s failed for %s", provider.code, withdrawal.number)
        return payouts.PayoutResult(payouts.PENDING)


def _mark_paid(withdrawal: Withdrawal, result: payouts.PayoutResult) -> None:
    withdrawal.paid_at, withdrawal.next_check_at = clock.now(), None
    withdrawal.provider_reference = result.reference or withdrawal.provider_reference
    _move(withdrawal, S.PAID, fields=("paid_at", "next_check_at", "provider", "provider_reference", "submitted_at"))
    ledger_post(key=f"withdrawal-paid:{withdrawal.number}", kind="withdrawal.paid", ref_type="withdrawal",
                ref_id=withdrawal.number,
                entries=[Entry(acct.wallet_withdrawing(withdrawal.user_id), withdrawal.amount),
                         Entry(acct.PAYOUT_CASH, -withdrawal.net),
                         Entry(acct.WITHDRAWAL_FEE_REVENUE, -withdrawal.fee)])


def _mark_failed(withdrawal: Withdrawal, result: payouts.PayoutResult) -> None:
    withdrawal.failed_at, withdrawal.next_check_at = clock.now(), None
    withdrawal.failure_reason = (result.reason or "transfer failed")[:200]
    withdrawal.provider_reference = result.reference or withdrawal.provider_reference
    _move(withdrawal, S.FAILED, note=withdrawal.failure_reason,
          fields=("failed_at", "next_check_at", "failure_reason", "provider", "provider_reference", "submitted_at"))
    _post_return(withdrawal)


def payouts_due(limit: int = 200) -> list[int]:
    """Approved withdrawals whose transfer is due to be sent or checked (oldest first)."""
    return list(Withdrawal.objects.filter(status=S.APPROVED, next_check_at__lte=clock.now())
                .order_by("next_check_at", "id").values_list("pk", flat=True)[:limit])


@transaction.atomic
def settings_update(**values) -> WithdrawalSettings:
    """Change the withdrawal settings (admin form or scripts); refuses nonsense instead of storing it."""
    cfg = WithdrawalSettings.objects.select_for_update().order_by("id").first() or WithdrawalSettings()
    allowed = {"min_amount", "daily_limit", "fee_bps", "fee_min", "approval_threshold"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown setting."), fields={k: "unknown" for k in sorted(unknown)})
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValidationFailed(_("Settings are whole, non-negative numbers."), fields={name: "invalid"})
        setattr(cfg, name, value)
    if cfg.min_amount <= 0 or cfg.daily_limit < cfg.min_amount or cfg.fee_bps > 10_000:
        raise ValidationFailed(_("The minimum must be positive, the daily limit at least the minimum and the fee "
                                 "at most 10000 bps."), code="invalid_settings")
    cfg.save()
    return cfg
