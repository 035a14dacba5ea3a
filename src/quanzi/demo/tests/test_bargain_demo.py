"""The bargain demo data (bargain/demo.py): an active campaign and 小圈's bargain with two cuts."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from quanzi.accounts.selectors import user_get_by_phone
from quanzi.bargain.constants import BargainStatus
from quanzi.bargain.demo import EXPECTED_HELPS
from quanzi.bargain.selectors import bargains_for_user
from quanzi.bargain.testing import campaigns
from quanzi.demo import data
from quanzi.demo.runner import seed_section

pytestmark = pytest.mark.django_db


def test_seed_bargain_makes_a_usable_bargain_once(make_user):
    call_command("seed_demo", "--small", stdout=io.StringIO())
    demo = user_get_by_phone(phone=data.DEMO_SHOPPER["phone"])
    seed_section("bargain")  # (None when seed_demo already runs it)
    assert len(campaigns()) == 1
    assert seed_section("bargain") is None  # idempotent
    [bargain] = bargains_for_user(user=demo)
    campaign = bargain.campaign
    assert campaign.status == "active" and campaign.expected_helps == EXPECTED_HELPS
    assert bargain.starter == demo and bargain.status == BargainStatus.OPEN and bargain.helps_count == 2
    assert campaign.floor_price < bargain.current_price < campaign.original_price
    assert bargain.slots_used < bargain.expected_helps  # room for more helps
    page = Client().get(f"/b/{bargain.number}/")
    assert page.status_code == 200 and 'data-testid="bargain-helper"' in page.content.decode()
    client = Client()
    client.force_login(make_user())
    assert client.post(f"/b/{bargain.number}/help/").status_code == 302
    bargain.refresh_from_db()
    assert bargain.helps_count == 3
