"""The API under /api/v1/privacy and the privacy centre page: consents, exports, deletion; hostile input
answers 4xx in the one error shape; another user's export is a 404."""

import json

import pytest

pytestmark = pytest.mark.django_db


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_consents_are_granted_and_withdrawn_with_the_policy_version(api, shopper, policy):
    c = api(shopper)
    r = post(c, "/api/v1/privacy/consents", {"purpose": "personalisation", "granted": True})
    assert r.status_code == 200
    row = {x["purpose"]: x for x in r.json()}["personalisation"]
    assert row["granted"] and row["version"] == 2 and row["optional"] and not row["outdated"]
    assert {x["purpose"]: x for x in r.json()}["policy"]["outdated"]  # never agreed to the policy: asked
    r = post(c, "/api/v1/privacy/consents", {"purpose": "personalisation", "granted": False})
    assert {x["purpose"]: x for x in r.json()}["personalisation"]["granted"] is False
    r = post(c, "/api/v1/privacy/consents", {"purpose": "policy", "granted": False})
    assert r.status_code == 422 and r.json()["error"]["code"] == "consent_required"


@pytest.mark.parametrize("body", [
    {"purpose": "\ud800", "granted": True}, {"purpose": "x" * 10_000, "granted": True},
    {"purpose": "carriers", "granted": "yes please"}, {"purpose": 1e400, "granted": True}, {},
])
def test_hostile_consent_input_is_a_4xx(api, shopper, policy, body):
    r = api(shopper).post("/api/v1/privacy/consents", json.dumps(body), content_type="application/json")
    assert 400 <= r.status_code < 500 and "error" in r.json()


def test_a_child_needs_the_guardian_before_sensitive_data(api, make_shopper, policy):
    import datetime as dt

    child = make_shopper()
    child.birth_date = dt.date.today() - dt.timedelta(days=365 * 10)
    child.save()
    c = api(child)
    r = post(c, "/api/v1/privacy/consents", {"purpose": "sensitive", "granted": True})
    assert r.status_code == 422 and r.json()["error"]["code"] == "guardian_consent_required"
    r = post(c, "/api/v1/privacy/consents/guardian", {"guardian_name": "妈妈", "guardian_phone": "12"})
    assert r.status_code == 400 and "guardian_phone" in r.json()["error"]["fields"]
    assert post(c, "/api/v1/privacy/consents/guardian",
                {"guardian_name": "妈妈", "guardian_phone": "13600001111"}).status_code == 201
    assert post(c, "/api/v1/privacy/consents", {"purpose": "sensitive", "granted": True}).status_code == 200


def test_export_over_the_api_and_another_users_token_is_404(api, shopper, make_shopper, policy):
    c = api(shopper)
    r = c.post("/api/v1/privacy/exports")
    assert r.status_code == 201 and r.json()["status"] == "ready"
    token = r.json()["token"]
    doc = c.get(f"/api/v1/privacy/exports/{token}/download")
    assert doc.status_code == 200 and json.loads(doc.content)["apps"]["accounts"]["account"]["phone"] == shopper.phone
    assert api(make_shopper()).get(f"/api/v1/privacy/exports/{token}/download").status_code == 404
    assert c.get("/api/v1/privacy/exports/" + "x" * 5000).status_code == 404


def test_deletion_over_the_api(api, make_shopper, policy):
    user = make_shopper()
    c = api(user)
    r = post(c, "/api/v1/privacy/deletion", {"password": "nope"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "confirmation_failed"
    r = post(c, "/api/v1/privacy/deletion", {"password": "Str0ngPass!x"})
    assert r.status_code == 201 and r.json()["status"] == "completed"
    assert c.get("/api/v1/privacy/consents").status_code == 401  # the token died with the account


def test_the_privacy_centre_page_exports_withdraws_and_deletes(client, make_shopper, policy):
    from quanzi.privacy import services

    user = make_shopper()
    services.consent_grant(user=user, purpose="carriers")
    client.force_login(user)
    page = client.get("/me/privacy/")
    assert page.status_code == 200 and b'data-testid="consent-withdraw-carriers"' in page.content
    assert b'data-testid="consent-grant-policy"' in page.content  # the policy was never agreed to
    client.post("/me/privacy/consent/", {"purpose": "policy", "action": "grant"})
    assert b'data-testid="consent-grant-policy"' not in client.get("/me/privacy/").content
    assert client.post("/me/privacy/consent/", {"purpose": "carriers", "action": "withdraw"}).status_code == 302
    assert b'data-testid="consent-grant-carriers"' in client.get("/me/privacy/").content
    assert client.post("/me/privacy/export/").status_code == 302
    assert b"privacy-export-download" in client.get("/me/privacy/").content
    bad = client.post("/me/privacy/delete/", {"password": "wrong"})
    assert bad.status_code == 403 and b"form-error" in bad.content
    done = client.post("/me/privacy/delete/", {"password": "Str0ngPass!x"})
    assert done.status_code == 200 and b"privacy-deleted" in done.content
    assert client.get("/me/privacy/").status_code == 302  # signed out


def test_the_log_filter_masks_phones():
    import logging

    from quanzi.privacy.masking import PhoneMaskingFilter, mask_address

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login %s from 13800138000", ("13912345678",), None)
    PhoneMaskingFilter().filter(record)
    assert record.getMessage() == "login 139****5678 from 138****8000"
    assert mask_address({"province": "上海", "city": "上海", "detail": "人民路 1 号"}) == "上海 上海 ***"


def test_signing_up_shows_the_policy_and_records_its_consent(client, db):
    from quanzi.core.testing import run_outbox_hooks
    from quanzi.privacy import selectors, services
    from quanzi.privacy.constants import Method, Purpose

    services.policy_publish(version=7, body_zh_hans="隐私政策", body_en="Privacy policy")
    page = client.get("/register/").content.decode()
    assert 'data-testid="signup-privacy-notice"' in page and "/me/privacy/policy/" in page
    assert client.get("/me/privacy/policy/").status_code == 200  # public: read before signing up
    r = client.post("/register/", {"identifier": "13700001234", "password": "Qz-privacy-2026", "nickname": "新人"})
    assert r.status_code == 302
    run_outbox_hooks()
    from quanzi.accounts.selectors import user_get_by_phone

    consent = selectors.consent_state(user=user_get_by_phone(phone="13700001234"))[Purpose.POLICY]
    assert consent is not None and consent.granted and consent.method == Method.SIGNUP and consent.version == 7
