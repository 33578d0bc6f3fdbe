"""The lock files pin every dependency pyproject.toml declares, at a version it allows, and the
Dockerfile and ./dev install from them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Each lock file and the pyproject groups it is compiled from (its header names the command).
LOCKS = {
    "requirements.lock": ["deploy"],
    "requirements-dev.lock": ["dev", "deploy"],
}


def _pins(name: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)(\[[^]]*\])?==([^\s;]+)(\s*;.*)?", line)
        assert match, f"{name}: not an exact pin: {line!r}"
        pins[canonicalize_name(match.group(1))] = match.group(3)
    return pins


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_lock_pins_every_declared_dependency(lock: str, extras: list[str]) -> None:
    pins = _pins(lock)
    declared = list(PROJECT["dependencies"])
    for extra in extras:
        declared += PROJECT["optional-dependencies"][extra]
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock} does not pin {requirement.name} (pyproject: {text})"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {requirement.name}=={pins[name]}, outside pyproject's {text}"
        )
    assert "dakmatch" not in pins  # the project itself is installed on top, without deps


def test_lock_headers_name_the_command_that_regenerates_them() -> None:
    for lock, extras in LOCKS.items():
        header = (ROOT / lock).read_text(encoding="utf-8").splitlines()[1]
        assert "uv pip compile pyproject.toml" in header
        assert all(f"--extra {extra}" in header for extra in extras), header
        assert f"-o {lock}" in header


def test_image_and_dev_install_from_the_locks() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY requirements.lock" in dockerfile
    assert "pip install -r requirements.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    dev = (ROOT / "dev").read_text(encoding="utf-8")
    assert "-r requirements-dev.lock" in dev
    assert "--no-deps -e ." in dev
