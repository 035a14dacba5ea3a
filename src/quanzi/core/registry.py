"""Extension points: one registration style for everything an app lets other apps plug into.

An app that offers an extension point owns a `Registry` next to the code that reads it
(`orders.pricing.price_sources`, `settlement.services.settlement_deductions`,
`quanzi.web.slots.slots`, …). Other apps register into it from their `AppConfig.ready()` — never at
import time of an arbitrary module — so the set of registered things is known once Django is set
up, whatever the import order:

    class GroupbuyConfig(AppConfig):
        def ready(self):
            from quanzi.orders.pricing import price_sources
            price_sources.register(GroupPriceSource(), key="group")

`register` also works as a decorator (`@sweeps.register(key="orders_expire_unpaid")`). Items come
back in `order`, then registration order. Keyed registries refuse a second item under the same key
from another module (a typo or a clash would otherwise silently replace behaviour); the module
that registered a key may register it again (a `ready()` that runs twice replaces its own entry).

Every registry is listed in `all_registries()`, which `manage.py architecture` prints into
docs/architecture.md, so the list of extension points cannot drift from the code.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_counter = itertools.count()
_registries: dict[str, Registry] = {}


class RegistryError(RuntimeError):
    """A registration that cannot be right (a key clash, an unknown key)."""


@dataclass(frozen=True)
class Registration(Generic[T]):
    item: T
    key: str
    order: int
    owner: str  # the module that registered it (for docs and error messages)
    seq: int


class Registry(Generic[T]):
    def __init__(self, name: str, *, doc: str, keyed: bool = False, owner: str = "",
                 key_of: Callable[[Any], str] | None = None):
        if name in _registries:
            raise RegistryError(f"registry {name!r} is defined twice")
        self.name, self.doc, self.keyed, self.owner = name, doc, keyed, owner
        self.key_of = key_of  # derives an item's key when `register` is not given one
        self._entries: dict[str, Registration[T]] = {}
        self.version = 0  # bumped on every change, for readers that cache a view of the entries
        _registries[name] = self

    # ---------------------------------------------------------------- writing

    def register(self, item: T | None = None, *, key: str = "", order: int = 100,
                 replace: bool = False) -> Any:
        """Add `item` (or decorate). `key` names it in a keyed registry (defaults to the item's
        `name`/`key` attribute or `__qualname__`); `replace=True` is for tests only."""
        if item is None:
            return lambda actual: self.register(actual, key=key, order=order, replace=replace)
        key = key or (self.key_of(item) if self.key_of else _default_key(item))
        if self.keyed and not key:
            raise RegistryError(f"{self.name}: a keyed registry needs a key for {item!r}")
        found = self._entries.get(key)
        owner = _registering_module() or getattr(item, "__module__", "") or type(item).__module__
        if found is not None and not replace:
            if found.item is item or found.item == item or _same_function(found.item, item):
                return item  # registered again (a ready() run twice, a module reloaded): a no-op
            if found.owner != owner:
                raise RegistryError(f"{self.name}: {key!r} is already registered by {found.owner}")
        seq = found.seq if found is not None else next(_counter)
        self._entries[key] = Registration(item=item, key=key, order=order, owner=owner, seq=seq)
        self.version += 1
        return item

    def unregister(self, key: str) -> None:
        """Tests only: take a registration away again."""
        if self._entries.pop(key, None) is not None:
            self.version += 1

    # ---------------------------------------------------------------- reading

    def __iter__(self) -> Iterator[T]:
        return (r.item for r in self.registrations())

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def registrations(self) -> list[Registration[T]]:
        return sorted(self._entries.values(), key=lambda r: (r.order, r.seq))

    def get(self, key: str, default: T | None = None) -> T | None:
        found = self._entries.get(key)
        return found.item if found is not None else default

    def keys(self) -> list[str]:
        return [r.key for r in self.registrations()]


def _registering_module() -> str:
    """The module that called `register` (an app's apps.py or handlers), for docs and clash messages."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in _PLUMBING:
        frame = frame.f_back
    return frame.f_globals.get("__name__", "") if frame is not None else ""


_PLUMBING = {__name__, "quanzi.core.events", "quanzi.core.testing"}


def _default_key(item: Any) -> str:
    for attr in ("key", "name"):
        value = getattr(item, attr, None)
        if isinstance(value, str) and value:
            return value
    module = getattr(item, "__module__", "")
    qualname = getattr(item, "__qualname__", "") or type(item).__qualname__
    return f"{module}.{qualname}"


def _same_function(a: Any, b: Any) -> bool:
    return (callable(a) and callable(b) and getattr(a, "__module__", None) == getattr(b, "__module__", None)
            and getattr(a, "__qualname__", None) == getattr(b, "__qualname__", None)
            and getattr(a, "__qualname__", None) is not None and "<lambda>" not in a.__qualname__)


def all_registries() -> list[Registry]:
    return sorted(_registries.values(), key=lambda r: r.name)


def registry(name: str) -> Registry:
    try:
        return _registries[name]
    except KeyError:
        raise RegistryError(f"no registry named {name!r}") from None

