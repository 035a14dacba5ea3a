"""A simulated marketplace with planted attacks, for `bench/risk.py` and the detector tests.

Honest people (the model is an assumption, written down so the numbers can be judged):
* join over 90 days; 30 % were invited by someone (a few "influencers" invite dozens, spread over weeks);
* live in households of 1–4 people who share an address, usually a /24 network, sometimes a payment account
  (20 %) and rarely a device (10 %); networks come from a pool where a mobile carrier's range holds ~15 people;
* buy 0–12 orders from shops picked by popularity (Zipf), at random moments; 5 % of orders are refunded,
  rarely within 30 minutes; 40 % of deliveries get a review, one in ten within the hour;
* buy through friends' share links now and then (a friend may buy through theirs back);
* click a few ads, and sometimes buy from the advertiser.

Attacks (each a list of accounts, the truth the bench scores against):
* `brushing` 刷单 ring: 8–20 fresh buyers and a shop; a few phones, addresses and payment accounts passed
  around; orders at clockwork intervals; reviews as soon as the parcel lands;
* `self_referral`: one person's 3–6 accounts on two phones, each buying through the next one's share link
  in a circle, so every account earns commission;
* `reward_farm`: new-account reward farming (the platform has no coupons yet, so the reward is the inviter's
  new-member bonus): one inviter and 8–25 accounts registered within hours from a few phones and one network,
  each making one tiny order, often refunded at once;
* `click_farm`: 5–12 accounts on a couple of devices clicking one competitor's ads hundreds of times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from quanzi.trust.detectors import Graph, GraphBuilder

DAY = 86400.0
HOUR = 3600.0
ATTACKS = ("brushing", "self_referral", "reward_farm", "click_farm")


@dataclass
class Market:
    graph: Graph
    truth: dict[int, str]  # user row → attack type (honest rows absent)
    honest: list[int]
    groups: dict[str, list[list[int]]] = field(default_factory=dict)  # attack type → its groups of rows


class _World:
    def __init__(self, rng: random.Random, n_honest: int, n_shops: int):
        self.rng, self.b = rng, GraphBuilder()
        self.next_id = 1
        self.now = 90 * DAY
        self.shops = list(range(1, n_shops + 1))
        self.shop_weights = [1.0 / (k ** 1.1) for k in range(1, n_shops + 1)]
        self.n_ranges = max(20, n_honest // 15)
        self.truth: dict[int, str] = {}
        self.groups: dict[str, list[list[int]]] = {a: [] for a in ATTACKS}

    def new_user(self, joined: float) -> int:
        uid = self.next_id
        self.next_id += 1
        self.b.user(uid, joined)
        return uid

    def shop(self) -> int:
        return self.rng.choices(self.shops, weights=self.shop_weights)[0]


def _honest(w: _World, n: int) -> list[int]:
    rng, b = w.rng, w.b
    people: list[int] = []
    while len(people) < n:
        size = rng.choices((1, 2, 3, 4), weights=(45, 35, 14, 6))[0]
        home = f"addr-h{len(people)}"
        net = f"net-{rng.randrange(w.n_ranges)}"
        shared_payer = rng.random() < 0.2
        shared_device = rng.random() < 0.1
        for k in range(size):
            uid = w.new_user(rng.uniform(0, w.now - DAY))
            people.append(uid)
            b.attr(uid, "address", home)
            b.attr(uid, "ip24", net if rng.random() < 0.85 else f"net-{rng.randrange(w.n_ranges)}")
            b.attr(uid, "payer", f"pay-h{home}" if shared_payer else f"pay-{uid}")
            b.attr(uid, "device", f"dev-h{home}" if shared_device and k < 2 else f"dev-{uid}")
            if rng.random() < 0.1:
                b.attr(uid, "device", f"dev-{uid}-b")
    _invitations(w, people)
    for uid in people:
        _shop_like_a_person(w, uid)
    _friends_share(w, people)
    _look_alikes(w, people)
    return people


def _look_alikes(w: _World, people: list[int]) -> None:
    """Honest behaviour that looks like an attack: a campus network, subscribers who reorder like clockwork,
    and viral invitations (a post brings a crowd of strangers, some of them from one campus, in a day)."""
    rng, b = w.rng, w.b
    campus = rng.sample(people, len(people) // 30)
    for i, uid in enumerate(campus):
        b.attr(uid, "ip24", f"net-campus-{i % max(1, len(campus) // 50)}")
    for uid in rng.sample(people, len(people) // 100):  # a weekly order of milk or pet food
        shop, start, week = w.shop(), rng.uniform(0, w.now / 2), 7 * DAY
        for k in range(rng.randint(4, 10)):
            b.order(uid, shop, start + k * week + rng.uniform(-HOUR, HOUR))
    for _ in range(max(1, len(people) // 1000)):  # a viral post: 10–30 newcomers in a day
        inviter, t0 = rng.choice(people), rng.uniform(w.now / 2, w.now - DAY)
        for _k in range(rng.randint(10, 30)):
            uid = w.new_user(t0 + rng.uniform(0, 20 * HOUR))
            people.append(uid)
            b.invited(uid, inviter)
            b.attr(uid, "device", f"dev-{uid}")
            b.attr(uid, "address", f"addr-{uid}")
            b.attr(uid, "payer", f"pay-{uid}")
            b.attr(uid, "ip24", "net-campus-0" if rng.random() < 0.2
                   else f"net-{rng.randrange(w.n_ranges)}")
            _shop_like_a_person(w, uid)


def _invitations(w: _World, people: list[int]) -> None:
    rng, b = w.rng, w.b
    influencers = rng.sample(people, max(1, len(people) // 500))
    for uid in people:
        if rng.random() < 0.3:
            inviter = rng.choice(influencers) if rng.random() < 0.2 else rng.choice(people)
            if b.joined[b.rows[inviter]] < b.joined[b.rows[uid]]:  # one can only be invited by someone already in
                b.invited(uid, inviter)


def _shop_like_a_person(w: _World, uid: int) -> None:
    rng, b = w.rng, w.b
    joined = w.b.joined[w.b.rows[uid]]
    for _ in range(rng.choices(range(13), weights=(20, 18, 14, 11, 9, 7, 6, 5, 3, 2, 2, 1, 1))[0]):
        at = rng.uniform(joined, w.now)
        b.order(uid, w.shop(), at)
        if rng.random() < 0.05 and rng.random() < 0.1:
            b.quick_refund(uid)
        if rng.random() < 0.4 and rng.random() < 0.1:
            b.fast_review(uid)
    for _ in range(rng.choices((0, 1, 2, 3, 5), weights=(50, 20, 15, 10, 5))[0]):
        b.ad_clicks(uid, w.shop(), rng.choice((1, 1, 1, 2, 3)))


def _friends_share(w: _World, people: list[int]) -> None:
    rng, b = w.rng, w.b
    sharers = rng.sample(people, max(1, len(people) // 10))
    for sharer in sharers:
        for _ in range(rng.randrange(1, 6)):
            buyer = rng.choice(people)
            b.shared_purchase(buyer, sharer)
            if rng.random() < 0.1:
                b.shared_purchase(sharer, buyer)  # friends buy through each other's links


def _plant(w: _World, kind: str, members: list[int]) -> None:
    rows = [w.b.rows[u] for u in members]
    w.groups[kind].append(rows)
    for r in rows:
        w.truth[r] = kind


def _brushing(w: _World, k: int) -> None:
    rng, b = w.rng, w.b
    shop = len(w.shops) + 100 + k  # a small shop of its own (its few honest buyers come later)
    buyers = [w.new_user(w.now - rng.uniform(5, 30) * DAY) for _ in range(rng.randint(8, 20))]
    phones = [f"dev-ring{k}-{i}" for i in range(rng.randint(2, 4))]
    homes = [f"addr-ring{k}-{i}" for i in range(rng.randint(1, 3))]
    payers = [f"pay-ring{k}-{i}" for i in range(rng.randint(1, 2))]
    nets = [f"net-ring{k}-{i}" for i in range(rng.randint(1, 2))]
    gap = rng.uniform(6, 30) * HOUR
    for uid in buyers:
        for pool, kind in ((phones, "device"), (homes, "address"), (payers, "payer"), (nets, "ip24")):
            for value in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                b.attr(uid, kind, value)
        for _ in range(rng.randint(0, 3)):  # camouflage: ordinary purchases at popular shops
            b.order(uid, w.shop(), rng.uniform(w.now - 30 * DAY, w.now))
        start = w.now - rng.uniform(3, 5) * DAY
        for i in range(rng.randint(4, 8)):
            b.order(uid, shop, start + i * gap * rng.uniform(0.97, 1.03))
            if rng.random() < 0.7:
                b.fast_review(uid)
    for uid in rng.sample(list(w.b.rows)[: len(w.b.rows) // 2], 3):  # some honest buyers found the shop too
        b.order(uid, shop, rng.uniform(0, w.now))
    _plant(w, "brushing", buyers)


def _self_referral(w: _World, k: int) -> None:
    rng, b = w.rng, w.b
    accounts = [w.new_user(w.now - rng.uniform(10, 60) * DAY) for _ in range(rng.randint(3, 6))]
    phones = [f"dev-self{k}-{i}" for i in range(2)]
    for i, uid in enumerate(accounts):
        b.attr(uid, "device", phones[i % 2])
        b.attr(uid, "ip24", f"net-{rng.randrange(w.n_ranges)}")
        b.attr(uid, "address", f"addr-self{k}")
        b.attr(uid, "payer", f"pay-self{k}-{i}")
        nxt = accounts[(i + 1) % len(accounts)]
        for _ in range(rng.randint(1, 3)):
            b.order(uid, w.shop(), rng.uniform(w.now - 30 * DAY, w.now))
            b.shared_purchase(uid, nxt)
    _plant(w, "self_referral", accounts)


def _reward_farm(w: _World, k: int) -> None:
    rng, b = w.rng, w.b
    inviter = w.new_user(w.now - rng.uniform(20, 80) * DAY)
    t0 = w.now - rng.uniform(1, 20) * DAY
    phones = [f"dev-farm{k}-{i}" for i in range(rng.randint(2, 4))]
    net = f"net-farm{k}"
    accounts = []
    for _ in range(rng.randint(8, 25)):
        uid = w.new_user(t0 + rng.uniform(0, 6) * HOUR)
        accounts.append(uid)
        b.invited(uid, inviter)
        b.attr(uid, "device", rng.choice(phones))
        b.attr(uid, "ip24", net)
        b.attr(uid, "address", f"addr-farm{k}-{uid}")
        if rng.random() < 0.8:
            b.order(uid, w.shop(), t0 + rng.uniform(0, 8) * HOUR)
            if rng.random() < 0.5:
                b.quick_refund(uid)
    _plant(w, "reward_farm", [inviter, *accounts])


def _click_farm(w: _World, k: int) -> None:
    rng, b = w.rng, w.b
    target = rng.choice(w.shops[:20])
    phones = [f"dev-click{k}-{i}" for i in range(rng.randint(1, 3))]
    accounts = [w.new_user(w.now - rng.uniform(1, 30) * DAY) for _ in range(rng.randint(5, 12))]
    for uid in accounts:
        b.attr(uid, "device", rng.choice(phones))
        b.attr(uid, "ip24", f"net-click{k}")
        b.ad_clicks(uid, target, rng.randint(20, 300))
    _plant(w, "click_farm", accounts)


PLANTERS = {"brushing": _brushing, "self_referral": _self_referral, "reward_farm": _reward_farm,
            "click_farm": _click_farm}


def simulate(*, n_honest: int = 5000, n_shops: int = 300, attacks: dict[str, int] | None = None,
             seed: int = 20) -> Market:
    """A marketplace of `n_honest` honest people and `attacks` {type: how many groups} planted among them."""
    attacks = {"brushing": 10, "self_referral": 10, "reward_farm": 10, "click_farm": 10} if attacks is None else attacks
    w = _World(random.Random(seed), n_honest, n_shops)
    people = _honest(w, n_honest)
    for kind, count in attacks.items():
        for k in range(count):
            PLANTERS[kind](w, k)
    graph = w.b.build()
    honest = [w.b.rows[u] for u in people]
    return Market(graph=graph, truth=w.truth, honest=honest, groups=w.groups)


def score(market: Market, flagged: set[int]) -> dict[str, dict[str, float]]:
    """Per attack type: recall (share of its accounts flagged); and for the honest people the false-positive
    rate; plus overall precision."""
    out: dict[str, dict[str, float]] = {}
    for kind in ATTACKS:
        rows = [r for r, k in market.truth.items() if k == kind]
        if rows:
            out[kind] = {"accounts": len(rows), "recall": sum(r in flagged for r in rows) / len(rows)}
    fp = sum(r in flagged for r in market.honest)
    tp = sum(r in flagged for r in market.truth)
    out["honest"] = {"accounts": len(market.honest), "fpr": fp / max(1, len(market.honest))}
    out["all"] = {"flagged": len(flagged), "precision": tp / max(1, tp + fp),
                  "recall": tp / max(1, len(market.truth))}
    return out
