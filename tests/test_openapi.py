"""The API documents itself: /api/v1/openapi.json lists every router's operations and /api/v1/docs
renders."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

EXPECTED = {
    # accounts
    "/api/v1/accounts/register": {"post"}, "/api/v1/accounts/token": {"post"},
    "/api/v1/accounts/session": {"post", "delete"}, "/api/v1/accounts/csrf": {"get"}, "/api/v1/accounts/me": {"get"},
    "/api/v1/accounts/me/password": {"post"}, "/api/v1/accounts/addresses": {"get", "post"},
    "/api/v1/accounts/addresses/{address_id}": {"put", "delete"},
    # catalog and shops
    "/api/v1/catalog/categories": {"get"}, "/api/v1/catalog/products": {"get"}, "/api/v1/catalog/search": {"get"},
    "/api/v1/catalog/products/{product_id}": {"get"}, "/api/v1/shops": {"get"}, "/api/v1/shops/{shop_id}": {"get"},
    # cart, checkout, orders, after-sales
    "/api/v1/cart": {"get"}, "/api/v1/cart/lines": {"post"}, "/api/v1/cart/lines/{line_id}": {"patch", "delete"},
    "/api/v1/checkout/preview": {"post"}, "/api/v1/checkout": {"post"}, "/api/v1/orders": {"get"},
    "/api/v1/orders/{number}": {"get"}, "/api/v1/orders/{number}/pay": {"post"},
    "/api/v1/orders/{number}/cancel": {"post"}, "/api/v1/orders/{number}/confirm": {"post"},
    "/api/v1/orders/{number}/after-sales": {"post"}, "/api/v1/after-sales/{number}": {"get"},
    "/api/v1/after-sales/{number}/ship-return": {"post"},
    # payments and shipping
    "/api/v1/payments/notify/{provider}": {"post"}, "/api/v1/payments/{number}": {"get"},
    "/api/v1/payments/{number}/sync": {"post"}, "/api/v1/shipping/webhook/{carrier}": {"post"},
    "/api/v1/shipping/orders/{number}": {"get"},
    # merchant
    "/api/v1/merchant/shop": {"get", "post", "patch"}, "/api/v1/merchant/products": {"get", "post"},
    "/api/v1/merchant/products/{product_id}": {"get", "patch"},
    "/api/v1/merchant/products/{product_id}/images": {"post"}, "/api/v1/merchant/orders": {"get"},
    "/api/v1/merchant/orders/{number}/ship": {"post"}, "/api/v1/merchant/after-sales": {"get"},
    "/api/v1/merchant/after-sales/{number}/approve": {"post"},
    "/api/v1/merchant/after-sales/{number}/confirm-return": {"post"}, "/api/v1/merchant/balance": {"get"},
    "/api/v1/merchant/payouts": {"get", "post"},
}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_openapi_is_valid_json_with_a_version_and_title(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Quanzi API"
    assert schema["info"]["version"] == "1"


@pytest.mark.parametrize("path,methods", sorted(EXPECTED.items()))
def test_every_router_is_documented(schema, path, methods):
    assert path in schema["paths"], f"{path} missing from the OpenAPI document"
    assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))


def test_every_mounted_route_is_in_the_schema(schema):
    """Nothing is served under /api/v1/ that the document does not describe."""
    from config.api import api

    served = set()
    for prefix, router in api._routers:
        for path in router.path_operations:
            served.add(("/api/v1/" + prefix.strip("/") + "/" + path.lstrip("/")).replace("//", "/").rstrip("/"))
    documented = {p.rstrip("/") for p in schema["paths"]}
    assert len(served) >= len(EXPECTED)
    assert served - documented == set()


def test_protected_operations_declare_their_security(schema):
    assert {"BearerAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])
    assert schema["paths"]["/api/v1/checkout"]["post"].get("security")
    assert schema["paths"]["/api/v1/merchant/balance"]["get"].get("security")
    assert not schema["paths"]["/api/v1/catalog/products"]["get"].get("security")
    assert not schema["paths"]["/api/v1/payments/notify/{provider}"]["post"].get("security")


def test_request_bodies_are_described(schema):
    checkout = schema["paths"]["/api/v1/checkout"]["post"]
    ref = checkout["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert {"items", "address_id"} <= set(properties)
    assert "total" not in properties and "unit_price" not in properties  # the client never sends prices


def test_docs_page_renders():
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"swagger" in response.content.lower()
    assert b"/api/v1/openapi.json" in response.content


def test_docs_page_works_offline():
    """CONVENTIONS: nothing may need the internet — Swagger UI comes from our own static files."""
    response = Client().get("/api/v1/docs")

    assert b"cdn.jsdelivr.net" not in response.content
    assert b"https://" not in response.content
    assert b"/static/ninja/swagger-ui-bundle.js" in response.content


def test_the_unversioned_docs_addresses_lead_to_the_current_api():
    client = Client()

    docs = client.get("/api/docs", follow=True)
    schema = client.get("/api/openapi.json", follow=True)

    assert docs.status_code == 200 and docs.redirect_chain[-1][0] == "/api/v1/docs"
    assert schema.status_code == 200 and "/api/v1/checkout" in schema.json()["paths"]
