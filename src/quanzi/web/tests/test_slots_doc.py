"""docs/web-and-slots.md lists every declared slot, with its kind, its owner and the apps that fill it."""

import re
from pathlib import Path

from quanzi.web.slots import declared_slots, entries

DOC = Path(__file__).resolve().parents[4] / "docs" / "web-and-slots.md"
ROW = re.compile(r"^\| `(?P<name>[\w.]+)` \| (?P<kind>\w+) \| (?P<owner>\w+) \| [^|]+ \| (?P<filled>[^|]+) \|$")


def documented() -> dict[str, dict]:
    section = DOC.read_text(encoding="utf-8").split("## Declared slots", 1)[1]
    return {m["name"]: m.groupdict() for m in map(ROW.match, section.splitlines()) if m}


def filling_app(entry) -> str:
    """The app an entry comes from: its template's folder, else its URL's namespace, else its key's prefix."""
    if entry.template:
        return entry.template.split("/", 1)[0]
    namespace = entry.url.split(":", 1)[0] if ":" in entry.url else ""
    return namespace if namespace and namespace != "admin" else entry.key.split(".", 1)[0]


def test_the_doc_table_is_read():
    assert len(documented()) >= 10


def test_every_declared_slot_is_in_the_table_and_nothing_else():
    assert sorted(documented()) == [d.name for d in declared_slots()]


def test_kind_and_owner_match_the_declarations():
    rows = documented()
    assert [(d.name, d.kind, d.owner) for d in declared_slots()] == [
        (d.name, rows[d.name]["kind"], rows[d.name]["owner"]) for d in declared_slots()]


def test_the_filled_by_column_names_exactly_the_apps_that_fill_the_slot():
    rows = documented()
    mismatches = {}
    for declared in declared_slots():
        named = set(re.findall(r"`(\w+)`", rows[declared.name]["filled"]))
        filling = {filling_app(entry) for entry in entries(declared.name)}
        if named != filling:
            mismatches[declared.name] = {"doc": sorted(named), "code": sorted(filling)}
    assert mismatches == {}
