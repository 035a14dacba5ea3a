"""Trust-and-safety use cases: recording signals, running detection, opening cases, the operator's decisions.

Signals (`*_record`) are written by the outbox subscribers in `handlers.py` and the ad-click sweep; each is
idempotent (an `Activity.key`, an upserted `Attribute`). `detection_run` reads the window's signals into arrays
(`selectors.risk_graph`), runs every detector (`detectors.py`) and opens or updates a `RiskCase` per finding.
Opening a case applies the policy: the members' pending commissions are held (`commission` services) and the
members are flagged for verification. Nobody is banned: only an operator's `case_decide` closes a case —
dismissed as legitimate (holds released, members labelled legit) or fraud confirmed (held commissions voided,
members labelled fraud).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import secrets
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import Conflict, NotFound, ValidationFailed
from quanzi.trust import detectors
from quanzi.trust.constants import HOLD_PREFIX, ActivityKind, AttrKind, CaseState, Label
from quanzi.trust.models import Activity, Attribute, CaseEvent, CaseMember, RiskCase
from quanzi.trust.states import CASE

QUICK_REFUND = dt.timedelta(minutes=30)
FAST_REVIEW = dt.timedelta(hours=1)
WINDOW_DAYS = 90
AD_CLICKS_BATCH = 5000


# ---------------------------------------------------------------- signals

def hashed(kind: str, value: str) -> str:
    """The stored form of an attribute value: a keyed hash (the graph needs equality, never the value)."""
    key = settings.SECRET_KEY.encode()[:64]
    return hashlib.blake2b(f"{kind}:{value}".encode("utf-8", "replace"), key=key, digest_size=12).hexdigest()


def ip24(ip: str) -> str:
    """The /24 network of an IPv4 address (the /48 of an IPv6 one), "" for anything else."""
    try:
        addr = ipaddress.ip_address(str(ip).strip())
    except ValueError:
        return ""
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False))


def address_key(address: dict) -> str:
    keys = ("phone", "province", "city", "district", "detail")
    return json.dumps([str((address or {}).get(k, "")).strip().lower().replace(" ", "") for k in keys])


def _attr(user_id: int, kind: str, raw: str, at: dt.datetime) -> None:
    if not raw:
        return
    value = raw if kind in (AttrKind.SHOP, AttrKind.AD) else hashed(kind, raw)
    row, created = Attribute.objects.get_or_create(user_id=user_id, kind=kind, value=value,
                                                   defaults={"first_seen": at, "last_seen": at})
    if not created:
        Attribute.objects.filter(pk=row.pk).update(count=row.count + 1, last_seen=max(row.last_seen, at))


def _activity(*, key: str, user_id: int, kind: str, at: dt.datetime, shop_id: int | None = None,
              other_user_id: int | None = None, count: int = 1) -> bool:
    _, created = Activity.objects.get_or_create(key=key[:64], defaults={
        "user_id": user_id, "kind": kind, "at": at, "shop_id": shop_id, "other_user_id": other_user_id,
        "count": count})
    return created


@transaction.atomic
def attributes_record(*, user_id: int, attributes: list[tuple[str, str]], at: dt.datetime | None = None) -> None:
    """Record that the account used these (kind, raw value) attributes — a sign-in's device and network, say.
    Values are hashed here; unknown kinds are refused."""
    at = at or clock.now()
    for kind, raw in attributes:
        if kind not in AttrKind.values:
            raise ValidationFailed(_("Unknown attribute kind."), code="invalid_attribute", fields={"kind": kind})
        _attr(user_id, kind, ip24(raw) if kind == AttrKind.IP24 else str(raw)[:200], at)


@transaction.atomic
def joined_record(*, user_id: int, at: dt.datetime) -> None:
    _activity(key=f"joined:{user_id}", user_id=user_id, kind=ActivityKind.JOINED, at=at)


@transaction.atomic
def invited_record(*, user_id: int, inviter_id: int, at: dt.datetime) -> None:
    _activity(key=f"invited:{user_id}", user_id=user_id, kind=ActivityKind.INVITED, at=at, other_user_id=inviter_id)


@transaction.atomic
def order_paid_record(*, order_id: int) -> bool:
    """A paid order's signals: the buyer's address and payer, the shop, and for lines bought through a share
    link the device and network the link was opened from and who shared it."""
    from quanzi.orders.selectors import order_lines_of, orders_by_id
    from quanzi.payments.selectors import payers_by_number

    order = orders_by_id(order_ids=[order_id], paid_only=True).get(order_id)
    if order is None:
        return False
    at = order.paid_at
    if not _activity(key=f"paid:{order.pk}", user_id=order.user_id, kind=ActivityKind.ORDER_PAID, at=at,
                     shop_id=order.shop_id):
        return False
    payer = payers_by_number(numbers={order.payment_number}).get(order.payment_number, "")
    _attr(order.user_id, AttrKind.ADDRESS, address_key(order.address) if order.address else "", at)
    _attr(order.user_id, AttrKind.PAYER, payer, at)
    _attr(order.user_id, AttrKind.SHOP, str(order.shop_id), at)
    for line in order_lines_of(order_ids=[order.pk]):
        share = (line.attribution or {}).get("share")
        if not isinstance(share, dict):
            continue
        client = share.get("client") if isinstance(share.get("client"), dict) else {}
        _attr(order.user_id, AttrKind.DEVICE, str(client.get("device") or "")[:32], at)
        _attr(order.user_id, AttrKind.IP24, ip24(str(client.get("ip") or "")[:45]), at)
        sharer = share.get("sharer_id")
        if isinstance(sharer, int) and sharer != order.user_id:
            _activity(key=f"shared:{line.pk}", user_id=order.user_id, kind=ActivityKind.SHARED_PURCHASE, at=at,
                      shop_id=order.shop_id, other_user_id=sharer)
    return True


@transaction.atomic
def order_refunded_record(*, order_id: int, key: str, at: dt.datetime) -> bool:
    """A refund within QUICK_REFUND of paying counts for the buy-then-refund rule."""
    from quanzi.orders.selectors import orders_by_id

    order = orders_by_id(order_ids=[order_id], paid_only=True).get(order_id)
    if order is None or at - order.paid_at > QUICK_REFUND:
        return False
    return _activity(key=f"quickrefund:{key}"[:64], user_id=order.user_id, kind=ActivityKind.QUICK_REFUND, at=at,
                     shop_id=order.shop_id)


@transaction.atomic
def order_delivered_record(*, order_id: int, at: dt.datetime) -> bool:
    from quanzi.orders.selectors import orders_by_id

    order = orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None:
        return False
    return _activity(key=f"delivered:{order.pk}", user_id=order.user_id, kind=ActivityKind.DELIVERED, at=at,
                     shop_id=order.shop_id)


@transaction.atomic
def review_record(*, review_id: int, author_id: int, at: dt.datetime) -> bool:
    """A review written within FAST_REVIEW of the author's latest delivery counts for the review-burst rule."""
    last = (Activity.objects.filter(user_id=author_id, kind=ActivityKind.DELIVERED, at__lte=at)
            .order_by("-at").values_list("at", flat=True).first())
    if last is None or at - last > FAST_REVIEW:
        return False
    return _activity(key=f"fastreview:{review_id}", user_id=author_id, kind=ActivityKind.FAST_REVIEW, at=at)


