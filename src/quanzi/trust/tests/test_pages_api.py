"""The operator's queue and case pages, the API and the dashboard section: staff only, thin, hostile input 4xx."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from quanzi.trust import services
from quanzi.trust.models import RiskCase


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(ring):
    services.detection_run()
    return RiskCase.objects.get()


def test_pages_are_404_for_anyone_but_staff(case, shopper, client):
    for path in ("/ops/trust/", f"/ops/trust/{case.number}/"):
        assert signed_in(shopper).get(path).status_code == 404
        assert client.get(path).status_code == 302  # to the login
    assert signed_in(shopper).post("/ops/trust/run/").status_code == 404


def test_the_queue_lists_cases_by_score_and_the_case_page_explains_and_draws(case, operator,
                                                                             django_assert_max_num_queries):
    staff = signed_in(operator)
    with django_assert_max_num_queries(12):
        page = staff.get("/ops/trust/").content.decode()
    assert case.number in page and 'data-testid="trust-case"' in page
    with django_assert_max_num_queries(14):
        page = staff.get(f"/ops/trust/{case.number}/").content.decode()
    assert "<svg" in page and page.count('data-kind="user"') == case.members.count()
    assert 'data-rule="shared_device"' in page and 'data-rule="regular_timing"' in page
    assert 'data-testid="trust-fraud"' in page
    assert staff.get("/ops/trust/RC-NOPE/").status_code == 404


def test_deciding_on_the_page_records_who_and_why(case, operator):
    staff = signed_in(operator)
    r = staff.post(f"/ops/trust/{case.number}/", {"decision": "fraud", "note": ""})  # no note: refused, shown
    assert r.status_code == 200 and RiskCase.objects.get().state == "open"
    r = staff.post(f"/ops/trust/{case.number}/", {"decision": "legit", "note": "一家人"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.decided_by) == ("dismissed", operator)
    assert 'data-testid="trust-decided"' in staff.get(f"/ops/trust/{case.number}/").content.decode()


def test_running_detection_from_the_queue(ring, operator):
    r = signed_in(operator).post("/ops/trust/run/")
    assert r.status_code == 302 and RiskCase.objects.count() == 1


def test_the_api_is_for_operators_only(case, api, shopper, expect_error):
    expect_error(api().get("/api/v1/trust/cases"), 401)
    expect_error(api(shopper).get("/api/v1/trust/cases"), 403, "staff_only")
    expect_error(api(shopper).get(f"/api/v1/trust/cases/{case.number}"), 403, "staff_only")
    expect_error(api(shopper).post("/api/v1/trust/detection"), 403, "staff_only")


def test_the_api_lists_shows_and_decides(case, api, operator, expect_error):
    staff = api(operator)
    body = staff.get("/api/v1/trust/cases").json()
    [item] = body["items"]
    assert item["number"] == case.number and item["accounts"] == 5 and item["held"]["currency"] == "CNY"
    assert body["next_cursor"] is None
    detail = staff.get(f"/api/v1/trust/cases/{case.number}").json()
    assert {e["rule"] for e in detail["evidence"]} >= {"shared_address", "ring_sharer"}
    assert len(detail["members"]) == 5 and all(m["verification_required"] for m in detail["members"])
    expect_error(staff.get("/api/v1/trust/cases/NOPE"), 404)
    body = json.dumps({"decision": "fraud", "note": "刷单"})
    r = staff.post(f"/api/v1/trust/cases/{case.number}/decision", body, content_type="application/json",
                   HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 200 and r.json()["state"] == "actioned" and r.json()["label"] == "fraud"
    retry = staff.post(f"/api/v1/trust/cases/{case.number}/decision", body, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY="k1")
    assert retry.status_code == 200 and retry.json() == r.json()  # a retry replays the first answer
    again = staff.post(f"/api/v1/trust/cases/{case.number}/decision", json.dumps({"decision": "legit"}),
                       content_type="application/json")
    expect_error(again, 409, "invalid_case_state")
    assert staff.get("/api/v1/trust/cases?state=actioned").json()["items"][0]["number"] == case.number


def test_the_api_refuses_hostile_input(case, api, operator, expect_error):
    staff = api(operator)
    for bad in ("/api/v1/trust/cases?cursor=" + "9" * 5000, "/api/v1/trust/cases?cursor=abc",
                "/api/v1/trust/cases?limit=1e400", "/api/v1/trust/cases?state=weird",
                "/api/v1/trust/cases?limit=100000"):
        r = staff.get(bad)
        assert 400 <= r.status_code < 500, bad
    expect_error(staff.get("/api/v1/trust/cases/" + "x" * 10_000), 404)
    for payload in ({"decision": "ban"}, {"decision": "fraud", "note": "x" * 10_000}, {"decision": ["fraud"]}):
        r = staff.post(f"/api/v1/trust/cases/{case.number}/decision", json.dumps(payload),
                       content_type="application/json")
        assert 400 <= r.status_code < 500, payload
    r = staff.post(f"/api/v1/trust/cases/{case.number}/decision", '{"decision": "fraud", "note": "\\ud800"}',
                   content_type="application/json")
    assert 400 <= r.status_code < 500 or r.json()["state"] == "actioned"


def test_the_api_runs_detection(ring, api, operator):
    r = api(operator).post("/api/v1/trust/detection")
    assert r.status_code == 200 and r.json()["opened"] == 1


def test_the_dashboard_shows_the_risk_indicators(case, operator):
    page = signed_in(operator).get("/ops/analytics/").content.decode()
    assert 'data-testid="trust-indicators"' in page
    assert 'data-testid="trust-open-now">1<' in page


def test_the_staff_menu_links_the_queue(operator, shopper):
    assert 'data-testid="me-ops-trust"' in signed_in(operator).get("/me/").content.decode()
    assert 'data-testid="me-ops-trust"' not in signed_in(shopper).get("/me/").content.decode()


def test_one_detection_run_at_a_time(ring, api, operator, expect_error):
    from django.core.cache import cache

    from quanzi.trust.services import RUNNING_KEY

    cache.add(RUNNING_KEY, "another run", timeout=60)
    expect_error(api(operator).post("/api/v1/trust/detection"), 409, "detection_running")
    cache.delete(RUNNING_KEY)
    assert api(operator).post("/api/v1/trust/detection").json()["opened"] == 1
