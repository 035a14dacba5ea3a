"""The risk detectors, on plain arrays (numpy / scipy.sparse): no database, so `bench/risk.py` and the tests run
them on a simulated marketplace and `services.detection_run` on the platform's own signals.

Three families, each returning `Finding`s (who, which shared attributes, a score, why it fired):

* `rules` — named rules with weights; a user whose fired rules add up to `RULE_THRESHOLD` is flagged, with
  each rule's evidence (shared device/payer/address, regular order timing, quick refunds, reviews right after
  delivery, a burst of fresh invitees under one inviter, ad clicks without orders);
* `dense_blocks` — FRAUDAR-style greedy peeling (Hooi et al., "FRAUDAR: Bounding Graph Fraud in the Face of
  Camouflage", KDD 2016) on the accounts × attributes graph (devices, IP /24 ranges, address hashes, payer
  accounts, shops bought from, shops whose ads were clicked). Each edge weighs 1/log(c + 5), c being its
  column's degree, so attributes everybody shares (a big shop, a mobile carrier's range) count little; the
  block of rows and columns with the highest average weight per node is peeled out, repeatedly;
* `referral_cycles` and `referral_stars` — strongly connected components (scipy.sparse.csgraph) of the
  "who brought whom" graph (invitations and purchases through someone's share link), and inviters with a
  burst of fresh invitees who share devices or networks.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

HOUR = 3600.0
# Rule thresholds and weights (points). A user is flagged when the fired rules add up to RULE_THRESHOLD.
RULE_THRESHOLD = 50
RULES = {
    # name: (weight, threshold)
    "shared_device": (25, 3),  # accounts on one device
    "shared_payer": (25, 3),  # accounts paying from one payment account
    "shared_address": (20, 4),  # accounts shipping to one address (families share one: 4 and more)
    "crowded_ip": (10, 40),  # accounts on one /24 (mobile carriers put many on one range: weak)
    "regular_timing": (20, 4),  # orders at clockwork intervals (coefficient of variation < 0.2)
    "quick_refunds": (25, 2),  # refunds within 30 minutes of paying
    "review_burst": (15, 3),  # reviews within an hour of delivery
    "invite_burst": (30, 5),  # invitees of one inviter joining within 24 hours
    "ad_click_farm": (30, 15),  # clicks on one shop's ads, never buying there
    "click_ring": (25, 3),  # heavy clickers of one shop's ads sharing devices or networks
}
REGULAR_CV = 0.2
BURST_WINDOW = 24 * HOUR
# Dense blocks: a block is a finding when its density (edge weight per node) reaches this and it holds enough
# accounts; one below it ends the peeling.
BLOCK_DENSITY = 0.9
BLOCK_MIN_USERS = 4
MAX_BLOCKS = 200
CYCLE_MIN_USERS = 3
CYCLE_MIN_SHARED = 0.5  # of a cycle's accounts sharing a device, network, address or payer with another
STAR_MIN_SHARED = 0.5  # of a burst's invitees sharing a device, payer or address with another


@dataclass
class Graph:
    """What the platform saw, as arrays. Users are rows 0..n-1 (`user_ids` maps them back)."""

    user_ids: np.ndarray  # int64, external ids
    attr_keys: list[tuple[str, str]]  # column j → (kind, value); kinds: device ip24 address payer shop ad
    edge_user: np.ndarray  # int, one (user, attribute) pair per edge, no duplicates
    edge_attr: np.ndarray
    joined: np.ndarray  # float seconds, per user
    inviter: np.ndarray  # int, row of the user's inviter or -1
    # who brought whom besides invitations: (buyer row, sharer row) of purchases through a share link
    share_buyer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    share_sharer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # orders: (user row, shop column, paid at seconds)
    order_user: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    order_shop: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    order_at: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float64))
    quick_refunds: np.ndarray | None = None  # per user
    fast_reviews: np.ndarray | None = None  # per user: reviews within an hour of delivery
    # ad clicks: (user row, shop column of the advertiser, clicks)
    click_user: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    click_shop: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    click_count: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_attrs(self) -> int:
        return len(self.attr_keys)

    def per_user(self, values: np.ndarray | None) -> np.ndarray:
        return np.zeros(self.n_users, dtype=np.int64) if values is None else values

    def matrix(self) -> sparse.csr_matrix:
        data = np.ones(len(self.edge_user), dtype=np.float64)
        return sparse.csr_matrix((data, (self.edge_user, self.edge_attr)), shape=(self.n_users, self.n_attrs))


@dataclass
class Finding:
    detector: str  # rules | dense_block | referral_cycle | referral_star
    users: list[int]  # rows
    attrs: list[int]  # columns
    score: int  # 0..100
    evidence: list[dict]  # [{"rule": name, "weight": points, "why": {...}}]


# ---------------------------------------------------------------- rules

def _kind_columns(g: Graph, kind: str) -> np.ndarray:
    return np.array([k == kind for k, _ in g.attr_keys], dtype=bool)


def _shared(g: Graph, kind: str, rule: str, degree: np.ndarray, fired: dict) -> None:
    weight, threshold = RULES[rule]
    cols = _kind_columns(g, kind)
    for u, a in zip(g.edge_user, g.edge_attr, strict=True):
        if cols[a] and degree[a] >= threshold:
            fired[int(u)].setdefault(rule, {"weight": weight, "why": {"attr": int(a), "accounts": int(degree[a])}})


def _timing(g: Graph, fired: dict) -> None:
    weight, threshold = RULES["regular_timing"]
    if not len(g.order_user):
        return
    order = np.lexsort((g.order_at, g.order_user))
    users, times = g.order_user[order], g.order_at[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    ends = np.r_[starts[1:], len(users)]
    for s, e in zip(starts, ends, strict=True):
        if e - s < threshold:
            continue
        gaps = np.diff(times[s:e])
        mean = gaps.mean()
        if mean > 0 and gaps.std() / mean < REGULAR_CV:
            fired[int(users[s])]["regular_timing"] = {
                "weight": weight, "why": {"orders": int(e - s), "mean_gap_hours": round(float(mean / HOUR), 1),
                                          "cv": round(float(gaps.std() / mean), 3)}}


def _counts(g: Graph, values: np.ndarray | None, rule: str, fired: dict) -> None:
    weight, threshold = RULES[rule]
    for u in np.flatnonzero(g.per_user(values) >= threshold):
        fired[int(u)][rule] = {"weight": weight, "why": {"count": int(g.per_user(values)[u])}}


def invite_bursts(g: Graph) -> dict[int, list[int]]:
    """{inviter row: the invitees who joined within BURST_WINDOW of each other (the largest such burst)}, for
    inviters whose burst reaches the rule's threshold."""
    _, threshold = RULES["invite_burst"]
    by_inviter: dict[int, list[int]] = defaultdict(list)
    for u in np.flatnonzero(g.inviter >= 0):
        by_inviter[int(g.inviter[u])].append(int(u))
    out = {}
    for inviter, invitees in by_inviter.items():
        if len(invitees) < threshold:
            continue
        invitees.sort(key=lambda u: g.joined[u])
        times = g.joined[invitees]
        best, lo = (0, 0), 0
        for hi in range(len(invitees)):
            while times[hi] - times[lo] > BURST_WINDOW:
                lo += 1
            if hi - lo + 1 > best[1] - best[0]:
                best = (lo, hi + 1)
        if best[1] - best[0] >= threshold:
            out[inviter] = invitees[best[0]:best[1]]
    return out


