"""Test helpers of live-room sales: read-outs for other apps' tests, the demo's tests and bench/ (never
imported by application code)."""

from __future__ import annotations

from quanzi.livesales.models import Gift, Tip

# ---- public interface used by demo, bench/ and the project's tests

def tips(*, room_id: int | None = None) -> list[Tip]:
    """Tips in id order (sent in one room when given)."""
    qs = Tip.objects.order_by("pk")
    return list(qs.filter(room_id=room_id) if room_id is not None else qs)


def gift_ensure(*, name: str, name_en: str, icon: str, price: int) -> Gift:
    """The gift of this name (made with these fields when the catalogue lacks it)."""
    gift, _new = Gift.objects.get_or_create(name=name, defaults={"name_en": name_en, "icon": icon, "price": price})
    return gift
