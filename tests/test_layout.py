"""The layout's nevers: data flows one way, so no package imports one above it.

Floors, bottom up: ``netlaw`` (settings, text, the query records) → ``vectorstore`` (the store and its
records) → ``ingest`` (writes into the store) → ``qa`` → ``service`` → ``ui`` → ``app`` → ``evals`` (the gold
set, the naive baseline, the fit) → ``benchmarks`` (scripts that print figures; they may use ``evals``, never
the reverse). Every import is read with ``ast``, inside functions too; an import only for type checking
(``if TYPE_CHECKING:``) counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from netlaw.settings import PROJECT_ROOT

FLOORS = ["netlaw", "vectorstore", "ingest", "qa", "service", "ui", "app", "evals", "benchmarks"]


def package_of(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).parts[0].removesuffix(".py")


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import of a module."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module.split(".")[0]))
    return out


def sources() -> list[Path]:
    return sorted([PROJECT_ROOT / "app.py"] + [p for floor in FLOORS if (PROJECT_ROOT / floor).is_dir()
                                              for p in (PROJECT_ROOT / floor).rglob("*.py")])


def upward(path: Path) -> list[str]:
    floor = FLOORS.index(package_of(path))
    return [f"line {line}: imports {target}" for line, target in imports(path)
            if target in FLOORS and FLOORS.index(target) > floor]


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_nothing_imports_a_floor_above_it(path):
    found = upward(path)
    assert not found, f"{path.relative_to(PROJECT_ROOT)} imports what is above it:\n" + "\n".join(found)


@pytest.mark.parametrize(("importer", "imported"), [("ui", "vectorstore"), ("evals", "benchmarks"),
                                                    ("qa", "evals")])
def test_a_named_never_holds(importer, imported):
    """The nevers of issue 28, each on its own (the floors above already imply them)."""
    found = [f"{p.relative_to(PROJECT_ROOT)}:{line}" for p in sources() if package_of(p) == importer
             for line, target in imports(p) if target == imported]
    assert not found, f"{importer}/ imports {imported}/: {found}"


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """A store module that imports the UI is caught (the check can fail)."""
    bad = PROJECT_ROOT / "vectorstore" / "__layout_probe__.py"
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: "def f():\n    from ui.chat import ChatPage\n"
                        if self == bad else Path.read_bytes(self).decode(encoding or "utf-8"))
    assert upward(bad) == ["line 2: imports ui"]
