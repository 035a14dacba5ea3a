"""Interactions as the models see them: who did what to which item and when, and the sparse user × item
matrix built from them (scipy CSR; rows and columns numbered in first-seen order, ids kept aside).

Event weights say how much an interaction tells about taste: an order more than a view. The same weights
serve training and evaluation (docs/recommend.md).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

EVENT_WEIGHTS = {"view": 1.0, "like": 2.0, "cart": 3.0, "share": 3.0, "order": 5.0}
CSV_COLUMNS = ("user_id", "item_id", "timestamp", "event")
MAX_ID_LENGTH = 64


@dataclass(frozen=True)
class Interaction:
    user: str
    item: str
    ts: float  # epoch seconds
    event: str


@dataclass
class ReadReport:
    """What reading a file skipped, by reason, with the first few line numbers of each."""

    read: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)

    def skip(self, reason: str, line: int) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < 5:
            self.examples[reason].append(line)


def _valid_id(value: str) -> bool:
    return 0 < len(value) <= MAX_ID_LENGTH and value.isprintable()


def read_csv(lines: Iterable[str], report: ReadReport) -> Iterator[Interaction]:
    """Interactions from CSV text with the columns `user_id,item_id,timestamp,event` (a header row is
    required; extra columns are ignored). Bad rows are counted in `report` by reason and skipped: a
    missing field, an id that is empty, over 64 characters or unprintable, a timestamp that is not a finite
    number of epoch seconds, an event outside `EVENT_WEIGHTS`."""
    rows = csv.reader(lines)
    header = [h.strip().lower() for h in next(rows, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise ValueError(f"the CSV needs the columns {','.join(CSV_COLUMNS)}; missing: {','.join(missing)}")
    at = {c: header.index(c) for c in CSV_COLUMNS}
    for line, row in enumerate(rows, start=2):
        if len(row) < len(header):
            report.skip("missing_field", line)
            continue
        user, item, ts, event = (row[at[c]].strip() for c in CSV_COLUMNS)
        if not (_valid_id(user) and _valid_id(item)):
            report.skip("bad_id", line)
            continue
        try:
            when = float(ts)
        except ValueError:
            report.skip("bad_timestamp", line)
            continue
        if not math.isfinite(when) or not 0 <= when < 32503680000:  # before the year 3000
            report.skip("bad_timestamp", line)
            continue
        event = event.lower()
        if event not in EVENT_WEIGHTS:
            report.skip("unknown_event", line)
            continue
        report.read += 1
        yield Interaction(user=user, item=item, ts=when, event=event)


@dataclass
class Index:
    """Row and column numbers of users and items."""

    users: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)

    def user(self, key: str) -> int:
        return self.users.setdefault(key, len(self.users))

    def item(self, key: str) -> int:
        return self.items.setdefault(key, len(self.items))


def matrix(interactions: Iterable[Interaction], index: Index, *, shape: tuple[int, int] | None = None) -> sparse.csr_matrix:
    """The weighted user × item matrix: the sum of the interactions' weights per cell (`index` numbers the
    rows and columns; new users and items get the next numbers)."""
    rows, cols, vals = [], [], []
    for it in interactions:
        rows.append(index.user(it.user))
        cols.append(index.item(it.item))
        vals.append(EVENT_WEIGHTS[it.event])
    shape = shape or (len(index.users), len(index.items))
    m = sparse.coo_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=shape).tocsr()
    m.sum_duplicates()
    return m