@transaction.atomic
def ad_clicks_ingest(*, limit: int = AD_CLICKS_BATCH) -> int:
    """The newest ad clicks of signed-in viewers (ads' operator click list): each becomes an activity on the
    advertiser's shop, and the viewer's device and network attributes. Idempotent per click."""
    from quanzi.ads.selectors import clicks_for_operator

    clicks = [c for c in clicks_for_operator(limit=limit) if c.viewer_id]
    if not clicks:
        return 0
    seen = set(Activity.objects.filter(key__in=[f"adclick:{c.pk}" for c in clicks]).values_list("key", flat=True))
    added = 0
    for c in clicks:
        if f"adclick:{c.pk}" in seen:
            continue
        shop_id = c.campaign.shop_id
        _activity(key=f"adclick:{c.pk}", user_id=c.viewer_id, kind=ActivityKind.AD_CLICKS, at=c.created_at,
                  shop_id=shop_id)
        _attr(c.viewer_id, AttrKind.AD, str(shop_id), c.created_at)
        _attr(c.viewer_id, AttrKind.DEVICE, c.device, c.created_at)
        _attr(c.viewer_id, AttrKind.IP24, ip24(c.ip), c.created_at)
        added += 1
    return added


# ---------------------------------------------------------------- detection → cases

RUNNING_KEY = "trust:detection:running"


