"""Page slots: declared places, entries that fill them, what the tags render, the system check."""

import re
from pathlib import Path

import pytest
from django.core import checks
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from quanzi.web.slots import (
    LINKS,
    TEMPLATE,
    SlotEntry,
    declaration,
    declare_slot,
    declared_slots,
    entries,
    slots,
    staff_only,
    undeclare_slot,
)

FEATURE_TEMPLATES = Path(__file__).parent / "feature_templates"


@pytest.fixture
def registered():
    """Register slot entries for one test and take them away afterwards."""
    added = []

    def register(*items):
        for entry in items:
            slots.register(entry)
            added.append(entry.registry_key)

    yield register
    for key in added:
        slots.unregister(key)


@pytest.fixture(autouse=True)
def test_slots():
    """Slots of a page that exists only in these tests, so the real pages' entries stay out of the way."""
    declare_slot("tests.sections", kind=TEMPLATE, doc="sections of a test page", owner="tests")
    declare_slot("tests.lines", kind=TEMPLATE, doc="per-line actions of a test page", owner="tests")
    declare_slot("tests.tabs", kind=TEMPLATE, doc="tabs of a test page", owner="tests")
    declare_slot("tests.menu", kind=LINKS, doc="a menu of a test page", owner="tests")
    declare_slot("tests.staff_menu", kind=LINKS, doc="a staff menu of a test page", owner="tests")
    yield
    for name in ("tests.sections", "tests.lines", "tests.tabs", "tests.menu", "tests.staff_menu"):
        undeclare_slot(name)


@pytest.fixture
def feature_templates(settings):
    """Templates of a feature that exists only in the tests (findable like an app's templates)."""
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], FEATURE_TEMPLATES]}
    with override_settings(TEMPLATES=[engine]):
        yield


def render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    request.user = context.pop("user", None)
    return Template("{% load slots %}" + source).render(Context({"request": request, "user": request.user, **context}))


class Staff:
    is_staff = True
    is_authenticated = True


class Shopper:
    is_staff = False
    is_authenticated = True


# ---------------------------------------------------------------- the system check


def _slot_errors() -> list:
    return [e for e in checks.run_checks() if e.id.startswith("web.")]


def test_the_real_configuration_passes_the_check():
    assert _slot_errors() == []


def test_an_entry_for_a_slot_nobody_declared_is_an_error(registered):
    registered(SlotEntry(slot="product.sectoins", key="giftcards", template="giftcards/partials/product_giftcards.html"))

    errors = _slot_errors()

    assert [e.id for e in errors] == ["web.E001"]
    assert "product.sectoins" in errors[0].msg and "giftcards" in errors[0].msg


def test_entries_must_fit_their_kind_of_slot(registered):
    registered(SlotEntry(slot="product.sections", key="giftcards"),  # a template slot without a template
               SlotEntry(slot="console.nav", key="giftcards", label="Gift cards"))  # a link without a url

    assert sorted(e.id for e in _slot_errors()) == ["web.E002", "web.E003"]


def test_a_slot_is_declared_once_with_one_kind_and_owner():
    assert declaration("product.sections").kind == TEMPLATE and declaration("console.nav").kind == LINKS
    declare_slot("product.sections", kind=TEMPLATE, doc="again", owner="storefront")  # the same again: fine
    with pytest.raises(ValueError):
        declare_slot("product.sections", kind=LINKS, doc="a clash", owner="giftcards")
    with pytest.raises(ValueError):
        declare_slot("giftcards.box", kind="sidebar", doc="an unknown kind", owner="giftcards")


# ---------------------------------------------------------------- rendering


def test_template_slot_renders_entries_in_order_with_their_own_context(registered, feature_templates):
    registered(
        SlotEntry(slot="tests.sections", key="giftcards.late", template="giftcards/partials/product_giftcards.html",
                  context=lambda ctx: {"giftcard_text": "second"}, order=999),
        SlotEntry(slot="tests.sections", key="giftcards.early", template="giftcards/partials/product_giftcards.html",
                  context=lambda ctx: {"giftcard_text": "first"}, order=-1),
    )

    html = render('{% slot "tests.sections" %}', product={"title": "Tea"})

    assert html.index("first") < html.index("second")
    assert html.count('data-testid="giftcards-section"') == 2 and "Gift cards for Tea" in html


def test_visible_hides_an_entry_and_its_context_is_never_asked(registered, feature_templates):
    def must_not_run(ctx):
        raise AssertionError("a hidden entry fetched its data")

    registered(SlotEntry(slot="tests.sections", key="giftcards", template="giftcards/partials/product_giftcards.html",
                         visible=lambda ctx: ctx["product"]["title"] == "Tea", context=must_not_run))

    assert 'data-testid="giftcards-section"' not in render('{% slot "tests.sections" %}', product={"title": "Milk"})


def test_visible_hides_a_link(registered):
    registered(SlotEntry(slot="tests.staff_menu", key="giftcards.ops", label="Coupon ops", url="/giftcards/ops/",
                         visible=staff_only),
               SlotEntry(slot="tests.menu", key="giftcards.mine", label="My giftcards", url="/giftcards/",
                         visible=lambda ctx: False))
    source = ('{% slot_links "tests.staff_menu" as links %}{% for l in links %}[{{ l.label }}]{% endfor %}'
              '{% slot_links "tests.menu" as menu %}{% for l in menu %}[{{ l.label }}]{% endfor %}')

    assert "[Coupon ops]" in render(source, user=Staff())
    assert "[Coupon ops]" not in render(source, user=Shopper())
    assert "[My giftcards]" not in render(source, user=Staff())


