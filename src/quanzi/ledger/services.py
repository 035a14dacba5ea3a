"""The one way money moves: `ledger_post` writes a balanced, idempotent transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict
from quanzi.ledger.models import Account, AccountKind, Posting, Transaction


@dataclass(frozen=True)
class Entry:
    account: str  # account code
    amount: int  # + debit / − credit, fen


class UnbalancedTransaction(ValueError):
    pass


def account_kind_for(code: str) -> str:
    """Account codes carry their kind: see docs/ledger.md for the chart of accounts."""
    if code.startswith(("provider:", "asset:")):
        return AccountKind.ASSET
    if code.startswith("revenue:"):
        return AccountKind.REVENUE
    if code.startswith("expense:"):
        return AccountKind.EXPENSE
    return AccountKind.LIABILITY


def _accounts(codes: Iterable[str], currency: str) -> dict[str, Account]:
    codes = sorted(set(codes))
    found = {a.code: a for a in Account.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            try:
                with transaction.atomic():
                    found[code] = Account.objects.create(code=code, kind=account_kind_for(code), name=code,
                                                         currency=currency)
            except IntegrityError:
                found[code] = Account.objects.get(code=code)
    return found


def ledger_post(*, key: str, kind: str, entries: list[Entry], memo: str = "", ref_type: str = "",
                ref_id: str | int = "", currency: str = "CNY", reverses: Transaction | None = None) -> Transaction:
    """Write one balanced transaction, or return the existing one for the same key.

    Idempotent: a second call with the same key and the same entries returns the first
    transaction and writes nothing; the same key with different entries is a bug → Conflict.
    Zero-amount entries are dropped; a transaction with no non-zero entries is still recorded
    (so the step is marked as done) but has no postings.
    """
    entries = [e for e in entries if e.amount != 0]
    if sum(e.amount for e in entries) != 0:
        raise UnbalancedTransaction(f"{kind} {key} does not balance: {entries}")
    with transaction.atomic(savepoint=False):  # joins the caller's transaction (all callers have one)
        accounts = _accounts([e.account for e in entries], currency)
        txn = _insert_unless_exists(key=key, kind=kind, memo=memo[:200], ref_type=ref_type, ref_id=str(ref_id),
                                    reverses=reverses)
        if txn is not None:
            Posting.objects.bulk_create([Posting(transaction=txn, account=accounts[e.account], amount=e.amount,
                                                 currency=currency) for e in entries])
            return txn
    # The key was taken (a retry, or a concurrent twin that committed first): same entries or a bug.
    return _same_or_conflict(Transaction.objects.get(idempotency_key=key), entries)


def _insert_unless_exists(*, key: str, kind: str, memo: str, ref_type: str, ref_id: str,
                          reverses: Transaction | None) -> Transaction | None:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id: one statement, and no
    savepoint needed to survive a duplicate key (PostgreSQL and SQLite ≥ 3.35 both speak it).
    A concurrent twin blocks on the unique index until the first commits, then gets no row."""
    table = Transaction._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (idempotency_key, kind, memo, ref_type, ref_id, reverses_id, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            [key, kind, memo, ref_type, ref_id, reverses.pk if reverses else None, now])
        row = cursor.fetchone()
    if row is None:
        return None
    return Transaction(pk=row[0], idempotency_key=key, kind=kind, memo=memo, ref_type=ref_type, ref_id=ref_id,
                       reverses=reverses, created_at=now)


def _same_or_conflict(txn: Transaction, entries: list[Entry]) -> Transaction:
    have = sorted((p.account.code, p.amount) for p in txn.postings.select_related("account"))
    want = sorted((e.account, e.amount) for e in entries)
    if have != want:
        raise Conflict(_("A ledger transaction with this key already exists with other amounts."),
                       code="ledger_key_conflict")
    return txn


def ledger_reverse(*, txn: Transaction, key: str, memo: str = "") -> Transaction:
    """A correction is a new transaction with every posting negated; nothing is edited."""
    entries = [Entry(p.account.code, -p.amount) for p in txn.postings.select_related("account")]
    return ledger_post(key=key, kind=f"{txn.kind}.reversal", entries=entries, memo=memo or f"reverses {txn.pk}",
                       ref_type=txn.ref_type, ref_id=txn.ref_id, reverses=txn)
