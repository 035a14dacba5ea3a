"""The share page, the poster, the share button include and the admin settings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from PIL import Image

from quanzi.sharing.models import ShareLink, SharingSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_poster_is_a_png_with_a_qr_and_is_cached(share_link):
    response = Client().get(f"/s/{share_link.code}/poster.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    data = b"".join(response.streaming_content)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (750, 1150)
    from django.conf import settings

    files = list(Path(settings.MEDIA_ROOT, "sharing/posters").glob("*.png"))
    assert len(files) == 1 and files[0].name.startswith(share_link.code)
    Client().get(f"/s/{share_link.code}/poster.png")
    assert len(list(Path(settings.MEDIA_ROOT, "sharing/posters").glob("*.png"))) == 1  # served from disk


def test_poster_is_redrawn_when_the_product_changes(share_link, product):
    from django.conf import settings

    from quanzi.catalog.testing import product_force_fields

    Client().get(f"/s/{share_link.code}/poster.png")
    product_force_fields(product_id=product.pk, title="新标题 New title", updated_at=product.updated_at.replace(year=2030))
    Client().get(f"/s/{share_link.code}/poster.png")
    assert len(list(Path(settings.MEDIA_ROOT, "sharing/posters").glob("*.png"))) == 2


def test_poster_draws_the_product_photo_and_avatar(share_link, product, sharer):
    from django.conf import settings

    from quanzi.catalog.testing import product_force_fields
    from quanzi.sharing.poster import draw_poster
    from quanzi.sharing.targets import product_target

    Path(settings.MEDIA_ROOT, "p").mkdir()
    Image.new("RGB", (400, 300), (0, 128, 255)).save(Path(settings.MEDIA_ROOT, "p/cover.jpg"))
    Image.new("RGB", (50, 50), (0, 200, 0)).save(Path(settings.MEDIA_ROOT, "p/avatar.png"))
    product_force_fields(product_id=product.pk, cover="p/cover.jpg")
    sharer.avatar = "p/avatar.png"
    image = Image.open(io.BytesIO(draw_poster(target=product_target(product.pk), sharer=sharer,
                                              short_url="http://testserver/s/x")))
    r, g, b = image.getpixel((375, 375))[:3]
    assert b > 200 and r < 50  # the photo fills the top
    assert image.getpixel((88, 1150 - 250 + 48))[1] > 150  # the green avatar


def test_poster_of_unknown_or_expired_link_is_404(share_link):
    import datetime as dt

    from quanzi.core import clock

    assert Client().get("/s/doesnotexist1/poster.png").status_code == 404
    with clock.travel(dt.timedelta(days=91)):
        assert Client().get(f"/s/{share_link.code}/poster.png").status_code == 404


def test_share_page_shows_link_poster_copy_text_and_stats(sharer, product, logged_in):
    response = logged_in(sharer).get(f"/share/p/{product.pk}/")
    assert response.status_code == 200
    link = ShareLink.objects.get(sharer=sharer)
    body = response.content.decode()
    assert f"http://testserver/s/{link.code}" in body and f"/s/{link.code}/poster.png" in body
    assert 'data-testid="share-copy-text"' in body and "0 clicks · 0 orders" in body


def test_share_page_needs_login_and_a_visible_product(sharer, make_product, shop, logged_in, product):
    assert Client().get(f"/share/p/{product.pk}/").status_code == 302
    hidden = make_product(shop=shop, on_shelf=False)
    assert logged_in(sharer).get(f"/share/p/{hidden.pk}/").status_code == 404
    assert logged_in(sharer).get("/share/p/999999/").status_code == 404


def test_share_button_include(product):
    html = render_to_string("sharing/partials/share_button.html", {"product": product})
    assert f"/share/p/{product.pk}/" in html and ">Share<" in html  # nobody pays for sharing it: no promise
    paid = render_to_string("sharing/partials/share_button.html", {"product": product, "share_earning": 390})
    assert "Share · earn ¥3.90" in paid


def test_settings_defaults_and_admin_edit(make_user):
    conf = SharingSettings.current()
    assert (conf.window_days, conf.click_rule, conf.upline_rule) == (7, "last", "signup")
    operator = make_user(is_staff=True)
    browser = Client()
    browser.force_login(operator, backend="quanzi.accounts.backends.PhoneOrEmailBackend")
    assert browser.get("/admin/sharing/sharingsettings/").status_code == 302
    response = browser.post("/admin/sharing/sharingsettings/add/", {
        "window_days": 3, "click_rule": "first", "upline_rule": "first_order", "link_ttl_days": 30,
        "signup_window_hours": 24})
    assert response.status_code == 302, response.content[:500]
    conf = SharingSettings.current()
    assert (conf.window_days, conf.click_rule, conf.upline_rule) == (3, "first", "first_order")
    for page in ("sharelink", "shareclick", "attributionbinding", "shareconversion", "invitation", "upline"):
        assert browser.get(f"/admin/sharing/{page}/").status_code == 200
