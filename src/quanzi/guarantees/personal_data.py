"""Personal data held by guarantees: a buyer's claims (what they wrote, the photos they sent) and who paid
a shop's deposit. Claims are kept after deletion (a payout may have moved money through the ledger), linked
to the pseudonymised user; the buyer's description, photos and notes are emptied. An open claim makes
deletion wait (money may still be paid to the buyer). Models are imported inside the functions, so a
change in guarantees' models fails the inventory test, never the start-up."""

from django.utils.translation import gettext as _

from quanzi.core.personal_data import declare, rows


def export(user) -> dict:
    from quanzi.guarantees.models import Claim, ClaimPhoto

    claims = rows(Claim.objects.filter(buyer=user).order_by("-id"), "id", "number", "order_number", "kind",
                  "description", "status")
    for claim in claims:
        claim["photos"] = list(ClaimPhoto.objects.filter(claim_id=claim.pop("id")).values_list("image", flat=True))
    return {"claims": claims}


def erase(user) -> None:
    from quanzi.guarantees.models import Claim, ClaimEvent, ClaimPhoto

    mine = Claim.objects.filter(buyer=user)
    ClaimPhoto.objects.filter(claim__in=mine).delete()
    ClaimEvent.objects.filter(claim__in=mine).update(note="")
    mine.update(description="")


def blockers(user) -> list[str]:
    from quanzi.guarantees.constants import OPEN
    from quanzi.guarantees.models import Claim

    n = Claim.objects.filter(buyer=user, status__in=OPEN).count()
    return [_("%(n)s guarantee claim(s) are still open.") % {"n": n}] if n else []


declare(
    app="guarantees",
    personal={
        "guarantees.DepositPayment.user": "link", "guarantees.Claim.buyer": "link",
        "guarantees.Claim.description": "content", "guarantees.Claim.decided_by": "link",
        "guarantees.ClaimEvent.note": "content",
    },
    not_personal={
        "guarantees.Claim.merchant_note": "the merchant's answer to the claim",
        "guarantees.Claim.decision_note": "the operator's decision on the claim",
        "guarantees.ClaimEvent.message": "the timeline's code-made message (a msgid)",
        "guarantees.ClaimEvent.params": "the timeline's parameters: amounts, statuses",
    },
    export=export, erase=erase, blockers=blockers,
)
