"""Schemathesis against the API's own OpenAPI document, in process (the WSGI application, no server),
logged in with a bearer token: for every operation a few generated requests, valid by the document
(path parameters naming objects that exist, so the requests reach the services), then a few invalid
ones, each answer held to every response check — no server error, a status the document declares for
the operation, a declared content type and headers, a body that matches the declared schema.

Kept fast for `make test`: a handful of derandomized examples per operation, no example database, no
shrinking (a failure is reported as generated; the corpus suite next to this one pins the exact cases).
Each request runs in a savepoint rolled back afterwards, so every example meets the same world.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api

from .hostile_kit import isolated, value_for

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema())
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
APP = WSGIHandler()
EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 2}


@pytest.fixture(autouse=True)
def connection_kept_open():
    """As Django's test client does: the test's database connection stays open across requests (the WSGI
    handler closes it when a request ends, which on PostgreSQL would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def who_for(path: str) -> str:
    return "merchant" if "/merchant" in path or "/host/" in path or path.endswith("/prices") else "shopper"


def run_examples(operation, mode: GenerationMode, headers: dict, path_parameters: dict) -> list[str]:
    failures: list[str] = []

    @settings(max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case):
        def call():
            cache.clear()  # rate limits start afresh for every example
            return case.call(app=APP, headers=headers)

        response = isolated(call)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except AssertionError as exc:  # schemathesis' FailureGroup: collected, so every example runs
            failures.append(f"{mode.value} {case.method} {case.formatted_path}: {str(exc)[:700]}")

    try:
        run()
    except Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:
            raise  # an operation without any invalid request to make (no parameters, no body) is fine
    return failures


@pytest.mark.parametrize("label", list(OPERATIONS))
def test_operation_keeps_its_documented_contract(world, db, label):
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Bearer {world.tokens[who_for(operation.path)]}"}
    path_parameters = {p.name: value_for(world, operation.path, p.name) for p in operation.path_parameters}
    failures = []
    for mode in EXAMPLES:
        failures += run_examples(operation, mode, headers, path_parameters)
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures[:6])
