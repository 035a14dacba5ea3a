"""WeChat Pay's daily trade bill (`GET /v3/bill/tradebill`, bill_type ALL) parsed into StatementLines.

The file is a CSV whose first row names the columns and whose data rows prefix every field with a
backtick (so spreadsheets keep long numbers as text); a summary header and row close it. Amounts are
yuan with two decimals (the fee with up to five): converted to fen here, at the edge, with Decimal.

Columns are found by their (Chinese) names, not positions, since WeChat Pay has appended columns
over the years. A payment line is a row in state SUCCESS; a refund line a row in state REFUND whose
refund did not fail. The amount is what Quanzi asked for — 订单金额 (the order total) for payments
and 申请退款金额 (the refund requested) for refunds — falling back to the settlement columns
(应结订单金额, 退款金额) in older files without them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from quanzi.payments.providers import StatementLine

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME = "交易时间"
TRADE_NO = "微信订单号"
OUT_TRADE_NO = "商户订单号"
STATE = "交易状态"
REFUND_NO = "微信退款单号"
OUT_REFUND_NO = "商户退款单号"
REFUND_STATUS = "退款状态"
FEE = "手续费"
ORDER_AMOUNT, SETTLEMENT_AMOUNT = "订单金额", "应结订单金额"
REFUND_REQUESTED, REFUND_SETTLED = "申请退款金额", "退款金额"
FAILED_REFUND_STATES = {"FAIL", "FAILED", "CLOSED", "REFUNDCLOSE", "CHANGE", "ABNORMAL"}
SUMMARY_FIRST_COLUMN = "总交易单数"


class BillError(ValueError):
    """The file is not a trade bill we can read (the message is for logs)."""


def yuan_to_fen(text: str, *, what: str) -> int:
    """'12.30' → 1230; the fee's five decimals are rounded half up to the fen."""
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        raise BillError(f"{what}: not an amount: {text[:20]!r}") from None
    if not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise BillError(f"{what}: out of range: {text[:20]!r}")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = [[field.strip().lstrip("`") for field in row] for row in csv.reader(io.StringIO(text)) if row]
    if not rows:
        return [], []
    header = rows[0]
    if TIME not in header or OUT_TRADE_NO not in header or STATE not in header:
        raise BillError("not a WeChat Pay trade bill (header row missing)")
    data = []
    for row in rows[1:]:
        if row[0] == SUMMARY_FIRST_COLUMN:
            break
        data.append(row)
    return header, data


def parse_trade_bill(text: str) -> list[StatementLine]:
    """Every payment and refund line of the bill, in fen, in file order."""
    header, rows = _rows(text.lstrip("\ufeff"))
    column = {name: index for index, name in enumerate(header)}

    def get(row: list[str], name: str) -> str:
        index = column.get(name)
        return row[index] if index is not None and index < len(row) else ""

    def amount(row: list[str], preferred: str, fallback: str) -> int:
        name = preferred if preferred in column and get(row, preferred) else fallback
        return yuan_to_fen(get(row, name), what=name)

    lines = []
    for row in rows:
        state, common = get(row, STATE), {
            "payment_number": get(row, OUT_TRADE_NO), "provider_trade_no": get(row, TRADE_NO),
            "at": _time(get(row, TIME)), "fee": abs(yuan_to_fen(get(row, FEE), what=FEE))}
        if state == "SUCCESS":
            lines.append(StatementLine(kind="payment", amount=amount(row, ORDER_AMOUNT, SETTLEMENT_AMOUNT), **common))
        elif state == "REFUND" and get(row, REFUND_STATUS) not in FAILED_REFUND_STATES:
            lines.append(StatementLine(kind="refund", amount=amount(row, REFUND_REQUESTED, REFUND_SETTLED),
                                       refund_number=get(row, OUT_REFUND_NO),
                                       provider_refund_no=get(row, REFUND_NO), **common))
    return lines
