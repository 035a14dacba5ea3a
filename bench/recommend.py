#!/usr/bin/env python
"""Recommendation quality benchmark (a script, not a test): the offline evaluation on the synthetic
marketplace with planted structure (recommend/synthetic.py) — NDCG@10, Recall@20 and catalogue coverage
of popularity and each model, and whether the goal holds: every personalised model ≥ 2× popularity on
NDCG@10.

    .venv/bin/python bench/recommend.py                      # 20,000 users, 5,000 items, 50 taste clusters
    .venv/bin/python bench/recommend.py --users 5000 --items 2000 --seeds 7,8,9
    .venv/bin/python bench/recommend.py --csv /tmp/synthetic.csv   # also write the data as the command's CSV

The same evaluation runs on any CSV (`manage.py recommend_eval --interactions FILE.csv`), e.g. a public
data set turned into `user_id,item_id,timestamp,event` rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit's advice; EASE's inverse runs on one core too


def main() -> int:
    from quanzi.recommend import algorithms, synthetic
    from quanzi.recommend.evaluation import evaluate, temporal_split

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--clusters", type=int, default=50)
    parser.add_argument("--seeds", default="7")
    parser.add_argument("--csv", help="write the (first seed's) interactions to this CSV")
    args = parser.parse_args()
    met = True
    for seed in [int(s) for s in args.seeds.split(",")]:
        started = time.perf_counter()
        world = synthetic.World(users=args.users, items=args.items, clusters=args.clusters)
        data = synthetic.generate(world, seed=seed)
        split = temporal_split(data)
        print(f"\nseed {seed}: {len(data):,} interactions · {split.train.shape[0]:,} users · "
              f"{split.train.shape[1]:,} items · {len(split.relevant):,} users scored "
              f"(generated and split in {time.perf_counter() - started:.1f} s)")
        if args.csv and seed == int(args.seeds.split(",")[0]):
            with open(args.csv, "w", encoding="utf-8") as f:
                f.write("user_id,item_id,timestamp,event\n")
                f.writelines(f"{r.user},{r.item},{int(r.ts)},{r.event}\n" for r in data)
            print(f"wrote {args.csv}")
        print(f"{'model':<12}{'NDCG@10':>9}{'Recall@20':>11}{'coverage':>10}{'× pop.':>8}{'fit+eval s':>12}")
        baseline = None
        for name, cls in algorithms.MODELS.items():
            started = time.perf_counter()
            try:
                scores = evaluate(cls().fit(split.train), split)
            except ValueError as exc:
                print(f"{name:<12}skipped: {exc}")
                continue
            baseline = scores["ndcg@10"] if name == "popularity" else baseline
            lift = scores["ndcg@10"] / baseline if baseline else 0.0
            if name != "popularity" and lift < 2:
                met = False
            print(f"{name:<12}{scores['ndcg@10']:>9.4f}{scores['recall@20']:>11.4f}{scores['coverage']:>10.4f}"
                  f"{lift:>8.2f}{time.perf_counter() - started:>12.1f}")
    print(f"\ngoal — every model ≥ 2× popularity on NDCG@10: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
