"""The handle of a campaign's stock pool (catalog owns the pools: `CampaignStock`, one row per SKU).

A pure value, importable anywhere (no models): `StockPool("group", 12).key == "group:12"`, the
string CampaignStock.campaign_key, OrderLine.campaign_key and PriceQuote.campaign_key hold. The key
format never changes: rows already stored carry it. See `catalog.campaigns` and docs/campaigns.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quanzi.core.registry import Registry

_KIND = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

pool_kinds: Registry[type] = Registry(
    "catalog.pools.pool_kinds", keyed=True, owner=__name__,
    doc="Kinds of campaign stock pools (`group`, `bargain`, `flash`, `live`) and the model whose rows own "
        "them: a pool key is `<kind>:<row id>`, so one kind belongs to one model.")


@dataclass(frozen=True, order=True)
class StockPool:
    """The handle of one campaign's stock pool: a kind and the id of the row that owns the pool."""

    kind: str
    id: int

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not _KIND.match(self.kind):
            raise ValueError(f"a pool kind is a short lower-case word, not {self.kind!r}")
        if isinstance(self.id, bool) or not isinstance(self.id, int) or self.id <= 0:
            raise ValueError(f"a pool id is a positive integer, not {self.id!r}")

    @property
    def key(self) -> str:
        """The string stored in the database ("group:12"); the format never changes (rows carry it)."""
        return f"{self.kind}:{self.id}"

    @classmethod
    def from_key(cls, key: str | None) -> StockPool | None:
        """The pool a stored key names, or None for a key that is not a pool key."""
        kind, _sep, pk = str(key or "").partition(":")
        if not _KIND.match(kind) or not (pk.isascii() and pk.isdigit()) or pk.startswith("0") or len(pk) > 18:
            return None
        return cls(kind, int(pk))

    def __str__(self) -> str:
        return self.key
