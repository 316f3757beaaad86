"""The rules the code keeps so that a newcomer can find their way: modules small enough
to read, and no module reaching into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "geo")
LONGEST = 400


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _foreign_private_uses(path: Path) -> list[str]:
    """Every underscore name of another module that `path` imports or reads: `from m
    import _x` (parenthesised or not) and `m._x` where `m` is a module it imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                modules.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name | ast.Attribute)
        ):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules and base.id != "self":
                found.append(f"{ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", _modules(), ids=_module_name)
def test_no_module_reads_another_modules_private_names(path):
    assert _foreign_private_uses(path) == []


@pytest.mark.parametrize("path", _modules(), ids=_module_name)
def test_every_module_is_short_enough_to_read(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONGEST, f"{_module_name(path)} has {lines} lines"


def test_the_walk_finds_a_private_import_and_a_private_attribute(tmp_path):
    """The check itself: a parenthesised private import and a module's private attribute."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tracker.stats import (\n    Filters,\n    _aggregate,\n)\n"
        "import tracker.stats as stats\n\nstats._unit_of('region')\n",
        encoding="utf-8",
    )
    assert _foreign_private_uses(sample) == [
        "from tracker.stats import _aggregate",
        "stats._unit_of",
    ]


def _test_modules() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.py"))


@pytest.mark.parametrize("path", _test_modules(), ids=lambda p: str(p.relative_to(ROOT / "tests")))
def test_no_test_imports_another_test_module(path):
    """Fixtures live in conftest.py and plain helpers in tests/support.py: a test that
    imports another test module (or conftest) ties the two together by accident."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imported = [
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert [
        name
        for name in imported
        if name.startswith("tests.") and name.split(".")[-1].startswith(("test_", "conftest"))
    ] == []
