"""The evaluation's pieces against hand-computed values: the temporal split, NDCG@10, Recall@20, coverage,
top-k without seen items; CSV reading with bad rows reported and skipped."""

import io
import math

import numpy as np
import pytest

from quanzi.recommend import algorithms, synthetic
from quanzi.recommend.data import Interaction, ReadReport, read_csv
from quanzi.recommend.evaluation import evaluate, ndcg_at, recall_at, temporal_split, top_k


def it(user, item, ts, event="view"):
    return Interaction(user=user, item=item, ts=ts, event=event)


def test_ndcg_and_recall_by_hand():
    # relevant {7, 9}; ranked 9 first (hit at rank 1), 7 at rank 3
    ranked = [9, 4, 7, 1]
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    idcg = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at(ranked, {7, 9}) == pytest.approx(dcg / idcg)
    assert ndcg_at([4, 1], {7}) == 0.0
    assert recall_at(ranked, {7, 9, 11}) == pytest.approx(2 / 3)
    assert recall_at(list(range(30)), {25}) == 0.0  # beyond the top 20


def test_the_split_keeps_each_users_last_fifth_and_drops_what_they_already_saw():
    rows = [it("a", f"i{n}", n) for n in range(10)]  # 10 interactions: the last 2 (i8, i9) are the test
    rows += [it("b", "i8", 1), it("b", "i9", 2), it("b", "i0", 3)]  # 3: the last one is the test
    rows += [it("c", "i5", 1)]  # one interaction: train only
    rows += [it("d", "i1", 1), it("d", "i2", 2), it("d", "i1", 3)]  # d's test item i1 was seen: nothing to find
    split = temporal_split(rows)
    u, i = split.index.users, split.index.items
    assert split.relevant == {u["a"]: {i["i8"], i["i9"]}, u["b"]: {i["i0"]}}
    assert split.train.shape == (4, 10)


def test_top_k_never_shows_a_seen_item_and_breaks_ties_by_column():
    scores = np.array([0.5, 0.9, 0.9, 0.1, 0.7])
    assert top_k(scores, np.array([1]), 3) == [2, 4, 0]
    assert top_k(scores, np.array([0, 1, 2, 3, 4]), 3) == []


def test_evaluate_with_a_hand_made_split_and_popularity():
    # users x, y trained on items A (both) and B (x); x's test item C, y's B
    rows = [it("x", "A", 1), it("x", "B", 2), it("x", "C", 3, "order"), it("x", "C", 4),
            it("y", "A", 1), it("y", "D", 2), it("y", "B", 3)]
    split = temporal_split(rows)
    scores = evaluate(algorithms.Popularity().fit(split.train), split)
    # x trains on A, B, C (its order of C) and tests C (its last, a view): seen → x is not scored.
    # y trains on A, D and tests B. Popularity A 2, B 1, C 1, D 1 → y's list without A, D: [B, C] (tie by
    # column) → a hit at rank 1; the lists shown cover B and C of the 4 items.
    assert scores == {"ndcg@10": 1.0, "recall@20": 1.0, "coverage": 0.5, "users": 1}


def test_bad_csv_rows_are_reported_and_skipped():
    text = ("user_id,item_id,timestamp,event\n"
            "u1,i1,1700000000,view\n"
            "u1,i2,yesterday,view\n"
            "u1,i3,1e400,view\n"
            "u2,,1700000000,view\n"
            f"{'x' * 65},i1,1700000000,view\n"
            "u2,i1,1700000000,purchase\n"
            "u2,i1\n"
            "u3,i9,1700000100,ORDER\n")
    report = ReadReport()
    rows = list(read_csv(io.StringIO(text), report))
    assert [(r.user, r.item, r.event) for r in rows] == [("u1", "i1", "view"), ("u3", "i9", "order")]
    assert report.skipped == {"bad_timestamp": 2, "bad_id": 2, "unknown_event": 1, "missing_field": 1}
    assert report.examples["bad_timestamp"] == [3, 4]
    with pytest.raises(ValueError, match="missing: event"):
        list(read_csv(io.StringIO("user_id,item_id,timestamp\n"), ReadReport()))


def test_every_model_beats_popularity_on_planted_tastes():
    data = synthetic.generate(synthetic.World(users=400, items=200, clusters=10), seed=3)
    split = temporal_split(data)
    results = {name: evaluate(cls().fit(split.train), split) for name, cls in algorithms.MODELS.items()}
    pop = results["popularity"]["ndcg@10"]
    assert pop > 0
    assert results["itemknn"]["ndcg@10"] > 1.5 * pop and results["ease"]["ndcg@10"] > 1.5 * pop
    assert results["als"]["ndcg@10"] > 1.2 * pop
    assert results["itemknn"]["coverage"] > results["popularity"]["coverage"]