def detection_run(*, window_days: int = WINDOW_DAYS) -> dict[str, int]:
    """Run every detector on the window's signals; open or update a case per finding. Returns counts.
    One run at a time (a lock in the shared cache): a second one meanwhile gets 409 `detection_running`."""
    if not cache.add(RUNNING_KEY, clock.now().isoformat(), timeout=15 * 60):
        raise Conflict(_("Detection is already running."), code="detection_running")
    try:
        return _detect(window_days)
    finally:
        cache.delete(RUNNING_KEY)


def _detect(window_days: int) -> dict[str, int]:
    from quanzi.trust.selectors import risk_graph

    graph = risk_graph(since=clock.now() - dt.timedelta(days=window_days))
    counts = {"opened": 0, "updated": 0, "skipped": 0, "findings": 0}
    if graph.n_users == 0:
        return counts
    for finding in detectors.detect_all(graph):
        counts["findings"] += 1
        counts[_case_upsert(graph, finding)] += 1
    return counts


def _attributes_of(graph: detectors.Graph, finding: detectors.Finding) -> list[dict]:
    members = set(finding.users)
    cols = set(finding.attrs)
    for e in finding.evidence:
        if isinstance(e.get("why", {}).get("attr"), int):
            cols.add(e["why"]["attr"])
    mask = np.isin(graph.edge_attr, sorted(cols)) & np.isin(graph.edge_user, sorted(members))
    by_col: dict[int, list[int]] = {c: [] for c in cols}
    for u, a in zip(graph.edge_user[mask].tolist(), graph.edge_attr[mask].tolist(), strict=True):
        by_col[a].append(int(graph.user_ids[u]))
    return [{"kind": graph.attr_keys[c][0], "value": graph.attr_keys[c][1], "users": sorted(by_col[c])}
            for c in sorted(cols)]


def _evidence_of(graph: detectors.Graph, finding: detectors.Finding) -> list[dict]:
    """The finding's evidence with rows and columns turned into ids and attribute kinds."""
    out = []
    for e in finding.evidence:
        why = dict(e.get("why", {}))
        for key in ("inviter",):
            if isinstance(why.get(key), int):
                why[key] = int(graph.user_ids[why[key]])
        if isinstance(why.get("attr"), int):
            why["kind"], why["value"] = graph.attr_keys[why.pop("attr")]
        item = {"rule": e["rule"], "weight": int(e["weight"]), "why": why}
        if "user" in e:
            item["user"] = int(graph.user_ids[e["user"]])
        out.append(item)
    return out


@transaction.atomic
def _case_upsert(graph: detectors.Graph, finding: detectors.Finding) -> str:
    user_ids = sorted(int(graph.user_ids[u]) for u in finding.users)
    decided = set(CaseMember.objects.filter(user_id__in=user_ids, label__in=Label.values).values_list(
        "user_id", flat=True))
    if set(user_ids) <= decided:
        return "skipped"  # an operator already decided on every one of these accounts (labels fed back)
    # one open case per group of accounts: a finding that overlaps an open case (of any detector) updates it
    case = (RiskCase.objects.select_for_update().filter(state=CaseState.OPEN, members__user_id__in=user_ids)
            .order_by("pk").first())
    now = clock.now()
    evidence = [{**e, "detector": finding.detector} for e in _evidence_of(graph, finding)]
    attributes = _attributes_of(graph, finding)
    outcome = "updated"
    if case is None:
        case = RiskCase.objects.create(number=_number(), detector=finding.detector, score=finding.score,
                                       evidence=evidence, attributes=attributes,
                                       shop_ids=_shops(attributes), opened_at=now, updated_at=now)
        CaseEvent.objects.create(case=case, action="opened", at=now)
        outcome = "opened"
    else:
        case.evidence = [e for e in case.evidence if e.get("detector") != finding.detector] + evidence
        case.attributes = _merge_attributes(case.attributes, attributes)
        case.score, case.shop_ids, case.updated_at = max(case.score, finding.score), _shops(case.attributes), now
        case.save(update_fields=["score", "evidence", "attributes", "shop_ids", "updated_at"])
    existing = set(case.members.values_list("user_id", flat=True))
    scores = _member_scores(evidence)
    CaseMember.objects.bulk_create([CaseMember(case=case, user_id=u, score=scores.get(u, finding.score),
                                               verification_required=True)
                                    for u in user_ids if u not in existing])
    _hold(case, user_ids)
    return outcome


