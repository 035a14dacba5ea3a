"""The comparison itself, as plain Python: a provider's bill of one day against Quanzi's records.

No database here: `services.reconcile` reads the bill, the payments, the refunds and the ledger
amounts, and this module says what differs (docs/reconciliation.md):

- every payment line of the bill is looked up by our trade number (`out_trade_no`: the payment
  number, or `<payment number>_<n>` for a later trade of the same payment): unknown → missing in
  Quanzi; the payment's captured trade but not captured / another amount → status / amount differs;
  a second trade Quanzi booked and sent back (the shopper paid twice) → matched; another trade of a
  payment Quanzi did not book → missing in Quanzi (captured by another trade) or status differs;
- every refund line is looked up by our refund number (`out_refund_no`): unknown → missing in
  Quanzi; not succeeded → status differs; another amount → amount differs;
- a line is matched by number whatever time Quanzi recorded it, so a capture just after midnight
  matches the bill of the day the shopper paid;
- every capture (refund) Quanzi recorded in the day that the bill does not list → missing at the
  provider, unless Quanzi recorded it within the late window after midnight and the previous day's
  bill lists it (the provider's clock said yesterday, ours said today);
- every captured payment, second trade and succeeded refund of the day is checked against its ledger
  transaction (`payment-capture:<number>` and `payment-capture:<provider>:<trade>`: provider cash +P;
  `refund:<number>`: provider cash −R) → ledger differs;
- the provider's fees are summed for the run, never reported as mismatches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from quanzi.payments.constants import PaymentStatus, RefundStatus
from quanzi.payments.providers import StatementLine
from quanzi.payments.services import payment_number_of
from quanzi.reconciliation.constants import MismatchKind as K
from quanzi.reconciliation.constants import MismatchSubject as S

PAYMENT, REFUND = "payment", "refund"


class MalformedStatement(ValueError):
    """A bill line the adapter should never have produced (unknown kind, amount not whole fen…)."""


@dataclass
class BillItem:
    """The bill's lines for one number (usually one line; a trade billed twice sums up)."""

    key: str  # our number (trade number, refund number), or "?<provider's number>" when it has none of ours
    trade_number: str
    trade_no: str
    refund_number: str = ""
    refund_no: str = ""
    amount: int = 0
    at: dt.datetime | None = None


@dataclass
class Bill:
    payments: dict[str, BillItem] = field(default_factory=dict)
    refunds: dict[str, BillItem] = field(default_factory=dict)
    payment_count: int = 0
    payment_total: int = 0
    refund_count: int = 0
    refund_total: int = 0
    fees: int = 0
    refund_fees: int = 0