def _bursts(g: Graph, bursts: dict[int, list[int]], fired: dict) -> None:
    weight, _ = RULES["invite_burst"]
    for inviter, members in bursts.items():
        why = {"inviter": inviter, "invitees_in_24h": len(members)}
        for u in [inviter, *members]:
            fired[u]["invite_burst"] = {"weight": weight, "why": why}


def _click_farm(g: Graph, fired: dict) -> None:
    weight, threshold = RULES["ad_click_farm"]
    bought = set(zip(g.order_user.tolist(), g.order_shop.tolist(), strict=True))
    for u, s, c in zip(g.click_user.tolist(), g.click_shop.tolist(), g.click_count.tolist(), strict=True):
        if c >= threshold and (u, s) not in bought:
            fired[u]["ad_click_farm"] = {"weight": weight, "why": {"attr": s, "clicks": c}}


def _click_ring(g: Graph, fired: dict) -> None:
    """Heavy clickers of one shop's ads who share a device or network with each other: a click farm."""
    weight, threshold = RULES["click_ring"]
    heavy_min = RULES["ad_click_farm"][1]
    identity = _identity_sets(g)
    clickers: dict[int, list[int]] = defaultdict(list)
    for u, s, c in zip(g.click_user.tolist(), g.click_shop.tolist(), g.click_count.tolist(), strict=True):
        if c >= heavy_min:
            clickers[s].append(u)
    for shop, users in clickers.items():
        if len(users) < threshold:
            continue
        seen: dict[int, int] = defaultdict(int)
        for u in users:
            for a in identity[u]:
                seen[a] += 1
        shared = {a for a, c in seen.items() if c >= 2}
        ring = [u for u in users if identity[u] & shared]
        if len(ring) >= threshold:
            for u in ring:
                fired[u]["click_ring"] = {"weight": weight, "why": {"attr": shop, "clickers": len(ring)}}


