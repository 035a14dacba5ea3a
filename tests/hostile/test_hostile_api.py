"""A bad-input corpus through every operation of the API, read from its own OpenAPI document: huge,
negative, fractional and non-numeric numbers and ids (`1e400`, `1e30`, 40 digits, `NaN`), lone UTF-16
surrogates, NUL, right-to-left overrides, 10,000-character strings, JSON nested 2,000 deep, 1,200
fields. Every answer is below 500, and every 4xx is in the one error shape.

Each operation is driven by the logged-in user it belongs to (the merchant for merchant and host
operations, the shopper otherwise), with path parameters naming objects that exist (so the junk reaches
the services, not a 404), and then with junk in the path. Each request runs in a savepoint rolled back
afterwards, so every one of them meets the same world.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from config.api import api

from .hostile_kit import assert_handled, client, fill, isolated

SCHEMA = api.get_openapi_schema()
OPERATIONS = [(path, method) for path, item in SCHEMA["paths"].items() for method in item]

# Raw JSON literals (Python's json.dumps cannot write most of them), put in place of every value at once.
TEN_K = '"' + "x" * 10_000 + '"'
VALUES = ["1e400", "-1e30", "1" + "0" * 40, "-1", "9223372036854775808", "NaN", "0.5", '"1e400"', '"a\\ud800b"',
          '"a\\u0000b"', '"\\u202egnp.exe"', TEN_K, "null", "[]", "[" * 2000 + "]" * 2000]
# One field at a time, among valid neighbours: the values of its type that pass validation and reach the
# service (a lone surrogate, NUL or 1e400 never gets that far: the edge refuses them for every field).
SHARP = {"integer": ["-1", "0", "9223372036854775807"], "number": ["-1", "1e308"],
         "string": ['"1e400"', '"-1"', '"\\uff14\\uff12"', TEN_K]}
BAD_SEGMENTS = ["1" + "0" * 40, "9223372036854775808", "-1", "abc", "%ED%A0%80", "%00", "%E2%80%AE1"]
QUERY_VALUES = ["1e400", "1" + "0" * 40, "-1", "abc", "%ED%A0%80", "%00", "%E2%80%AE", "x" * 10_000]
WHOLE_BODIES = [json.dumps({f"f{i}": i for i in range(1200)}).encode(), b"\xff\xfe", b'"a\\ud800b"',
                b"{" + b'"a":' * 3000, b'{"a": "\\ud800"}']
PLACEHOLDER = "__HOSTILE__"


def who_for(path: str) -> str:
    return "merchant" if "/merchant" in path or "/host/" in path or path.endswith("/prices") else "shopper"


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        non_null = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return resolve(non_null[0]) if non_null else schema
    return schema


def baseline(schema: dict, name: str, world):
    """A plausible valid value for a field, so that one junk field at a time meets valid neighbours."""
    schema = resolve(schema)
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if kind == "integer":
        return world.ids.get(name, 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "x"


def body_fields(operation: dict) -> tuple[str | None, dict]:
    content = (operation.get("requestBody") or {}).get("content", {})
    for media_type in ("application/json", "multipart/form-data"):
        if media_type in content:
            return media_type, resolve(content[media_type]["schema"]).get("properties", {})
    return None, {}


def send(c, method: str, path: str, *, body: bytes | None = None, media_type: str = "application/json",
         query: str = ""):
    def call():
        cache.clear()  # rate limits and cached lookups start afresh for every request
        extra = {"QUERY_STRING": query} if query else {}
        if body is None:
            return c.generic(method.upper(), path, **extra)
        return c.generic(method.upper(), path, body, content_type=media_type, **extra)

    return isolated(call)


def json_with(valid: dict, name: str | None, literal: str) -> bytes:
    """`valid` as JSON with field `name` (every field when None) replaced by the raw `literal`."""
    body = {k: (PLACEHOLDER if name is None or k == name else v) for k, v in valid.items()}
    return json.dumps(body).replace(f'"{PLACEHOLDER}"', literal).encode()


@pytest.mark.parametrize("path,method", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_no_operation_answers_bad_input_with_a_server_error(world, db, path, method):
    operation = SCHEMA["paths"][path][method]
    c = client(world, who_for(path))
    url = fill(world, path)
    failures = []

    def check(response, what):
        try:
            assert_handled(response, what)
        except AssertionError as exc:
            failures.append(str(exc)[:600])

    media_type, properties = body_fields(operation)
    valid = {name: baseline(prop, name, world) for name, prop in properties.items()
             if resolve(prop).get("format") != "binary"}
    if media_type == "application/json":
        check(send(c, method, url, body=json.dumps(valid).encode()), "valid-ish body")
        for literal in VALUES:
            check(send(c, method, url, body=json_with(valid, None, literal)), f"every field = {literal[:40]}")
        for name, prop in properties.items():
            for literal in SHARP.get(resolve(prop).get("type"), []) if name in valid else []:
                check(send(c, method, url, body=json_with(valid, name, literal)), f"{name} = {literal[:40]}")
        for raw in WHOLE_BODIES:
            check(send(c, method, url, body=raw), f"body {raw[:30]!r}")
    elif media_type == "multipart/form-data":
        from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

        for literal in ["1e400", "1" + "0" * 40, "-1", "abc", "x" * 10_000, "\u202egnp.exe", ""]:
            form = {name: literal for name in valid}
            check(send(c, method, url, body=encode_multipart(BOUNDARY, form), media_type=MULTIPART_CONTENT),
                  f"form fields = {literal[:40]}")

    query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    for literal in QUERY_VALUES if query_names else []:
        check(send(c, method, url, query="&".join(f"{name}={literal}" for name in query_names)),
              f"query = {literal[:40]}")
    if method == "get":
        check(send(c, method, url, query="&".join(f"f{i}=1" for i in range(1200))), "1,200 query fields")

    path_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    for segment in BAD_SEGMENTS:
        for name in path_names:
            bad_url = fill(world, path, {name: segment})
            check(send(c, method, bad_url, body=b"{}" if media_type == "application/json" else None),
                  f"path {name} = {segment[:40]}")

    assert failures == [], f"{len(failures)} server errors:\n" + "\n".join(failures[:15])
