"""Date ranges from request parameters, for every report (the platform revenue report, analytics):
YYYY-MM-DD China days, both ends inclusive, with one set of errors (the one error shape, 400)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from quanzi.core import clock
from quanzi.core.errors import ValidationFailed

SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # reports' days (China has no daylight saving time)
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only


def today() -> dt.date:
    """Today in China."""
    return clock.now().astimezone(SHANGHAI).date()


def parse_day(text, name: str) -> dt.date:
    """One YYYY-MM-DD between 2000 and 2099, or `invalid_date` naming the field."""
    text = str(text).strip()
    bad = ValidationFailed(_("Enter a date as YYYY-MM-DD."), code="invalid_date", fields={name: "YYYY-MM-DD"})
    if len(text) != 10 or not _ISO_DATE.fullmatch(text):
        raise bad
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise bad from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed(_("Choose a date between 2000 and 2099."), code="invalid_date",
                               fields={name: f"{FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()}"})
    return day


def day_range(*, since=None, until=None, max_days: int, default_days: int) -> tuple[dt.date, dt.date]:
    """(since, until) from request parameters; by default the last `default_days` days up to today. A bad
    date, a reversed range or one longer than `max_days` → ValidationFailed (`invalid_date`,
    `invalid_range`, `range_too_long`)."""
    since = str(since).strip() if since is not None else ""
    until = str(until).strip() if until is not None else ""
    end = parse_day(until, "until") if until else today()
    start = parse_day(since, "since") if since else end - dt.timedelta(days=default_days - 1)
    if start > end:
        raise ValidationFailed(_("The start date is after the end date."), code="invalid_range",
                               fields={"since": "<= until"})
    if (end - start).days + 1 > max_days:
        raise ValidationFailed(_("Choose at most %(n)d days.") % {"n": max_days}, code="range_too_long",
                               fields={"since": f"max {max_days} days"})
    return start, end