def rule_scores(g: Graph) -> dict[int, dict[str, dict]]:
    """{user row: {rule: {"weight", "why"}}} for every user at least one rule fired for."""
    degree = np.bincount(g.edge_attr, minlength=g.n_attrs)
    fired: dict[int, dict[str, dict]] = defaultdict(dict)
    _shared(g, "device", "shared_device", degree, fired)
    _shared(g, "payer", "shared_payer", degree, fired)
    _shared(g, "address", "shared_address", degree, fired)
    _shared(g, "ip24", "crowded_ip", degree, fired)
    _timing(g, fired)
    _counts(g, g.quick_refunds, "quick_refunds", fired)
    _counts(g, g.fast_reviews, "review_burst", fired)
    _bursts(g, invite_bursts(g), fired)
    _click_farm(g, fired)
    _click_ring(g, fired)
    return dict(fired)


def rules(g: Graph) -> list[Finding]:
    """Users whose fired rules reach RULE_THRESHOLD, grouped: flagged users linked by a shared attribute
    form one finding (one case for a ring), a lone one its own."""
    fired = rule_scores(g)
    flagged = sorted(u for u, rs in fired.items() if sum(r["weight"] for r in rs.values()) >= RULE_THRESHOLD)
    if not flagged:
        return []
    groups, attrs = _group_by_shared_attrs(g, flagged, fired)
    out = []
    for members in groups:
        evidence = [{"rule": name, "weight": r["weight"], "user": u, "why": r["why"]}
                    for u in members for name, r in sorted(fired[u].items())]
        best = max(sum(r["weight"] for r in fired[u].values()) for u in members)
        cols = sorted({a for u in members for a in attrs.get(u, ())})
        out.append(Finding("rules", members, cols, min(100, best), evidence))
    return out


def _group_by_shared_attrs(g: Graph, flagged: list[int], fired: dict) -> tuple[list[list[int]], dict]:
    """Connected components of the flagged users through the attributes their rules name."""
    index = {u: i for i, u in enumerate(flagged)}
    attrs = {u: {r["why"]["attr"] for r in fired[u].values() if "attr" in r["why"]} for u in flagged}
    for u in flagged:  # an invite burst links its inviter and invitees
        burst = fired[u].get("invite_burst")
        if burst:
            attrs[u].add(("inviter", burst["why"]["inviter"]))
    owners: dict = defaultdict(list)
    for u, keys in attrs.items():
        for k in keys:
            owners[k].append(index[u])
    rows, cols = [], []
    for members in owners.values():
        rows += [members[0]] * len(members)
        cols += members
    n = len(flagged)
    adj = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = csgraph.connected_components(adj, directed=False)
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[int(label)].append(flagged[i])
    real = {u: {a for a in keys if isinstance(a, int)} for u, keys in attrs.items()}
    return sorted(groups.values()), real


