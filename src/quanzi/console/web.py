"""Helpers for the merchant console pages: the merchant's shop, yuan input, form errors."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from quanzi.core.errors import ValidationFailed
from quanzi.core.money import yuan_to_fen
from quanzi.shops.selectors import shop_for_owner
from quanzi.storefront.web import login_required

MAX_OPTION_LINES = 3


def merchant_required(view):
    """Logged in and owning a shop (any status); otherwise to the login, or to the application form."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        shop = shop_for_owner(user=request.user)
        if shop is None:
            return HttpResponseRedirect(reverse("console:apply"))
        request.shop = shop
        return view(request, *args, **kwargs)

    return wrapper


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
    return fen


def parse_int(text, field: str, *, default: int | None = None, minimum: int = 0) -> int:
    text = str(text if text is not None else "").strip()
    if not text and default is not None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValidationFailed(_("Enter a whole number."), fields={field: _("Enter a whole number.")})
    if value < minimum:
        raise ValidationFailed(_("Enter a whole number."), fields={field: _("At least %(n)d.") % {"n": minimum}})
    return value


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
            name = "options"
        text = str(value).strip()
        # Services sometimes give a code ("invalid", "max 500") instead of a sentence: show the message then.
        out.setdefault(name, text if text.endswith((".", "。", "!", "！")) else exc.message)
    return out
