"""The compiled explanation modules: used only while they match the source, and they rank
exactly as the pure-Python modules do."""

from __future__ import annotations

import importlib.machinery
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from matching_factories import make_profile

from matching import Ranker, native
from service.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _tree(root: Path) -> Path:
    """A small source tree in the shape ``tag`` and ``activate`` read."""
    for package in ("catalog", "matching"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "matching" / "answer.py").write_text("X = 1\n")
    (root / "catalog" / "vocab.py").write_text("Y = 2\n")
    return root


def test_the_tag_follows_every_source_of_both_packages(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    first = native.tag(root)
    assert native.tag(root) == first
    (root / "catalog" / "vocab.py").write_text("Y = 3\n")
    changed = native.tag(root)
    assert changed != first
    (root / "matching" / "extra.py").write_text("")
    assert native.tag(root) != changed
    # A build's own files are not sources.
    added = native.tag(root)
    (root / "matching" / native.BUILDS / "x").mkdir(parents=True)
    (root / "matching" / native.BUILDS / "x" / "stub.py").write_text("")
    assert native.tag(root) == added


def test_only_a_complete_build_of_the_current_sources_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("DAKMATCH_NATIVE", raising=False)
    loaded: list[Path] = []
    monkeypatch.setattr(native, "_load_group", loaded.append)
    root = _tree(tmp_path)
    build = native.build_dir(root)
    (build / "matching").mkdir(parents=True)
    library = build / f"{native.LIBRARY}{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    library.write_bytes(b"")
    path: list[str] = ["src"]
    assert native.activate(path, root) is None  # no COMPLETE: a build cut short
    assert path == ["src"]
    (build / "COMPLETE").write_text("done\n")
    monkeypatch.setenv("DAKMATCH_NATIVE", "0")
    assert native.activate(path, root) is None  # switched off
    monkeypatch.delenv("DAKMATCH_NATIVE")
    before = list(sys.path)
    assert native.activate(path, root) == build
    assert path == [str(build / "matching"), "src"]
    assert loaded == [library]
    assert sys.path == before  # see test_a_spawned_process_imports_the_package_...
    (root / "matching" / "answer.py").write_text("X = 2\n")  # the source changed since
    stale: list[str] = ["src"]
    assert native.activate(stale, root) is None
    assert stale == ["src"]


def test_a_build_whose_library_is_missing_or_unloadable_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DAKMATCH_NATIVE", raising=False)
    root = _tree(tmp_path)
    build = native.build_dir(root)
    (build / "matching").mkdir(parents=True)
    (build / "COMPLETE").write_text("done\n")
    path: list[str] = ["src"]
    assert native.activate(path, root) is None  # no shared library
    name = native.LIBRARY
    monkeypatch.delitem(sys.modules, name, raising=False)
    (build / f"{name}{importlib.machinery.EXTENSION_SUFFIXES[0]}").write_bytes(b"not ELF")
    assert native.activate(path, root) is None  # not a library this interpreter loads
    assert path == ["src"]
    assert name not in sys.modules


_SPAWN = """
import multiprocessing
from matching import native
if __name__ == "__main__":
    child = multiprocessing.get_context("spawn").Process(
        target=exec, args=("from matching import Ranker",))
    child.start()
    child.join(120)
    print(native.active(), child.exitcode)
"""


@pytest.mark.slow
def test_a_spawned_process_imports_the_package_with_this_ones_path(tmp_path: Path) -> None:
    # multiprocessing's spawn (uvicorn's --workers, Dask's workers) starts a fresh interpreter
    # with the parent's sys.path. Run from outside the project, as the installed ``dakmatch``
    # runs, the build's folder on that path once made ``matching`` an empty namespace package
    # in the child ("cannot import name 'Ranker' from 'matching'").
    script = tmp_path / "spawn.py"
    script.write_text(_SPAWN)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True, timeout=180)
    # The script uses the build exactly when this process does (same build and environment).
    assert done.stdout.split() == [str(native.active()), "0"], done.stderr[-3000:]


def test_a_failed_build_leaves_nothing_to_use(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    for module in native.MODULES:
        (root / module).write_text("def f() -> int:\n    return 'not an int'\n")
    with pytest.raises(RuntimeError, match="mypyc build failed"):
        native.build(root)
    builds = root / "matching" / native.BUILDS
    assert not native.built(native.build_dir(root))
    assert [p.name for p in builds.iterdir()] == []


_RANK_ALL = """
import json, sys
from catalog import Geography, load_catalog
from matching import Ranker, native, parse_profile
from matching.judged import load_sets
geography = Geography.load()
ranker = Ranker().fit(load_catalog(), geography)
profiles = [parse_profile(j.profile, geography) for s in load_sets().values() for j in s]
def plain(r):
    return [[x.rank, x.offering_id, x.name, x.provider, x.category, repr(x.score),
             list(x.reasons), list(x.prerequisites), x.next_step,
             None if x.location is None else [x.location.name, x.location.pincode,
                                              repr(x.location.distance_km), x.location.note]]
            for x in r.recommendations] + [[n.offering_id, list(n.reasons)]
                                           for n in r.not_eligible] + [r.model_version]
one = [plain(ranker.rank(p, k=10)) for p in profiles]
ks = [1 + i % 12 for i in range(len(profiles))]
batched = [plain(r) for start in range(0, len(profiles), 16)
           for r in ranker.rank_batch(profiles[start:start + 16], ks[start:start + 16])]
json.dump({"compiled": native.active(), "one": one, "batched": batched}, sys.stdout)
"""


def _rank_all(compiled: bool) -> dict[str, object]:
    env = dict(os.environ, DAKMATCH_NATIVE="1" if compiled else "0")
    done = subprocess.run([sys.executable, "-c", _RANK_ALL], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.slow
def test_the_compiled_modules_rank_exactly_as_the_pure_python_ones() -> None:
    if not native.built(native.build_dir()):
        pytest.skip("no build of the current sources (`dakmatch native build`; ./dev builds it)")
    compiled, pure = _rank_all(compiled=True), _rank_all(compiled=False)
    assert compiled.pop("compiled") is True
    assert pure.pop("compiled") is False
    assert compiled == pure


def test_status_says_which_modules_this_process_uses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["native", "status"]) == 0
    out = capsys.readouterr().out
    expected = "compiled" if native.active() else "pure Python"
    assert f"in use in this process: {expected}\n" in out


def test_a_fitted_ranker_and_its_rankings_survive_pickling(ranker: Ranker) -> None:
    # Batch workers receive the fitted ranker pickled; compiled, the frozen dataclasses are
    # rebuilt through their constructors (result.field_values).
    jeweller = make_profile(needs=["international_shipping", "shipment_insurance"])
    copy = pickle.loads(pickle.dumps(ranker))
    ranking = ranker.rank(jeweller, k=10)
    assert ranking.recommendations
    assert ranking.not_eligible
    assert copy.rank(jeweller, k=10) == ranking
    assert pickle.loads(pickle.dumps(ranking)) == ranking
