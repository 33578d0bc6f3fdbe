"""The officer dashboard's data: the filtered queue, one profile with its newest run and
outcomes, recording an outcome, and the figures behind the charts (queries in the profiles'
and feedback repositories).

Every profile's newest run is the one officers act on (picked in SQL: a profile's page loads
one run however many it has); outcomes are the feedback rows of runs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from service.db import Feedback, Outcome, Profile, RecommendationRun
from service.feedback import repository as feedback_repo
from service.learning import repository as learning_repo
from service.profiles import repository as profiles_repo

QUEUE_LIMIT = 500
TOP_SUGGESTIONS = 3


@dataclass(frozen=True)
class Filters:
    """Queue filters; empty strings mean "any". ``outcome`` may also be ``none``."""

    state: str = ""
    district: str = ""
    sector: str = ""
    outcome: str = ""

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class QueueRow:
    profile: Profile
    tenant: str
    run: RecommendationRun | None
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.profile.body.get("name") or "")

    @property
    def top(self) -> list[dict[str, Any]]:
        if self.run is None:
            return []
        return list(self.run.ranking.get("recommendations", [])[:TOP_SUGGESTIONS])


# Why an outcome cannot be recorded: msgids of the catalogues (service/web/locales), so that the
# officer's page says it in its language.
UNKNOWN_OUTCOME = "unknown outcome {outcome}"
NOT_THIS_PROFILES_RUN = "this suggestion list is not one of the profile's"
NOT_SUGGESTED = "{offering} was not suggested in this list"
MESSAGES = (UNKNOWN_OUTCOME, NOT_THIS_PROFILES_RUN, NOT_SUGGESTED)


class DashboardError(ValueError):
    """An outcome that cannot be recorded: ``msgid`` (one of ``MESSAGES``) with ``params``."""

    def __init__(self, msgid: str, **params: str) -> None:
        super().__init__(msgid.format(**params))
        self.msgid = msgid
        self.params = params


def queue(session: Session, filters: Filters) -> list[QueueRow]:
    """Profiles of every tenant matching ``filters``, newest first (at most 500)."""
    found = profiles_repo.queue(
        session,
        state=filters.state,
        district=filters.district,
        sector=filters.sector,
        limit=QUEUE_LIMIT,
    )
    outcomes = feedback_repo.latest_outcomes(session, [r.id for _, _, r in found if r])
    rows = []
    for profile, tenant, run in found:
        row = QueueRow(profile, tenant, run, dict(outcomes.get(run.id, {})) if run else {})
        if filters.outcome == "none" and row.outcomes:
            continue
        if filters.outcome not in ("", "none") and filters.outcome not in row.outcomes.values():
            continue
        rows.append(row)
    return rows


def profile_row(session: Session, profile_id: str) -> QueueRow | None:
    """One profile with its newest run and outcomes, or None."""
    found = profiles_repo.profile_with_newest_run(session, profile_id)
    if found is None:
        return None
    profile, tenant, run = found
    outcomes = feedback_repo.latest_outcomes(session, [run.id]).get(run.id, {}) if run else {}
    return QueueRow(profile, tenant, run, dict(outcomes))


def record_outcome(
    session: Session, profile_id: str, run_id: str, offering_id: str, outcome: str, user: str
) -> Feedback:
    """Store an officer's outcome for an offering of the profile's run."""
    try:
        value = Outcome(outcome)
    except ValueError as exc:
        raise DashboardError(UNKNOWN_OUTCOME, outcome=repr(outcome)) from exc
    run = profiles_repo.profile_run(session, profile_id, run_id)
    if run is None:
        raise DashboardError(NOT_THIS_PROFILES_RUN)
    offered = {r["offering_id"] for r in run.ranking.get("recommendations", [])}
    if offering_id not in offered:
        raise DashboardError(NOT_SUGGESTED, offering=repr(offering_id))
    row, _ = feedback_repo.record_outcome(
        session,
        run_id=run.id,
        offering_id=offering_id,
        outcome=value,
        note=None,
        actor_user=user,
    )
    return row


def demand_by_state(session: Session, top: int = TOP_SUGGESTIONS) -> dict[str, Counter[str]]:
    """Per state, how often each offering group is in a profile's top suggestions (newest run)."""
    demand: dict[str, Counter[str]] = defaultdict(Counter)
    for state, ranking in profiles_repo.newest_rankings_by_state(session):
        for item in ranking.get("recommendations", [])[:top]:
            demand[state][str(item.get("category", ""))] += 1
    return dict(demand)


def outcomes_by_week(session: Session) -> dict[dt.date, Counter[str]]:
    """Outcomes recorded per week (keyed by the week's Monday)."""
    weeks: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for created_at, outcome in feedback_repo.outcome_times(session):
        day = created_at.date()
        weeks[day - dt.timedelta(days=day.weekday())][outcome.value] += 1
    return dict(sorted(weeks.items()))


def acceptance_by_offering(session: Session) -> dict[str, tuple[int, int]]:
    """Per offering: (accepted or enrolled, decided) where decided also counts rejections."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for offering_id, outcome, count in feedback_repo.decided_counts(session):
        if outcome in (Outcome.ACCEPTED, Outcome.ENROLLED):
            counts[offering_id][0] += count
        counts[offering_id][1] += count
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def states_and_districts(session: Session) -> dict[str, list[str]]:
    """The states and districts that stored profiles come from (filter choices)."""
    found: dict[str, set[str]] = defaultdict(set)
    for state, district in profiles_repo.states_and_districts(session):
        found[state].add(district)
    return {s: sorted(d) for s, d in sorted(found.items())}


@dataclass(frozen=True)
class GateFigure:
    """One row of a model's offline gate as the dashboard shows it: what was compared (a
    held-out check or a judged set's name), the model's figure, the baseline's, and whether
    the rule held."""

    held_out: bool
    judged_set: str
    candidate: float
    baseline: float
    baseline_model: str  # "" for the hand-set weights, else the model's version
    passed: bool


@dataclass(frozen=True)
class ServingModel:
    """The active learned model with when it was activated and its gate's figures."""

    version: str
    activated_at: dt.datetime | None
    figures: list[GateFigure]


def serving_model(session: Session) -> ServingModel | None:
    """The active learned model, or None when the hand-set weights serve."""
    row = learning_repo.active(session)
    if row is None:
        return None
    figures = []
    for item in row.gate.get("rows", []):
        check = str(item.get("check", ""))
        baseline = str(item.get("baseline_name", ""))
        figures.append(
            GateFigure(
                held_out=check.startswith("held-out"),
                # "judged <set> NDCG@5" (matching.learning.gate)
                judged_set=check.split()[1] if check.startswith("judged ") else "",
                candidate=float(item.get("candidate", 0.0)),
                baseline=float(item.get("baseline", 0.0)),
                baseline_model=baseline.split()[-1] if baseline.startswith("active ") else "",
                passed=bool(item.get("passed")),
            )
        )
    return ServingModel(row.version, row.activated_at, figures)
