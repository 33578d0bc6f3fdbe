"""Compiled copies of the explanation modules, used only while they match the source.

Writing ten explained recommendations per profile is plain Python work (string building,
attribute reads, small loops) and most of what a ranking request costs the ranking thread.
``dakmatch native build`` compiles the modules in ``MODULES`` with mypyc (the
compiler that ships with mypy: the type annotations the code already has become C) into
``matching/_native/<tag>/``. The tag is a hash of everything the compiled code was built from:
every source file of ``matching`` and ``catalog`` and the Python version (the compiled modules
carry mypyc's runtime, so mypy itself is needed only to build). At import,
``matching`` puts the build of the current tag first on its search path when there is one, so
an edited source or another interpreter never runs stale compiled code: the
package stays pure Python until it is built again (``./dev`` does so whenever the tag changes).

The compiled modules give byte-identical rankings (tests/matching/test_native.py compares them
with the pure-Python ones). ``DAKMATCH_NATIVE=0`` keeps the pure-Python modules.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The modules compiled: the explanations and what they build (see the module docstring).
MODULES = ("matching/answer.py", "matching/explain.py", "matching/places.py", "matching/result.py")
GROUP = "dakmatch_native"  # mypyc's group of the compiled modules
LIBRARY = f"{GROUP}__mypyc"  # the name of the shared library they import
BUILDS = "_native"  # the builds' folder, inside the package
_COMPLETE = "COMPLETE"  # written last into a build: a build without it is not used
_SOURCES = ("catalog", "matching")  # the packages whose sources the tag covers

_ROOT = Path(__file__).resolve().parents[1]  # the folder that holds the packages


def tag(root: Path = _ROOT) -> str:
    """The hash that names the build of the sources under ``root`` for this interpreter."""
    digest = hashlib.sha256()
    digest.update(f"{sys.implementation.cache_tag} {sys.version}".encode())
    for package in _SOURCES:
        for path in sorted((root / package).rglob("*.py")):
            if BUILDS in path.relative_to(root).parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def build_dir(root: Path = _ROOT) -> Path:
    """Where the build of the current sources is (or would be)."""
    return root / "matching" / BUILDS / tag(root)


def built(target: Path) -> bool:
    """Whether ``target`` holds a complete build."""
    return (target / _COMPLETE).is_file()


def active() -> bool:
    """Whether the compiled modules are the ones imported in this process."""
    answer = sys.modules.get("matching.answer")
    return answer is not None and not str(getattr(answer, "__file__", "")).endswith(".py")


def activate(package_path: list[str], root: Path = _ROOT) -> Path | None:
    """Put the build of the current sources first on ``package_path`` (``matching.__path__``)
    when there is a complete one and ``DAKMATCH_NATIVE`` is not 0; the build used, or None.

    The compiled modules import their shared library (``LIBRARY``) by name, so it is loaded into
    ``sys.modules`` here. The build's folder is not put on ``sys.path``: it holds a folder
    ``matching`` without ``__init__.py``, and a process started with this one's ``sys.path``
    (multiprocessing's spawn: ``serve --workers``, Dask workers) found it as an empty
    namespace package ``matching`` before the installed one.
    """
    if os.environ.get("DAKMATCH_NATIVE", "1").strip() == "0":
        return None
    try:
        found = build_dir(root)
    except OSError:  # a source could not be read: nothing to check the build against
        return None
    if not built(found):
        return None
    library = _group_library(found)
    if library is None:
        return None
    try:
        _load_group(library)
    except ImportError:  # a build this interpreter cannot load: stay pure Python
        return None
    package_path.insert(0, str(found / "matching"))
    return found


def _group_library(found: Path) -> Path | None:
    """The shared library of the compiled modules in the build ``found`` (None: missing)."""
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = found / f"{LIBRARY}{suffix}"
        if path.is_file():
            return path
    return None


def _load_group(path: Path) -> None:
    """Load the compiled modules' shared library into ``sys.modules`` under its own name."""
    if LIBRARY in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(LIBRARY, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[LIBRARY] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[LIBRARY]
        raise


def build(root: Path = _ROOT, quiet: bool = True) -> Path:
    """Compile ``MODULES`` for the current sources unless that build exists; its folder.

    Raises ``RuntimeError`` (with the compiler's output) when the build fails; nothing of a
    failed build is left where ``activate`` looks.
    """
    target = build_dir(root)
    if built(target):
        return target
    builds = target.parent
    builds.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=builds, prefix=".building-") as tmp:
        staging = Path(tmp) / "out"
        script = (
            "import sys\n"
            "from mypyc.build import mypycify\n"
            "from setuptools import setup\n"
            f"setup(name={GROUP!r}, script_args=['build_ext', '--build-lib', sys.argv[1],\n"
            "      '--build-temp', sys.argv[2]],\n"
            f"      ext_modules=mypycify({list(MODULES)!r}, group_name={GROUP!r},\n"
            "                          target_dir=sys.argv[3]))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(staging), str(Path(tmp) / "temp"),
             str(Path(tmp) / "c")],
            cwd=root, capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"mypyc build failed:\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
        if not quiet:
            print(done.stdout, end="")
        missing = [m for m in MODULES if not any(
            (staging / m).parent.glob(Path(m).stem + ".*.so"))]
        if missing:
            raise RuntimeError(f"mypyc build produced no library for {', '.join(missing)}")
        (staging / _COMPLETE).write_text(tag(root) + "\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    for old in builds.iterdir():  # builds of earlier sources are never used again
        if old != target and not old.name.startswith(".building-"):
            shutil.rmtree(old, ignore_errors=True)
    return target
