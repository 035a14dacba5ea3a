"""The state machines of the privacy app."""

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.privacy.constants import DeletionStatus, ExportStatus

EXPORT = StateMachine("privacy_export", {
    ExportStatus.PENDING: {ExportStatus.READY, ExportStatus.FAILED},
    ExportStatus.READY: {ExportStatus.EXPIRED},
    ExportStatus.FAILED: set(),
    ExportStatus.EXPIRED: set(),
}, code="invalid_export_state", message=_("This export is %(a)s and cannot become %(b)s."),
    labels=dict(ExportStatus.choices))

DELETION = StateMachine("account_deletion", {
    DeletionStatus.REQUESTED: {DeletionStatus.COMPLETED, DeletionStatus.WAITING, DeletionStatus.CANCELLED},
    DeletionStatus.WAITING: {DeletionStatus.COMPLETED, DeletionStatus.WAITING, DeletionStatus.CANCELLED},
    DeletionStatus.COMPLETED: set(),
    DeletionStatus.CANCELLED: set(),
}, code="invalid_deletion_state", message=_("This deletion request is %(a)s and cannot become %(b)s."),
    labels=dict(DeletionStatus.choices))
