"""The OpenAPI document tells the truth: one schema per component name, every error answer documented
in the one error shape, and operations whose login is optional declared as such."""

from __future__ import annotations

import pytest
from django.test import Client
from ninja import NinjaAPI, Router, Schema
from pydantic import create_model

from config.api import api
from quanzi.web.openapi import schema_name_collisions

SCHEMA = api.get_openapi_schema()
OPERATIONS = [(path, method, op) for path, item in SCHEMA["paths"].items() for method, op in item.items()]
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def test_no_two_different_schemas_share_a_component_name():
    assert schema_name_collisions(api) == {}


# two apps that both call their body `CommentIn` (as notes and the circle once did)
NoteComment = create_model("CommentIn", __base__=Schema, body=(str, ...))
CircleComment = create_model("CommentIn", __base__=Schema, comment=(str, ""))


def test_the_collision_check_finds_two_bodies_of_the_same_name():
    first, second = Router(), Router()

    @first.post("/notes/{note_id}/comments")
    def note_comment(request, note_id: int, payload: NoteComment):
        return {}

    @second.post("/orders/{number}/comment")
    def order_comment(request, number: str, payload: CircleComment):
        return {}

    probe = NinjaAPI(urls_namespace="collision-probe")
    probe.add_router("/content", first)
    probe.add_router("/circle", second)

    collisions = schema_name_collisions(probe)

    assert set(collisions) == {"CommentIn"}
    assert [set(d["properties"]) for d in collisions["CommentIn"]] == [{"body"}, {"comment"}]


def test_the_renamed_bodies_document_their_own_fields():
    def body(path, method="post"):
        ref = SCHEMA["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return set(SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"])

    assert body("/api/v1/content/notes/{note_id}/comments") == {"body", "parent_id"}
    assert body("/api/v1/circle/orders/{number}/comment") == {"comment"}
    assert body("/api/v1/merchant/after-sales/{number}/approve") == {"note"}
    assert body("/api/v1/merchant/after-sales/{number}/reject") == {"note"}


@pytest.mark.parametrize("path,method,operation", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _o in OPERATIONS])
def test_every_operation_documents_its_error_answers_in_the_error_shape(path, method, operation):
    responses = operation["responses"]
    expected = {"400", "403", "404"}
    if operation.get("security") and {} not in operation["security"]:
        expected.add("401")
    if method in ("post", "put", "patch", "delete"):
        expected |= {"401", "409", "422", "429"}
    assert expected <= set(responses), (path, method, sorted(responses))
    if path.startswith("/api/v1/payments/notify/"):
        return  # a provider's callback documents its own answers: the provider's words (payments.api)
    for status in expected:
        assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF
    assert "500" not in responses


def test_the_error_shape_is_a_component():
    error = SCHEMA["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]


@pytest.mark.django_db
def test_public_pages_with_an_optional_login_declare_it_optional():
    note = SCHEMA["paths"]["/api/v1/content/notes/{note_id}"]["get"]
    bargain = SCHEMA["paths"]["/api/v1/bargain/bargains/{number}"]["get"]
    for operation in (note, bargain):
        assert {} in operation["security"]  # anonymous is fine…
        assert {"BearerAuth": []} in operation["security"]  # …and a login is used when there is one
        assert "401" not in operation["responses"]  # a GET with an optional login never asks for one
    assert "OptionalAuth" not in SCHEMA["components"]["securitySchemes"]
    # and it is true: an anonymous visitor is not asked to log in
    assert Client().get("/api/v1/content/notes/999999").status_code == 404


def test_operations_that_need_a_login_still_say_so():
    checkout = SCHEMA["paths"]["/api/v1/checkout"]["post"]
    assert {} not in checkout["security"]
    assert {"401", "403"} <= set(checkout["responses"])


def test_the_served_document_is_the_completed_one():
    served = Client().get("/api/v1/openapi.json").json()
    assert served["paths"]["/api/v1/checkout"]["post"]["responses"]["409"]["content"]["application/json"][
        "schema"] == ERROR_REF
