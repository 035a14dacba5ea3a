"""The one way money moves: `ledger_post` writes a balanced, idempotent transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict
from quanzi.ledger.constants import AccountKind
from quanzi.ledger.models import Account, Posting, Transaction


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
        txn = _insert_unless_exists(key=key, kind=kind, memo=memo[:200], ref_type=ref_type, ref_id=str(ref_id),
                                    reverses=reverses)
        if txn is not None:
            _post_entries(txn, entries, currency)
            return txn
    # The key was taken (a retry, or a concurrent twin that committed first): same entries or a bug.
    return _same_or_conflict(Transaction.objects.get(idempotency_key=key), entries)


def _post_entries(txn: Transaction, entries: list[Entry], currency: str) -> None:
    """The postings in one statement that also finds the accounts by code (no separate read of the
    accounts on the hot path: every capture and allocation posts to accounts that exist). Entries
    whose account does not exist yet are written after the accounts are created."""
    if not entries:
        return
    posting, account = Posting._meta.db_table, Account._meta.db_table
    rows = " UNION ALL ".join(["SELECT %s AS code, %s AS amount, %s AS n"] * len(entries))
    params: list = [txn.pk, currency]
    for n, entry in enumerate(entries):
        params += [entry.account, entry.amount, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {posting} (transaction_id, account_id, amount, currency) "  # noqa: S608
            f"SELECT %s, a.id, v.amount, %s FROM ({rows}) v JOIN {account} a ON a.code = v.code ORDER BY v.n",
            params)
        written = cursor.rowcount
    if written == len(entries):
        return
    have = set(Posting.objects.filter(transaction=txn).values_list("account__code", flat=True))
    missing = [e for e in entries if e.account not in have]
    accounts = _accounts([e.account for e in missing], currency)
    Posting.objects.bulk_create([Posting(transaction=txn, account=accounts[e.account], amount=e.amount,
                                         currency=currency) for e in missing])


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


# ---------------------------------------------------------------- many transactions at once

@dataclass(frozen=True)
class Post:
    """One transaction of a `ledger_post_many` batch: the keyword arguments of `ledger_post`."""

    key: str
    kind: str
    entries: list[Entry] | tuple[Entry, ...]
    memo: str = ""
    ref_type: str = ""
    ref_id: str | int = ""
    currency: str = "CNY"


_CHUNK_ROWS = 500  # rows per multi-row VALUES statement where arrays cannot be bound (SQLite)


def ledger_post_many(*, posts: Iterable[Post]) -> list[Transaction]:
    """`ledger_post` for a batch, in a constant number of queries; returns the transactions in input order.

    Each transaction has exactly `ledger_post`'s semantics: it must balance (`UnbalancedTransaction`,
    raised for any one of them before anything is written), zero entries are dropped, accounts are
    created on first use, and a key that already exists returns the first transaction when its entries
    are the same and raises Conflict (`ledger_key_conflict`) when they are not — so re-running a batch
    writes nothing. The same key twice in one batch is one transaction (Conflict if the entries differ).

    Why: a sweep or a backfill that books thousands of transfers one `ledger_post` at a time pays three
    or more round trips for each; here the whole batch costs one read of the keys, one read of the
    accounts (plus one upsert and one re-read when codes are new), one INSERT … ON CONFLICT DO NOTHING
    RETURNING of the transactions and one INSERT of their postings. Keys are inserted in sorted order,
    so two overlapping batches wait for each other on the unique index instead of deadlocking; the
    loser re-reads the keys it did not get and compares them, exactly as `ledger_post` does.
    """
    posts = list(posts)
    wanted = _normalise(posts)
    if not wanted:
        return []
    found = _existing_transactions(wanted)  # a read: a Conflict here has written nothing
    new = {key: item for key, item in wanted.items() if key not in found}
    if new:
        with transaction.atomic(savepoint=False):  # joins the caller's transaction, or makes the batch atomic
            inserted = _insert_transactions(new)
            raced = {key: new[key] for key in new if key not in inserted}
            if raced:  # a concurrent twin committed these keys between our read and our insert; a Conflict
                found.update(_existing_transactions(raced))  # here rolls the batch back with the caller
            _insert_postings({key: new[key] for key in inserted}, inserted)
            found.update(inserted)
    return [found[post.key] for post in posts]


def _normalise(posts: list[Post]) -> dict[str, tuple[Post, list[Entry]]]:
    """Drop zero entries, refuse an unbalanced transaction and fold repeated keys — before any query."""
    wanted: dict[str, tuple[Post, list[Entry]]] = {}
    for post in posts:
        entries = [e for e in post.entries if e.amount != 0]
        if sum(e.amount for e in entries) != 0:
            raise UnbalancedTransaction(f"{post.kind} {post.key} does not balance: {entries}")
        seen = wanted.get(post.key)
        if seen is None:
            wanted[post.key] = (post, entries)
        elif _entry_set(seen[1]) != _entry_set(entries):
            raise _key_conflict()
    return wanted


def _entry_set(entries) -> list[tuple[str, int]]:
    return sorted((e.account, e.amount) for e in entries)


def _key_conflict() -> Conflict:
    return Conflict(_("A ledger transaction with this key already exists with other amounts."),
                    code="ledger_key_conflict")


def _existing_transactions(wanted: dict[str, tuple[Post, list[Entry]]]) -> dict[str, Transaction]:
    """The transactions already booked under the wanted keys, each checked to have the wanted entries
    (else Conflict). One query when none exists, two otherwise."""
    txns = {t.idempotency_key: t for t in Transaction.objects.filter(idempotency_key__in=list(wanted))}
    if not txns:
        return {}
    have: dict[int, list[tuple[str, int]]] = {t.pk: [] for t in txns.values()}
    for txn_id, code, amount in Posting.objects.filter(transaction_id__in=list(have)).values_list(
            "transaction_id", "account__code", "amount"):
        have[txn_id].append((code, amount))
    for key, txn in txns.items():
        if sorted(have[txn.pk]) != _entry_set(wanted[key][1]):
            raise _key_conflict()
    return txns


def _insert_transactions(new: dict[str, tuple[Post, list[Entry]]]) -> dict[str, Transaction]:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING for the whole batch, keys sorted.
    Keys missing from the answer were taken by a concurrent twin."""
    now = timezone.now()
    rows = [(key, post.kind, post.memo[:200], post.ref_type, str(post.ref_id))
            for key, (post, _entries) in sorted(new.items())]
    returned = _insert_rows(Transaction._meta.db_table, ["idempotency_key", "kind", "memo", "ref_type", "ref_id"],
                            ["text"] * 5, rows, constants={"created_at": now},
                            tail="ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key")
    out = {}
    for pk, key in returned:
        post = new[key][0]
        out[key] = Transaction(pk=pk, idempotency_key=key, kind=post.kind, memo=post.memo[:200],
                               ref_type=post.ref_type, ref_id=str(post.ref_id), created_at=now)
    return out


