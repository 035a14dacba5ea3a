"""The sales rows livesales adds to live's room stats (registered with live.stats.register_room_stats)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan
from quanzi.livesales.selectors import room_sales


def room_stats_rows(room) -> list[tuple[str, str]]:
    s = room_sales(room=room)
    return [
        (_("Orders"), str(s["orders"])),
        (_("Sales (GMV)"), "¥" + format_yuan(s["gmv"])),
        (_("Units sold"), str(s["units"])),
        (_("Tips"), "¥" + format_yuan(s["tips"])),
        (_("Tippers"), str(s["tippers"])),
        (_("Viewer → buyer conversion"),
         f"{s['converted']}/{s['viewers']} ({s['conversion_bps'] // 100}.{s['conversion_bps'] % 100:02d}%)"),
    ]
