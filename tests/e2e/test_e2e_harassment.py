"""Harassment controls on a phone: someone @mentions a shopper over and over — only 3 a day arrive; the
shopper reports the sender from the notification's ⋯, sees them muted in the settings and can undo it."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import login, snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def pestered(make_user):
    from quanzi.notifications import services
    from quanzi.notifications.constants import Kind

    sender = make_user(phone="13900000201", nickname="天天艾特")
    me = make_user(phone="13900000202", nickname="被打扰的人")
    for i in range(6):
        services.notify(recipient_id=me.pk, kind=Kind.MENTION, actor_id=sender.pk, target_type="note", target_id=i,
                        message="%(actor)s mentioned you in a comment: %(excerpt)s", params={"excerpt": f"快来买 {i}"})
    return {"sender": sender, "me": me}


@pytest.mark.browser
def test_a_pestered_shopper_reports_and_mutes_the_sender(open_page, pestered):
    page = open_page("shopper")
    login(page, pestered["me"].phone, next_path="/notifications/")
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    items = page.get_by_test_id("notification-item")
    expect(items).to_have_count(3)  # 6 mentions sent, 3 a day reach one person
    items.first.get_by_test_id("notification-more").locator("summary").click()
    snap(page, "20-h1-notification-actions")
    items.first.get_by_test_id("notification-report").click()
    expect(page.locator(".alert, [role=status], .messages").first).to_be_visible()
    page.get_by_test_id("notifications-settings-link").click()
    expect(page.get_by_test_id("muted-sender")).to_contain_text("天天艾特")
    snap(page, "20-h2-muted-senders")
    page.get_by_test_id("unmute").click()
    expect(page.get_by_test_id("muted-none")).to_be_visible()
