"""The risk case state machine (`core.states.StateMachine`): services check it under the case's lock.

    open ──operator confirms fraud──▶ actioned   (final; labels: fraud)
      └───operator dismisses────────▶ dismissed  (final; labels: legit)

Detection only opens and updates cases; only an operator's decision leaves `open` (never an automatic ban).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.core.states import StateMachine
from quanzi.trust.constants import CaseState as S

CASE = StateMachine("risk_case", {
    S.OPEN: {S.ACTIONED, S.DISMISSED},
    S.ACTIONED: set(),
    S.DISMISSED: set(),
}, code="invalid_case_state", message=_("A case cannot go from %(a)s to %(b)s."), labels=dict(S.choices))
