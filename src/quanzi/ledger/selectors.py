from __future__ import annotations

from django.db.models import Count, Q, Sum

from quanzi.ledger.models import Account, Posting, Transaction


def balance(*, code: str) -> int:
    """Raw balance (debits − credits) of one account; 0 for an account never used."""
    return Posting.objects.filter(account__code=code).aggregate(s=Sum("amount"))["s"] or 0


def balances(*, codes: list[str]) -> dict[str, int]:
    rows = Posting.objects.filter(account__code__in=codes).values("account__code").annotate(s=Sum("amount"))
    out = dict.fromkeys(codes, 0)
    out.update({r["account__code"]: r["s"] for r in rows})
    return out


def unbalanced_transactions(*, limit: int = 100) -> list[tuple[int, int]]:
    """(transaction id, sum) of every transaction whose postings do not sum to zero."""
    rows = Transaction.objects.annotate(total=Sum("postings__amount")).filter(~Q(total=0) & Q(total__isnull=False))
    return [(t.pk, t.total) for t in rows[:limit]]


def mixed_currency_transactions(*, limit: int = 100) -> list[int]:
    rows = Transaction.objects.annotate(n=Count("postings__currency", distinct=True)).filter(n__gt=1)
    return [t.pk for t in rows[:limit]]


def trial_balance() -> list[tuple[Account, int]]:
    totals = dict(Posting.objects.values_list("account_id").annotate(s=Sum("amount")))
    return [(a, totals.get(a.pk, 0)) for a in Account.objects.order_by("code")]


def transactions_for(*, ref_type: str, ref_id: str) -> list[Transaction]:
    return list(Transaction.objects.filter(ref_type=ref_type, ref_id=str(ref_id)).prefetch_related("postings__account")
                .order_by("id"))


# ---- public interface used by demo data, bench/ and the project's tests

def postings_sum() -> int:
    """The sum of every posting (0 when the books balance)."""
    return Posting.objects.aggregate(s=Sum("amount"))["s"] or 0


# ---- public interface used by reconciliation (each payment and refund against its transaction)

def account_amounts_by_key(*, keys, account_code: str) -> dict[str, int]:
    """{idempotency key: the sum of that transaction's postings to `account_code`} for the transactions
    booked under these keys (0 for one that does not touch the account); keys with no transaction are
    left out. One query per 500 keys."""
    keys, found = sorted({k for k in keys if k}), {}
    for start in range(0, len(keys), 500):
        rows = (Transaction.objects.filter(idempotency_key__in=keys[start:start + 500])
                .annotate(s=Sum("postings__amount", filter=Q(postings__account__code=account_code)))
                .values_list("idempotency_key", "s"))
        found.update({key: s or 0 for key, s in rows})
    return found
