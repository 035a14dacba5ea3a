"""The risk review queue in a real browser, on a phone: seven accounts that one inviter brought in within the
hour, on two phones (a new-account reward farm), are found by detection; the operator opens the queue from the
Me page, opens the case, sees why it fired and the accounts drawn as a graph, and confirms the fraud with a note."""

from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("playwright.sync_api")

from e2e_ui import login, snap  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def farm(make_user):
    from quanzi.core import clock
    from quanzi.trust import services

    boss = make_user(phone="13900002001", nickname="拉新王")
    now = clock.now()
    for i in range(6):
        newcomer = make_user(phone=f"1390000210{i}", nickname=f"新人{i + 1}")
        services.invited_record(user_id=newcomer.pk, inviter_id=boss.pk, at=now - dt.timedelta(minutes=10 * i))
        services.attributes_record(user_id=newcomer.pk, attributes=[("device", f"farm-phone-{i % 2}"),
                                                                    ("ip24", "198.51.100.7")])
    assert services.detection_run()["opened"] >= 1
    return boss


@pytest.mark.browser
def test_operator_reviews_a_reward_farm_on_a_phone(open_page, farm, make_user):
    from quanzi.trust.selectors import cases_queue

    operator = make_user(phone="13600002002", nickname="风控小王", is_staff=True)
    page = open_page("operator")
    login(page, operator.phone, next_path="/me/")
    page.get_by_test_id("me-ops-trust").click()
    expect(page.get_by_test_id("trust-queue")).to_be_visible()
    case = page.get_by_test_id("trust-case").first
    expect(case).to_be_visible()
    snap(page, "20-01-trust-queue")
    case.click()

    expect(page.get_by_test_id("trust-graph-svg")).to_be_visible()
    expect(page.get_by_test_id("trust-graph-node").and_(page.locator("[data-kind=user]"))).to_have_count(7)
    expect(page.locator("[data-testid=trust-rule][data-rule=referral_star]")).to_be_visible()
    expect(page.get_by_test_id("trust-member")).to_have_count(7)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the case page scrolls sideways ({width}px)"
    snap(page, "20-02-trust-case")

    page.get_by_test_id("trust-fraud").click()  # no note: refused, nothing decided
    expect(page.get_by_test_id("trust-decide")).to_be_visible()
    page.get_by_test_id("trust-note").fill("同一小时注册的新号，两部手机")
    page.get_by_test_id("trust-fraud").click()
    expect(page.get_by_test_id("trust-decided")).to_be_visible()
    expect(page.get_by_test_id("trust-case-state")).to_have_text("Fraud confirmed")
    snap(page, "20-03-trust-decided")
    [case] = cases_queue(state="actioned")
    assert (case.label, case.decided_by_id, case.note) == ("fraud", operator.pk, "同一小时注册的新号，两部手机")
