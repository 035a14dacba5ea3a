"""Reads of trust and safety: the detection graph from the stored signals, the operator's queue and a case's
evidence, the dashboard's indicators."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q

from quanzi.trust.constants import HOLD_PREFIX, RULE_LABELS, ActivityKind, AttrKind, CaseState, Label
from quanzi.trust.detectors import Graph, GraphBuilder
from quanzi.trust.models import Activity, Attribute, CaseEvent, CaseMember, RiskCase

IDENTITY = (AttrKind.DEVICE, AttrKind.IP24, AttrKind.ADDRESS, AttrKind.PAYER)


def risk_graph(*, since: dt.datetime) -> Graph:
    """The signals seen since `since`, as the detectors' arrays (a handful of queries, whatever the size)."""
    b = GraphBuilder()
    for user_id, kind, value in Attribute.objects.filter(kind__in=IDENTITY, last_seen__gte=since).values_list(
            "user_id", "kind", "value").iterator(chunk_size=5000):
        b.attr(user_id, kind, value)
    for user_id, kind, shop_id, other, count, at in Activity.objects.filter(at__gte=since).values_list(
            "user_id", "kind", "shop_id", "other_user_id", "count", "at").iterator(chunk_size=5000):
        if kind == ActivityKind.ORDER_PAID and shop_id:
            b.order(user_id, shop_id, at.timestamp())
        elif kind == ActivityKind.INVITED and other:
            b.invited(user_id, other)
        elif kind == ActivityKind.SHARED_PURCHASE and other:
            b.shared_purchase(user_id, other)
        elif kind == ActivityKind.QUICK_REFUND:
            b.quick_refund(user_id)
        elif kind == ActivityKind.FAST_REVIEW:
            b.fast_review(user_id)
        elif kind == ActivityKind.AD_CLICKS and shop_id:
            b.ad_clicks(user_id, shop_id, count)
    _joined(b)
    return b.build()


def _joined(b: GraphBuilder) -> None:
    from quanzi.accounts.selectors import users_by_id

    users = users_by_id(user_ids=list(b.rows))
    for uid, row in b.rows.items():
        u = users.get(uid)
        if u is not None:
            b.joined[row] = u.date_joined.timestamp()


# ---------------------------------------------------------------- the queue

def cases_queue(*, state: str = CaseState.OPEN, limit: int = 50) -> list[RiskCase]:
    """Cases in `state`, highest score first, with their member counts (one query)."""
    return list(RiskCase.objects.filter(state=state).annotate(n_members=Count("members"))
                .order_by("-score", "-id")[:limit])


def cases_page(*, state: str, cursor: str | None, limit: int = 20) -> tuple[list[RiskCase], str | None]:
    """One page of cases in `state`, highest score first; `cursor` ("score.id" of the last one seen) continues."""
    qs = RiskCase.objects.filter(state=state).annotate(n_members=Count("members")).order_by("-score", "-id")
    if cursor:
        try:
            score, last = (int(x) for x in str(cursor)[:40].split(".", 1))
        except ValueError:
            from django.utils.translation import gettext as _

            from quanzi.core.errors import ValidationFailed

            raise ValidationFailed(_("This cursor is not valid."), code="invalid_cursor", fields={"cursor": "invalid"})
        qs = qs.filter(Q(score__lt=score) | Q(score=score, id__lt=last))
    rows = list(qs[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (f"{rows[-1].score}.{rows[-1].pk}" if more and rows else None)


def case_counts() -> dict[str, int]:
    rows = RiskCase.objects.values("state").annotate(n=Count("id"))
    out = {s: 0 for s in CaseState.values}
    out.update({r["state"]: r["n"] for r in rows})
    return out


def case_get(*, number: str) -> RiskCase | None:
    return RiskCase.objects.select_related("decided_by").filter(number=str(number)[:16]).first()


def case_members(*, case: RiskCase) -> list[CaseMember]:
    return list(case.members.select_related("user").order_by("-score", "user_id"))


def case_events(*, case: RiskCase) -> list[CaseEvent]:
    return list(case.events.select_related("actor"))


def evidence_summary(*, case: RiskCase) -> list[dict]:
    """The case's evidence, one line per rule: its label, weight, the accounts it fired for and the first
    firing's details (the page and the API show every firing)."""
    out: dict[str, dict] = {}
    for e in case.evidence:
        line = out.setdefault(e["rule"], {"rule": e["rule"], "label": rule_label(e["rule"]), "weight": e["weight"],
                                          "users": [], "why": e.get("why", {}), "detector": e.get("detector", "")})
        if e.get("user") is not None and e["user"] not in line["users"]:
            line["users"].append(e["user"])
    return sorted(out.values(), key=lambda x: -x["weight"])


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))


