"""The one countdown component (`{% countdown %}` → includes/countdown.html + quanzi/js/countdown.js)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

from quanzi.core import clock
from quanzi.web.templatetags.countdown import format_left


def render(source: str, **context) -> str:
    return Template("{% load countdown %}" + source).render(Context(context))


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "00:00:00"), (-5, "00:00:00"), (59, "00:00:59"), (3600, "01:00:00"), (12345, "03:25:45"),
    (86_400, "24:00:00"), (86_401, "1d 00:00:01"), (3 * 86_400 + 4 * 3600 + 5 * 60 + 6, "3d 04:05:06"),
])
def test_time_left_reads_as_hours_minutes_seconds_and_days_past_a_day(seconds, text):
    with translation.override("en"):
        assert format_left(seconds) == text


def test_days_are_written_in_the_page_language():
    with translation.override("zh-hans"):
        assert format_left(2 * 86_400 + 61) == "2天 00:01:01"


def test_the_markup_carries_the_deadline_and_the_servers_now_in_utc():
    now = clock.now()
    with clock.travel(dt.timedelta(0)):
        html = render('{% countdown deadline testid="x-countdown" css="x" %}', deadline=now + dt.timedelta(hours=2))
    deadline = re.search(r'data-deadline="([^"]+)"', html).group(1)
    server_now = re.search(r'data-now="([^"]+)"', html).group(1)
    assert deadline.endswith("Z") and server_now.endswith("Z")
    parsed = dt.datetime.fromisoformat(deadline.replace("Z", "+00:00"))
    assert abs((parsed - (now + dt.timedelta(hours=2))).total_seconds()) < 0.001
    assert 'data-testid="x-countdown"' in html and 'class="countdown x"' in html and 'role="timer"' in html
    assert re.search(r">(01:59:5\d|02:00:00)</b>", html)  # readable without JavaScript
    assert html.count("quanzi/js/countdown.js") == 1


def test_options_for_what_happens_at_zero():
    soon = clock.now() + dt.timedelta(minutes=5)
    html = render('{% countdown d on_zero="reload" flag="data-start-countdown" tag="small" %}', d=soon)
    assert 'data-on-zero="reload"' in html and " data-start-countdown" in html and html.startswith("<small")
    over = render('{% countdown d zero_text="" %}', d=clock.now() - dt.timedelta(seconds=1))
    assert 'data-zero-text=""' in over and "></b>" in over  # nothing to say once it is over
    with pytest.raises(TemplateSyntaxError):
        render('{% countdown d on_zero="explode" %}', d=soon)
    with pytest.raises(TemplateSyntaxError):
        render('{% countdown d flag="onclick" %}', d=soon)


def test_the_script_is_included_once_per_page():
    request = RequestFactory().get("/")
    soon = clock.now() + dt.timedelta(minutes=5)
    html = render('{% countdown d %}{% countdown d %}{% countdown d tag="span" %}', d=soon, request=request)
    assert html.count("data-deadline=") == 3 and html.count("quanzi/js/countdown.js") == 1


def test_the_script_formats_like_the_tag():
    """countdown.js and format_left follow one rule; the script's text says so in the same words."""
    from django.contrib.staticfiles import finders

    script = open(finders.find("quanzi/js/countdown.js"), encoding="utf-8").read()
    assert "seconds > DAY" in script and "var DAY = 86400" in script
    assert "countdown:zero" in script and "data-on-zero" in script and "htmx:load" in script
