"""`ledger_post_many`: N transactions in a constant number of queries, with `ledger_post`'s semantics for
each one — balanced or refused, idempotent by key, Conflict on a key reused with other amounts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from quanzi.core.errors import Conflict
from quanzi.ledger.models import Account, Posting, Transaction
from quanzi.ledger.selectors import balance, unbalanced_transactions
from quanzi.ledger.services import Entry, Post, UnbalancedTransaction, ledger_post, ledger_post_many

pytestmark = pytest.mark.django_db


def transfers(prefix: str, n: int, *, shop: int = 7) -> list[Post]:
    """A mix like commission's: accruals to many users, a three-legged settlement, a zero leg, an empty one."""
    posts = []
    for i in range(n):
        posts.append(Post(key=f"{prefix}:accrue:{i}", kind="commission.accrue", ref_type="commission", ref_id=i,
                          memo=f"line {i}", entries=[Entry(f"merchant:{shop}:pending", 100 + i),
                                                     Entry(f"user:{i % 5}:earnings_pending", -(100 + i))]))
    posts.append(Post(key=f"{prefix}:settle", kind="order.settle", ref_type="order", ref_id="42",
                      entries=[Entry(f"merchant:{shop}:pending", 900), Entry(f"merchant:{shop}:available", -855),
                               Entry("revenue:take_rate", -45), Entry("platform:clearing", 0)]))
    posts.append(Post(key=f"{prefix}:nothing", kind="commission.release", entries=[Entry("user:1:wallet", 0)]))
    return posts


def snapshot(prefix: str) -> list:
    """Everything about the transactions under a key prefix, with the prefix taken out of the keys."""
    out = []
    for t in Transaction.objects.filter(idempotency_key__startswith=f"{prefix}:").order_by("idempotency_key"):
        postings = sorted((p.account.code, p.account.kind, p.account.currency, p.amount, p.currency)
                          for p in t.postings.select_related("account"))
        out.append((t.idempotency_key[len(prefix):], t.kind, t.memo, t.ref_type, t.ref_id, t.reverses_id, postings))
    return out


def test_a_batch_books_exactly_what_the_same_single_posts_book():
    for post in transfers("one", 12, shop=8):
        ledger_post(key=post.key, kind=post.kind, entries=list(post.entries), memo=post.memo,
                    ref_type=post.ref_type, ref_id=post.ref_id)
    result = ledger_post_many(posts=transfers("many", 12, shop=9))

    single, batch = snapshot("one"), snapshot("many")
    assert len(batch) == 14
    assert [row[:6] for row in batch] == [row[:6] for row in single]
    assert [[(c.replace(":9:", ":8:"), *rest) for c, *rest in row[6]] for row in batch] == [row[6] for row in single]
    assert [t.idempotency_key for t in result] == [p.key for p in transfers("many", 12)]
    assert [t.pk for t in result] == [Transaction.objects.get(idempotency_key=p.key).pk for p in transfers("many", 12)]
    assert Transaction.objects.get(idempotency_key="many:nothing").postings.count() == 0  # recorded, no postings
    assert balance(code="merchant:9:pending") == balance(code="merchant:8:pending")
    assert Account.objects.get(code="revenue:take_rate").kind == "revenue"
    assert unbalanced_transactions() == []


def test_the_number_of_queries_does_not_grow_with_the_batch():
    def count(posts):
        with CaptureQueriesContext(connection) as ctx:
            ledger_post_many(posts=posts)
        return len(ctx.captured_queries)

    first = count(transfers("a", 5))  # accounts are new: keys, accounts, upsert, re-read, transactions, postings
    assert first == 6
    # keys, accounts, transactions, postings — whatever the size (SQLite: VALUES chunks of 500 rows)
    assert count(transfers("c", 5)) == count(transfers("d", 200)) == 4
    if connection.vendor == "postgresql":
        assert count(transfers("e", 5000)) == 4


def test_running_a_batch_again_writes_nothing_and_returns_the_first_transactions():
    first = ledger_post_many(posts=transfers("k", 20))
    n_txn, n_post = Transaction.objects.count(), Posting.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        again = ledger_post_many(posts=list(reversed(transfers("k", 20))))
    assert [t.pk for t in again] == [t.pk for t in reversed(first)]
    assert (Transaction.objects.count(), Posting.objects.count()) == (n_txn, n_post)
    assert not [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]


def test_a_key_posted_singly_is_recognised_and_the_rest_of_the_batch_is_booked():
    posts = transfers("mix", 4)
    single = ledger_post(key=posts[2].key, kind=posts[2].kind, entries=list(reversed(posts[2].entries)))
    result = ledger_post_many(posts=posts)
    assert result[2].pk == single.pk
    assert Transaction.objects.filter(idempotency_key__startswith="mix:").count() == 6


def test_the_same_key_twice_in_one_batch_is_one_transaction():
    post = transfers("dup", 1)[0]
    result = ledger_post_many(posts=[post, post])
    assert result[0].pk == result[1].pk
    assert Transaction.objects.count() == 1


def test_a_key_reused_with_other_amounts_is_a_conflict_and_nothing_is_written():
    ledger_post_many(posts=transfers("c", 3))
    before = (Transaction.objects.count(), Posting.objects.count())
    changed = [*transfers("c2", 5), Post(key="c:accrue:1", kind="commission.accrue",
                                          entries=[Entry("merchant:7:pending", 1), Entry("user:1:earnings_pending", -1)])]
    with pytest.raises(Conflict) as exc:
        ledger_post_many(posts=changed)
    assert exc.value.code == "ledger_key_conflict"
    assert (Transaction.objects.count(), Posting.objects.count()) == before

    twice = transfers("c3", 1)[0]
    with pytest.raises(Conflict):
        ledger_post_many(posts=[twice, Post(key=twice.key, kind=twice.kind, entries=[Entry("a:1", 5), Entry("a:2", -5)])])
    assert (Transaction.objects.count(), Posting.objects.count()) == before


def test_one_unbalanced_transaction_refuses_the_whole_batch_before_any_write():
    posts = [*transfers("u", 5), Post(key="u:bad", kind="x", entries=[Entry("a:1", 5), Entry("a:2", -4)])]
    with CaptureQueriesContext(connection) as ctx, pytest.raises(UnbalancedTransaction):
        ledger_post_many(posts=posts)
    assert ctx.captured_queries == []
    assert Transaction.objects.count() == Posting.objects.count() == Account.objects.count() == 0


def test_an_empty_batch_does_nothing():
    with CaptureQueriesContext(connection) as ctx:
        assert ledger_post_many(posts=[]) == []
    assert ctx.captured_queries == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_batches_at_once_write_once():
    """Both batches insert the same keys: one waits on the unique index, then finds the other's rows
    (same entries) and returns them — each transaction is written once and nobody deadlocks."""
    barrier = threading.Barrier(4)
    results: list = [None] * 4

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", [t.pk for t in ledger_post_many(posts=transfers("race", 300))])
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            results[i] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert [r[0] for r in results] == ["ok"] * 4, results
    assert results[0][1] == results[1][1] == results[2][1] == results[3][1]
    assert Transaction.objects.count() == 302
    assert Posting.objects.count() == 2 * 300 + 3
    assert unbalanced_transactions() == []
