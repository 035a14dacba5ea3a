"""Check the one boundary import-linter cannot express simply: no module imports another app's models.

    python -m quanzi.core.boundaries          # lists every offending import; exit status 1 if any

An app's tables are private. Outside the app, only its `models.py` may name them in foreign keys
(as "app.Model" strings, or by importing the model class in the other app's models.py); everybody
else reads through the app's selectors and changes data through its services. This walks every
Python file of the project (apps, their tests, conftest.py, bench/, tests/, config/) and reports:

- `from quanzi.<app>.models import …`, `from quanzi.<app> import models`, `import quanzi.<app>.models`
  in a module that is not inside <app>, and not `models.py` (or `models/`) of another app;
- the same inside `if TYPE_CHECKING:` blocks (typing is a dependency too);
- `apps.get_model("<app>", …)` / `apps.get_model("<app>.<Model>")` outside migrations, the
  same dependency spelled so that imports cannot see it.

`get_user_model()` / `settings.AUTH_USER_MODEL` are the sanctioned way to name the user model.
Migrations are exempt (they are history, written by Django).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "src" / "quanzi"
SCANNED = [PACKAGE, ROOT / "tests", ROOT / "bench", ROOT / "config", ROOT / "conftest.py"]


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    importer: str  # the app the file belongs to ("" outside any app)
    target: str  # the app whose models are imported
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer or '(project)'} imports {self.target}.models: {self.text}"


def apps() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _files() -> list[Path]:
    found: list[Path] = []
    for place in SCANNED:
        if place.is_file():
            found.append(place)
        elif place.is_dir():
            found += sorted(p for p in place.rglob("*.py") if "migrations" not in p.parts and ".venv" not in p.parts)
    return found


def _owner(path: Path) -> tuple[str, bool]:
    """(app the file belongs to, whether the file is that app's models module)."""
    try:
        rel = path.relative_to(PACKAGE)
    except ValueError:
        return "", False
    app = rel.parts[0] if len(rel.parts) > 1 else ""
    is_models = len(rel.parts) >= 2 and (rel.parts[1] == "models.py" or rel.parts[1] == "models")
    return app, is_models


def _targets(node: ast.AST, known: set[str]) -> list[str]:
    """Apps whose models this import statement (or get_model call) names."""
    found = []
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        parts = node.module.split(".")
        if parts[0] == "quanzi" and len(parts) >= 2 and parts[1] in known:
            if len(parts) >= 3 and parts[2] == "models":
                found.append(parts[1])
            elif len(parts) == 2 and any(alias.name == "models" for alias in node.names):
                found.append(parts[1])
    elif isinstance(node, ast.Import):
        for alias in node.names:
            parts = alias.name.split(".")
            if parts[0] == "quanzi" and len(parts) >= 3 and parts[1] in known and parts[2] == "models":
                found.append(parts[1])
    elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get_model" and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            label = first.value.split(".")[0]
            if label in known:
                found.append(label)
    return found


def violations() -> list[Violation]:
    known = apps()
    out: list[Violation] = []
    for path in _files():
        app, is_models = _owner(path)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        lines = source.splitlines()
        for node in ast.walk(tree):
            for target in _targets(node, known):
                if target == app or is_models:
                    continue
                text = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
                out.append(Violation(str(path.relative_to(ROOT)), node.lineno, app, target, text))
    return sorted(out, key=lambda v: (v.path, v.line))


def main() -> int:
    found = violations()
    for v in found:
        print(v)
    print(f"{len(found)} import(s) of another app's models outside models.py")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
