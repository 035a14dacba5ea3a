"""A marketplace's interactions with planted structure, for tests and `bench/recommend.py`: what a good
recommender must find and popularity cannot.

* **Taste clusters** — items belong to one of `clusters` categories of taste; each user likes one or two.
* **Popularity skew** — within the catalogue and each cluster, item popularity follows a Zipf law, so
  "most popular" is a real, strong baseline.
* **Repeat buys** — some items are consumables (tea, tissues) that their buyers come back to.
* **Social influence** — users come in friend pairs; now and then one does what the friend did lately.

Each user's interactions are a time-ordered session stream: a view, sometimes followed by a like, a cart, an
order or a share of the same item. Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from quanzi.recommend.data import Interaction

DAY = 86_400.0
START = 1_767_225_600.0  # 2026-01-01 UTC


@dataclass(frozen=True)
class World:
    users: int = 2_000
    items: int = 1_000
    clusters: int = 20
    per_user: tuple[int, int] = (8, 40)  # interactions per user, uniform
    taste: float = 0.8  # of a user's picks come from their clusters
    social: float = 0.1  # … copy a friend's recent item
    consumables: float = 0.1  # of items are bought again
    zipf: float = 1.1


def generate(world: World = World(), *, seed: int = 7) -> list[Interaction]:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    cluster_of = nrng.integers(0, world.clusters, size=world.items)
    weight = 1.0 / np.arange(1, world.items + 1) ** world.zipf
    nrng.shuffle(weight)
    members = [np.flatnonzero(cluster_of == c) for c in range(world.clusters)]
    member_p = [weight[m] / weight[m].sum() if len(m) else None for m in members]
    global_p = weight / weight.sum()
    consumable = set(nrng.choice(world.items, size=int(world.items * world.consumables), replace=False).tolist())
    tastes = [rng.sample(range(world.clusters), rng.choice((1, 1, 2))) for _ in range(world.users)]
    recent: dict[int, list[int]] = {}
    out: list[Interaction] = []
    for u in range(world.users):
        friend = u ^ 1
        t = START + rng.uniform(0, 30 * DAY)
        mine: list[int] = []
        for _ in range(rng.randint(*world.per_user)):
            t += rng.expovariate(1 / (1.5 * DAY))
            roll = rng.random()
            if mine and rng.random() < 0.08 and any(i in consumable for i in mine):
                item = rng.choice([i for i in mine if i in consumable])  # buys a consumable again
            elif roll < world.social and recent.get(friend):
                item = rng.choice(recent[friend][-5:])
            elif roll < world.social + world.taste:
                c = rng.choice(tastes[u])
                if member_p[c] is None:
                    continue
                item = int(nrng.choice(members[c], p=member_p[c]))
            else:
                item = int(nrng.choice(world.items, p=global_p))
            mine.append(item)
            out += _session(rng, f"u{u}", f"i{item}", t)
        recent[u] = mine
    return out


def _session(rng: random.Random, user: str, item: str, t: float) -> list[Interaction]:
    rows = [Interaction(user=user, item=item, ts=t, event="view")]
    for event, p in (("like", 0.15), ("cart", 0.25), ("share", 0.05)):
        if rng.random() < p:
            t += rng.uniform(5, 300)
            rows.append(Interaction(user=user, item=item, ts=t, event=event))
    if rows[-1].event == "cart" and rng.random() < 0.6:
        rows.append(Interaction(user=user, item=item, ts=t + rng.uniform(30, 900), event="order"))
    return rows
