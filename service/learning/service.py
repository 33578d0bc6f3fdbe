"""Learned models as the ``dakmatch model`` commands use them: train a candidate on the recorded
outcomes and put it through the offline gate, list the stored versions, activate one, roll
back. Servers apply the active version on their next catalogue refresh (``service.app``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from matching import Ranker
from matching.judged import JudgedProfile
from matching.learning import GateReport, LearnedModel, TrainingError, gate, time_split, train
from service.db import ModelStatus, ModelVersion
from service.learning import repository as repo

TEST_SHARE = 0.2
"""The later share of the outcomes (by the time of their runs) kept out of training for the
gate's held-out check."""


class ModelError(ValueError):
    """A model command that cannot be carried out; the message says why in one line."""


@dataclass(frozen=True)
class Trained:
    """A trained candidate with the gate's verdict. ``row`` is its stored version (new, or
    the one stored before when the same outcomes gave the same model); ``new`` says which.
    ``outcomes``, ``training`` and ``held_out`` count the rows used."""

    model: LearnedModel
    report: GateReport
    row: ModelVersion
    new: bool
    activated: bool
    outcomes: int
    training: int
    held_out: int


def train_candidate(
    session: Session,
    ranker: Ranker,
    judged: Mapping[str, Sequence[JudgedProfile]],
    *,
    activate: bool,
    tolerance: float,
) -> Trained:
    """Train on the earlier outcomes, gate on the later ones and the judged sets, and store the
    candidate with the gate's report (``candidate`` when it passed, ``refused`` otherwise);
    with ``activate`` and a pass it becomes the active version. ``ranker`` is the hand-set
    ranker fitted on the served catalogue. Raises :class:`ModelError` when the outcomes
    cannot train a model (nothing is stored then and the active version stays)."""
    frame = repo.outcomes_frame(session)
    active_row = repo.active(session)
    active = _model_of(active_row) if active_row is not None else None
    training, held_out = time_split(frame, TEST_SHARE)
    try:
        model = train(training, ranker)
    except TrainingError as exc:
        raise ModelError(
            f"cannot train on the earlier {len(training)} of {len(frame)} recorded outcomes "
            f"(the later {len(held_out)} are kept for the gate): {exc}"
        ) from exc
    report = gate(model, active, held_out, ranker, judged, tolerance)
    counts = {"outcomes": len(frame), "training": len(training), "held_out": len(held_out)}
    stored = repo.get_version(session, model.version)
    if stored is not None:
        # The same outcomes gave the same model: its stored record stays as it was.
        return Trained(model, report, stored, new=False, activated=False, **counts)
    row = repo.add_version(
        session,
        version=model.version,
        status=ModelStatus.CANDIDATE if report.passed else ModelStatus.REFUSED,
        model=model.to_json(),
        gate=report.to_json(),
        trained_on=model.to_json()["trained_on"],
    )
    activated = activate and report.passed
    if activated:
        repo.activate(session, row)
    return Trained(model, report, row, new=True, activated=activated, **counts)


def _model_of(row: ModelVersion) -> LearnedModel:
    try:
        return LearnedModel.from_json(row.model)
    except ValueError as exc:
        raise ModelError(f"the stored model {row.version} cannot be read: {exc}") from exc


def versions(session: Session) -> list[ModelVersion]:
    """Every stored version, newest first."""
    return repo.versions(session)


def activate(session: Session, version: str) -> tuple[ModelVersion, ModelVersion | None]:
    """Make ``version`` the serving one; returns it and the version it replaces (None: the
    hand-set weights). A version the gate refused is never activated."""
    row = repo.get_version(session, version)
    if row is None:
        raise ModelError(f"no model version {version!r}: `dakmatch model list` shows them")
    if row.status is ModelStatus.REFUSED:
        raise ModelError(
            f"model version {version} was refused by the offline gate and cannot serve "
            "(`dakmatch model list` shows its figures)"
        )
    _model_of(row)  # a record that cannot be read would not serve: refuse it here
    before = repo.active(session)
    repo.activate(session, row)
    return row, before


def roll_back(session: Session) -> tuple[ModelVersion, ModelVersion | None]:
    """Take the serving version out of service and serve the one active before it (or the
    hand-set weights when none was); returns (the version taken out, the one serving now)."""
    current = repo.active(session)
    if current is None:
        raise ModelError("nothing to roll back: the hand-set weights serve (no model is active)")
    return current, repo.roll_back(session)