# ---------------------------------------------------------------- FRAUDAR dense blocks

def column_weights(degree: np.ndarray) -> np.ndarray:
    """FRAUDAR's camouflage-resistant column weights: 1 / log(c + 5)."""
    return 1.0 / np.log(degree.astype(np.float64) + 5.0)


def fraudar_peel(m: sparse.csr_matrix, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """One greedy peeling (Hooi et al. 2016, algorithm 1): start from the whole bipartite graph `m` (rows ×
    columns, 0/1), remove the node whose removal loses the least edge weight, one at a time, and return the
    rows and columns of the intermediate subgraph with the highest density f(S)/|S| (f: the sum of its edge
    weights `weights[column]`, |S|: rows + columns). O(|E| log |V|) with a lazy heap."""
    n_rows, n_cols = m.shape
    csr = m.tocsr()
    csc = m.tocsc()
    row_prio = np.asarray(csr.multiply(weights[np.newaxis, :]).sum(axis=1)).ravel()
    col_prio = weights * np.diff(csc.indptr)
    alive_r = np.ones(n_rows, dtype=bool)
    alive_c = np.ones(n_cols, dtype=bool)
    heap = [(row_prio[i], 0, i) for i in range(n_rows)] + [(col_prio[j], 1, j) for j in range(n_cols)]
    heapq.heapify(heap)
    total, size = float(row_prio.sum()), n_rows + n_cols
    best, best_step, removed = (total / size if size else 0.0), 0, []
    while heap:
        prio, side, k = heapq.heappop(heap)
        if side == 0 and (not alive_r[k] or prio != row_prio[k]) or side == 1 and (not alive_c[k] or prio != col_prio[k]):
            continue  # a stale entry
        total -= prio
        size -= 1
        removed.append((side, k))
        if side == 0:
            alive_r[k] = False
            for j in csr.indices[csr.indptr[k]:csr.indptr[k + 1]]:
                if alive_c[j]:
                    col_prio[j] -= weights[j]
                    heapq.heappush(heap, (col_prio[j], 1, j))
        else:
            alive_c[k] = False
            for i in csc.indices[csc.indptr[k]:csc.indptr[k + 1]]:
                if alive_r[i]:
                    row_prio[i] -= weights[k]
                    heapq.heappush(heap, (row_prio[i], 0, i))
        if size and total / size > best:
            best, best_step = total / size, len(removed)
    keep_r, keep_c = np.ones(n_rows, dtype=bool), np.ones(n_cols, dtype=bool)
    for side, k in removed[:best_step]:
        (keep_r if side == 0 else keep_c)[k] = False
    return np.flatnonzero(keep_r), np.flatnonzero(keep_c), float(best)


def dense_blocks(g: Graph, *, threshold: float = BLOCK_DENSITY, min_users: int = BLOCK_MIN_USERS,
                 max_blocks: int = MAX_BLOCKS) -> list[Finding]:
    """Repeatedly peel the densest block out of the accounts × attributes graph; each connected part of a block
    with at least `min_users` accounts and density ≥ `threshold` is a finding. Only attributes at least two
    accounts share can join accounts, so the peeling runs on those (the weights use the full degrees)."""
    users, attrs = _peeling_edges(g)
    degree = np.bincount(attrs, minlength=g.n_attrs)
    weights = column_weights(degree)
    keep = degree[attrs] >= 2
    m = sparse.csr_matrix((np.ones(int(keep.sum())), (users[keep], attrs[keep])), shape=(g.n_users, g.n_attrs))
    m.sum_duplicates()
    m.data[:] = 1.0
    active_rows = np.flatnonzero(np.diff(m.indptr) > 0)
    found: list[Finding] = []
    for _ in range(max_blocks):
        if not len(active_rows):
            break
        sub = m[active_rows]
        cols = np.flatnonzero(np.diff(sub.tocsc().indptr) > 0)
        sub = sub[:, cols]
        rows_i, cols_i, density = fraudar_peel(sub, weights[cols])
        if density < threshold or not len(rows_i):
            break
        block_rows, block_cols = active_rows[rows_i], cols[cols_i]
        found += _block_parts(m, block_rows, block_cols, weights, threshold, min_users)
        active_rows = np.setdiff1d(active_rows, block_rows)
    return found


IDENTITY_KINDS = ("device", "ip24", "address", "payer")
STRONG_KINDS = ("device", "address", "payer")  # a /24 is shared by strangers on one carrier or campus
HEAVY_ORDERS = 3  # orders from one shop that make a buyer × shop edge of the peeling graph
HEAVY_CLICKS = 10  # ad clicks on one shop that make a clicker × shop edge


def _peeling_edges(g: Graph) -> tuple[np.ndarray, np.ndarray]:
    """The accounts × attributes edges the peeling runs on: every identity attribute (device, network, address,
    payer), and a shop only where the account bought there HEAVY_ORDERS times or clicked its ads HEAVY_CLICKS
    times. (Every purchase as an edge makes honest buyers of popular shops one big block denser than a small
    ring — measured with bench/risk.py — so ordinary shopping stays out.)"""
    identity = np.array([k in IDENTITY_KINDS for k, _ in g.attr_keys], dtype=bool)
    keep = identity[g.edge_attr] if g.n_attrs else np.zeros(0, dtype=bool)
    users, attrs = [g.edge_user[keep]], [g.edge_attr[keep]]
    if len(g.order_user):
        pairs, counts = np.unique(np.stack([g.order_user, g.order_shop]), axis=1, return_counts=True)
        users.append(pairs[0][counts >= HEAVY_ORDERS])
        attrs.append(pairs[1][counts >= HEAVY_ORDERS])
    heavy = g.click_count >= HEAVY_CLICKS
    users.append(g.click_user[heavy])
    attrs.append(g.click_shop[heavy])
    return np.concatenate(users).astype(np.int64), np.concatenate(attrs).astype(np.int64)


def _block_parts(m, rows, cols, weights, threshold, min_users) -> list[Finding]:
    block = m[rows][:, cols]
    n_r, n_c = block.shape
    adj = sparse.bmat([[None, block], [block.T, None]])
    _, labels = csgraph.connected_components(adj, directed=False)
    out = []
    for label in np.unique(labels):
        r = np.flatnonzero(labels[:n_r] == label)
        c = np.flatnonzero(labels[n_r:] == label)
        if len(r) < min_users:
            continue
        part = block[r][:, c]
        f = float(part.multiply(weights[cols[c]][np.newaxis, :]).sum())
        density = f / (len(r) + len(c))
        if density >= threshold:
            score = min(100, int(round(50 * density)))
            out.append(Finding("dense_block", sorted(rows[r].tolist()), sorted(cols[c].tolist()), score,
                               [{"rule": "dense_block", "weight": score,
                                 "why": {"density": round(density, 3), "accounts": int(len(r)),
                                         "attributes": int(len(c)), "edges": int(part.nnz)}}]))
    return out


# ---------------------------------------------------------------- referral cycles and stars

def referral_cycles(g: Graph, *, min_users: int = CYCLE_MIN_USERS) -> list[Finding]:
    """Accounts that brought each other in a circle (A invited or sold through B, B through C, C through A):
    the strongly connected components of the who-brought-whom graph with at least `min_users` accounts."""
    src = np.r_[np.flatnonzero(g.inviter >= 0), g.share_buyer]
    dst = np.r_[g.inviter[g.inviter >= 0], g.share_sharer]
    if not len(src):
        return []
    adj = sparse.coo_matrix((np.ones(len(src)), (src, dst)), shape=(g.n_users, g.n_users)).tocsr()
    n, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n)
    out = []
    identity = _identity_sets(g)
    for label in np.flatnonzero(sizes >= min_users):
        members = np.flatnonzero(labels == label).tolist()
        if _sharing_share(members, identity) < CYCLE_MIN_SHARED:
            continue  # friends who happen to buy through each other's links, each on their own phone and address
        score = min(100, 50 + 5 * len(members))
        out.append(Finding("referral_cycle", members, [], score,
                           [{"rule": "referral_cycle", "weight": score, "why": {"accounts": len(members)}}]))
    return out


