"""Page slots: named places on a page that other apps fill, so pages never name a feature app.

The app that owns a page declares its slots (storefront declares `product.sections`, console
declares `console.nav`, …) with `declare_slot()`; any app fills one from its `AppConfig.ready()`:

    from quanzi.web.slots import SlotEntry, slots

    slots.register(SlotEntry(slot="product.sections", key="giftcards",
                             template="giftcards/partials/product_giftcards.html", order=30))
    slots.register(SlotEntry(slot="console.nav", key="giftcards", label=_("Gift cards"),
                             url="giftcards:merchant_giftcards", active="giftcards", order=70))

Two kinds of slot:
- *template* slots render each entry's partial template, in order, with the page's context
  (`{% slot "product.sections" %}`); an entry's `context(context)` may add variables;
- *link* slots (menus, navigation, tab bars) give the page a list of links to draw in its own
  markup (`{% slot_links "console.nav" as tabs %}`): label, URL, icon, whether it is active.

A template entry's `stylesheets` are linked in the page's `<head>` by `{% slot_styles "name" %}`,
so the page looks the same as when it linked them itself.

An entry's `visible(context)` hides it (staff-only links, a merchant-only tab); it is asked before
the entry's `context`, so a hidden entry costs nothing. A system check (web.E001) refuses entries
for slots nobody declared, so a typo fails at start-up, not silently.

Use named functions (not lambdas) for `visible`, `context` and `url_args` where you can: registering
the same entry twice is then a harmless no-op, and the docs can name what fills a slot.
docs/web-and-slots.md lists every declared slot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quanzi.core.registry import Registry

TEMPLATE, LINKS = "template", "links"


@dataclass(frozen=True)
class SlotDeclaration:
    name: str
    kind: str  # TEMPLATE or LINKS
    doc: str
    owner: str


@dataclass(frozen=True)
class SlotEntry:
    slot: str
    key: str  # unique within the slot ("giftcards", "giftcards.product")
    template: str = ""  # template slots: the partial to render
    context: Callable[[Any], dict] | None = None  # template slots: extra variables from the page's context
    stylesheets: tuple[str, ...] = ()  # template slots: static CSS paths the page links in its <head>
    label: Any = ""  # link slots (and tabs such as search.tabs): text (a lazy translation)
    url: str = ""  # link slots: a URL name ("giftcards:merchant_giftcards") or a path ("/admin/")
    url_args: Callable[[Any], list] | None = None  # link slots: arguments for reversing `url`
    query: str = ""  # link slots: a query string added to the URL ("status__exact=requested")
    icon: str = ""  # link slots: an icon name (includes/icon.html) or an emoji
    active: str = ""  # link slots: the page's `active_tab`/`console_tab` value that highlights it
    testid: str = ""
    visible: Callable[[Any], bool] | None = None
    order: int = 100
    extra: dict = field(default_factory=dict)  # anything else a slot's markup understands (a badge, a hint)

    @property
    def registry_key(self) -> str:
        return f"{self.slot}:{self.key}"


_declared: dict[str, SlotDeclaration] = {}

slots: Registry[SlotEntry] = Registry(
    "web.slots", keyed=True, owner=__name__, key_of=lambda entry: entry.registry_key,
    doc="Page slots: sections, panels, menu links and navigation tabs that apps add to pages they do not own.")


def declare_slot(name: str, *, kind: str, doc: str, owner: str = "") -> None:
    if kind not in (TEMPLATE, LINKS):
        raise ValueError(f"slot {name}: kind must be {TEMPLATE!r} or {LINKS!r}")
    found = _declared.get(name)
    if found is not None and (found.kind != kind or found.owner != owner):
        raise ValueError(f"slot {name!r} is already declared by {found.owner}")
    _declared[name] = SlotDeclaration(name=name, kind=kind, doc=doc, owner=owner)


def undeclare_slot(name: str) -> None:
    """Tests only: take a declaration away again."""
    _declared.pop(name, None)


def declared_slots() -> list[SlotDeclaration]:
    return sorted(_declared.values(), key=lambda d: d.name)


def declaration(name: str) -> SlotDeclaration | None:
    return _declared.get(name)


def entries(slot: str) -> list[SlotEntry]:
    """The entries of one slot, by their `order`, then in registration order."""
    found = [r for r in slots.registrations() if r.item.slot == slot]
    return [r.item for r in sorted(found, key=lambda r: (r.item.order, r.seq))]


# ---------------------------------------------------------------- small helpers for entries


def staff_only(context) -> bool:
    """`visible=staff_only`: the entry shows to the platform's staff only."""
    user = context.get("user")
    return bool(user is not None and getattr(user, "is_staff", False))


def viewer_uid(context) -> list:
    """`url_args=viewer_uid`: links to the viewer's own public pages (`/u/<uid>/`)."""
    user = context.get("user")
    return [getattr(user, "uid", "")]
