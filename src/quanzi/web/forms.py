"""Parsing of form input shared by the pages that take money and numbers (console, promotions)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed
from quanzi.core.money import MAX_AMOUNT, format_yuan, yuan_to_fen


def parse_yuan(text, field: str, *, required: bool = True) -> int | None:
    """"59.90" / "¥59.9" → 5990 fen, exactly (core.money.yuan_to_fen); a field error otherwise."""
    text = str(text or "").strip().lstrip("¥￥").strip().replace(",", "")
    if not text:
        if required:
            raise ValidationFailed(_("Enter a price in yuan, like 59.90."), fields={field: _("Required.")})
        return None
    try:
        fen = yuan_to_fen(text)
    except ValueError:
        raise ValidationFailed(_("Enter a price in yuan, like 59.90."),
                               fields={field: _("Use yuan with at most two decimals, like 59.90.")})
    if fen <= 0:
        raise ValidationFailed(_("The amount must be above zero."), fields={field: _("Must be above zero.")})
    if fen > MAX_AMOUNT:
        raise ValidationFailed(_("The amount is too large."),
                               fields={field: _("At most %(max)s yuan.") % {"max": format_yuan(MAX_AMOUNT)}})
    return fen


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")  # ASCII digits only (int() also reads "١٢" and "１２")


def parse_int(text, field: str, *, default: int | None = None, minimum: int = 0, maximum: int = 10**15) -> int:
    """A whole number typed into a form, within [minimum, maximum]; a field error otherwise (never a
    ValueError, never a number a database column cannot hold)."""
    text = str(text if text is not None else "").strip()
    if not text and default is not None:
        return default
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValidationFailed(_("Enter a whole number."), fields={field: _("Enter a whole number.")})
    value = int(text)
    if value < minimum:
        raise ValidationFailed(_("Enter a whole number."), fields={field: _("At least %(n)d.") % {"n": minimum}})
    if value > maximum:
        raise ValidationFailed(_("The number is too large."), fields={field: _("At most %(n)d.") % {"n": maximum}})
    return value


def field_errors_for(exc, aliases: dict[str, str] | None = None) -> dict[str, str]:
    """A DomainError's per-field messages keyed by the form's field names (services say `category_id`,
    `skus.0.price`, `options.1`; the form says `category`, `price`, `options`)."""
    aliases = aliases or {}
    out: dict[str, str] = {}
    for key, value in (exc.fields or {}).items():
        name = aliases.get(key) or aliases.get(key.split(".")[0]) or key
        if key.startswith("skus.") and key.endswith(".price"):
            name = "price"
        elif key.startswith("skus.") and key.endswith(".stock"):
            name = "stock"
        elif key.startswith("options"):
            name = aliases.get("options", "options")
        text = str(value).strip()
        # Services sometimes give a code ("invalid", "max 500") instead of a sentence: show the message then.
        out.setdefault(name, text if text.endswith((".", "。", "!", "！")) else exc.message)
    return out
