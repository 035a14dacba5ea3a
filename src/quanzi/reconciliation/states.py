"""The state machines of reconciliation.

    run:       running ──▶ done        (the bill was compared; run again at will)
                  └──────▶ failed      (the provider could not give its bill: retried after a backoff)
    mismatch:  open ──resolve with a note──▶ resolved
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.reconciliation.constants import MismatchStatus as M
from quanzi.reconciliation.constants import RunStatus as R

RUN = StateMachine("reconciliation_run", {
    R.RUNNING: {R.DONE, R.FAILED, R.RUNNING},  # RUNNING → RUNNING: a lease that ran out is taken over
    R.DONE: {R.RUNNING},
    R.FAILED: {R.RUNNING},
}, code="invalid_run_state", labels=dict(R.choices))

MISMATCH = StateMachine("reconciliation_mismatch", {
    M.OPEN: {M.RESOLVED},
    M.RESOLVED: set(),
}, code="invalid_mismatch_state", labels=dict(M.choices),
    message=_("This mismatch is %(a)s and cannot become %(b)s."))