def _identity_sets(g: Graph, kinds: tuple[str, ...] = IDENTITY_KINDS) -> dict[int, set[int]]:
    identity = np.array([k in kinds for k, _ in g.attr_keys], dtype=bool)
    out: dict[int, set[int]] = defaultdict(set)
    for u, a in zip(g.edge_user.tolist(), g.edge_attr.tolist(), strict=True):
        if identity[a]:
            out[u].add(a)
    return out


def _sharing_share(members: list[int], identity: dict[int, set[int]]) -> float:
    """The share of `members` who have a device, network, address or payer in common with another member."""
    seen: dict[int, int] = defaultdict(int)
    for u in members:
        for a in identity[u]:
            seen[a] += 1
    shared = {a for a, c in seen.items() if c >= 2}
    return sum(1 for u in members if identity[u] & shared) / len(members)


def referral_stars(g: Graph, *, min_shared: float = STAR_MIN_SHARED) -> list[Finding]:
    """An inviter with a burst of fresh invitees (RULES["invite_burst"]) most of whom share a device, payer or
    address with another invitee of the burst: a new-account reward farm. (A shared /24 does not count: a viral
    post brings strangers from one campus or carrier range.)"""
    cols_of = _identity_sets(g, kinds=STRONG_KINDS)
    out = []
    for inviter, members in invite_bursts(g).items():
        seen: dict[int, int] = defaultdict(int)
        for u in members:
            for a in cols_of[u]:
                seen[a] += 1
        shared_cols = {a for a, c in seen.items() if c >= 2}
        sharing = [u for u in members if cols_of[u] & shared_cols]
        if len(sharing) / len(members) >= min_shared:
            score = min(100, 40 + 3 * len(members))
            out.append(Finding("referral_star", sorted([inviter, *members]), sorted(shared_cols), score,
                               [{"rule": "referral_star", "weight": score,
                                 "why": {"inviter": inviter, "invitees_in_24h": len(members),
                                         "sharing_attributes": len(sharing)}}]))
    return out