def _shops(attributes: list[dict]) -> list[int]:
    return sorted({int(a["value"]) for a in attributes if a["kind"] in (AttrKind.SHOP, AttrKind.AD)})


def _merge_attributes(old: list[dict], new: list[dict]) -> list[dict]:
    merged = {(a["kind"], a["value"]): set(a.get("users", [])) for a in old}
    for a in new:
        merged.setdefault((a["kind"], a["value"]), set()).update(a.get("users", []))
    return [{"kind": k, "value": v, "users": sorted(users)} for (k, v), users in sorted(merged.items())]


def _member_scores(evidence: list[dict]) -> dict[int, int]:
    out: dict[int, int] = {}
    for e in evidence:
        if "user" in e:
            out[e["user"]] = min(100, out.get(e["user"], 0) + e["weight"])
    return out


def _hold(case: RiskCase, user_ids: Iterable[int]) -> None:
    """Policy: the members' pending commissions wait for the operator's decision."""
    from quanzi.commission.services import commissions_hold_for_review

    count, amount = commissions_hold_for_review(beneficiary_ids=list(user_ids), reason=HOLD_PREFIX + case.number)
    if count:
        RiskCase.objects.filter(pk=case.pk).update(held_commissions=case.held_commissions + count,
                                                   held_amount=case.held_amount + amount)
        case.held_commissions += count
        case.held_amount += amount
        CaseEvent.objects.create(case=case, action="held",
                                 note=_("%(n)d pending commissions held (%(fen)d fen).") % {"n": count, "fen": amount})


def _number() -> str:
    return "RC" + clock.now().strftime("%y%m%d") + secrets.token_hex(3).upper()


# ---------------------------------------------------------------- the operator's decision

DECISIONS = {"fraud": CaseState.ACTIONED, "legit": CaseState.DISMISSED}


@transaction.atomic
def case_decide(*, actor, number: str, decision: str, note: str = "", void_commissions: bool = True) -> RiskCase:
    """The operator decides a case: `legit` dismisses it (held commissions released, accounts labelled
    legitimate), `fraud` confirms it (held commissions voided unless `void_commissions` is False, accounts
    labelled fraud and left flagged for verification). No account is banned here."""
    if decision not in DECISIONS:
        raise ValidationFailed(_("Choose fraud or legitimate."), code="invalid_decision",
                               fields={"decision": "fraud|legit"})
    note = str(note or "").strip()[:400]
    if decision == "fraud" and not note:
        raise ValidationFailed(_("Say why this is fraud."), fields={"note": "required"})
    case = RiskCase.objects.select_for_update().filter(number=str(number)[:16]).first()
    if case is None:
        raise NotFound(_("Case not found."))
    target = DECISIONS[decision]
    CASE.check(case.state, target)
    now = clock.now()
    case.state, case.label, case.note, case.decided_at, case.decided_by = target, decision, note, now, actor
    case.save(update_fields=["state", "label", "note", "decided_at", "decided_by"])
    case.members.update(label=decision, verification_required=decision == "fraud")
    CaseEvent.objects.create(case=case, action=decision, actor=actor, note=note, at=now)
    _settle_holds(case, decision, actor, note, void_commissions)
    return case


def _settle_holds(case: RiskCase, decision: str, actor, note: str, void: bool) -> None:
    from quanzi.commission.services import commissions_release_for_review, commissions_void_for_review

    reason = HOLD_PREFIX + case.number
    if decision == "legit":
        n = commissions_release_for_review(reason=reason, actor=actor, note=note or _("Risk case dismissed."))
        if n:
            CaseEvent.objects.create(case=case, action="released", actor=actor,
                                     note=_("%(n)d held commissions released.") % {"n": n})
    elif void:
        n = commissions_void_for_review(reason=reason, actor=actor, note=note)
        if n:
            CaseEvent.objects.create(case=case, action="voided", actor=actor,
                                     note=_("%(n)d held commissions voided.") % {"n": n})
