"""The platform revenue report (issue 17, the operator's part): hand-made books over days and months,
totals computed by hand, the Shanghai midnight edge, staff only, bad ranges, CSV, the page."""

import csv
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from quanzi.ads import revenue
from quanzi.ledger.selectors import balance
from quanzi.ledger.services import Entry, ledger_post
from quanzi.ledger.testing import transaction_backdate

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def _book(key, kind, at, entries):
    ledger_post(key=key, kind=kind, entries=[Entry(code, amount) for code, amount in entries])
    transaction_backdate(key=key, at=at)


def _sh(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def books(db):
    """Postings across January–March 2024 (Asia/Shanghai), with what each should count as."""
    # 23:59:59 on Jan 31 in Shanghai: counts on Jan 31. Take rate 500.
    _book("t-take-1", "order.settle", _sh(2024, 1, 31, 23, 59, 59),
          [("merchant:1:pending", 10000), ("merchant:1:available", -9500), ("revenue:take_rate", -500)])
    # 00:00:00 on Feb 1 in Shanghai is still Jan 31 in UTC: counts on Feb 1. Ads 37.
    _book("t-ads-1", "ads.click", _sh(2024, 2, 1, 0, 0, 0), [("shop:1:ads_prepaid", 37), ("revenue:ads", -37)])
    _book("t-ads-2", "ads.click", _sh(2024, 2, 1, 12), [("shop:1:ads_prepaid", 120), ("revenue:ads", -120)])
    # the second click refunded the next day: ads −120 on Feb 2
    _book("t-ads-2-refund", "ads.click.reversal", _sh(2024, 2, 2, 9),
          [("shop:1:ads_prepaid", -120), ("revenue:ads", 120)])
    # a ¥10 tip, the host keeps ¥7: the platform's share 300
    _book("t-tip-1", "live.tip", _sh(2024, 2, 2, 10),
          [("user:9:tip_balance", 1000), ("user:8:wallet", -700), ("revenue:tips", -300)])
    # money that is not the platform's: a capture and a payout
    _book("t-capture", "payment.capture", _sh(2024, 2, 1, 8), [("provider:sandbox:cash", 10000), ("platform:clearing", -10000)])
    _book("t-wd-1", "withdrawal.paid", _sh(2024, 3, 15, 8),
          [("user:8:withdrawing", 5000), ("provider:bank:cash", -4900), ("revenue:withdrawal_fee", -100)])
    # a revenue account no app posts to yet (membership fees): "other income" 990
    _book("t-member-1", "membership.fee", _sh(2024, 3, 15, 20), [("platform:clearing", 990), ("revenue:membership", -990)])
    # a platform cost: 200
    _book("t-expense-1", "subsidy", _sh(2024, 3, 16, 12), [("expense:subsidy", 200), ("platform:clearing", -200)])
    # commissions the merchant pays: 800 accrued, 300 reversed the next day; a host's 450
    _book("t-comm-1", "commission.accrue", _sh(2024, 1, 31, 10),
          [("merchant:1:pending", 800), ("user:8:earnings_pending", -800)])
    _book("t-comm-1-rev", "commission.reverse", _sh(2024, 2, 1, 10),
          [("user:8:earnings_pending", 300), ("merchant:1:pending", -300)])
    _book("t-comm-1-rel", "commission.release", _sh(2024, 2, 1, 11),  # moves the user's money: not a payment
          [("user:8:earnings_pending", 500), ("user:8:wallet", -500)])
    _book("t-live-comm-1", "live.commission.accrue", _sh(2024, 3, 15, 11),
          [("merchant:1:pending", 450), ("user:8:earnings_pending", -450)])
    # just outside 2024-01-31 … 2024-03-16 on both sides
    _book("t-before", "order.settle", _sh(2024, 1, 30, 23, 59, 59),
          [("merchant:1:pending", 999), ("merchant:1:available", -900), ("revenue:take_rate", -99)])
    _book("t-after", "ads.click", _sh(2024, 3, 17, 0, 0, 0), [("shop:1:ads_prepaid", 55), ("revenue:ads", -55)])


RANGE = {"since": D(2024, 1, 31), "until": D(2024, 3, 16)}


def _amounts(report):
    return {p.label: {k: v for k, v in p.amounts.items() if v} for p in report.periods}


def test_by_day_every_column_is_summed_by_hand_on_shanghai_days(books, django_assert_num_queries):
    with django_assert_num_queries(2):  # one GROUP BY for the accounts, one for the commissions
        report = revenue.revenue_report(**RANGE, by="day")
    assert len(report.periods) == 1 + 29 + 16  # Jan 31, February 2024 (leap year), Mar 1–16
    rows = {label: amounts for label, amounts in _amounts(report).items() if amounts}
    assert rows == {
        "2024-01-31": {"take_rate": 500, "income": 500, "net": 500, "sharer_commissions": 800},
        "2024-02-01": {"ads": 157, "income": 157, "net": 157, "sharer_commissions": -300},
        "2024-02-02": {"ads": -120, "tips": 300, "income": 180, "net": 180},
        "2024-03-15": {"withdrawal_fee": 100, "other_income": 990, "income": 1090, "net": 1090,
                       "host_commissions": 450},
        "2024-03-16": {"platform_costs": 200, "net": -200},
    }
    assert report.totals == {"take_rate": 500, "ads": 37, "tips": 300, "withdrawal_fee": 100, "other_income": 990,
                             "income": 1927, "platform_costs": 200, "net": 1727, "sharer_commissions": 500,
                             "host_commissions": 450}
    assert report.other_accounts == ["revenue:membership"]


def test_by_month_the_same_books_fall_into_three_months(books):
    report = revenue.revenue_report(**RANGE, by="month")
    assert _amounts(report) == {
        "2024-01": {"take_rate": 500, "income": 500, "net": 500, "sharer_commissions": 800},
        "2024-02": {"ads": 37, "tips": 300, "income": 337, "net": 337, "sharer_commissions": -300},
        "2024-03": {"withdrawal_fee": 100, "other_income": 990, "income": 1090, "platform_costs": 200, "net": 890,
                    "host_commissions": 450},
    }
    assert report.totals["net"] == 500 + 337 + 890 == revenue.revenue_report(**RANGE, by="day").totals["net"]


def test_the_midnight_edge_in_shanghai(books):
    """A posting at 00:00:00 Shanghai time belongs to that day, one at 23:59:59 to the day before."""
    jan31 = revenue.revenue_report(since=D(2024, 1, 31), until=D(2024, 1, 31))
    assert jan31.totals["take_rate"] == 500 and jan31.totals["ads"] == 0  # t-before (Jan 30) and t-ads-1 (Feb 1) out
    feb1 = revenue.revenue_report(since=D(2024, 2, 1), until=D(2024, 2, 1))
    assert feb1.totals["ads"] == 157 and feb1.totals["take_rate"] == 0
    mar17 = revenue.revenue_report(since=D(2024, 3, 17), until=D(2024, 3, 17))
    assert mar17.totals["ads"] == 55


def test_over_all_time_the_report_equals_the_ledger_balances(books):
    report = revenue.revenue_report(since=D(2024, 1, 1), until=D(2024, 12, 31), by="month")
    assert report.totals["take_rate"] == -balance(code="revenue:take_rate") == 599
    assert report.totals["ads"] == -balance(code="revenue:ads") == 92
    assert report.totals["tips"] == -balance(code="revenue:tips")
    assert report.totals["withdrawal_fee"] == -balance(code="revenue:withdrawal_fee")
    assert report.totals["platform_costs"] == balance(code="expense:subsidy")
    assert len(report.periods) == 12


@pytest.mark.parametrize(("params", "code", "field"), [
    ({"since": "2024-02-30"}, "invalid_date", "since"),
    ({"until": "31/01/2024"}, "invalid_date", "until"),
    ({"since": "２０２４-01-01"}, "invalid_date", "since"),  # full-width digits
    ({"since": "0001-01-01"}, "invalid_date", "since"),
    ({"until": "9999-12-31"}, "invalid_date", "until"),
    ({"since": "x" * 10_000}, "invalid_date", "since"),
    ({"since": "2024-03-02", "until": "2024-03-01"}, "invalid_range", "since"),
    ({"since": "2023-01-01", "until": "2024-01-02"}, "range_too_long", "since"),  # 367 days
    ({"by": "week"}, "invalid_grouping", "by"),
])
def test_bad_ranges_are_clear_errors(params, code, field):
    with pytest.raises(revenue.ValidationFailed) as caught:
        revenue.parse_range(**params)
    assert caught.value.code == code and field in caught.value.fields and caught.value.status == 400


def test_the_default_range_is_the_last_30_days_and_366_days_is_allowed():
    since, until, by = revenue.parse_range()
    assert (until - since).days == 29 and until == revenue.today() and by == "day"
    assert revenue.parse_range(since="2023-01-02", until="2024-01-02", by="month") == (D(2023, 1, 2), D(2024, 1, 2), "month")
    assert revenue.parse_range(since="", until="", by="")[2] == "day"  # an empty form field is the default


# ---------------------------------------------------------------------------------- page and API

def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(make_user):
    return make_user(is_staff=True)


def test_the_page_is_for_staff_only(db, shopper, staff):
    anonymous = Client().get("/ops/revenue/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert _login(shopper).get("/ops/revenue/").status_code == 404
    assert _login(staff).get("/ops/revenue/").status_code == 200


def test_the_page_shows_the_table_totals_and_bars(books, staff):
    page = _login(staff).get("/ops/revenue/", {"since": "2024-01-31", "until": "2024-03-16", "by": "month"})
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="rev-row"') == 3 and html.count('data-testid="rev-bar"') == 3
    totals = re.search(r'data-testid="rev-totals">(.*?)</tr>', html, re.S).group(1)
    assert "¥5.00" in totals and "¥17.27" in totals and "¥19.27" in totals  # take rate, net, income
    assert 'data-testid="rev-total-net">¥17.27<' in html
    assert "2024-02" in html and 'aria-current="page"' in html
    assert "format=csv" in html and "by=day" in html  # the CSV link and the day/month toggle keep the range


def test_bad_dates_on_the_page_are_a_400_with_the_message_not_a_500(db, staff):
    page = _login(staff).get("/ops/revenue/", {"since": "2024-13-01"})
    assert page.status_code == 400
    assert b'data-testid="rev-error"' in page.content and b'aria-invalid="true"' in page.content
    too_long = _login(staff).get("/ops/revenue/", {"since": "2020-01-01", "until": "2024-01-01"})
    assert too_long.status_code == 400 and b'data-testid="rev-table"' not in too_long.content


def test_csv_export(books, staff):
    response = _login(staff).get("/ops/revenue/", {"since": "2024-01-31", "until": "2024-03-16", "by": "month",
                                                  "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="quanzi-revenue-2024-01-31-2024-03-16-month.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    keys = [c.key for c in revenue.columns()]
    assert len(rows[0]) == 1 + len(keys) and len(rows) == 1 + 3 + 1
    by_period = {r[0]: dict(zip(keys, r[1:], strict=True)) for r in rows[1:4]}
    assert by_period["2024-02"]["ads"] == "0.37" and by_period["2024-02"]["tips"] == "3.00"
    assert by_period["2024-03"]["platform_costs"] == "2.00" and by_period["2024-03"]["net"] == "8.90"
    assert dict(zip(keys, rows[-1][1:], strict=True))["net"] == "17.27"


def test_the_api_is_staff_only_in_the_one_error_shape(books, api, shopper, staff, expect_error):
    expect_error(api().get("/api/v1/ads/revenue"), 401)
    expect_error(api(shopper).get("/api/v1/ads/revenue"), 403, "staff_only")
    body = api(staff).get("/api/v1/ads/revenue", {"since": "2024-01-31", "until": "2024-03-16", "by": "month"}).json()
    assert body["currency"] == "CNY" and body["by"] == "month" and body["time_zone"] == "Asia/Shanghai"
    assert [p["period"] for p in body["periods"]] == ["2024-01", "2024-02", "2024-03"]
    assert body["periods"][2]["amounts"]["net"] == 890 and body["totals"]["net"] == 1727
    assert body["totals"]["host_commissions"] == 450 and body["other_income_accounts"] == ["revenue:membership"]
    assert {c["key"]: c["group"] for c in body["columns"]}["sharer_commissions"] == "reference"


@pytest.mark.parametrize(("params", "code"), [
    ({"since": "2024-02-30"}, "invalid_date"), ({"since": "2024-03-02", "until": "2024-03-01"}, "invalid_range"),
    ({"since": "2020-01-01", "until": "2024-01-01"}, "range_too_long"), ({"by": "year"}, "invalid_grouping"),
])
def test_the_api_rejects_bad_ranges(db, api, staff, expect_error, params, code):
    expect_error(api(staff).get("/api/v1/ads/revenue", params), 400, code)


@pytest.mark.parametrize("query", ["since=%ED%A0%80", "since=%00", "until=1e400", "since=" + "9" * 40])
def test_hostile_dates_are_a_400(db, api, staff, expect_error, query):
    """A lone surrogate's bytes, NUL, a float and a 40-digit number: a 400, never a 500."""
    expect_error(api(staff).get(f"/api/v1/ads/revenue?{query}"), 400)


def test_the_default_range_counts_today(db, api, staff):
    ledger_post(key="t-now", kind="ads.click", entries=[Entry("shop:1:ads_prepaid", 250), Entry("revenue:ads", -250)])
    body = api(staff).get("/api/v1/ads/revenue").json()
    assert len(body["periods"]) == 30 and body["periods"][-1]["period"] == revenue.today().isoformat()
    assert body["periods"][-1]["amounts"]["ads"] == 250 and body["totals"]["net"] == 250


def test_the_staff_menu_links_to_it(db, staff, shopper):
    assert b'data-testid="me-ops-revenue"' in _login(staff).get("/me/").content
    assert b'data-testid="me-ops-revenue"' not in _login(shopper).get("/me/").content


def test_the_page_fits_a_390px_phone(books, staff):
    """Mobile first: a viewport meta, no inline styles, the wide table scrolls inside its own box (the page
    never does), the range form stacks into two columns and the button spans the row."""
    html = _login(staff).get("/ops/revenue/", {"since": "2024-01-31", "until": "2024-03-16"}).content.decode()
    assert 'name="viewport"' in html and "width=device-width" in html
    assert " style=" not in html.split("<main", 1)[1]
    assert re.search(r'<div class="rev-table-wrap"[^>]*>\s*<table class="rev-table"', html)
    css = (Path(revenue.__file__).parent / "static/ads/css/revenue.css").read_text()
    wrap = re.search(r"\.rev-table-wrap \{([^}]*)\}", css).group(1)
    assert "overflow-x: auto" in wrap and "max-width: 100%" in wrap
    assert re.search(r"\.rev-form \{[^}]*grid-template-columns: 1fr 1fr;", css)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgb\(|hsl\(", css)
