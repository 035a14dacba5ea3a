"""The order-line attribution snapshot for purchases through a share link.

Registered with `orders.pricing.register_attribution_provider` in `apps.py`; checkout calls it once
per line and stores the result in `OrderLine.attribution`, which never changes afterwards. That
snapshot, not today's bindings, is what commission is computed from.

Checkout calls the provider per line, so the buyer's live bindings are loaded once and kept on the
user instance, keyed by a per-user version that every binding write bumps (`bump_bindings_version`):
a checkout costs one query whatever its number of lines, and a later click is never missed.
"""

from __future__ import annotations

from django.core.cache import cache

from quanzi.core import clock
from quanzi.sharing.models import AttributionBinding

MEMO_ATTR = "_qz_share_bindings"
MEMO_MAX_ROWS = 200  # beyond this many live bindings, look each line up instead of loading them all


def _version_key(user_id: int) -> str:
    return f"sharing:bindings-version:{user_id}"


def bump_bindings_version(user_id: int) -> None:
    """Called after every binding write, so memoized bindings of this user are reloaded."""
    key = _version_key(user_id)
    if not cache.add(key, 1, 7 * 24 * 3600):
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, 7 * 24 * 3600)


def _fields(qs):
    return qs.select_related("link").only("product_id", "sharer_id", "link_id", "link__code", "clicked_at",
                                          "expires_at")


def _binding_for(user, product_id: int, now):
    version = cache.get(_version_key(user.pk), 0)
    memo = user.__dict__.get(MEMO_ATTR)
    if memo is None or memo[0] != version:
        rows = list(_fields(AttributionBinding.objects.filter(user_id=user.pk, expires_at__gt=now))
                    .order_by("-clicked_at")[:MEMO_MAX_ROWS + 1])
        complete = len(rows) <= MEMO_MAX_ROWS
        memo = (version, {b.product_id: b for b in rows} if complete else None)
        user.__dict__[MEMO_ATTR] = memo
    if memo[1] is None:
        return _fields(AttributionBinding.objects.filter(user_id=user.pk, product_id=product_id,
                                                         expires_at__gt=now)).first()
    binding = memo[1].get(product_id)
    return binding if binding is not None and binding.expires_at > now else None


def share_attribution(*, user, sku, context: dict) -> dict:
    """`{"share": {...}}` when the buyer has a live binding for the line's product, else {}."""
    if user is None or not getattr(user, "pk", None):
        return {}
    now = clock.now()
    binding = _binding_for(user, sku.product_id, now)
    if binding is None:
        return {}
    return {"share": {
        "sharer_id": binding.sharer_id,
        "link_id": binding.link_id,
        "code": binding.link.code,
        "clicked_at": binding.clicked_at.isoformat(),
        "at": now.isoformat(),
        "self": binding.sharer_id == user.pk,
        "client": dict((context or {}).get("client") or {}),
    }}
