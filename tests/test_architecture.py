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


# Private names (``_name``) are a module's own; another module may use them only from inside
# the same package (``service.cli._errors`` for the ``service.cli`` commands). Known exceptions
# (none now), each a test reaching into the code it checks, until the name gets a public surface:
_PRIVATE_USES_KNOWN: set[tuple[str, str]] = set()
_PROJECT = ("catalog", "matching", "service", "tests", "bench")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _package(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).parts[:-1])


def _private_uses(path: Path, own_package: str) -> set[str]:
    """The private names of other packages that ``path`` (a module of ``own_package``) imports
    or reads off a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    modules: dict[str, str] = {}  # local name -> module, for ``module._name``
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        if node.module.split(".")[0] not in _PROJECT:
            continue
        parts = node.module.split(".")
        for alias in node.names:
            dotted = [*parts, alias.name]
            private_at = next((i for i, part in enumerate(dotted) if _private(part)), None)
            if private_at is not None and ".".join(dotted[:private_at]) != own_package:
                found.add(".".join(dotted))
            if (ROOT / Path(*dotted)).with_suffix(".py").exists():
                modules[alias.asname or alias.name] = ".".join(dotted)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in modules):
            found.add(f"{modules[node.value.id]}.{node.attr}")
    return found


def test_no_module_uses_another_packages_private_names() -> None:
    uses = {
        (str(path.relative_to(ROOT)), name)
        for package in _PROJECT
        for path in (ROOT / package).rglob("*.py")
        for name in _private_uses(path, _package(path))
    }
    assert uses - _PRIVATE_USES_KNOWN == set()
    assert _PRIVATE_USES_KNOWN - uses == set()  # a fixed exception leaves the list


def test_the_private_name_check_would_catch_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from service.cli._errors import fail\nfrom service import app\napp._refresh\n")
    assert _private_uses(bad, "tests") == {"service.cli._errors.fail", "service.app._refresh"}
    assert _private_uses(bad, "service.cli") == {"service.app._refresh"}  # its own package


# ``obj._name`` where ``_name`` is another project module's own (an attribute or method of its
# classes: ``ranker._arrays`` outside matching/ranker.py). A module's own private names, and
# those of libraries (defined in no project module), are not counted. Known exceptions:
_PRIVATE_ATTRIBUTES_KNOWN = {
    ("bench/geo_index.py", "_row_of"),  # times the geography's dense index itself
}


def _defined_private(tree: ast.AST) -> set[str]:
    """The private names a module defines: functions, classes, attributes it assigns
    (``self._x = ...``), names and annotated fields."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
    return {name for name in found if _private(name)}


def _foreign_private_attributes(tree: ast.AST, others: set[str]) -> set[str]:
    """The private attributes read in ``tree`` (not off ``self`` or ``cls``) that the module
    does not define and another project module does (``others``)."""
    own = _defined_private(tree)
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own
        and node.attr in others
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    }


def test_no_module_reads_another_modules_private_attributes() -> None:
    trees = {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for package in _PROJECT
        for path in (ROOT / package).rglob("*.py")
    }
    defined = {name: _defined_private(tree) for name, tree in trees.items()}
    everywhere = set().union(*defined.values())
    uses = {
        (name, attribute)
        for name, tree in trees.items()
        for attribute in _foreign_private_attributes(tree, everywhere - defined[name])
    }
    assert uses - _PRIVATE_ATTRIBUTES_KNOWN == set()
    assert _PRIVATE_ATTRIBUTES_KNOWN - uses == set()  # a fixed exception leaves the list


def test_the_private_attribute_check_would_catch_one() -> None:
    tree = ast.parse(
        "class Mine:\n"
        "    def _own(self) -> None: self._kept = 1\n"
        "def use(ranker, mine, pool):\n"
        "    ranker._arrays([]); ranker._choose(); mine._own(); mine._kept\n"
        "    pool._max_overflow\n"  # a library's private name: not the project's
    )
    others = {"_arrays", "_choose", "_own", "_kept"}
    assert _foreign_private_attributes(tree, others) == {"_arrays", "_choose"}
