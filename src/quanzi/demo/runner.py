"""Run the registered demo seeders (`quanzi.core.seeding.seeders`) in order, in one transaction.

Every seeder is asked whether its data is already there before any of them runs (so the seeders of
one section — the social layer's five — agree, although the first one makes the marker the others
would see). The missing ones run with one `DemoContext`; a section stops at its first seeder that
had nothing to do (its prerequisites are missing), because the rest of the section builds on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import translation

from quanzi.core.seeding import DemoSeeder, seeders

DEMO_LANGUAGE = "zh-hans"  # the language the demo's shops write first (data.py; data_en.py adds English)


@dataclass
class SeedRun:
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # section → what its seeders added
    parts: dict[str, list[str]] = field(default_factory=dict)  # section → its seeders' report fragments
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def added(self) -> list[str]:
        """The sections that added data, in run order."""
        return list(self.results)

    def lines(self, *, skip: Iterable[str] = ()) -> list[str]:
        """One report line per section ("  social: 5 creators, 19 notes (57 images), …")."""
        skipped = set(skip)
        return [f"  {self.labels[name]}: " + ", ".join(parts) for name, parts in self.parts.items()
                if name not in skipped]


def run_seeders(*, small: bool = False, out=None, only: Iterable[str] | None = None) -> SeedRun:
    """Seed whatever is missing (or only the seeders/sections named in `only`); what was added."""
    from quanzi.demo.context import DemoContext

    wanted = set(only) if only is not None else None
    chosen = [s for s in seeders if wanted is None or s.key in wanted or s.section_name in wanted]
    ctx = DemoContext(small=small, out=out)
    there = _present_sections(ctx)
    missing = [s for s in chosen if not there.get(s.section_name, False)]
    run, stopped = SeedRun(), set()
    # The shops and people of the demo write Chinese first (their English is added explicitly), and
    # snapshots such as order lines are taken in every language, whatever language started the seed.
    with transaction.atomic(), translation.override(DEMO_LANGUAGE):
        for seeder in missing:
            if seeder.section_name in stopped:
                continue
            ctx.begin(seeder)
            result = seeder.run(ctx)
            if not result:
                stopped.add(seeder.section_name)
                continue
            _record(run, seeder, result)
    return run


def _present_sections(ctx) -> dict[str, bool]:
    """Section → whether its data is there, as its first seeder with a `present` test says."""
    there: dict[str, bool] = {}
    for seeder in seeders:
        if seeder.section_name not in there and seeder.present is not None:
            there[seeder.section_name] = bool(seeder.present(ctx))
    return there


def _record(run: SeedRun, seeder: DemoSeeder, result: dict[str, Any]) -> None:
    name = seeder.section_name
    run.results.setdefault(name, {}).update(result)
    run.parts.setdefault(name, []).append(seeder.report(result))
    run.labels.setdefault(name, seeder.label or name)


def seed_section(name: str, *, out=None) -> dict[str, Any] | None:
    """Seed one seeder or section if it is missing; what it added, or None (already there, or its
    prerequisites are missing). What `seed_demo` does for a feature added after the shop was seeded."""
    return run_seeders(out=out, only=[name]).results.get(name)


def is_seeded(name: str) -> bool:
    """Whether the data of a seeder or section is in the database."""
    from quanzi.demo.context import DemoContext

    there = _present_sections(DemoContext())
    return all(there.get(s.section_name, False) for s in seeders if name in (s.key, s.section_name))


@contextlib.contextmanager
def seeders_left_out(*names: str) -> Iterator[None]:
    """Tests: run `seed_demo` as it was before a feature existed (its seeders unregistered)."""
    taken = [r for r in seeders.registrations() if r.key in names or r.item.section_name in names]
    for r in taken:
        seeders.unregister(r.key)
    try:
        yield
    finally:
        for r in taken:
            seeders.register(r.item, key=r.key, order=r.order)
