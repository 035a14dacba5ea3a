"""A new feature adds a product-page section and a merchant-console tab without editing the storefront
or the console: it registers slot entries, and its partial lives in its own templates directory.

"giftcards" exists only here: its template is in tests/feature_templates (made findable like an
installed app's templates), its console tab points at a plain path.
"""

from pathlib import Path

import pytest
from django.test import override_settings

from quanzi.web.slots import SlotEntry, slots

FEATURE_TEMPLATES = Path(__file__).parent / "feature_templates"

pytestmark = pytest.mark.django_db


def _giftcard_text(context) -> dict:
    return {"giftcard_text": f"¥5 off {context['product'].title}"}


COUPON_ENTRIES = [
    SlotEntry(slot="product.sections", key="giftcards", template="giftcards/partials/product_giftcards.html",
              context=_giftcard_text, order=15),
    SlotEntry(slot="console.nav", key="giftcards", label="Gift cards", url="/merchant/giftcards/", active="giftcards",
              testid="console-nav-giftcards", order=70),
]


@pytest.fixture
def giftcards_installed(settings):
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], FEATURE_TEMPLATES]}
    with override_settings(TEMPLATES=[engine]):
        for entry in COUPON_ENTRIES:
            slots.register(entry)
        yield
        for entry in COUPON_ENTRIES:
            slots.unregister(entry.registry_key)


def test_the_product_page_shows_the_new_section_between_notes_and_reviews(client, product, giftcards_installed):
    html = client.get(f"/p/{product.pk}/").content.decode()

    assert 'data-testid="giftcards-section"' in html
    assert f"¥5 off {product.title}" in html
    # order 15: after the details (and the notes, order 10), before the reviews (order 20)
    assert html.index('class="card pdp-desc"') < html.index("giftcards-section") < html.index('data-testid="product-reviews"')


def test_the_merchant_console_shows_the_new_tab_among_the_feature_tabs(client, shop, giftcards_installed):
    client.force_login(shop.owner)

    html = client.get("/merchant/").content.decode()

    assert '<a href="/merchant/giftcards/" class="" data-testid="console-nav-giftcards">Gift cards</a>' in html
    assert (html.index('data-testid="console-nav-aftersales"') < html.index("console-nav-giftcards")
            < html.index('data-testid="console-nav-balance"'))


def test_without_the_feature_the_pages_do_not_show_it(client, product, shop):
    assert "giftcards-section" not in client.get(f"/p/{product.pk}/").content.decode()
    client.force_login(shop.owner)
    assert "console-nav-giftcards" not in client.get("/merchant/").content.decode()