DETECTORS = {"rules": rules, "dense_block": dense_blocks, "referral_cycle": referral_cycles,
             "referral_star": referral_stars}


def attach_sharers(g: Graph, finding: Finding, *, min_buyers: int = 2) -> Finding:
    """Add to a finding the sharers through whose links at least `min_buyers` of its accounts bought: the ring's
    beneficiary (whose commissions a case holds) even when the beneficiary never bought anything."""
    members = set(finding.users)
    counts: dict[int, int] = defaultdict(int)
    for buyer, sharer in zip(g.share_buyer.tolist(), g.share_sharer.tolist(), strict=True):
        if buyer in members and sharer not in members:
            counts[sharer] += 1
    extra = sorted(s for s, c in counts.items() if c >= min_buyers)
    if not extra:
        return finding
    evidence = finding.evidence + [{"rule": "ring_sharer", "weight": 0, "user": s,
                                    "why": {"buyers_in_case": counts[s]}} for s in extra]
    return Finding(finding.detector, sorted(members | set(extra)), finding.attrs, finding.score, evidence)


def detect_all(g: Graph) -> list[Finding]:
    out: list[Finding] = []
    for fn in DETECTORS.values():
        out += [attach_sharers(g, f) for f in fn(g)]
    return out


def flagged_rows(findings: list[Finding]) -> set[int]:
    return {u for f in findings for u in f.users}



