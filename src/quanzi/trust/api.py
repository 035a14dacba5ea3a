"""API of trust (/api/v1/trust)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["trust"])
