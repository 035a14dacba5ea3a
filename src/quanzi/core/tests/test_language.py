"""The visitor's language: the switch (cookie) wins, else the browser's Accept-Language, else zh-Hans."""

import pytest
from django.test import override_settings

from quanzi.core.language import language_of_scope, preferred_language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese_site():
    with override_settings(LANGUAGE_CODE="zh-hans"):
        yield


@pytest.mark.parametrize(("accept", "expected"), [
    ("en-US,en;q=0.9", "en"),
    ("en-GB", "en"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
    ("zh-TW", "zh-hans"),
    ("fr-FR,fr;q=0.9,en;q=0.5", "en"),  # the first language we speak
    ("fr-FR", "zh-hans"),  # none we speak: the site default
    ("", "zh-hans"),
    ("*", "zh-hans"),
    ("en;q=abc,,;;\ud800", "zh-hans"),  # garbage is ignored, not an error
    ("x" * 100_000, "zh-hans"),
])
def test_a_first_visit_follows_the_browser(accept, expected):
    assert preferred_language(accept_language=accept) == expected


def test_the_language_switch_wins_over_the_browser():
    assert preferred_language(cookie="zh-hans", accept_language="en-US") == "zh-hans"
    assert preferred_language(cookie="en", accept_language="zh-CN") == "en"
    assert preferred_language(cookie="klingon", accept_language="en-US") == "en"


def test_an_en_us_browser_sees_english_on_its_first_visit(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()
    assert "Accept-Language" in response["Vary"]  # a shared cache must not hand it to a Chinese browser


def test_a_chinese_browser_and_no_header_see_chinese(client):
    for headers in ({"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}, {}):
        response = client.get("/", **headers)
        assert response["Content-Language"] == "zh-hans"
        assert '<html lang="zh-hans"' in response.content.decode()


def test_the_switch_is_remembered_over_the_browser(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "zh-hans"


def test_the_api_error_shape_speaks_the_browsers_language(client):
    response = client.get("/api/v1/orders", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 401
    assert response["Content-Language"] == "en"


def test_asgi_entry_points_read_the_same_rule():
    scope = {"headers": [(b"accept-language", b"en-US,en;q=0.9")]}
    assert language_of_scope(scope) == "en"
    scope = {"headers": [(b"cookie", b"a=1; django_language=zh-hans"), (b"accept-language", b"en-US")]}
    assert language_of_scope(scope) == "zh-hans"
    assert language_of_scope({"headers": []}) == "zh-hans"
