"""`{% load shipping_tags %}`: carriers as their names on the pages that show parcels."""

from __future__ import annotations

from django import template

from quanzi.shipping.constants import CARRIERS

register = template.Library()


@register.filter
def carrier_name(code: str) -> str:
    """A carrier code ("sf") as its name in the active language ("SF Express" / 顺丰速运)."""
    return str(CARRIERS.get(code, code))
