"""Masking personal data where it does not belong: logs and the admin.

`PhoneMaskingFilter` is a logging filter that rewrites any 11-digit mainland mobile number in a log
record (message and arguments) to 138****8000; `mask_address` shortens an address to its city.
Install the filter on the handlers in settings (LOGGING → filters → "mask_pii").
"""

from __future__ import annotations

import logging
import re

PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phones(text: str) -> str:
    return PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


def mask_address(address: dict | None) -> str:
    """"上海 上海 ***": the province and city only, for lists and logs."""
    if not isinstance(address, dict):
        return ""
    head = " ".join(str(address.get(k) or "") for k in ("province", "city")).strip()
    return f"{head} ***" if head else "***"


def clean_text(value, max_length: int) -> str:
    """Text from a form or the API: a string without control characters or lone surrogates, trimmed;
    anything else becomes ''. Too long raises nothing here: callers cut with `max_length`."""
    if not isinstance(value, str):
        return ""
    value = "".join(ch for ch in value if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF).strip()
    return value[:max_length]


class PhoneMaskingFilter(logging.Filter):
    """Rewrites phone numbers in every record it sees (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_phones(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask_phones(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: mask_phones(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True
