"""The product form's option lines ("颜色：红，蓝、白") as the catalog's option lists, and back."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed

MAX_OPTION_LINES = 3


def parse_options(text: str) -> list[dict]:
    """Up to three lines "name: value1, value2" (Chinese punctuation too: 颜色：红，蓝、白)."""
    options = []
    lines = [ln.strip() for ln in str(text or "").splitlines() if ln.strip()]
    if len(lines) > MAX_OPTION_LINES:
        raise ValidationFailed(_("At most 3 options."), fields={"options": _("At most 3 lines.")})
    for number, line in enumerate(lines, start=1):
        normalised = line.replace("：", ":")
        if ":" not in normalised:
            raise ValidationFailed(_("Write each option as “name: value1, value2”."),
                                   fields={"options": _("Line %(n)d needs a colon after the option name.") % {"n": number}})
        name, _sep, rest = normalised.partition(":")
        values = [v.strip() for v in rest.replace("，", ",").replace("、", ",").split(",") if v.strip()]
        if not name.strip() or not values:
            raise ValidationFailed(_("Write each option as “name: value1, value2”."),
                                   fields={"options": _("Line %(n)d needs a name and at least one value.") % {"n": number}})
        options.append({"name": name.strip(), "values": values})
    return options


def options_text(options) -> str:
    return "\n".join(f"{o.name}: {', '.join(o.values)}" for o in options)
