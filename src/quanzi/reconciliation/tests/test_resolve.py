"""Resolving a mismatch (the service behind the operator's decision): a note is required and must be
storable, an unknown mismatch is 404, a resolved one cannot be resolved again (409)."""

from __future__ import annotations

import pytest

from quanzi.core.errors import InvalidTransition, NotFound, ValidationFailed
from quanzi.reconciliation import selectors, services
from quanzi.reconciliation.constants import MismatchStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def mismatch(mismatched_day):
    _, by_number, only_ours, _ = mismatched_day
    return by_number[only_ours]


def test_resolving_records_the_note_who_and_when(mismatch, operator):
    resolved = services.mismatch_resolve(mismatch_id=mismatch.pk, actor=operator, note="  refunded by hand \n")
    assert resolved.status == MismatchStatus.RESOLVED and resolved.resolution_note == "refunded by hand"
    assert resolved.resolved_by == operator and resolved.resolved_at is not None
    assert selectors.mismatch_count_open() == 1


def test_a_resolution_without_an_operator_is_kept_without_one(mismatch):
    resolved = services.mismatch_resolve(mismatch_id=mismatch.pk, actor=None, note="fixed by the provider")
    assert resolved.resolved_by is None and resolved.status == MismatchStatus.RESOLVED


@pytest.mark.parametrize("note, code", [
    ("", "note_required"), ("   ", "note_required"), (None, "note_required"),
    ("x" * 501, "note_too_long"), ("a\x00b", "note_invalid"), ("a\ud800b", "note_invalid"),
])
def test_a_note_that_cannot_be_stored_is_refused(mismatch, operator, note, code):
    with pytest.raises(ValidationFailed) as exc:
        services.mismatch_resolve(mismatch_id=mismatch.pk, actor=operator, note=note)
    assert exc.value.code == code and exc.value.status == 400
    mismatch.refresh_from_db()
    assert mismatch.status == MismatchStatus.OPEN


def test_an_unknown_mismatch_is_not_found(mismatched_day, operator):
    with pytest.raises(NotFound) as exc:
        services.mismatch_resolve(mismatch_id=10 ** 9, actor=operator, note="x")
    assert exc.value.code == "mismatch_not_found"


def test_a_resolved_mismatch_cannot_be_resolved_again(mismatch, operator):
    services.mismatch_resolve(mismatch_id=mismatch.pk, actor=operator, note="first")
    with pytest.raises(InvalidTransition) as exc:
        services.mismatch_resolve(mismatch_id=mismatch.pk, actor=operator, note="second")
    assert exc.value.status == 409
    mismatch.refresh_from_db()
    assert mismatch.resolution_note == "first"
