"""Measure the risk detectors on a simulated marketplace with planted attacks (quanzi.trust.simulation).

    .venv/bin/python bench/risk.py [--honest 5000] [--groups 10] [--seed 20]

Prints, per detector and for all of them together, the recall on each attack type (share of the attackers'
accounts flagged), the false-positive rate on honest people and the precision; and the time each detector took.
No database: the detectors run on the same arrays `trust.services.detection_run` builds from the platform's
signals. Goal (issue 20): recall ≥ 95 % on every attack at ≤ 1 % false positives on honest people.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> int:
    from quanzi.trust import detectors
    from quanzi.trust.simulation import ATTACKS, score, simulate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--honest", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=10, help="groups planted of each attack type")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()

    t = time.perf_counter()
    market = simulate(n_honest=args.honest, attacks={a: args.groups for a in ATTACKS}, seed=args.seed)
    g = market.graph
    print(f"# Quanzi risk bench — {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    print(f"marketplace: {len(market.honest)} honest accounts, {len(market.truth)} attackers "
          f"({', '.join(f'{a} {sum(len(x) for x in market.groups[a])} in {len(market.groups[a])} groups' for a in ATTACKS)}), "
          f"{g.n_attrs} attributes, {len(g.edge_user)} edges, {len(g.order_user)} orders "
          f"(built in {time.perf_counter() - t:.1f} s)\n")
    header = ["detector", *[f"recall {a}" for a in ATTACKS], "FPR honest", "precision", "flagged", "cases", "seconds"]
    rows = []
    every: set[int] = set()
    total_cases, total_time = 0, 0.0
    for name, fn in detectors.DETECTORS.items():
        t = time.perf_counter()
        findings = fn(g)
        took = time.perf_counter() - t
        flagged = detectors.flagged_rows(findings)
        every |= flagged
        total_cases += len(findings)
        total_time += took
        rows.append(_row(name, score(market, flagged), flagged, len(findings), took))
    rows.append(_row("all together", score(market, every), every, total_cases, total_time))
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    s = score(market, every)
    ok = all(s[a]["recall"] >= 0.95 for a in ATTACKS if a in s) and s["honest"]["fpr"] <= 0.01
    print(f"\ngoal (recall ≥ 95 % on every attack, FPR ≤ 1 %): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def _row(name, s, flagged, cases, took) -> list[str]:
    from quanzi.trust.simulation import ATTACKS

    return [name, *[f"{100 * s[a]['recall']:.1f} %" if a in s else "–" for a in ATTACKS],
            f"{100 * s['honest']['fpr']:.2f} %", f"{100 * s['all']['precision']:.1f} %", str(len(flagged)),
            str(cases), f"{took:.2f}"]


if __name__ == "__main__":
    raise SystemExit(main())
