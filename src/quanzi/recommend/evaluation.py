"""Offline evaluation: a temporal split per user and the ranking metrics, written to be checked by hand.

* **Split**: each user's interactions sorted by time; the last 20 % (rounded down, at least one when the
  user has two or more) are the test part, the rest trains. A user with a single interaction only trains.
* **Relevant items** of a user: the distinct items of their test part that are not in their training part.
  Recommenders never show what a user already interacted with (the serving rule), so an item seen in
  training cannot be a hit; such test items are dropped (a consumable bought again is a repeat purchase,
  served by the "buy again" rail, not by discovery). Users left with no relevant item are not scored.
* **NDCG@10** = DCG / IDCG with binary relevance: DCG = Σ_{i<10} rel_i / log2(i + 2), IDCG the same for
  min(10, |relevant|) hits in the first places. **Recall@20** = hits in the top 20 / |relevant|.
  **Coverage** = distinct items in anyone's top 20 / items in the catalogue (the training matrix's columns).
  Averages are over scored users.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from quanzi.recommend.data import Index, Interaction, matrix

TEST_SHARE = 0.2
NDCG_K, RECALL_K = 10, 20


@dataclass
class Split:
    train: sparse.csr_matrix
    relevant: dict[int, set[int]]  # user row → item columns
    index: Index


def temporal_split(interactions: Sequence[Interaction], *, test_share: float = TEST_SHARE) -> Split:
    by_user: dict[str, list[Interaction]] = defaultdict(list)
    for it in interactions:
        by_user[it.user].append(it)
    train_part: list[Interaction] = []
    test_part: dict[str, list[Interaction]] = {}
    for user, rows in by_user.items():
        rows.sort(key=lambda it: (it.ts, it.item))
        n_test = max(1, int(len(rows) * test_share)) if len(rows) >= 2 else 0
        train_part += rows[: len(rows) - n_test]
        if n_test:
            test_part[user] = rows[len(rows) - n_test:]
    index = Index()
    train = matrix(train_part, index)
    relevant: dict[int, set[int]] = {}
    for user, rows in test_part.items():
        u = index.users.get(user)
        if u is None:
            continue  # every interaction of the user was in the test part: nothing to learn from
        seen = set(train.indices[train.indptr[u]:train.indptr[u + 1]])
        items = {index.items[it.item] for it in rows if it.item in index.items} - seen
        if items:
            relevant[u] = items
    return Split(train=train, relevant=relevant, index=index)


def ndcg_at(ranked: Sequence[int], relevant: set[int], k: int = NDCG_K) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: Sequence[int], relevant: set[int], k: int = RECALL_K) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def top_k(scores: np.ndarray, seen: np.ndarray, k: int) -> list[int]:
    """The k best columns of one user's scores, never an item they have seen; ties by column."""
    scores = scores.astype(np.float64, copy=True)
    scores[seen] = -np.inf
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return sorted(part.tolist(), key=lambda c: (-scores[c], c))


def evaluate(model, split: Split, *, batch: int = 1024) -> dict[str, float]:
    """Fit nothing: score `model` (already fitted on `split.train`) on the split's relevant items."""
    users = sorted(split.relevant)
    ndcg = recall = 0.0
    shown: set[int] = set()
    train = split.train
    for start in range(0, len(users), batch):
        rows = users[start:start + batch]
        scores = model.score(np.asarray(rows))
        for i, u in enumerate(rows):
            ranked = top_k(scores[i], train.indices[train.indptr[u]:train.indptr[u + 1]], RECALL_K)
            ndcg += ndcg_at(ranked, split.relevant[u])
            recall += recall_at(ranked, split.relevant[u])
            shown.update(ranked)
    n = len(users) or 1
    return {"ndcg@10": round(ndcg / n, 4), "recall@20": round(recall / n, 4),
            "coverage": round(len(shown) / max(1, train.shape[1]), 4), "users": len(users)}
