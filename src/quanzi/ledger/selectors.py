from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

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


# ---- public interface used by the platform revenue report (ads.revenue): postings summed by local day

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _day_bounds(since: dt.date, until: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _totals_by_day(*, match: Q, group: str, since: dt.date, until: dt.date, tz) -> dict:
    start, end = _day_bounds(since, until, tz)
    rows = (Posting.objects.filter(match, transaction__created_at__gte=start, transaction__created_at__lt=end)
            .annotate(day=TruncDate("transaction__created_at", tzinfo=tz))
            .values_list("day", group).annotate(s=Sum("amount")).order_by())
    return {(day, key): s for day, key, s in rows if s}


def account_totals_by_day(*, prefixes, since: dt.date, until: dt.date, tz=None) -> dict[tuple, int]:
    """{(day, account code): raw sum of the postings (debits − credits)} for the accounts whose code starts
    with one of `prefixes`, over the local days `since` … `until` (inclusive dates; a posting's day is its
    transaction's `created_at` in `tz`, Asia/Shanghai by default). Days and accounts with no movement (or
    a zero sum) are left out. One GROUP BY query (TruncDate in the time zone, on SQLite and PostgreSQL)."""
    prefixes = [p for p in prefixes if p]
    if not prefixes:
        return {}
    match = Q()
    for p in prefixes:
        match |= Q(account__code__startswith=p)
    return _totals_by_day(match=match, group="account__code", since=since, until=until,
                          tz=tz or SHANGHAI)


def kind_totals_by_day(*, kinds, account_prefix: str, since: dt.date, until: dt.date, tz=None) -> dict[tuple, int]:
    """{(day, transaction kind): raw sum of the postings to accounts whose code starts with `account_prefix`}
    in the transactions of these kinds, over the local days `since` … `until` (see `account_totals_by_day`).
    E.g. what merchants paid out as commission: kinds `commission.*`, prefix `merchant:`. One query."""
    kinds = sorted(set(kinds))
    if not kinds or not account_prefix:
        return {}
    match = Q(transaction__kind__in=kinds, account__code__startswith=account_prefix)
    return _totals_by_day(match=match, group="transaction__kind", since=since, until=until,
                          tz=tz or SHANGHAI)
