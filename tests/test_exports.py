"""Public surfaces are declared once: ``__all__`` lists exactly what a package offers, and no
module reaches into another module's ``_private`` names."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("catalog", "matching", "service")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private_imports(text: str, module: str, is_package: bool = False) -> list[str]:
    """``from other import _name`` and ``other._name`` (``other`` an imported name) in the
    source ``text`` of ``module``: each as ``line: other._name``. Dunder names are not private."""
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(text)
    found: list[str] = []
    imported: dict[str, str] = {}  # local name -> what it names
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                source = ".".join([*base, *([source] if source else [])])
            for alias in node.names:
                if _private(alias.name) and source != module:
                    found.append(f"{node.lineno}: {source}.{alias.name}")
                imported[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                imported[local] = alias.name if alias.asname else local
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
            and _private(node.attr)
        ):
            found.append(f"{node.lineno}: {imported[node.value.id]}.{node.attr}")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_another_modules_private_names(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): _private_imports(
            path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py"
        )
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_check_would_catch_a_private_import() -> None:
    text = (
        "from matching.features import _NEED_INDEX\n"
        "from . import ranker\n"
        "import matching.places as places\n"
        "x = ranker._CHUNK + places._helper()\n"
        "y = ranker.__name__\n"
        "def _own() -> None: ...\n"
    )
    assert _private_imports(text, "matching.bad") == [
        "1: matching.features._NEED_INDEX",
        "4: matching.ranker._CHUNK",
        "4: matching.places._helper",
    ]


def _public_names(module: types.ModuleType) -> set[str]:
    """What ``module`` binds that a user may take: not ``_private``, not a submodule."""
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


@pytest.mark.parametrize("package", ["catalog", "matching"])
def test_all_lists_exactly_the_public_names(package: str) -> None:
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert exported == sorted(set(exported), key=exported.index), "duplicates in __all__"
    assert set(exported) == _public_names(module)
