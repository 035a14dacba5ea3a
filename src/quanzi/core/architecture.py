"""The parts of docs/ that are drawn from the code, so they cannot drift from it.

`manage.py architecture --write` rewrites every generated block of the docs; `--check` (run by a
test and by `make lint`) fails when a block differs from what the code says. A block is the text
between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in a Markdown file; the prose
around it is written by people.

Blocks:
- `events` (docs/events.md): every event class, who publishes it (found in the source: the
  functions that call `publish(TheClass(...))`), its payload, and its subscribers, in the
  publisher's transaction or through the outbox;
- `registries` (docs/architecture.md): every extension point and what is registered in it;
- `sweeps` (docs/architecture.md): every deadline sweep and what it does;
- `state-machines` (docs/architecture.md): every explicit state machine as a table.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import typing
from collections import defaultdict
from pathlib import Path

from quanzi.core.events import DomainEvent, event_types, subscriptions
from quanzi.core.registry import all_registries
from quanzi.core.states import state_machines
from quanzi.core.sweeps import sweeps

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "src" / "quanzi"
BLOCK = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S)


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "quanzi" else module


def _type_name(hint) -> str:
    text = getattr(hint, "__name__", None) if not typing.get_args(hint) else None
    return text or str(hint).replace("typing.", "")


def _payload(cls: type[DomainEvent]) -> str:
    hints = typing.get_type_hints(cls)
    fields = ", ".join(f"{f.name}: {_type_name(hints.get(f.name))}" for f in dataclasses.fields(cls))
    return fields.replace("|", "\\|")  # a union's bar would end the Markdown table cell


def publishers() -> dict[str, list[str]]:
    """{event class name: ["app.module.function", …]} from `publish(Class(...))` calls in the source."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            for call in (n for n in ast.walk(func) if isinstance(n, ast.Call)):
                name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
                if name != "publish" or not call.args:
                    continue
                arg = call.args[0]
                where = f"{module.removeprefix('quanzi.')}.{func.name}"
                if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Subscript):
                    found["*dynamic*"].add(where)  # publish(BY_STATUS[to](...)): one of the app's events
                elif isinstance(arg, ast.Call):
                    cls = getattr(arg.func, "id", None) or getattr(arg.func, "attr", None)
                    if cls:
                        found[cls].add(where)
    return {k: sorted(v) for k, v in found.items()}


def events_block() -> str:
    published = publishers()
    by_event: dict[type, list] = defaultdict(list)
    for sub in subscriptions:
        by_event[sub.event_type].append(sub)
    lines = ["| event | class | published by | payload | subscribers (in the transaction) | subscribers (outbox) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for cls in event_types():
        if not cls.__module__.startswith("quanzi.") or ".tests" in cls.__module__:
            continue
        subs = by_event.get(cls, [])
        in_tx = "<br>".join(f"`{s.name.removeprefix('quanzi.')}`" for s in subs if s.in_transaction) or "—"
        after = "<br>".join(f"`{s.name.removeprefix('quanzi.')}`" for s in subs if not s.in_transaction) or "—"
        dynamic = [p for p in published.get("*dynamic*", []) if p.split(".")[0] == _app(cls.__module__)]
        by = sorted(set(published.get(cls.__name__, [])) | set(dynamic))
        by_text = "<br>".join(f"`{p}`" for p in by) or "—"
        lines.append(f"| `{cls.event_name}` | `{_app(cls.__module__)}.events.{cls.__name__}` | {by_text} | "
                     f"{_payload(cls)} | {in_tx} | {after} |")
    return "\n".join(lines) + "\n"


def _describe(item) -> str:
    if isinstance(item, type):
        return item.__qualname__
    target = item if callable(item) and hasattr(item, "__qualname__") else type(item)
    return f"{_app(getattr(target, '__module__', ''))}.{target.__qualname__}".replace("quanzi.", "")


def registries_block() -> str:
    lines = ["| extension point | owner | what it is for | registered |", "| --- | --- | --- | --- |"]
    skip = {"core.events.subscriptions", "core.sweeps.sweeps", "core.states.state_machines", "web.slots"}
    for reg in all_registries():
        if reg.name.startswith("test.") or reg.name in skip:
            continue
        entries = [f"`{r.key}` ({_app(r.owner)})" if reg.keyed else f"`{_describe(r.item)}`"
                   for r in reg.registrations()]
        doc = reg.doc.replace("|", "\\|")
        lines.append(f"| `{reg.name}` | {_app(reg.owner)} | {doc} | {', '.join(entries) or '—'} |")
    lines.append("| `core.events.subscriptions` | core | see [events.md](events.md) | "
                 f"{len(subscriptions)} subscriptions |")
    lines.append("| `web.slots` | web | see [web-and-slots.md](web-and-slots.md) | page slot entries |")
    lines.append("| `core.sweeps.sweeps` / `core.states.state_machines` | core | below | — |")
    return "\n".join(lines) + "\n"


def sweeps_block() -> str:
    lines = ["| sweep | owner | what it does |", "| --- | --- | --- |"]
    for reg in sweeps.registrations():
        if reg.key.startswith("test"):
            continue
        doc = inspect.getdoc(reg.item) or ""
        summary = " ".join(doc.split("\n\n")[0].split())
        lines.append(f"| `{reg.key}` | {_app(reg.owner)} | {summary or '—'} |")
    return "\n".join(lines) + "\n"


def state_machines_block() -> str:
    lines = []
    for machine in state_machines:
        if machine.name.startswith("test."):
            continue
        lines += [f"**{machine.name}** (`{machine.code}`)", "", "| from | may become |", "| --- | --- |"]
        for state, targets in machine.transitions.items():
            lines.append(f"| `{state}` | {', '.join(f'`{t}`' for t in sorted(targets)) or '— (final)'} |")
        lines.append("")
    return "\n".join(lines)


GENERATORS = {
    "events": events_block,
    "registries": registries_block,
    "sweeps": sweeps_block,
    "state-machines": state_machines_block,
}
FILES = [ROOT / "docs" / "events.md", ROOT / "docs" / "architecture.md"]


def render(text: str) -> str:
    def fill(match: re.Match) -> str:
        generator = GENERATORS.get(match.group("name"))
        if generator is None:
            return match.group(0)
        return f"{match.group(1)}{generator()}{match.group(4)}"

    return BLOCK.sub(fill, text)


def stale_files() -> list[Path]:
    """Docs whose generated blocks do not match the code (or that lack one they should have)."""
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if not text or render(text) != text:
            stale.append(path)
    return stale


def write() -> list[Path]:
    changed = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
