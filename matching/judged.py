"""Judged relevance sets: profiles with graded judgements per offering id (tests/data/)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

STATE_GROUPS = ("north", "south", "east", "north_east", "west", "central")
SET_FILES = {
    "tuning": "judged_tuning.yaml",
    "held_aside": "judged_held_aside.yaml",
    # Written by a different author than the ranker's and never used for tuning.
    "independent": "judged_independent.yaml",
}


class JudgedSetError(ValueError):
    """A judged-set file that cannot be used, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class JudgedProfile:
    """One profile with its graded judgements (unlisted offerings are grade 0)."""

    id: str
    set: str
    state_group: str
    profile: dict[str, Any]
    relevance: dict[str, int]
    why: dict[str, str]


def default_directory() -> Path:
    """``tests/data`` of the source tree (the judged sets are not shipped in the wheel)."""
    return Path(__file__).resolve().parents[1] / "tests" / "data"


def load_set(path: Path, offering_ids: Iterable[str] | None = None) -> list[JudgedProfile]:
    """Read one judged-set file and check it: grades 1 or 2, known ids, a reason per grade 2."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), list):
        raise JudgedSetError([f"{path.name}: expected a mapping with a 'profiles' list"])
    known = set(offering_ids) if offering_ids is not None else None
    name = str(document.get("set", path.stem))
    problems: list[str] = []
    out: list[JudgedProfile] = []
    seen: set[str] = set()
    for entry in document["profiles"]:
        pid = str(entry.get("id", "?"))
        where = f"{path.name} {pid}"
        if pid in seen:
            problems.append(f"{where}: id repeated")
        seen.add(pid)
        relevance = {str(k): int(v) for k, v in (entry.get("relevance") or {}).items()}
        why = {str(k): str(v) for k, v in (entry.get("why") or {}).items()}
        group = str(entry.get("state_group", ""))
        if group not in STATE_GROUPS:
            problems.append(f"{where}: state_group {group!r} is not one of {STATE_GROUPS}")
        if not any(g == 2 for g in relevance.values()):
            problems.append(f"{where}: no grade-2 judgement")
        for oid, grade in relevance.items():
            if grade not in (1, 2):
                problems.append(f"{where}: grade {grade} for {oid} (use 1 or 2; omit 0)")
            if known is not None and oid not in known:
                problems.append(f"{where}: unknown offering id {oid!r}")
            if grade == 2 and not why.get(oid):
                problems.append(f"{where}: grade 2 for {oid} without a reason in 'why'")
        out.append(JudgedProfile(pid, name, group, dict(entry.get("profile") or {}),
                                 relevance, why))
    if problems:
        raise JudgedSetError(problems)
    return out


def load_sets(
    directory: Path | None = None, offering_ids: Iterable[str] | None = None
) -> dict[str, list[JudgedProfile]]:
    """Every judged set, by name (``tuning``, ``held_aside``, ``independent``)."""
    base = directory or default_directory()
    ids = list(offering_ids) if offering_ids is not None else None
    return {name: load_set(base / file, ids) for name, file in SET_FILES.items()}
