"""The privacy centre on a phone: a shopper opens it from Me, exports their data and downloads the JSON,
withdraws a consent; a fresh account is deleted with its password and can no longer sign in."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import PASSWORD, login, snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def people(make_user):
    from quanzi.privacy import services

    services.policy_publish(version=2, body_zh_hans="隐私政策第 2 版", body_en="Privacy policy, version 2")
    shopper = make_user(phone="13900000301", nickname="隐私用户")
    for purpose in ("policy", "carriers", "payment", "personalisation"):
        services.consent_grant(user=shopper, purpose=purpose)
    fresh = make_user(phone="13900000302", nickname="要走的人")
    return {"shopper": shopper, "fresh": fresh}


@pytest.mark.browser
def test_export_withdraw_and_delete_in_the_privacy_centre(open_page, people):
    page = open_page("shopper")
    login(page, people["shopper"].phone, next_path="/me/")
    page.get_by_test_id("my-privacy").click()
    expect(page).to_have_url(re.compile(r"/me/privacy/$"))
    expect(page.get_by_test_id("consent-withdraw-carriers")).to_be_visible()
    page.get_by_test_id("privacy-export-start").click()
    download = page.get_by_test_id("privacy-export-download").first
    expect(download).to_be_visible()
    doc = page.request.get(download.get_attribute("href"))
    assert doc.status == 200 and json.loads(doc.body())["apps"]["accounts"]["account"]["phone"] == "13900000301"
    page.get_by_test_id("consent-withdraw-carriers").click()
    expect(page.get_by_test_id("consent-grant-carriers")).to_be_visible()
    snap(page, "20-p1-privacy-centre")

    other = open_page("fresh")
    login(other, people["fresh"].phone, next_path="/me/privacy/")
    other.get_by_test_id("privacy-delete-details").locator("summary").click()
    other.get_by_test_id("privacy-delete-password").fill("wrong password")
    other.get_by_test_id("privacy-delete-submit").click()
    expect(other.get_by_test_id("form-error")).to_be_visible()
    other.get_by_test_id("privacy-delete-password").fill(PASSWORD)
    other.get_by_test_id("privacy-delete-submit").click()
    expect(other.get_by_test_id("privacy-deleted")).to_be_visible()
    snap(other, "20-p2-account-deleted")
    other.goto("/login/")
    other.get_by_test_id("login-identifier").fill("13900000302")
    other.get_by_test_id("login-password").fill(PASSWORD)
    other.get_by_test_id("login-submit").click()
    expect(other).to_have_url(re.compile(r"/login/"))
    expect(other.locator(".alert-error, [data-testid=form-error]").first).to_be_visible()
