"""Judged relevance sets: profiles with graded judgements per offering id (tests/data/)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

STATE_GROUPS = ("north", "south", "east", "north_east", "west", "central")
SET_FILES = {
    "tuning": "judged_tuning.yaml",
    "held_aside": "judged_held_aside.yaml",
    # Written by a different author than the ranker's and never used for tuning.
    "independent": "judged_independent.yaml",
}
# Profiles as enterprises and partner portals really send them (issue 17): mostly partial, a
# quarter in Hindi or Marathi, some contradictory. Reported by `dakmatch eval` beside the sets
# above; kept out of SET_FILES so that benchmarks and tests that rank "every judged profile" keep
# their workload, and because some of its profiles are valid only under DESIGN §4 as amended.
REALISTIC_FILES = {"realistic": "judged_realistic.yaml"}
# A development set written the same way as the realistic one (tags, partial profiles, texts in
# Hindi and Marathi) before the ranker was changed for it: weights, thresholds and lexicon may be
# chosen on it and on the tuning set, never on the realistic set, which stays held out.
DEV_FILES = {"realistic_dev": "judged_realistic_dev.yaml"}
# A second held-out set written blind (before running the ranker on it) for shapes the others have
# few of: partner-portal pushes with only a products text, officers' notes, WhatsApp-style mixed
# Hindi/Marathi and English, marketplace and Instagram sellers, services, SHGs and FPOs, states
# across India incl. the North East and the islands. Like the realistic set, never tuned on.
FRESH_FILES = {"fresh": "judged_fresh.yaml"}
# Sets of profiles as they are really sent, reported by kind of profile (partial, language ...).
AS_SENT_FILES = {**DEV_FILES, **REALISTIC_FILES, **FRESH_FILES}
EVAL_FILES = {**SET_FILES, **AS_SENT_FILES}
REQUIRED_FIELDS = frozenset({"pincode", "sector"})
# Language tags (BCP 47: Devanagari Hindi and Marathi, romanised forms, English mixed in) and
# "contradictory" (fields that disagree with each other).
LANGUAGE_TAGS = ("hi", "mr", "hi-Latn", "mr-Latn")
TAGS = (*LANGUAGE_TAGS, "en-mix", "contradictory")
# What to do with a judged offering id that the catalogue lacks: "error" refuses the file (the
# judged sets and the catalogue must agree); "absent" keeps the judgement, so the id still counts
# in the ideal ranking (NDCG's denominator, recall) but can never be recommended. "absent" is for
# measuring an older catalogue on today's judgements (`dakmatch eval --missing-ids absent`).
MissingIds = Literal["error", "absent"]


class JudgedSetError(ValueError):
    """A judged-set file that cannot be used, with every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class JudgedProfile:
    """One profile with its graded judgements (unlisted offerings are grade 0).

    ``avoid`` maps offerings that a fact rules out for this profile (they must not be in a top
    five) to the reason; ``tags`` are from :data:`TAGS`.
    """

    id: str
    set: str
    state_group: str
    profile: dict[str, Any]
    relevance: dict[str, int]
    why: dict[str, str]
    avoid: dict[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()

    @property
    def partial(self) -> bool:
        """One to three fields given beyond the required ``pincode`` and ``sector``."""
        return 1 <= len(set(self.profile) - REQUIRED_FIELDS) <= 3

    @property
    def in_indian_language(self) -> bool:
        """Text in Hindi or Marathi, in Devanagari or romanised."""
        return any(tag in LANGUAGE_TAGS for tag in self.tags)

    @property
    def contradictory(self) -> bool:
        return "contradictory" in self.tags


def default_directory() -> Path:
    """``tests/data`` of the source tree (the judged sets are not shipped in the wheel)."""
    return Path(__file__).resolve().parents[1] / "tests" / "data"


def load_set(
    path: Path, offering_ids: Iterable[str] | None = None, missing_ids: MissingIds = "error"
) -> list[JudgedProfile]:
    """Read one judged-set file and check it: grades 1 or 2, known ids (unless ``missing_ids``
    is ``"absent"``, see :data:`MissingIds`), a reason per grade 2, a reason per avoided
    offering, none both graded and avoided, known tags."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("profiles"), list):
        raise JudgedSetError([f"{path.name}: expected a mapping with a 'profiles' list"])
    known = set(offering_ids) if offering_ids is not None and missing_ids == "error" else None
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
        avoid = {str(k): str(v or "") for k, v in (entry.get("avoid") or {}).items()}
        for oid, reason in avoid.items():
            if known is not None and oid not in known:
                problems.append(f"{where}: unknown offering id {oid!r} in 'avoid'")
            if not reason.strip():
                problems.append(f"{where}: {oid} avoided without a reason")
            if oid in relevance:
                problems.append(f"{where}: {oid} is both graded and avoided")
        tags = tuple(str(t) for t in (entry.get("tags") or ()))
        problems.extend(f"{where}: tag {t!r} is not one of {TAGS}" for t in tags if t not in TAGS)
        out.append(JudgedProfile(pid, name, group, dict(entry.get("profile") or {}),
                                 relevance, why, avoid, tags))
    if problems:
        raise JudgedSetError(problems)
    return out


def load_sets(
    directory: Path | None = None,
    offering_ids: Iterable[str] | None = None,
    files: Mapping[str, str] = SET_FILES,
    missing_ids: MissingIds = "error",
) -> dict[str, list[JudgedProfile]]:
    """The judged sets named in ``files``, by name (default: ``tuning``, ``held_aside``,
    ``independent``; :data:`EVAL_FILES` adds ``realistic_dev``, ``realistic`` and ``fresh``)."""
    base = directory or default_directory()
    ids = list(offering_ids) if offering_ids is not None else None
    return {name: load_set(base / file, ids, missing_ids) for name, file in files.items()}
