"""The bad-input corpus through every web page and form, read from the URL conf: every route (but the
API, the admin and media files) is posted to and opened by the logged-in user it belongs to (the
merchant under /merchant/ and for the live console, the shopper elsewhere), with its path parameters
naming objects that exist and then junk ids (40 digits, beyond 2^63 − 1, negative, words), its query
string and its form fields full of junk (`1e400`, `1e30`, 40-digit ids, non-ASCII digits, RTL
overrides, 10,000-character strings, 1,200 fields). No answer is a server error.

The field names come from the code (`request.POST.get("…")` and the like in the view's module) and the
templates (`name="…"`), so a new form is covered the day it is written.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver

from .hostile_kit import assert_handled, browser, fill, isolated

SRC = Path(__file__).resolve().parents[2] / "src" / "quanzi"
SKIPPED_PREFIXES = ("api/", "admin/", "^media/", "i18n/", "live/hooks/")
ACCESS = re.compile(r"""(?:POST|GET|data|form)(?:\.get|\.getlist)?\(?\[?["']([a-z_0-9]+)["']""")


def routes() -> list[tuple[str, str, object]]:
    found = []

    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                walk(entry, route)
            elif isinstance(entry, URLPattern) and "(?P" not in route and entry.name:
                found.append(("/" + route, entry.name, entry.callback))

    walk(get_resolver())
    return found


ROUTES = routes()


@functools.cache
def field_names(module_name: str) -> tuple[str, ...]:
    """The request fields a view's module reads, and the names of its app's form inputs."""
    module = importlib.import_module(module_name)
    names = set(ACCESS.findall(inspect.getsource(module)))
    app = module_name.split(".")[1]
    for template in (SRC / app / "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([a-z_0-9]+)"', template.read_text()))
    return tuple(sorted(names - {"csrfmiddlewaretoken"}))


def baseline(world, name: str) -> str:
    ids = world.ids
    known = {
        "sku": ids["sku_id"], "sku_id": ids["sku_id"], "product_id": ids["product_id"], "line": ids["line_id"],
        "line_id": ids["line_id"], "note_id": ids["note_id"], "address_id": ids["address_id"],
        "collection": ids["collection_id"], "review": ids["review_id"], "gift": ids["gift_id"],
        "live_price": ids["price_id"], "image_id": ids["image_id"], "category": ids["category_id"],
        "category_id": ids["category_id"], "product_ids": ids["product_id"], "quantity": 1, "qty": 1, "count": 1,
        "amount": "10.00", "price": "59.90", "floor_price": "9.90", "group_price": "39.00", "original_price": "59.00",
        "stock": 5, "rating": 5, "identifier": "13700000001", "password": "Str0ngPass!x",
        "old_password": "Str0ngPass!x", "new_password": "An0ther-Str0ng-Pass", "carrier": "sf",
        "tracking_number": "SF1234567", "kind": "refund_only", "reason": "other", "action": "approve",
        "account_type": "alipay", "account_number": "13800138000", "account_name": "张三", "real_name": "张三",
        "birth_date": "1990-05-01", "date": "2030-01-01", "status": "on_shelf", "minutes": 10, "per_user_limit": 1,
        "group_size": 3, "expected_helps": 5, "fill_hours": 24, "time_limit_hours": 24, "days": 1,
        "starts_in_minutes": 0, "phone": "13800138000", "contact_phone": "13800138000", "province": "上海",
        "city": "上海", "district": "黄浦区", "recipient": "张三", "contact_name": "张三", "postal_code": "200000",
        "next": "/", "rate": 1000, "time": 0, "user": ids["user_id"], "target": ids["note_id"],
    }
    return str(known.get(name, "好 ok"))


FORM_VALUES = ["1e400", "1e30", "NaN", "1" + "0" * 40, "-1", "0.001", "abc", "\u0661\u0662", "\uff14\uff12",
               "\u202egnp.exe", "x" * 10_000, "", "2030-13-45"]
# one field at a time, among valid neighbours, for each field the view actually read
SHARP_VALUES = ["1e400", "1" + "0" * 40, "-1", "abc", "x" * 10_000]
QUERY_VALUES = ["1e400", "1" + "0" * 40, "-1", "abc", "\u202e1", "x" * 10_000]
BAD_SEGMENTS = ["1" + "0" * 40, "9223372036854775808", "-1", "abc", "%E2%80%AE1", "x" * 300]


def who_for(route: str) -> str:
    return "merchant" if route.startswith("/merchant/") or "/console/" in route or "/stats/" in route \
        or "livesales/rooms" in route or "livesales/prices" in route else "shopper"


@contextlib.contextmanager
def reads() -> Iterator[dict[str, set[str]]]:
    """Which request fields a view reads (`request.POST.get("x")`, a Django form's widgets, `"x" in
    request.GET`…): the field names of GET and POST that were looked up, while the block runs."""
    seen: dict[str, set[str]] = {"GET": set(), "POST": set()}
    originals = {name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")}

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            where = getattr(self, "_hostile_where", None)
            if where is not None and isinstance(key, str):
                seen[where].add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name in originals:
        setattr(QueryDict, name, recording(name))
    try:
        yield seen
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def send(c, method: str, path: str, data: dict | None = None, query: dict | None = None):
    def call():
        cache.clear()  # rate limits and cached lookups start afresh for every request
        url = f"{path}?{urlencode(query)}" if query else path
        if method == "get":
            return c.get(url)
        return c.post(url, data or {})

    return isolated(call)


def _mark(request):
    request.GET._hostile_where = "GET"
    if request.method == "POST":
        request.POST._hostile_where = "POST"


@pytest.fixture
def marked(monkeypatch):
    """Every request's GET and POST marked as such (for `reads`), as the view receives them."""
    from django.core.handlers.base import BaseHandler

    original = BaseHandler._get_response

    def _get_response(self, request):
        try:
            _mark(request)
        except AttributeError:
            pass  # an immutable or already refused body: nothing to record
        return original(self, request)

    monkeypatch.setattr(BaseHandler, "_get_response", _get_response)


@pytest.mark.parametrize("route,name,view", ROUTES, ids=[name for _r, name, _v in ROUTES])
def test_no_page_or_form_answers_bad_input_with_a_server_error(world, db, marked, route, name, view):
    c = browser(world, who_for(route))
    url = fill(world, route)
    names = field_names(view.__module__)
    valid = {n: baseline(world, n) for n in names}
    failures = []

    def check(response, what):
        try:
            assert_handled(response, what)
        except AssertionError as exc:
            failures.append(str(exc)[:500])

    with reads() as seen:
        check(send(c, "get", url), "GET")
        check(send(c, "post", url, valid), "POST valid-ish")
    read_post = sorted(seen["POST"] - {"csrfmiddlewaretoken"})
    read_get = sorted(seen["GET"]) or list(names[:10])
    for value in FORM_VALUES:
        check(send(c, "post", url, {n: value for n in {*names, *read_post}}), f"POST every field = {value[:30]!r}")
    for value in QUERY_VALUES:
        check(send(c, "get", url, query={n: value for n in read_get}), f"GET ?… = {value[:30]!r}")
    for field in read_post:
        for value in SHARP_VALUES:
            check(send(c, "post", url, {**valid, field: value}), f"POST {field} = {value[:30]!r}")
    check(send(c, "post", url, {f"f{i}": "1" for i in range(1200)}), "POST 1,200 fields")

    for param in re.findall(r"<(?:[^:>]+:)?([^>]+)>", route):
        for segment in BAD_SEGMENTS:
            bad = fill(world, route, {param: segment})
            check(send(c, "get", bad), f"GET {param} = {segment[:30]}")
            check(send(c, "post", bad, valid), f"POST {param} = {segment[:30]}")

    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures[:15])
