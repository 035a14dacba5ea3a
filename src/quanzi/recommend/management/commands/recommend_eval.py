"""`python manage.py recommend_eval [--interactions FILE.csv] [--json OUT.json] [--models a,b]`

Offline evaluation of the recommenders (docs/recommend.md): a temporal split (each user's last 20 % of
interactions by time are the test), then NDCG@10, Recall@20 and catalogue coverage for popularity and
each model. The CSV has the columns `user_id,item_id,timestamp,event` (event ∈ view, cart, order, like,
share; timestamp in epoch seconds); bad rows are reported and skipped. Without `--interactions`, Quanzi's
own database: the analytics log's product views, adds to cart, paid order lines and product shares.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quanzi.recommend import algorithms
from quanzi.recommend.data import Interaction, ReadReport, read_csv
from quanzi.recommend.evaluation import evaluate, temporal_split


def database_interactions() -> list[Interaction]:
    from quanzi.analytics.selectors import product_interactions

    return [Interaction(user=actor, item=str(item), ts=ts, event=event)
            for actor, item, ts, event in product_interactions()]


class Command(BaseCommand):
    help = "Evaluate the recommenders offline: NDCG@10, Recall@20 and coverage per model."

    def add_arguments(self, parser):
        parser.add_argument("--interactions", help="CSV with user_id,item_id,timestamp,event")
        parser.add_argument("--json", help="also write the results to this JSON file")
        parser.add_argument("--models", default=",".join(algorithms.MODELS),
                            help=f"comma-separated, from {','.join(algorithms.MODELS)} (popularity always runs)")

    def handle(self, *args, **opts):
        names = ["popularity", *[n.strip() for n in opts["models"].split(",") if n.strip() and n.strip() != "popularity"]]
        unknown = [n for n in names if n not in algorithms.MODELS]
        if unknown:
            raise CommandError(f"unknown models: {', '.join(unknown)} (choose from {', '.join(algorithms.MODELS)})")
        interactions = self._interactions(opts["interactions"])
        split = temporal_split(interactions)
        users, items = split.train.shape
        self.stdout.write(f"{len(interactions)} interactions · {users} users · {items} items · "
                          f"{len(split.relevant)} users with something to find in their last 20 %")
        results, baseline = {}, None
        self.stdout.write(f"{'model':<12}{'NDCG@10':>9}{'Recall@20':>11}{'coverage':>10}{'× pop.':>8}{'seconds':>9}")
        for name in names:
            started = time.perf_counter()
            try:
                model = algorithms.MODELS[name]().fit(split.train) if users and items else None
            except ValueError as exc:  # EASE on too many items
                self.stdout.write(f"{name:<12}skipped: {exc}")
                continue
            scores = evaluate(model, split) if model is not None else {"ndcg@10": 0.0, "recall@20": 0.0,
                                                                       "coverage": 0.0, "users": 0}
            seconds = time.perf_counter() - started
            baseline = scores["ndcg@10"] if name == "popularity" else baseline
            lift = f"{scores['ndcg@10'] / baseline:.2f}" if baseline else "—"
            self.stdout.write(f"{name:<12}{scores['ndcg@10']:>9.4f}{scores['recall@20']:>11.4f}"
                              f"{scores['coverage']:>10.4f}{lift:>8}{seconds:>9.1f}")
            results[name] = {**scores, "seconds": round(seconds, 2)}
        if opts["json"]:
            Path(opts["json"]).write_text(json.dumps(results, indent=2), encoding="utf-8")
            self.stdout.write(f"wrote {opts['json']}")

    def _interactions(self, path: str | None) -> list[Interaction]:
        if not path:
            return database_interactions()
        report = ReadReport()
        try:
            with open(path, encoding="utf-8", newline="") as f:
                rows = list(read_csv(f, report))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(f"read {report.read} interactions from {path}")
        for reason, n in sorted(report.skipped.items()):
            lines = ", ".join(map(str, report.examples[reason]))
            self.stdout.write(f"skipped {n} rows: {reason} (lines {lines}{', …' if n > 5 else ''})")
        return rows
