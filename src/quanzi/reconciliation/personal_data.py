"""reconciliation holds no personal data of shoppers (PII inventory, quanzi.core.personal_data)."""

from quanzi.core.personal_data import declare, rows
from quanzi.reconciliation.models import Mismatch


def export(user) -> dict:
    return {"mismatches_resolved": rows(Mismatch.objects.filter(resolved_by=user), "kind", "resolved_at")}


def erase(user) -> None:
    """Staff who resolved a mismatch stay linked (accountability), through the pseudonymised user row."""


declare(
    app="reconciliation",
    personal={"reconciliation.Mismatch.resolved_by": "link"},
    not_personal={
        "reconciliation.Mismatch.fingerprint": "a hash identifying the mismatch, not a device",
        "reconciliation.Mismatch.resolution_note": "the operator's note on a payment mismatch",
    },
    export=export, erase=erase,
)
