"""Explicit state machines: the allowed transitions of one kind of object in one table.

    ORDER = StateMachine("order", {
        "pending_payment": {"paid", "cancelled"},
        "paid": {"shipped", "closed"},
        ...
    }, code="invalid_order_state", message=gettext_lazy("This order is %(a)s and cannot become %(b)s."))

    ORDER.check(order.status, "shipped")   # raises InvalidTransition (409) for anything else

Every service checks the table before it moves a row (under the row's lock), so a repeated or
racing call fails cleanly instead of acting twice. Each machine registers itself in
`state_machines`, from which docs/architecture.md draws its diagrams and tests check that every
status of a model's choices appears in its table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import InvalidTransition
from quanzi.core.registry import Registry

DEFAULT_MESSAGE = _("This cannot change from %(a)s to %(b)s.")

state_machines: Registry[StateMachine] = Registry(
    "core.states.state_machines", keyed=True, owner=__name__,
    doc="Every explicit state machine (allowed transitions in one table); docs draw them from here.")


class StateMachine:
    def __init__(self, name: str, transitions: Mapping[str, Iterable[str]], *, code: str,
                 message: str | Promise = DEFAULT_MESSAGE, labels: Mapping[str, str | Promise] | None = None):
        self.name, self.code, self.message = name, code, message
        self.transitions: dict[str, frozenset[str]] = {str(k): frozenset(str(t) for t in v)
                                                      for k, v in transitions.items()}
        unknown = {t for targets in self.transitions.values() for t in targets} - set(self.transitions)
        if unknown:
            raise ValueError(f"{name}: transitions lead to states without a row: {sorted(unknown)}")
        self.labels = dict(labels or {})
        state_machines.register(self, key=name)

    @property
    def states(self) -> list[str]:
        return list(self.transitions)

    @property
    def final_states(self) -> frozenset[str]:
        return frozenset(s for s, targets in self.transitions.items() if not targets)

    def can(self, current: str, target: str) -> bool:
        return str(target) in self.transitions.get(str(current), frozenset())

    def check(self, current: str, target: str) -> None:
        if not self.can(current, target):
            raise InvalidTransition(str(self.message) % {"a": self.label(current), "b": self.label(target)},
                                    code=self.code, fields={"status": str(current)})

    def label(self, state: str) -> str:
        return str(self.labels.get(str(state), state))

    def mermaid(self) -> str:
        """A `stateDiagram-v2` of the table, for docs."""
        lines = ["stateDiagram-v2"]
        for state, targets in self.transitions.items():
            lines += [f"    {state} --> {target}" for target in sorted(targets)]
            if not targets:
                lines.append(f"    {state} --> [*]")
        return "\n".join(lines)