def open_case_numbers_of(*, user_id: int) -> list[str]:
    return list(RiskCase.objects.filter(state=CaseState.OPEN, members__user_id=user_id).values_list("number", flat=True))


# ---------------------------------------------------------------- the case's picture

@dataclass(frozen=True)
class Node:
    key: str
    label: str
    kind: str  # user | device | ip24 | address | payer | shop | ad
    x: float
    y: float


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Picture:
    size: int
    nodes: list[Node]
    edges: list[Edge]


MAX_PICTURE_USERS = 24
MAX_PICTURE_ATTRS = 16


def case_picture(*, case: RiskCase, members: list[CaseMember], size: int = 320) -> Picture:
    """The case's accounts on an outer circle and the attributes they share on an inner one, an edge for each
    account that has the attribute (a server-drawn SVG, no script). Large cases show their first accounts."""
    users = [m.user for m in members[:MAX_PICTURE_USERS]]
    attrs = [a for a in case.attributes if len(set(a.get("users", [])) & {u.pk for u in users}) >= 1]
    attrs = sorted(attrs, key=lambda a: -len(a.get("users", [])))[:MAX_PICTURE_ATTRS]
    c, r_out, r_in = size / 2, size / 2 - 22, size / 4 - 4
    pos: dict[str, tuple[float, float]] = {}
    nodes = []
    for i, u in enumerate(users):
        x, y = _on_circle(c, r_out, i, len(users))
        pos[f"u{u.pk}"] = (x, y)
        nodes.append(Node(f"u{u.pk}", u.nickname or f"#{u.pk}", "user", x, y))
    for j, a in enumerate(attrs):
        x, y = _on_circle(c, r_in if len(attrs) > 1 else 0, j, len(attrs), offset=0.5)
        key = f"a{j}"
        pos[key] = (x, y)
        nodes.append(Node(key, _attr_label(a), a["kind"], x, y))
    edges = [Edge(*pos[f"a{j}"], *pos[f"u{uid}"]) for j, a in enumerate(attrs) for uid in a.get("users", [])
             if f"u{uid}" in pos]
    return Picture(size=size, nodes=nodes, edges=edges)


def _on_circle(c: float, r: float, i: int, n: int, offset: float = 0.0) -> tuple[float, float]:
    angle = 2 * math.pi * (i + offset) / max(1, n) - math.pi / 2
    return round(c + r * math.cos(angle), 1), round(c + r * math.sin(angle), 1)


def _attr_label(a: dict) -> str:
    kind = str(AttrKind(a["kind"]).label) if a["kind"] in AttrKind.values else a["kind"]
    if a["kind"] in (AttrKind.SHOP, AttrKind.AD):
        return f"{kind} {a['value']}"
    return f"{kind} {str(a['value'])[:4]}…"


# ---------------------------------------------------------------- the dashboard

def risk_indicators(*, since: dt.datetime, until: dt.datetime) -> dict:
    """For the operator dashboard's range: cases opened, fraud confirmed and dismissed in it; open now; the
    commission amount held by open cases now (fen)."""
    from quanzi.commission.selectors import held_amount_for

    in_range = RiskCase.objects.filter(opened_at__gte=since, opened_at__lt=until)
    decided = RiskCase.objects.filter(decided_at__gte=since, decided_at__lt=until)
    return {
        "opened": in_range.count(),
        "open_now": RiskCase.objects.filter(state=CaseState.OPEN).count(),
        "confirmed": decided.filter(label=Label.FRAUD).count(),
        "dismissed": decided.filter(label=Label.LEGIT).count(),
        "held_amount": held_amount_for(reason_prefix=HOLD_PREFIX),
        "flagged_accounts": CaseMember.objects.filter(Q(case__state=CaseState.OPEN) | Q(label=Label.FRAUD))
        .values("user_id").distinct().count(),
    }
