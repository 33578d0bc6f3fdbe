"""Dependencies point one way: service -> matching -> catalog."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "catalog": {"matching", "service", "fastapi", "sqlalchemy", "alembic", "starlette"},
    "matching": {"service", "fastapi", "sqlalchemy", "alembic", "starlette"},
}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_would_catch_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import select\nimport fastapi.routing\n")
    assert _imported_roots(bad) >= {"sqlalchemy", "fastapi"}


# SQLAlchemy's statement builders: a module that imports one writes queries.
_QUERY_BUILDERS = {"select", "insert", "update", "delete", "text", "tuple_", "func"}
# Besides the repositories: the audit trail's own module (its queries live with it) and the
# readiness probe's "SELECT 1"; service/db defines the tables and the engine.
_QUERY_MODULES = {"service/audit.py", "service/health.py"}


def _query_builders(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("sqlalchemy", "sqlalchemy.sql"):
            found.update(alias.name for alias in node.names if alias.name in _QUERY_BUILDERS)
    return found


def test_every_query_is_in_a_repository() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_query_builders(path))
        for path in (ROOT / "service").rglob("*.py")
        if path.name != "repository.py"
        and not path.is_relative_to(ROOT / "service" / "db")
        and str(path.relative_to(ROOT)) not in _QUERY_MODULES
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_query_check_would_catch_a_query(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from sqlalchemy import func, select\n")
    assert _query_builders(bad) == {"func", "select"}
