"""Personal data held by trust and safety (core.personal_data): which devices, networks, addresses and payers an
account used — as keyed hashes, never the values — and what it did that the rules read. Erasing deletes both;
risk cases keep their members (the record of a fraud decision, a legitimate interest) linked to the pseudonym.
An open case makes deletion wait: the operator decides first."""

from quanzi.core.personal_data import declare, rows
from quanzi.trust.models import Activity, Attribute, CaseMember, RiskCase


def export(user) -> dict:
    return {
        "linked_attributes": rows(Attribute.objects.filter(user=user).order_by("kind", "first_seen"), "kind",
                                  "first_seen", "last_seen", "count"),
        "risk_signals": rows(Activity.objects.filter(user=user).order_by("at"), "kind", "shop_id", "at"),
        "risk_reviews": rows(CaseMember.objects.filter(user=user).select_related("case"), "case__number",
                             "case__state", "label"),
    }


def erase(user) -> None:
    Attribute.objects.filter(user=user).delete()
    Activity.objects.filter(user=user).delete()


def blockers(user) -> list[str]:
    from django.utils.translation import gettext as _

    if RiskCase.objects.filter(state="open", members__user=user).exists():
        return [_("A risk review of this account is open; it must be decided first.")]
    return []


declare(
    app="trust",
    personal={
        "trust.Attribute.user": "device", "trust.Activity.user": "activity", "trust.CaseMember.user": "link",
        "trust.RiskCase.decided_by": "link", "trust.CaseEvent.actor": "link",
    },
    not_personal={
        "trust.Attribute.value": "a keyed hash of a device, network, address or payer (or a shop id): it cannot be "
                                 "turned back into the value",
        "trust.RiskCase.evidence": "detector output: rule names, weights, account ids and attribute hashes",
        "trust.RiskCase.attributes": "attribute kinds and hashes with account ids",
        "trust.RiskCase.shop_ids": "shop ids",
        "trust.RiskCase.note": "the operator's note on a fraud decision",
        "trust.CaseEvent.note": "what happened to the case (counts, the operator's note)",
    },
    export=export, erase=erase, blockers=blockers,
)
