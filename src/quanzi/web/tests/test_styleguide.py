"""/styleguide/: every component on one page, for operators only, in both languages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from quanzi.web.views import COMPONENTS

URL = "/styleguide/"


def test_the_url_is_named():
    assert reverse("web:styleguide") == URL


def test_anonymous_visitors_get_a_404(db):
    response = Client().get(URL)
    assert response.status_code == 404


def test_shoppers_get_a_404(make_user):
    client = Client()
    client.force_login(make_user())
    assert client.get(URL).status_code == 404


def test_an_inactive_operator_gets_a_404(make_user):
    operator = make_user(is_staff=True)
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    client = Client()
    client.force_login(operator)
    assert client.get(URL).status_code == 404


@pytest.fixture
def operator_client(make_user):
    client = Client()
    client.force_login(make_user(is_staff=True))
    return client


@pytest.mark.parametrize(("language", "title", "button"), [("en", "Style guide", "Buy now"),
                                                            ("zh-hans", "样式指南", "立即购买")])
def test_operators_see_every_component_in_their_language(operator_client, language, title, button):
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = operator_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    shown = re.findall(r'data-component="([a-z-]+)"', html)
    assert shown == list(COMPONENTS)
    assert set(COMPONENTS) >= {"button", "price", "badge", "card", "avatar-stack", "countdown", "progress", "tabs",
                               "sheet", "toast", "empty-state", "skeleton"}
    assert f"<h1>{title}</h1>" in html
    assert button in html


def test_the_components_render_their_markup(operator_client):
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = operator_client.get(URL).content.decode()
    # buttons: variants, sizes, disabled
    for css in ("btn btn-primary", "btn btn-secondary", "btn btn-ghost", "btn-lg", "btn-sm", "btn-xs", "btn-block"):
        assert css in html, css
    assert re.search(r"<button class=\"btn btn-primary\" type=\"button\" disabled>Sold out</button>", html)
    # price with the original struck through
    assert '<s class="price-was"><span class="sr-only">Original price </span>¥39.00</s>' in html
    # avatar stack with empty seats, the countdown, a <progress>, tabs, a sheet <dialog>, toasts, skeletons
    assert html.count("avatar-seat") >= 5
    assert 'data-countdown data-deadline=' in html
    assert '<progress class="progress" value="2" max="3" aria-label="Joined">67%</progress>' in html
    assert 'aria-current="page"' in html
    assert '<dialog class="sheet" id="guide-sheet" aria-labelledby="guide-sheet-title"' in html
    assert 'class="sheet sheet-side"' in html
    assert 'class="toast toast-error guide-toast"' in html
    assert 'data-testid="guide-empty"' in html and "sk sk-line" in html
    # the tokens and the contrast table
    assert "--red-ink" in html and 'data-testid="contrast-table"' in html
    assert "Fails" not in html


def test_the_page_links_its_stylesheet_and_the_components_script(operator_client):
    html = operator_client.get(URL).content.decode()
    assert "quanzi/css/styleguide.css" in html
    assert "quanzi/js/components.js" in html
