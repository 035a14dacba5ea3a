"""Each detector on small planted cases (the simulation of bench/risk.py at a small size, and hand-made graphs)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from quanzi.trust import detectors
from quanzi.trust.detectors import GraphBuilder
from quanzi.trust.simulation import score, simulate

DAY = 86400.0


@pytest.fixture(scope="module")
def market():
    return simulate(n_honest=600, n_shops=60, attacks={"brushing": 2, "self_referral": 2, "reward_farm": 2,
                                                       "click_farm": 2}, seed=3)


@pytest.mark.parametrize(("detector", "attack"), [("rules", "brushing"), ("dense_block", "brushing"),
                                                   ("referral_cycle", "self_referral"),
                                                   ("referral_star", "reward_farm"), ("rules", "click_farm")])
def test_each_detector_finds_its_planted_attack_and_spares_the_honest(market, detector, attack):
    flagged = detectors.flagged_rows(detectors.DETECTORS[detector](market.graph))
    result = score(market, flagged)
    assert result[attack]["recall"] >= 0.9
    assert result["honest"]["fpr"] <= 0.01


def test_all_detectors_together_meet_the_goal_on_a_small_market(market):
    result = score(market, detectors.flagged_rows(detectors.detect_all(market.graph)))
    assert all(result[a]["recall"] >= 0.95 for a in ("brushing", "self_referral", "reward_farm", "click_farm"))
    assert result["honest"]["fpr"] <= 0.01


def test_fraudar_peels_the_planted_dense_block_out_of_noise():
    rng = np.random.default_rng(1)
    rows, cols = list(rng.integers(0, 200, 400)), list(rng.integers(0, 300, 400))  # sparse noise
    block_r, block_c = range(200, 210), range(300, 306)  # 10 accounts × 6 attributes, all linked
    rows += [r for r in block_r for _ in block_c]
    cols += [c for _ in block_r for c in block_c]
    m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(210, 306))
    m.data[:] = 1.0
    degree = np.asarray((m > 0).sum(axis=0)).ravel()
    got_r, got_c, density = detectors.fraudar_peel((m > 0).astype(float).tocsr(), detectors.column_weights(degree))
    assert set(got_r) == set(block_r) and set(got_c) == set(block_c)
    assert density == pytest.approx(60 / np.log(15) / 16, rel=0.01)  # 60 edges of weight 1/log(10+5), 16 nodes


def test_column_weights_favour_rare_attributes():
    w = detectors.column_weights(np.array([1, 10, 1000]))
    assert w[0] > w[1] > w[2] and w[0] == pytest.approx(1 / np.log(6))


def _graph_with(build) -> detectors.Graph:
    b = GraphBuilder()
    build(b)
    return b.build()


def test_referral_cycle_needs_three_accounts_sharing_something():
    def circle(b, shared: bool):
        for i in (1, 2, 3):
            b.attr(i, "device", "phone" if shared else f"phone{i}")
        b.shared_purchase(1, 2), b.shared_purchase(2, 3), b.shared_purchase(3, 1)

    [found] = detectors.referral_cycles(_graph_with(lambda b: circle(b, True)))
    assert sorted(found.users) == [0, 1, 2] and found.evidence[0]["rule"] == "referral_cycle"
    assert detectors.referral_cycles(_graph_with(lambda b: circle(b, False))) == []  # friends, each on their own


def test_a_burst_of_look_alike_invitees_is_a_star_and_a_spread_out_one_is_not():
    def invites(b, gap_hours: float):
        b.user(100, joined=0)
        for i in range(6):
            b.user(i, joined=DAY + i * gap_hours * 3600)
            b.invited(i, 100)
            b.attr(i, "device", f"farm-phone-{i % 2}")

    [star] = detectors.referral_stars(_graph_with(lambda b: invites(b, 1)))
    assert len(star.users) == 7 and star.evidence[0]["why"]["invitees_in_24h"] == 6
    assert detectors.referral_stars(_graph_with(lambda b: invites(b, 48))) == []


def test_rules_explain_why_they_fired_and_group_a_ring_into_one_finding():
    def brushing(b):
        for u in range(4):
            b.attr(u, "device", "phone")
            b.attr(u, "address", "flat")
            for k in range(4):
                b.order(u, 7, k * 12 * 3600.0)  # clockwork
        b.attr(9, "device", "own")  # an honest bystander
        b.order(9, 7, 5000.0)

    g = _graph_with(brushing)
    [finding] = detectors.rules(g)
    assert finding.users == [0, 1, 2, 3]
    fired = {e["rule"] for e in finding.evidence}
    assert fired == {"shared_device", "shared_address", "regular_timing"}
    timing = next(e for e in finding.evidence if e["rule"] == "regular_timing")
    assert timing["why"]["orders"] == 4 and timing["why"]["cv"] < 0.2


def test_click_farm_rules_fire_for_heavy_clickers_sharing_a_network():
    def farm(b):
        for u in range(4):
            b.attr(u, "ip24", "net")
            b.ad_clicks(u, 5, 40)
        b.ad_clicks(10, 5, 40)
        b.order(10, 5, 0.0)  # clicked a lot and bought: a customer

    rules = detectors.rule_scores(_graph_with(farm))
    assert {"ad_click_farm", "click_ring"} <= set(rules[0]) and 4 not in rules


def test_a_finding_brings_in_the_sharer_whose_links_the_ring_bought_through():
    b = GraphBuilder()
    for u in (1, 2, 3):
        b.shared_purchase(u, 50)
    b.shared_purchase(4, 60)  # one purchase through another sharer's link: not enough
    g = b.build()
    finding = detectors.Finding("rules", [b.rows[u] for u in (1, 2, 3, 4)], [], 60, [])
    rows = {int(g.user_ids[r]) for r in detectors.attach_sharers(g, finding).users}
    assert rows == {1, 2, 3, 4, 50}