def test_slot_arguments_reach_the_partial_and_visible(registered, feature_templates):
    class Line:
        def __init__(self, pk):
            self.pk = pk

    registered(SlotEntry(slot="tests.lines", key="giftcards", template="giftcards/partials/line_action.html",
                         visible=lambda ctx: ctx["line"].pk != 2))
    source = '{% for ln in lines %}<li>{% slot "tests.lines" line=ln %}</li>{% endfor %}'

    html = render(source, lines=[Line(1), Line(2)])

    assert 'data-testid="giftcard-line-1"' in html and "giftcard-line-2" not in html


def test_key_renders_only_the_chosen_entry(registered, feature_templates):
    registered(SlotEntry(slot="tests.tabs", key="giftcards", label="Gift cards",
                         template="giftcards/partials/product_giftcards.html", context=lambda ctx: {"giftcard_text": "A"}),
               SlotEntry(slot="tests.tabs", key="vouchers", label="Vouchers",
                         template="giftcards/partials/product_giftcards.html", context=lambda ctx: {"giftcard_text": "B"}))

    html = render('{% slot "tests.tabs" key="vouchers" %}', product={"title": "x"})

    assert "<p>B</p>" in html and "<p>A</p>" not in html


def test_links_reverse_url_names_keep_paths_add_queries_and_mark_the_active_one(registered):
    registered(SlotEntry(slot="tests.menu", key="giftcards", label="Gift cards", url="/merchant/giftcards/",
                         active="giftcards", testid="console-nav-giftcards"),
               SlotEntry(slot="tests.menu", key="giftcards.orders", label="Orders", url="storefront:order_list",
                         query="tab=paid"),
               SlotEntry(slot="tests.menu", key="giftcards.gone", label="Gone", url="giftcards:not_mounted"))

    links = {link["key"]: link for link in _links("tests.menu", console_tab="giftcards")}

    assert links["giftcards"]["url"] == "/merchant/giftcards/" and links["giftcards"]["active"] is True
    assert links["giftcards"]["testid"] == "console-nav-giftcards"
    assert links["giftcards.orders"]["url"] == "/orders/?tab=paid" and links["giftcards.orders"]["active"] is False
    assert "giftcards.gone" not in links  # a URL that does not reverse is left out, not a dead link


def _links(name, **context):
    from quanzi.web.templatetags.slots import slot_links

    return slot_links(Context(context), name)


def test_entries_come_in_order_then_registration_order(registered):
    registered(SlotEntry(slot="tests.menu", key="giftcards.b", label="B", url="/b/", order=50),
               SlotEntry(slot="tests.menu", key="giftcards.a", label="A", url="/a/", order=50),
               SlotEntry(slot="tests.menu", key="giftcards.first", label="First", url="/first/", order=10))

    assert [e.key for e in entries("tests.menu")] == ["giftcards.first", "giftcards.b", "giftcards.a"]


def test_slot_styles_links_the_entries_stylesheets_once(registered):
    registered(SlotEntry(slot="tests.sections", key="giftcards", template="x.html",
                         stylesheets=("giftcards/css/giftcards.css", "web/css/shared.css")),
               SlotEntry(slot="tests.tabs", key="vouchers", template="x.html",
                         stylesheets=("web/css/shared.css", "vouchers/css/vouchers.css")),
               SlotEntry(slot="tests.tabs", key="hidden", template="x.html", stylesheets=("hidden/css/hidden.css",),
                         visible=lambda ctx: ctx["line"].pk == 1))  # needs `line`: not asked in the <head>

    html = render('{% slot_styles "tests.sections" "tests.tabs" %}')

    assert html == ('<link rel="stylesheet" href="/static/giftcards/css/giftcards.css">'
                    '<link rel="stylesheet" href="/static/web/css/shared.css">'
                    '<link rel="stylesheet" href="/static/vouchers/css/vouchers.css">'
                    '<link rel="stylesheet" href="/static/hidden/css/hidden.css">')
    assert "giftcards.css" not in render('{% slot_styles "tests.sections" "tests.tabs" key="vouchers" %}')


def test_every_page_that_renders_a_template_slot_links_its_entries_stylesheets():
    """An entry's `stylesheets` work wherever its slot is: the page that renders `{% slot "x" %}` also
    has `{% slot_styles … "x" … %}` (in its <head>), and every declared template slot is rendered (by
    the shell or by the feature app that declared it, such as feed's `feed.discover`)."""
    src = Path(__file__).resolve().parents[2]
    rendered, missing = set(), []
    owners = {"web", "storefront", "console"} | {d.owner for d in declared_slots() if d.owner != "tests"}
    for page in [p for owner in sorted(owners) for p in (src / owner / "templates").rglob("*.html")]:
        source = page.read_text(encoding="utf-8")
        styled = {name for tag in re.findall(r"{% slot_styles ([^%]*)%}", source) for name in re.findall(r'"([\w.]+)"', tag)}
        for name in re.findall(r'{% slot "([\w.]+)"', source):
            rendered.add(name)
            if name not in styled:
                missing.append(f"{page.name}: {name}")
    template_slots = {d.name for d in declared_slots() if d.kind == TEMPLATE and d.owner != "tests"}
    assert missing == []
    assert template_slots - rendered == set()
