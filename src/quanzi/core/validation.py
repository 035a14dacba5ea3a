"""Small input checks shared by the services of several apps."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed


def whole_number(value, field: str, *, low: int, high: int, code: str) -> int:
    """`value` if it is an int (not a bool) within [low, high]; else a ValidationFailed naming the field."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(_("%(f)s must be a whole number from %(a)d to %(b)d.") % {"f": field, "a": low, "b": high},
                               code=code, fields={field: "invalid"})
    return value
