"""The API's OpenAPI document, completed: every operation's error answers in the one error shape, and
public operations whose login is optional declared as such.

Ninja documents an operation's success answer only. `document(schema)` adds, to every operation, the
statuses the shared machinery can answer with (`core.http.install_error_handlers`, the input edge in
`quanzi.web.input`, the services' `DomainError`s), each a `$ref` to one `ErrorOut` component:

| status | when | operations |
| --- | --- | --- |
| 400 | invalid input: `validation_error`, `malformed_json`, `invalid_characters`, `number_out_of_range`, `too_deeply_nested`, `too_many_fields` | all |
| 401 | no valid login (`not_authenticated`, bad credentials) | login required; POST, PUT, PATCH, DELETE |
| 403 | not allowed (`forbidden`, `csrf_failed` for a session without its CSRF token) | all |
| 404 | the object (or one named in the body) does not exist or is not the caller's | all |
| 409 | the object's state does not allow it (`invalid_state`, `idempotency_key_reused`) | POST, PUT, PATCH, DELETE |
| 413 | the body is too large (`payload_too_large`) | with a request body |
| 422 | a business rule says no (`out_of_stock`, `quantity_limit`, …) | POST, PUT, PATCH, DELETE |
| 429 | too many attempts (`rate_limited`, `login_throttled`) | POST, PUT, PATCH, DELETE |
| 503 | the database is busy (`busy`, with `Retry-After`) | all |

An operation may document more (or fewer) itself with `openapi_extra={"responses": {…}}`: what it
declares is kept. A 500 is never documented: it is a bug, and the schemathesis suite fails on one.
"""

from __future__ import annotations

import copy

from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema

ERROR_OUT = {
    "title": "ErrorOut",
    "type": "object",
    "description": 'Every error: `{"error": {"code", "message", "fields"}}` (docs/architecture.md, Errors).',
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "machine-readable, e.g. `out_of_stock`"},
                "message": {"type": "string", "description": "for people, in the request's language"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "per-field messages, keyed by the field's path (`items.0.quantity`)"},
            },
            "required": ["code", "message", "fields"],
        },
    },
    "required": ["error"],
}

DESCRIPTIONS = {
    400: "Invalid input (`validation_error`, `malformed_json`, `invalid_characters`, `number_out_of_range`, "
         "`too_deeply_nested`, `too_many_fields`)",
    401: "Not logged in, or the token is not valid (`not_authenticated`)",
    403: "Not allowed (`forbidden`, `csrf_failed`)",
    404: "Not found, or not yours (`not_found` and more specific codes)",
    409: "The state does not allow this (`invalid_state`, `idempotency_key_reused`, …)",
    413: "The request body is too large (`payload_too_large`)",
    422: "A business rule refuses it (`out_of_stock`, `quantity_limit`, …)",
    429: "Too many attempts (`rate_limited`, `login_throttled`)",
    503: "The database is busy: retry after `Retry-After` seconds (`busy`)",
}
WRITES = {"post", "put", "patch", "delete"}


class CheckedOpenAPISchema(OpenAPISchema):
    """Ninja's document, remembering every component name that two different schemas claimed.

    Ninja names a component after its class and keeps the last definition of a name: two `CommentIn`
    classes in two apps would silently document one operation with the other's body. `collisions` lists
    each such name with its definitions; `tests/hostile/test_openapi_document.py` fails on any."""

    def __init__(self, api, path_prefix: str) -> None:
        self.collisions: dict[str, list[dict]] = {}
        super().__init__(api, path_prefix)

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                claimed = self.collisions.setdefault(name, [known])
                if definition not in claimed:
                    claimed.append(definition)
        super().add_schema_definitions(definitions)


def schema_name_collisions(api) -> dict[str, list[dict]]:
    """Component names that different schemas of `api` share (none, in a correct document)."""
    from django.urls import NoReverseMatch

    try:
        prefix = api.get_root_path({})
    except NoReverseMatch:  # an API whose URLs are not mounted: the names are what matters
        prefix = "/"
    return CheckedOpenAPISchema(api, prefix).collisions


def error_statuses(method: str, operation: dict) -> list[int]:
    statuses = {400, 403, 404, 503}  # a service may refuse anyone (Forbidden), a session without CSRF too
    if operation.get("security") and {} not in operation["security"]:
        statuses.add(401)
    if method in WRITES:  # logins and token-authenticated writes (a flash-sale purchase) answer 401 as well
        statuses |= {401, 409, 422, 429}
    if "requestBody" in operation:
        statuses.add(413)
    return sorted(statuses)


def document(schema: dict, *, optional_auth: dict[str, list[str]] | None = None) -> dict:
    """`schema` with error answers on every operation, and the security of operations whose auth is
    one of `optional_auth` (scheme name → the schemes it accepts) declared as optional: those schemes
    or none (`{}`), so clients and tools do not send anonymous visitors to the login."""
    schema = copy.deepcopy(dict(schema))
    optional_auth = optional_auth or {}
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["ErrorOut"] = ERROR_OUT
    schemes = components.get("securitySchemes", {})
    for name in optional_auth:
        schemes.pop(name, None)
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            security = operation.get("security")
            if security and any(name in optional_auth for item in security for name in item):
                accepted = [n for item in security for name in item for n in optional_auth.get(name, [name])]
                operation["security"] = [{name: []} for name in dict.fromkeys(accepted)] + [{}]
            responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in error_statuses(method, operation):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status],
                                                   "content": {"application/json": {"schema": ref}}})
    return schema


class SwaggerDocs(Swagger):
    """Ninja's Swagger UI page (/api/v1/docs, from ninja's own static files), in a page that says its
    language (`<html lang>`) and fits a phone's screen (a viewport), like every other page of the site."""

    template = "web/swagger.html"
