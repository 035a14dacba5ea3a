"""The design system's components as template tags: `{% load components %}`.

Every component is a set of CSS classes in quanzi.css (docs/design-system.md lists them, /styleguide/
shows them); these tags write the markup once so that pages do not copy it:

    {% button _("Buy now") href=url variant="primary" size="lg" block=True %}
    {% button _("Pay") type="submit" disabled=not can_pay %}
    {% price sku.price original=sku.list_price size="lg" %}         ¥12.34 with ¥45.00 struck through
    {% badge _("Group buy") tone="red" %}
    {% card title=_("Your group") more_url=url more_text=_("All") %}…{% endcard %}
    {% avatar user size="sm" %}   {% avatar_stack members seats=2 %}   (empty seats as dashed circles)
    {% countdown deadline css="countdown-chip" %}                    (`{% load countdown %}`)
    {% progress 3 5 label=_("Joined") tone="brand" %}
    {% tabs links label=_("Order status") %}                          links: [{"url", "label", "active", "count"}]
    {% sheet "invite" title=_("Invite friends") %}…{% endsheet %}   opened by [data-sheet-open="invite"]
    {% empty_state _("Nothing here yet") icon="🛒" link=url link_text=_("Go shopping") %}
    {% skeleton "grid" count=4 %}
    toasts: `qzToast(text, kind)` in JavaScript, an `HX-Trigger: qz:toast` header, or [data-toast="text"].

A wrong option (an unknown variant, tone, size or kind) is a TemplateSyntaxError, found the first time
the page renders in a test, not a silently unstyled element.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template
from django.template.base import token_kwargs
from django.utils.translation import gettext as _

from quanzi.core.images import media_url
from quanzi.core.money import format_yuan

register = template.Library()

BUTTON_VARIANTS = frozenset({"primary", "secondary", "warm", "outline", "ghost", "plain"})
BUTTON_SIZES = frozenset({"", "lg", "md", "sm", "xs"})
BUTTON_TYPES = frozenset({"button", "submit", "reset"})
BADGE_TONES = frozenset({"", "red", "ok", "warn", "info", "warm", "muted", "solid", "outline"})
PRICE_SIZES = frozenset({"", "sm", "md", "lg", "xl"})
AVATAR_SIZES = frozenset({"xs", "sm", "md", "lg", "xl"})
PROGRESS_TONES = frozenset({"", "brand", "ok"})
PROGRESS_SIZES = frozenset({"", "sm", "md", "lg"})
SKELETON_KINDS = frozenset({"lines", "card", "list", "grid"})
CARD_TAGS = frozenset({"section", "div", "article", "aside"})


def _check(component: str, option: str, value, allowed: frozenset) -> None:
    if value not in allowed:
        raise template.TemplateSyntaxError(f"{component}: {option}={value!r} is not one of {sorted(allowed)}")


def _fen(value) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------- button
@register.inclusion_tag("includes/components/button.html")
def button(label, *, href: str = "", variant: str = "primary", size: str = "", block: bool = False,
           disabled: bool = False, type: str = "button", name: str = "", value: str = "",  # noqa: A002 - <button type>
           icon: str = "", css: str = "", testid: str = "", sheet: str = "", toast: str = "") -> dict:
    """A link styled as a button when `href` is given, else a <button>. `sheet` opens that sheet,
    `toast` shows that text as a toast when clicked."""
    _check("button", "variant", variant, BUTTON_VARIANTS)
    _check("button", "size", size, BUTTON_SIZES)
    _check("button", "type", type, BUTTON_TYPES)
    classes = ["btn"]
    if variant != "plain":
        classes.append(f"btn-{variant}")
    if size and size != "md":
        classes.append(f"btn-{size}")
    if block:
        classes.append("btn-block")
    if css:
        classes.append(css)
    return {"label": label, "href": href, "disabled": bool(disabled), "type": type, "name": name, "value": value,
            "icon": icon, "classes": " ".join(classes), "testid": testid, "sheet": sheet, "toast": toast}


# ---------------------------------------------------------------------------------------------- badge
@register.inclusion_tag("includes/components/badge.html")
def badge(text, *, tone: str = "", testid: str = "", css: str = "") -> dict:
    """A small label on a product, an order or a person: .tag + .tag-<tone>."""
    _check("badge", "tone", tone, BADGE_TONES)
    classes = "tag" + (f" tag-{tone}" if tone else "") + (f" {css}" if css else "")
    return {"text": text, "classes": classes, "testid": testid}


# ---------------------------------------------------------------------------------------------- price
def price_parts(fen: int) -> dict:
    """12345 → {"sign": "", "whole": "123", "cents": ".45"}: the yuan and the smaller cents."""
    text = format_yuan(fen)
    sign = "-" if text.startswith("-") else ""
    whole, cents = text.lstrip("-").split(".")
    return {"sign": sign, "whole": whole, "cents": "." + cents}


@register.inclusion_tag("includes/components/price.html")
def price(fen, *, original=None, high=None, size: str = "", testid: str = "", css: str = "") -> dict:
    """¥123.45 in integer fen; `high` makes a range (¥12.00–¥30.00), `original` a struck-through former
    price shown only when it is higher. Nothing is rendered for a missing amount."""
    _check("price", "size", size, PRICE_SIZES)
    amount, top, was = _fen(fen), _fen(high), _fen(original)
    return {
        "amount": price_parts(amount) if amount is not None else None,
        "high": price_parts(top) if top is not None and amount is not None and top > amount else None,
        "original": "¥" + format_yuan(was) if was is not None and amount is not None and was > amount else "",
        "classes": "price" + (f" price-{size}" if size and size != "md" else "") + (f" {css}" if css else ""),
        "testid": testid,
    }


# ---------------------------------------------------------------------------------------------- avatar
def _person(person) -> dict:
    """A user, or a mapping with name / src (an image URL) / role / url."""
    if person is None:
        return {"name": "", "src": "", "role": "", "url": ""}
    if isinstance(person, Mapping):
        name, src = str(person.get("name", "") or ""), str(person.get("src", "") or "")
        return {"name": name, "src": src, "role": person.get("role", ""), "url": person.get("url", "")}
    name = getattr(person, "display_name", "") or getattr(person, "name", "") or ""
    image = getattr(person, "avatar", None)
    src = media_url(image.name) if getattr(image, "name", "") else ""
    return {"name": str(name), "src": src, "role": "", "url": ""}


def _initial(name: str) -> str:
    return (name.strip()[:1] or "?").upper()


@register.inclusion_tag("includes/components/avatar.html")
def avatar(person=None, *, name: str = "", src: str = "", size: str = "md", testid: str = "") -> dict:
    """A round picture, or the first letter of the name on a tint when there is none."""
    _check("avatar", "size", size, AVATAR_SIZES)
    who = _person(person)
    who["name"] = name or who["name"]
    who["src"] = src or who["src"]
    return {"person": who, "initial": _initial(who["name"]), "size": size, "testid": testid}


@register.inclusion_tag("includes/components/avatar_stack.html")
def avatar_stack(people: Iterable | None, *, seats: int = 0, size: str = "sm", overlap: bool = True, limit: int = 5,
                 names: bool = False, label: str = "", testid: str = "") -> dict:
    """Who is in (a group, a bargain, a circle) and, as dashed circles, the `seats` still empty.
    `overlap` piles the faces (a compact row); `names=True` lays them out in a row with names and roles.
    Past `limit` faces the rest is a "+N" bubble."""
    _check("avatar_stack", "size", size, AVATAR_SIZES)
    everyone = [_person(p) for p in (people or [])]
    limit = max(1, int(limit))
    shown = everyone[:limit]
    for who in shown:
        who["initial"] = _initial(who["name"])
    more = len(everyone) - len(shown)
    empty = max(0, int(seats or 0))
    summary = label or _("%(joined)s joined, %(left)s seats left") % {"joined": len(everyone), "left": empty}
    layout = "avatar-stack-row" if names else ("avatar-stack-overlap" if overlap else "")
    return {"people": shown, "more": more, "seats": range(empty), "size": size, "names": names, "layout": layout,
            "summary": summary, "testid": testid}


# ---------------------------------------------------------------------------------------------- progress
@register.inclusion_tag("includes/components/progress.html")
def progress(value, maximum=100, *, label: str = "", text: str = "", tone: str = "", size: str = "",
             legend: bool = True, testid: str = "") -> dict:
    """A <progress> bar with a legend: the label on the left, "value/maximum" (or `text`) on the right."""
    _check("progress", "tone", tone, PROGRESS_TONES)
    _check("progress", "size", size, PROGRESS_SIZES)
    top = max(1, _fen(maximum) or 0)
    now = min(top, max(0, _fen(value) or 0))
    classes = "progress" + (f" progress-{tone}" if tone else "") + (f" progress-{size}" if size and size != "md" else "")
    return {"value": now, "max": top, "percent": round(now * 100 / top), "label": label,
            "text": text or f"{now}/{top}", "classes": classes, "legend": legend, "testid": testid}


# ---------------------------------------------------------------------------------------------- tabs
def _tab(link) -> dict:
    if isinstance(link, Mapping):
        return {"url": link.get("url", ""), "label": link.get("label", ""), "active": bool(link.get("active")),
                "count": link.get("count") or "", "testid": link.get("testid", "")}
    url, label, *rest = link
    return {"url": url, "label": label, "active": bool(rest and rest[0]), "count": "", "testid": ""}


@register.inclusion_tag("includes/components/tabs.html")
def tabs(links: Iterable, *, label: str = "", line: bool = False, fill: bool = False, testid: str = "") -> dict:
    """A row of links, the current one marked aria-current="page". `links`: mappings with url, label,
    active, count, testid (or (url, label, active) tuples). For tabs that switch panels in the page, see
    [data-tabs] in docs/design-system.md."""
    classes = "tabs" + (" tabs-line" if line else "") + (" tabs-fill" if fill else "")
    return {"links": [_tab(link) for link in links or []], "label": label, "classes": classes, "testid": testid}


# ---------------------------------------------------------------------------------------------- empty, skeleton
@register.inclusion_tag("includes/components/empty_state.html")
def empty_state(text, *, title: str = "", icon: str = "🫧", link: str = "", link_text: str = "", compact: bool = False,
                testid: str = "empty-state") -> dict:
    """What a list says when it has nothing, with the one thing to do next."""
    return {"text": text, "title": title, "icon": icon, "link": link, "link_text": link_text or _("Go shopping"),
            "compact": compact, "testid": testid}


@register.inclusion_tag("includes/components/skeleton.html")
def skeleton(kind: str = "lines", *, count: int = 3, testid: str = "") -> dict:
    """Grey shapes where content is loading (an HTMX target's first content): lines, card, list, grid."""
    _check("skeleton", "kind", kind, SKELETON_KINDS)
    return {"kind": kind, "items": range(max(1, min(int(count), 12))), "testid": testid}


# ---------------------------------------------------------------------------------------------- card, sheet
def _parse_kwargs(parser, bits, tag_name):
    kwargs = token_kwargs(bits, parser, support_legacy=False)
    if bits:
        raise template.TemplateSyntaxError(f"{tag_name}: unexpected {' '.join(bits)!r} (options are name=value)")
    return kwargs


class _BlockComponent(template.Node):
    template_name = ""

    def __init__(self, nodelist, kwargs, args=()):
        self.nodelist, self.kwargs, self.args = nodelist, kwargs, args

    def context_for(self, values: dict, args: list) -> dict:  # pragma: no cover - overridden
        raise NotImplementedError

    def render(self, context):
        values = {key: value.resolve(context) for key, value in self.kwargs.items()}
        args = [arg.resolve(context) for arg in self.args]
        body = self.nodelist.render(context)
        data = self.context_for(values, args)
        data["body"] = body
        return context.template.engine.get_template(self.template_name).render(
            template.Context(data, autoescape=context.autoescape))


class CardNode(_BlockComponent):
    template_name = "includes/components/card.html"
    options = frozenset({"title", "more_url", "more_text", "flat", "tag", "testid", "css", "icon"})

    def context_for(self, values, args):
        unknown = set(values) - self.options
        if unknown:
            raise template.TemplateSyntaxError(f"card: unknown option(s) {sorted(unknown)}")
        tag = values.get("tag") or "section"
        _check("card", "tag", tag, CARD_TAGS)
        classes = "card" + (" card-flat" if values.get("flat") else "") + (f" {values['css']}" if values.get("css") else "")
        return {"title": values.get("title", ""), "icon": values.get("icon", ""), "more_url": values.get("more_url", ""),
                "more_text": values.get("more_text") or _("More"), "tag": tag, "classes": classes,
                "testid": values.get("testid", "")}


@register.tag("card")
def do_card(parser, token):
    """{% card title=… more_url=… more_text=… flat=True tag="section" icon="🔥" %}…{% endcard %}"""
    bits = token.split_contents()[1:]
    kwargs = _parse_kwargs(parser, bits, "card")
    nodelist = parser.parse(("endcard",))
    parser.delete_first_token()
    return CardNode(nodelist, kwargs)


class SheetNode(_BlockComponent):
    template_name = "includes/components/sheet.html"
    options = frozenset({"title", "side", "testid"})

    def context_for(self, values, args):
        unknown = set(values) - self.options
        if unknown:
            raise template.TemplateSyntaxError(f"sheet: unknown option(s) {sorted(unknown)}")
        sheet_id = str(args[0]) if args else ""
        if not sheet_id:
            raise template.TemplateSyntaxError("sheet: an id is required: {% sheet \"invite\" title=… %}")
        return {"id": sheet_id, "title": values.get("title", ""), "side": bool(values.get("side")),
                "testid": values.get("testid", "")}


@register.tag("sheet")
def do_sheet(parser, token):
    """{% sheet "id" title=… side=False %}…{% endsheet %}: a bottom sheet on phones, a dialog (or with
    side=True a drawer) on wider screens; [data-sheet-open="id"] opens it, [data-sheet-close] closes it."""
    bits = token.split_contents()[1:]
    if not bits or "=" in bits[0]:
        raise template.TemplateSyntaxError("sheet: an id is required: {% sheet \"invite\" title=… %}")
    sheet_id = parser.compile_filter(bits.pop(0))
    kwargs = _parse_kwargs(parser, bits, "sheet")
    nodelist = parser.parse(("endsheet",))
    parser.delete_first_token()
    return SheetNode(nodelist, kwargs, args=(sheet_id,))
