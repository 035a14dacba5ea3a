"""The one countdown of every promotion page: `{% load countdown %}{% countdown deadline … %}`.

It renders `includes/countdown.html`: the time left as text (right for readers without JavaScript) and
the deadline plus the server's "now", both ISO-8601 UTC, so `quanzi/js/countdown.js` counts from the
server's clock and a visitor whose clock is wrong still sees the right time left.

    {% countdown group.deadline testid="gb-countdown" css="gb-countdown" %}
    {% countdown sale.ends_at on_zero="reload" %}                       reload the page at zero
    {% countdown sale.starts_at flag="data-start-countdown" %}           a marker the page's script looks for
    {% countdown price.ends_at tag="small" zero_text="" %}               say nothing once it is over

At zero the element fires a bubbling `countdown:zero` event (and reloads with `on_zero="reload"`).
Time left is shown as HH:MM:SS, with the days in front past 24 hours ("2天 03:04:05" / "2d 03:04:05").
"""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils.translation import gettext as _

from quanzi.core import clock

register = template.Library()

TAGS = frozenset({"b", "span", "small", "strong"})
ON_ZERO = frozenset({"", "event", "reload"})
_FLAG = re.compile(r"^data-[a-z][a-z0-9-]{0,40}$")
DAY = 86_400


def seconds_until(deadline: dt.datetime | None, now: dt.datetime | None = None) -> int:
    """Whole seconds left (rounded down, never negative)."""
    if deadline is None:
        return 0
    return max(0, int((deadline - (now or clock.now())).total_seconds()))


def days_format() -> str:
    # Translators: a countdown longer than a day: "2d 03:04:05"; keep %(days)s and %(time)s.
    return _("%(days)sd %(time)s")


def format_left(seconds: int) -> str:
    """12345 → "03:25:45"; past 24 hours the days go in front (the same rule as countdown.js)."""
    seconds = max(0, int(seconds))
    days = seconds // DAY if seconds > DAY else 0
    rest = seconds - days * DAY
    hms = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return days_format() % {"days": days, "time": hms} if days else hms


def _iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@register.inclusion_tag("includes/countdown.html", takes_context=True)
def countdown(context, deadline, *, testid: str = "", css: str = "", on_zero: str = "", tag: str = "b",
              flag: str = "", zero_text: str | None = None) -> dict:
    """A ticking countdown to `deadline` (an aware datetime); see the module docstring for the options."""
    if tag not in TAGS or on_zero not in ON_ZERO or (flag and not _FLAG.match(flag)):
        raise template.TemplateSyntaxError(f"countdown: bad option (tag={tag!r}, on_zero={on_zero!r}, flag={flag!r})")
    now = clock.now()
    request = context.get("request")
    first = request is None or not getattr(request, "_quanzi_countdown_script", False)
    if request is not None:
        request._quanzi_countdown_script = True
    left = seconds_until(deadline, now)
    over = deadline is None or deadline <= now
    return {"tag": tag, "testid": testid, "css": css, "on_zero": on_zero if on_zero != "event" else "",
            "flag": flag, "zero_text": zero_text, "with_script": first,
            "deadline": _iso_utc(deadline) if deadline is not None else "", "now": _iso_utc(now),
            "text": zero_text if over and zero_text is not None else format_left(left)}


@register.filter
def time_left(deadline) -> str:
    """The countdown's text without the ticking (lists, e-mails): "03:25:45" until `deadline`."""
    return format_left(seconds_until(deadline)) if isinstance(deadline, dt.datetime) else format_left(0)