def _insert_postings(new: dict[str, tuple[Post, list[Entry]]], txns: dict[str, Transaction]) -> None:
    currency_of = {}
    for post, entries in new.values():
        for e in entries:
            currency_of.setdefault(e.account, post.currency)
    accounts = _account_ids(currency_of)
    rows = [(txns[key].pk, accounts[e.account], e.amount, post.currency)
            for key, (post, entries) in new.items() for e in entries]
    _insert_rows(Posting._meta.db_table, ["transaction_id", "account_id", "amount", "currency"],
                 ["bigint", "bigint", "bigint", "text"], rows)


def _account_ids(currency_of: dict[str, str]) -> dict[str, int]:
    """Account ids by code; missing accounts are created in one upsert (ON CONFLICT DO NOTHING: a
    concurrent creator wins, we re-read) and never row-locked, so hot accounts do not serialise batches."""
    codes = sorted(currency_of)
    ids = dict(Account.objects.filter(code__in=codes).values_list("code", "id"))
    missing = [c for c in codes if c not in ids]
    if missing:
        now = timezone.now()
        _insert_rows(Account._meta.db_table, ["code", "kind", "name", "currency"], ["text"] * 4,
                     [(c, account_kind_for(c), c, currency_of[c]) for c in missing], constants={"created_at": now},
                     tail="ON CONFLICT (code) DO NOTHING")
        ids.update(Account.objects.filter(code__in=missing).values_list("code", "id"))
    return ids


def _insert_rows(table: str, columns: list[str], pg_types: list[str], rows: list[tuple], *,
                 constants: dict | None = None, tail: str = "") -> list[tuple]:
    """Many rows in one statement. PostgreSQL: one array per column through unnest, so the statement is
    the same whatever the batch size; elsewhere (SQLite): multi-row VALUES in chunks of `_CHUNK_ROWS`.
    `constants` are columns with one value for every row. Returns the RETURNING rows, if any."""
    if not rows:
        return []
    constants = constants or {}
    names = ", ".join([*columns, *constants])
    returning = "RETURNING" in tail
    out: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in pg_types)
            aliases = ", ".join(f"c{i}" for i in range(len(columns)))
            extra = "".join(", %s" for _c in constants)
            cursor.execute(f"INSERT INTO {table} ({names}) SELECT {aliases}{extra} "  # noqa: S608
                           f"FROM unnest({arrays}) AS t({aliases}) {tail}",
                           [*constants.values(), *([list(col) for col in zip(*rows, strict=True)])])
            return cursor.fetchall() if returning else []
        row_sql = "(" + ", ".join(["%s"] * (len(columns) + len(constants))) + ")"
        for i in range(0, len(rows), _CHUNK_ROWS):
            chunk = rows[i:i + _CHUNK_ROWS]
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([row_sql] * len(chunk))} {tail}",  # noqa: S608
                           [v for row in chunk for v in (*row, *constants.values())])
            if returning:
                out.extend(cursor.fetchall())
    return out