def _whole(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10 ** 15:
        raise MalformedStatement(f"{what} is not a whole number of fen: {value!r}"[:200])
    return value


def _text(value) -> str:
    """A number from the bill: at most 64 characters, never NUL or a lone surrogate (nothing a provider
    sends; a corrupted file that would break the database and the pages is refused as a whole)."""
    text = str(value or "")[:64]
    if "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text):
        raise MalformedStatement(f"a number that cannot be stored: {text!r}"[:200])
    return text


def read_bill(lines: Iterable[StatementLine]) -> Bill:
    """Group the bill's lines by our numbers and total them; refuse lines that cannot be right."""
    bill = Bill()
    for line in lines:
        amount, fee = _whole(line.amount, "amount"), _whole(line.fee, "fee")
        trade_number, trade_no = _text(line.payment_number), _text(line.provider_trade_no)
        if line.kind == PAYMENT:
            key = trade_number or f"?{trade_no}"
            item = bill.payments.setdefault(key, BillItem(key=key, trade_number=trade_number, trade_no=trade_no,
                                                          at=line.at))
            bill.payment_count, bill.payment_total, bill.fees = (bill.payment_count + 1,
                                                                 bill.payment_total + amount, bill.fees + fee)
        elif line.kind == REFUND:
            refund_number, refund_no = _text(line.refund_number), _text(line.provider_refund_no)
            key = refund_number or f"?{refund_no or trade_no}"
            item = bill.refunds.setdefault(key, BillItem(key=key, trade_number=trade_number, trade_no=trade_no,
                                                         refund_number=refund_number, refund_no=refund_no,
                                                         at=line.at))
            bill.refund_count, bill.refund_total = bill.refund_count + 1, bill.refund_total + amount
            bill.refund_fees += fee
        else:
            raise MalformedStatement(f"unknown line kind {line.kind!r}"[:200])
        item.amount += amount
    return bill


@dataclass(frozen=True)
class QPayment:
    """Quanzi's payment, as the comparison needs it."""

    number: str
    trade: str  # the trade at the provider that was (or will be) captured: trade number, else the number
    provider: str
    amount: int
    status: str
    at: dt.datetime | None  # paid_at
    trade_no: str = ""


@dataclass(frozen=True)
class QSecondTrade:
    """A second trade of a captured payment that was paid too: booked and sent back by Quanzi."""

    trade: str
    payment_number: str
    provider: str
    amount: int
    at: dt.datetime | None  # when Quanzi learnt of it


@dataclass(frozen=True)
class QRefund:
    number: str
    payment_number: str
    provider: str
    amount: int
    status: str
    at: dt.datetime | None  # succeeded_at
    refund_no: str = ""


@dataclass(frozen=True)
class QuanziDay:
    """Quanzi's records of one provider for one day: what it recorded in the day, plus what the
    bill names by number (wherever and whenever it was recorded)."""

    provider: str
    payments_in_day: list[QPayment]
    second_trades_in_day: list[QSecondTrade]
    refunds_in_day: list[QRefund]
    payments_named: Mapping[str, QPayment]  # by payment number
    second_trades_named: Mapping[str, QSecondTrade]  # by trade number
    refunds_named: Mapping[str, QRefund]  # by refund number
    margin_end: dt.datetime  # records before this may be in the previous day's bill

    def ledger_keys(self) -> list[str]:
        return ([capture_key(q.number) for q in self.payments_named.values()]
                + [capture_key(q.number) for q in self.payments_in_day]
                + [second_capture_key(q.provider, q.trade) for q in self.second_trades_named.values()]
                + [second_capture_key(q.provider, q.trade) for q in self.second_trades_in_day]
                + [refund_key(q.number) for q in self.refunds_named.values()]
                + [refund_key(q.number) for q in self.refunds_in_day])


def capture_key(number: str) -> str:
    return f"payment-capture:{number}"


def second_capture_key(provider: str, trade: str) -> str:
    return f"payment-capture:{provider}:{trade}"


def refund_key(number: str) -> str:
    return f"refund:{number}"


@dataclass(frozen=True)
class Found:
    """One mismatch, both sides as found."""

    kind: str
    subject: str
    payment_number: str = ""
    trade_number: str = ""
    refund_number: str = ""
    provider_trade_no: str = ""
    provider_refund_no: str = ""
    provider_amount: int | None = None
    quanzi_amount: int | None = None
    ledger_amount: int | None = None
    quanzi_status: str = ""
    provider_at: dt.datetime | None = None
    quanzi_at: dt.datetime | None = None

    @property
    def fingerprint(self) -> str:
        number = (self.refund_number or self.provider_refund_no if self.subject == S.REFUND
                  else self.trade_number or self.payment_number or self.provider_trade_no)
        return f"{self.subject}:{self.kind}:{number}"[:200]

    @property
    def sides(self) -> tuple:
        """What an operator decided on when resolving: a re-run that finds the same values stays resolved."""
        return (self.provider_amount, self.quanzi_amount, self.ledger_amount, self.quanzi_status)


@dataclass
class Outcome:
    found: list[Found] = field(default_factory=list)
    quanzi_payments: int = 0
    quanzi_payment_total: int = 0
    quanzi_refunds: int = 0
    quanzi_refund_total: int = 0


def _late(q, quanzi: QuanziDay, previous: Bill | None, key: str, billed: Mapping) -> bool:
    """Recorded just after midnight, and in the previous day's bill: not a mismatch of this day."""
    return previous is not None and q.at is not None and q.at < quanzi.margin_end and key in billed


def compare_payments(bill: Bill, quanzi: QuanziDay, previous: Bill | None, ledger: Mapping[str, int],
                     outcome: Outcome) -> None:
    captured: dict[str, QPayment] = {}  # by trade
    seconds: dict[str, QSecondTrade] = {}
    for item in bill.payments.values():
        q = quanzi.payments_named.get(payment_number_of(item.trade_number)) if item.trade_number else None
        second = quanzi.second_trades_named.get(item.trade_number) if item.trade_number else None
        common = {"subject": S.PAYMENT, "payment_number": payment_number_of(item.trade_number),
                  "trade_number": item.trade_number, "provider_trade_no": item.trade_no,
                  "provider_amount": item.amount, "provider_at": item.at}
        if q is not None and (q.provider, q.trade) == (quanzi.provider, item.trade_number):
            if q.status != PaymentStatus.PAID:
                outcome.found.append(Found(kind=K.STATUS_DIFFERS, **common, quanzi_amount=q.amount,
                                           quanzi_status=q.status, quanzi_at=q.at))
                continue
            captured[q.trade] = q
            if q.amount != item.amount:
                outcome.found.append(Found(kind=K.AMOUNT_DIFFERS, **common, quanzi_amount=q.amount,
                                           quanzi_status=q.status, quanzi_at=q.at))
        elif second is not None and second.provider == quanzi.provider:
            seconds[second.trade] = second
            if second.amount != item.amount:
                outcome.found.append(Found(kind=K.AMOUNT_DIFFERS, **common, quanzi_amount=second.amount,
                                           quanzi_status="paid twice", quanzi_at=second.at))
        elif q is not None and q.status != PaymentStatus.PAID:
            # money for a trade of a payment Quanzi has not captured (a lost notification, an old trade)
            outcome.found.append(Found(kind=K.STATUS_DIFFERS, **common, quanzi_amount=q.amount,
                                       quanzi_status=q.status, quanzi_at=q.at))
        else:
            # unknown, or captured through another trade (paid twice without Quanzi booking it)
            outcome.found.append(Found(kind=K.MISSING_IN_QUANZI, **common,
                                       quanzi_amount=q.amount if q else None,
                                       quanzi_status=f"{q.status}@{q.provider}:{q.trade}" if q else "",
                                       quanzi_at=q.at if q else None))
    for q in quanzi.payments_in_day:
        if q.trade in bill.payments or q.trade in captured:
            continue
        if _late(q, quanzi, previous, q.trade, previous.payments if previous else {}):
            continue
        captured[q.trade] = q
        outcome.found.append(Found(kind=K.MISSING_AT_PROVIDER, subject=S.PAYMENT, payment_number=q.number,
                                   trade_number=q.trade, provider_trade_no=q.trade_no, quanzi_amount=q.amount,
                                   quanzi_status=q.status, quanzi_at=q.at))
    for s in quanzi.second_trades_in_day:
        if s.trade in bill.payments or s.trade in seconds:
            continue
        if _late(s, quanzi, previous, s.trade, previous.payments if previous else {}):
            continue
        seconds[s.trade] = s
        outcome.found.append(Found(kind=K.MISSING_AT_PROVIDER, subject=S.PAYMENT, payment_number=s.payment_number,
                                   trade_number=s.trade, quanzi_amount=s.amount, quanzi_status="paid twice",
                                   quanzi_at=s.at))
    for q in captured.values():
        booked = ledger.get(capture_key(q.number))
        if booked != q.amount:
            outcome.found.append(Found(kind=K.LEDGER_DIFFERS, subject=S.PAYMENT, payment_number=q.number,
                                       trade_number=q.trade, provider_trade_no=q.trade_no, quanzi_amount=q.amount,
                                       ledger_amount=booked, quanzi_status=q.status, quanzi_at=q.at))
    for s in seconds.values():
        booked = ledger.get(second_capture_key(s.provider, s.trade))
        if booked != s.amount:
            outcome.found.append(Found(kind=K.LEDGER_DIFFERS, subject=S.PAYMENT, payment_number=s.payment_number,
                                       trade_number=s.trade, quanzi_amount=s.amount, ledger_amount=booked,
                                       quanzi_status="paid twice", quanzi_at=s.at))
    outcome.quanzi_payments = len(captured) + len(seconds)
    outcome.quanzi_payment_total = sum(q.amount for q in captured.values()) + sum(s.amount for s in seconds.values())


def compare_refunds(bill: Bill, quanzi: QuanziDay, previous: Bill | None, ledger: Mapping[str, int],
                    outcome: Outcome) -> None:
    succeeded: dict[str, QRefund] = {}
    for item in bill.refunds.values():
        q = quanzi.refunds_named.get(item.refund_number) if item.refund_number else None
        common = {"subject": S.REFUND, "payment_number": payment_number_of(item.trade_number),
                  "trade_number": item.trade_number, "refund_number": item.refund_number,
                  "provider_trade_no": item.trade_no, "provider_refund_no": item.refund_no,
                  "provider_amount": item.amount, "provider_at": item.at}
        if q is None or q.provider != quanzi.provider:
            outcome.found.append(Found(kind=K.MISSING_IN_QUANZI, **common, quanzi_amount=q.amount if q else None,
                                       quanzi_status=f"{q.status}@{q.provider}" if q else "",
                                       quanzi_at=q.at if q else None))
            continue
        if q.status != RefundStatus.SUCCEEDED:
            outcome.found.append(Found(kind=K.STATUS_DIFFERS, **common, quanzi_amount=q.amount,
                                       quanzi_status=q.status, quanzi_at=q.at))
            continue
        succeeded[q.number] = q
        if q.amount != item.amount:
            outcome.found.append(Found(kind=K.AMOUNT_DIFFERS, **common, quanzi_amount=q.amount,
                                       quanzi_status=q.status, quanzi_at=q.at))
    for q in quanzi.refunds_in_day:
        if q.number in bill.refunds or q.number in succeeded:
            continue
        if _late(q, quanzi, previous, q.number, previous.refunds if previous else {}):
            continue
        succeeded[q.number] = q
        outcome.found.append(Found(kind=K.MISSING_AT_PROVIDER, subject=S.REFUND, payment_number=q.payment_number,
                                   refund_number=q.number, provider_refund_no=q.refund_no, quanzi_amount=q.amount,
                                   quanzi_status=q.status, quanzi_at=q.at))
    for q in succeeded.values():
        booked = ledger.get(refund_key(q.number))
        booked = None if booked is None else -booked  # a refund credits the provider's cash
        if booked != q.amount:
            outcome.found.append(Found(kind=K.LEDGER_DIFFERS, subject=S.REFUND, payment_number=q.payment_number,
                                       refund_number=q.number, provider_refund_no=q.refund_no,
                                       quanzi_amount=q.amount, ledger_amount=booked, quanzi_status=q.status,
                                       quanzi_at=q.at))
    outcome.quanzi_refunds, outcome.quanzi_refund_total = len(succeeded), sum(q.amount for q in succeeded.values())


def needs_previous_bill(bill: Bill, quanzi: QuanziDay) -> bool:
    """Whether a record of the day's first minutes is missing from the bill: then the previous day's
    bill decides whether it is a late capture (fine) or really missing at the provider."""
    def early(q) -> bool:
        return q.at is not None and q.at < quanzi.margin_end

    return (any(q.trade not in bill.payments and early(q) for q in quanzi.payments_in_day)
            or any(s.trade not in bill.payments and early(s) for s in quanzi.second_trades_in_day)
            or any(q.number not in bill.refunds and early(q) for q in quanzi.refunds_in_day))


def compare(bill: Bill, quanzi: QuanziDay, previous: Bill | None, ledger: Mapping[str, int]) -> Outcome:
    """The whole comparison. `ledger`: {transaction key: the transaction's postings to this provider's
    cash account} for `quanzi.ledger_keys()`; a key without a transaction is absent."""
    outcome = Outcome()
    compare_payments(bill, quanzi, previous, ledger, outcome)
    compare_refunds(bill, quanzi, previous, ledger, outcome)
    return outcome
