"""Reads of the privacy app: the policy, a user's consents, exports and deletion requests."""

from __future__ import annotations

import datetime as dt

from quanzi.core import clock
from quanzi.privacy.constants import (
    GUARDIAN_AGE,
    OPTIONAL_PURPOSES,
    SEPARATE_PURPOSES,
    DeletionStatus,
    Purpose,
)
from quanzi.privacy.models import AccessLog, Consent, DataExport, DeletionRequest, PolicyVersion


def policy_current() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-version").first()


def consent_state(*, user) -> dict[str, Consent | None]:
    """The newest consent row of every purpose (None: never asked)."""
    state: dict[str, Consent | None] = {p.value: None for p in Purpose}
    for c in Consent.objects.filter(user=user).order_by("-at", "-id"):
        if state.get(c.purpose) is None:
            state[c.purpose] = c
    return state


def has_consent(*, user_id: int, purpose: str) -> bool:
    """Whether the user's newest answer for `purpose` is yes (for other apps: check before you share)."""
    last = Consent.objects.filter(user_id=user_id, purpose=purpose).order_by("-at", "-id").first()
    return bool(last and last.granted)


def consent_rows(*, user) -> list[dict]:
    """The privacy centre's list: every purpose with its current answer."""
    state = consent_state(user=user)
    policy = policy_current()
    current = policy.version if policy else None
    out = []
    for purpose in Purpose:
        c = state[purpose.value]
        out.append({"purpose": purpose.value, "label": str(purpose.label), "granted": bool(c and c.granted),
                    "version": c.version if c else None, "at": c.at if c else None,
                    "method": c.method if c else "", "optional": purpose in OPTIONAL_PURPOSES,
                    "separate": purpose in SEPARATE_PURPOSES,
                    # never asked, or answered for an older policy version: ask again
                    "outdated": current is not None and (c is None or c.version < current)})
    return out


def consent_history(*, user, limit: int = 50) -> list[Consent]:
    return list(Consent.objects.filter(user=user).order_by("-at", "-id")[:limit])


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def needs_guardian(*, user) -> bool:
    """Under 14 by the birth date on the account, and no guardian's consent recorded yet."""
    age = age_on(getattr(user, "birth_date", None), clock.now().date())
    return age is not None and age < GUARDIAN_AGE and not has_consent(user_id=user.pk, purpose=Purpose.GUARDIAN)


def exports_of(*, user, limit: int = 5) -> list[DataExport]:
    return list(DataExport.objects.filter(user=user).defer("content").order_by("-requested_at", "-id")[:limit])


def export_for(*, user, token: str) -> DataExport | None:
    if not isinstance(token, str) or len(token) > 40:
        return None
    return DataExport.objects.filter(user=user, token=token).first()


def deletion_open(*, user) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user, status__in=[DeletionStatus.REQUESTED, DeletionStatus.WAITING]).first()


def deletion_latest(*, user) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user).order_by("-requested_at", "-id").first()


def access_log(*, limit: int = 100) -> list[AccessLog]:
    return list(AccessLog.objects.select_related("staff", "subject").order_by("-at", "-id")[:limit])
