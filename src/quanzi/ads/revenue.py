"""The platform revenue report (issue 17, the operator's part): what the platform earned, by day or by
month, read ONLY from the ledger — so it always equals the books (docs/ads.md, "The platform revenue
report").

- **Income** is every `revenue:` account, credit-normal, shown with the sign flipped: the take rate
  (`revenue:take_rate`), ads (`revenue:ads`, net of refunded clicks: a refund reverses the posting on the
  day it is made), the platform's share of live-room tips (`revenue:tips`; the host's share never was the
  platform's), withdrawal fees (`revenue:withdrawal_fee`), and "other income": any other `revenue:`
  account (membership fees, value-added services … when the apps that sell them post there).
- **Platform costs** are the `expense:` accounts (debit-normal). No app posts there today.
- **Net** = income − platform costs.
- **Commissions** to sharers (`commission.*`) and live hosts (`live.commission.*`) are shown for
  reference and NOT deducted: the ledger books them out of the merchant's pending balance
  (`merchant:<shop>:pending` +C), never out of the platform's revenue, and the take rate is charged on
  the line before them. The columns are what merchants paid, net of reversals and voids, on the day the
  commission was accrued (or reversed).

Days are Asia/Shanghai calendar days; a transaction counts on the day of its `created_at`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core import dates
from quanzi.core.errors import ValidationFailed
from quanzi.core.money import format_yuan
from quanzi.ledger.selectors import account_totals_by_day, kind_totals_by_day

REVENUE_PREFIX, EXPENSE_PREFIX, MERCHANT_PREFIX = "revenue:", "expense:", "merchant:"
DEFAULT_DAYS = 30
MAX_DAYS = 366
BY_DAY, BY_MONTH = "day", "month"

# (key, ledger account code, label): the income columns with a name of their own, in this order.
INCOME = (
    ("take_rate", "revenue:take_rate", gettext_lazy("Take rate")),
    ("ads", "revenue:ads", gettext_lazy("Ads")),
    ("tips", "revenue:tips", gettext_lazy("Tips share")),
    ("withdrawal_fee", "revenue:withdrawal_fee", gettext_lazy("Withdrawal fees")),
)
OTHER_INCOME = ("other_income", gettext_lazy("Other income"))
COSTS = ("platform_costs", gettext_lazy("Platform costs"))

# The commission columns: transaction kinds whose merchant-side postings are what merchants paid.
_SHARER_KINDS = ("commission.accrue", "commission.reverse", "commission.void")
_HOST_KINDS = ("live.commission.accrue", "live.commission.reverse")
COMMISSIONS = (
    ("sharer_commissions", tuple(_SHARER_KINDS) + tuple(f"{k}.reversal" for k in _SHARER_KINDS),
     gettext_lazy("Sharer commissions")),
    ("host_commissions", tuple(_HOST_KINDS) + tuple(f"{k}.reversal" for k in _HOST_KINDS),
     gettext_lazy("Host commissions")),
)

AMOUNT_KEYS = ([k for k, _c, _l in INCOME] + [OTHER_INCOME[0], "income", COSTS[0], "net"]
               + [k for k, _kinds, _l in COMMISSIONS])



@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str  # "income", "cost", "total", "reference"


@dataclass
class Period:
    start: dt.date
    label: str
    amounts: dict[str, int] = field(default_factory=dict)

    @property
    def net(self) -> int:
        return self.amounts["net"]


@dataclass
class Report:
    since: dt.date
    until: dt.date
    by: str
    columns: list[Column]
    periods: list[Period]
    totals: dict[str, int]
    other_accounts: list[str]  # the `revenue:` codes summed into "other income"

    @property
    def max_abs_net(self) -> int:
        return max([abs(p.net) for p in self.periods] + [0])


def columns() -> list[Column]:
    cols = [Column(k, str(label), "income") for k, _code, label in INCOME]
    cols.append(Column(OTHER_INCOME[0], str(OTHER_INCOME[1]), "income"))
    cols.append(Column("income", _("Income"), "total"))
    cols.append(Column(COSTS[0], str(COSTS[1]), "cost"))
    cols.append(Column("net", _("Net"), "total"))
    cols += [Column(k, str(label), "reference") for k, _kinds, label in COMMISSIONS]
    return cols


# ------------------------------------------------------------------------------------------- input

def today() -> dt.date:
    return dates.today()


def parse_range(*, since=None, until=None, by=None) -> tuple[dt.date, dt.date, str]:
    """(since, until, by) from request parameters: dates YYYY-MM-DD, both inclusive; by default the last
    30 days up to today (Asia/Shanghai), by day. A bad date, an empty or reversed range, one longer than
    366 days or an unknown grouping → ValidationFailed (400)."""
    by = str(by or BY_DAY).strip()
    if by not in (BY_DAY, BY_MONTH):
        raise ValidationFailed(_("Group by day or by month."), code="invalid_grouping", fields={"by": "day|month"})
    start, end = dates.day_range(since=since, until=until, max_days=MAX_DAYS, default_days=DEFAULT_DAYS)
    return start, end, by


# ------------------------------------------------------------------------------------------ report

def _period_start(day: dt.date, by: str) -> dt.date:
    return day.replace(day=1) if by == BY_MONTH else day


def _periods(since: dt.date, until: dt.date, by: str) -> list[Period]:
    out, day = [], _period_start(since, by)
    while day <= until:
        out.append(Period(start=day, label=day.strftime("%Y-%m") if by == BY_MONTH else day.isoformat(),
                          amounts=dict.fromkeys(AMOUNT_KEYS, 0)))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) if by == BY_MONTH else day + dt.timedelta(days=1)
    return out


def revenue_report(*, since: dt.date, until: dt.date, by: str = BY_DAY) -> Report:
    """The report for the Shanghai days `since` … `until` (inclusive), one period per day or per month
    (a month cut by the range counts only its days inside it). Two GROUP BY queries on the ledger."""
    named = {code: key for key, code, _label in INCOME}
    periods = _periods(since, until, by)
    index = {p.start: p for p in periods}
    other = set()
    for (day, code), raw in account_totals_by_day(prefixes=[REVENUE_PREFIX, EXPENSE_PREFIX],
                                                  since=since, until=until).items():
        amounts = index[_period_start(day, by)].amounts
        if code.startswith(EXPENSE_PREFIX):
            amounts[COSTS[0]] += raw  # debit-normal: a cost is positive
        elif code in named:
            amounts[named[code]] += -raw  # credit-normal: income is the credit
        else:
            amounts[OTHER_INCOME[0]] += -raw
            other.add(code)
    column_of_kind = {kind: key for key, kinds, _label in COMMISSIONS for kind in kinds}
    for (day, kind), raw in kind_totals_by_day(kinds=list(column_of_kind), account_prefix=MERCHANT_PREFIX,
                                               since=since, until=until).items():
        index[_period_start(day, by)].amounts[column_of_kind[kind]] += raw  # a debit of the merchant: paid
    income_keys = [k for k, _c, _l in INCOME] + [OTHER_INCOME[0]]
    for p in periods:
        p.amounts["income"] = sum(p.amounts[k] for k in income_keys)
        p.amounts["net"] = p.amounts["income"] - p.amounts[COSTS[0]]
    totals = {k: sum(p.amounts[k] for p in periods) for k in AMOUNT_KEYS}
    return Report(since=since, until=until, by=by, columns=columns(), periods=periods, totals=totals,
                  other_accounts=sorted(other))


# ------------------------------------------------------------------------------------------ output

def report_json(report: Report) -> dict:
    """The API's answer: integer fen (currency CNY), the columns with their labels, every period, totals."""
    return {
        "since": report.since.isoformat(), "until": report.until.isoformat(), "by": report.by, "currency": "CNY",
        "time_zone": "Asia/Shanghai",
        "columns": [{"key": c.key, "label": c.label, "group": c.group} for c in report.columns],
        "periods": [{"period": p.label, "amounts": p.amounts} for p in report.periods],
        "totals": report.totals,
        "other_income_accounts": report.other_accounts,
    }


def report_csv(report: Report) -> str:
    """A header of column labels (in the request's language), one row per period and a total row; amounts in
    yuan with two decimals (no symbol). Starts with a UTF-8 byte-order mark so spreadsheet apps read Chinese."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    keys = [c.key for c in report.columns]
    writer.writerow([_("Period"), *[c.label for c in report.columns]])
    for p in report.periods:
        writer.writerow([p.label, *[format_yuan(p.amounts[k]) for k in keys]])
    writer.writerow([_("Total"), *[format_yuan(report.totals[k]) for k in keys]])
    return buf.getvalue()


def csv_filename(report: Report) -> str:
    return f"quanzi-revenue-{report.since.isoformat()}-{report.until.isoformat()}-{report.by}.csv"