class GraphBuilder:
    """Collects users, their attributes and activity by external keys, then `build()`s the arrays. The
    simulation and the database (`selectors.risk_graph`) both feed it, so the detectors see one shape."""

    def __init__(self) -> None:
        self.rows: dict[int, int] = {}
        self.cols: dict[tuple[str, str], int] = {}
        self.edges: set[tuple[int, int]] = set()
        self.joined: list[float] = []
        self.inviter_of: dict[int, int] = {}
        self.shares: list[tuple[int, int]] = []
        self.orders: list[tuple[int, int, float]] = []
        self.quick: dict[int, int] = defaultdict(int)
        self.reviews: dict[int, int] = defaultdict(int)
        self.clicks: dict[tuple[int, int], int] = defaultdict(int)

    def user(self, user_id: int, joined: float = 0.0) -> int:
        row = self.rows.get(user_id)
        if row is None:
            row = self.rows[user_id] = len(self.rows)
            self.joined.append(joined)
        elif joined:
            self.joined[row] = joined
        return row

    def col(self, kind: str, value: str) -> int:
        key = (kind, str(value))
        if key not in self.cols:
            self.cols[key] = len(self.cols)
        return self.cols[key]

    def attr(self, user_id: int, kind: str, value: str) -> None:
        if value:
            self.edges.add((self.user(user_id), self.col(kind, value)))

    def invited(self, user_id: int, inviter_id: int) -> None:
        self.inviter_of[self.user(user_id)] = self.user(inviter_id)

    def shared_purchase(self, buyer_id: int, sharer_id: int) -> None:
        if buyer_id != sharer_id:
            self.shares.append((self.user(buyer_id), self.user(sharer_id)))

    def order(self, user_id: int, shop_id: int, at: float) -> None:
        self.attr(user_id, "shop", str(shop_id))
        self.orders.append((self.user(user_id), self.col("shop", str(shop_id)), at))

    def quick_refund(self, user_id: int) -> None:
        self.quick[self.user(user_id)] += 1

    def fast_review(self, user_id: int) -> None:
        self.reviews[self.user(user_id)] += 1

    def ad_clicks(self, user_id: int, shop_id: int, count: int = 1) -> None:
        self.attr(user_id, "ad", str(shop_id))
        self.clicks[(self.user(user_id), self.col("shop", str(shop_id)))] += count

    def build(self) -> Graph:
        n = len(self.rows)
        ids = np.zeros(n, dtype=np.int64)
        for uid, row in self.rows.items():
            ids[row] = uid
        edges = np.array(sorted(self.edges), dtype=np.int64).reshape(-1, 2)
        inviter = np.full(n, -1, dtype=np.int64)
        for row, parent in self.inviter_of.items():
            inviter[row] = parent
        shares = np.array(self.shares, dtype=np.int64).reshape(-1, 2)
        orders = np.array(self.orders, dtype=np.float64).reshape(-1, 3)
        clicks = np.array([(u, s, c) for (u, s), c in self.clicks.items()], dtype=np.int64).reshape(-1, 3)
        keys = [None] * len(self.cols)
        for key, j in self.cols.items():
            keys[j] = key
        return Graph(user_ids=ids, attr_keys=keys, edge_user=edges[:, 0], edge_attr=edges[:, 1],
                     joined=np.array(self.joined, dtype=np.float64), inviter=inviter,
                     share_buyer=shares[:, 0], share_sharer=shares[:, 1],
                     order_user=orders[:, 0].astype(np.int64), order_shop=orders[:, 1].astype(np.int64),
                     order_at=orders[:, 2], quick_refunds=_dense(self.quick, n), fast_reviews=_dense(self.reviews, n),
                     click_user=clicks[:, 0], click_shop=clicks[:, 1], click_count=clicks[:, 2])


def _dense(counts: dict[int, int], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    for row, c in counts.items():
        out[row] = c
    return out
