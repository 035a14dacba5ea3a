"""URL converters. `<id:pk>` is the one for database ids: digits that fit a BIGINT (at most 2^63 − 1), so
a 40-digit id in a URL is a 404 before any view or query sees it (Django's `<int:>` takes any length).
Registered when the web app is ready (`WebConfig.ready`), before any URL conf is read."""

from __future__ import annotations

from django.urls import register_converter

INT64_MAX = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT64_MAX:
            raise ValueError("beyond a BIGINT")  # the URL does not match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    from django.urls.converters import get_converters

    if "id" not in get_converters():
        register_converter(IdConverter, "id")
