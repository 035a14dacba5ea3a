"""Test helpers of the ledger: read the books the way tests of other apps assert on them.

Plain functions (never imported by application code); other apps' tests use these instead of the
ledger's models.
"""

from __future__ import annotations

from django.db.models import Sum

from quanzi.ledger.models import Posting, Transaction
from quanzi.ledger.selectors import unbalanced_transactions


def assert_books_balance() -> None:
    """Every transaction's postings sum to zero, and so do all postings together."""
    assert unbalanced_transactions() == []
    assert postings_total() == 0


def transaction_get(*, key: str) -> Transaction | None:
    """The transaction booked under this idempotency key (keys are unique), or None."""
    return Transaction.objects.filter(idempotency_key=key).first()


def transaction_sums(*, kind: str) -> list[int]:
    """The sum of each transaction's postings, for every transaction of this kind (all 0 when balanced)."""
    return list(Posting.objects.filter(transaction__kind=kind).values("transaction").annotate(s=Sum("amount"))
                .values_list("s", flat=True))


# ---- public interface used by sharing, commission, wallet, live

def _transactions(*, kind: str | None = None, kind_prefix: str = "", ref_type: str | None = None,
                  ref_id: str | int | None = None):
    qs = Transaction.objects.all()
    if kind is not None:
        qs = qs.filter(kind=kind)
    if kind_prefix:
        qs = qs.filter(kind__startswith=kind_prefix)
    if ref_type is not None:
        qs = qs.filter(ref_type=ref_type)
    if ref_id is not None:
        qs = qs.filter(ref_id=str(ref_id))
    return qs


def transaction_count(*, kind: str | None = None, kind_prefix: str = "", ref_type: str | None = None,
                      ref_id: str | int | None = None) -> int:
    """How many ledger transactions match (all of them without filters)."""
    return _transactions(kind=kind, kind_prefix=kind_prefix, ref_type=ref_type, ref_id=ref_id).count()


def transactions(*, kind: str | None = None, kind_prefix: str = "", ref_type: str | None = None,
                 ref_id: str | int | None = None) -> list[Transaction]:
    """Matching transactions in id order, their postings and accounts prefetched."""
    return list(_transactions(kind=kind, kind_prefix=kind_prefix, ref_type=ref_type, ref_id=ref_id)
                .prefetch_related("postings__account").order_by("id"))


def transaction_kinds() -> set[str]:
    """Every transaction kind the books hold."""
    return set(Transaction.objects.values_list("kind", flat=True))


def postings_total(*, account_prefix: str = "") -> int:
    """The sum of all postings (0 when the books balance), or of the accounts whose code starts with the prefix."""
    qs = Posting.objects.all()
    if account_prefix:
        qs = qs.filter(account__code__startswith=account_prefix)
    return qs.aggregate(s=Sum("amount"))["s"] or 0


def posting_kinds(*, account_prefix: str) -> set[str]:
    """The kinds of the transactions that post to accounts whose code starts with the prefix."""
    return set(Posting.objects.filter(account__code__startswith=account_prefix)
               .values_list("transaction__kind", flat=True))


# ---- public interface used by demo, bench/ and the project's tests

def transaction_count_for(*, kind: str, ref_ids) -> int:
    """How many transactions of this kind reference one of these ids (bench checks: one capture per paid
    payment, one allocation per paid order)."""
    return Transaction.objects.filter(kind=kind, ref_id__in=[str(r) for r in ref_ids]).count()


def transaction_counts_by_kind() -> dict[str, int]:
    """Transaction kind → how many the books hold."""
    from django.db.models import Count

    return dict(Transaction.objects.values_list("kind").annotate(n=Count("id")).order_by())


# ---- public interface used by console (the operator's ledger check page)

def make_unbalanced_transaction(*, amount: int, key: str = "broken-1") -> Transaction:
    """A transaction whose one posting does not balance: what `ledger_check` must report (it can only
    be written behind the ledger's back, which is what this does)."""
    from quanzi.ledger.models import Account

    account = Account.objects.create(code=f"test:{key}", kind="asset", name=key)
    txn = Transaction.objects.create(idempotency_key=key, kind="test")
    Posting.objects.create(transaction=txn, account=account, amount=amount)
    return txn


# ---- public interface used by reconciliation's tests (books that disagree with the payments)

def transaction_tamper(*, key: str, entries: list[tuple[str, int]] | None = None) -> None:
    """Rewrite the transaction booked under `key` behind the ledger's back: with `entries`
    ([(account code, amount)…]) its postings are replaced by these; without, the transaction is gone.
    What a lost or wrong ledger write looks like to reconciliation (never done by application code)."""
    from quanzi.ledger.models import Account

    txn = Transaction.objects.get(idempotency_key=key)
    Posting.objects.filter(transaction=txn).delete()
    if entries is None:
        txn.delete()
        return
    for code, amount in entries:
        account, _ = Account.objects.get_or_create(code=code, defaults={"kind": "asset", "name": code})
        Posting.objects.create(transaction=txn, account=account, amount=amount)


# ---- public interface used by the revenue report's tests (postings on chosen days)

def transaction_backdate(*, key: str, at) -> None:
    """Move the transaction booked under `key` to the instant `at` (an aware datetime): books spread over
    days and months for tests of reports by day (never done by application code)."""
    assert Transaction.objects.filter(idempotency_key=key).update(created_at=at) == 1, key
