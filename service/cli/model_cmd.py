"""``dakmatch model train|list|activate|rollback``: signal weights learnt from recorded
outcomes, behind the offline gate (DESIGN §6)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from service.cli import Subparsers, counted
from service.cli._errors import fail, friendly_errors
from service.db import ModelVersion, make_engine, make_session_factory
from service.settings import get_settings

REFUSED_EXIT = 3
HAND_SET = "the hand-set weights"

_TRAIN_DESCRIPTION = """\
Learns the ranker's signal weights and a small adjustment per offering from the outcomes
officers and partners recorded on stored runs (pairwise logistic regression, weighted by the
inverse of the chance that the position shown was looked at; each tenant's feedback carries
at most a fixed share of the weight). The later 20 per cent of the outcomes (by the time of
their runs) are kept out of training for the offline gate, which passes a candidate only when
on those held-out outcomes it beats the active model (the hand-set weights when none is
active), and on every judged set its NDCG@5 is no worse than the hand-set weights' beyond
--tolerance. The candidate is stored with the gate's table either way (status candidate or
refused); a model stored before (the same outcomes give the same version) is left as it was.
Exit 0 when the gate passes, 3 when it refuses, 1 when the outcomes cannot train a model
(none, too few, one class only): the active model keeps serving then.
"""


def register(subparsers: Subparsers) -> None:
    model = subparsers.add_parser(
        "model", help="learn signal weights from recorded outcomes; list, activate, roll back"
    )
    commands = model.add_subparsers(dest="model_command", metavar="ACTION", required=True)

    train = commands.add_parser(
        "train",
        help="train a candidate on the recorded outcomes and print the offline gate's table; "
        "exit 0 when the gate passes, 3 when it refuses",
        description=_TRAIN_DESCRIPTION,
    )
    train.add_argument(
        "--activate",
        action="store_true",
        help="make the candidate the serving model when the gate passes (never when it "
        "refuses)",
    )
    train.add_argument(
        "--data",
        type=Path,
        help="directory with the judged sets (judged_*.yaml) the gate checks (default: "
        "tests/data of the source tree)",
    )
    train.add_argument(
        "--tolerance",
        type=_tolerance,
        default=0.01,
        help="how much lower than the hand-set weights' NDCG@5 a judged set may score (0.01)",
    )
    train.set_defaults(func=_train)

    listing = commands.add_parser(
        "list", help="the stored model versions, newest first, with their gate figures and "
        "which one serves"
    )
    listing.set_defaults(func=_list)

    activate = commands.add_parser(
        "activate",
        help="make a stored version the serving model (not one the gate refused); running "
        "servers pick it up within DAKMATCH_CATALOG_REFRESH_SECONDS",
    )
    activate.add_argument("version", help="a version `dakmatch model list` shows")
    activate.set_defaults(func=_activate)

    rollback = commands.add_parser(
        "rollback",
        help="take the serving version out of service and serve the one active before it "
        "(the hand-set weights when none was)",
    )
    rollback.set_defaults(func=_rollback)


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{text}'") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, not {text}")
    return value


def _session_factory() -> sessionmaker[Session]:
    return make_session_factory(make_engine(get_settings().database_url))


def _pickup() -> str:
    seconds = get_settings().catalog_refresh_seconds
    if seconds <= 0:
        return "running servers pick it up when they start again (no refresh is set)"
    return f"running servers pick it up within {seconds:g} s"


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else "-"


@friendly_errors
def _train(args: argparse.Namespace) -> int:
    from matching import Ranker
    from matching.judged import EVAL_FILES, JudgedSetError, load_sets
    from service.learning import service as learning
    from service.offerings import repository as catalog_repo
    from service.runtime import load_geography

    factory = _session_factory()
    with factory() as session:
        stored = catalog_repo.latest_catalog(session)
    if stored is None:
        return fail("no catalogue in the database: run `dakmatch catalog load` first")
    catalog = stored.catalog
    try:
        judged = load_sets(args.data, [o.id for o in catalog.offerings], EVAL_FILES)
    except OSError as exc:
        return fail(f"cannot read the judged sets (give --data DIR): {exc}")
    except JudgedSetError as exc:
        return fail(f"judged sets not usable: {exc.problems[0]}")
    geography, problem = load_geography()
    if geography is None:
        return fail(problem or "geography unavailable")
    ranker = Ranker().fit(catalog, geography)
    with factory.begin() as session:
        try:
            result = learning.train_candidate(
                session, ranker, judged, activate=args.activate, tolerance=args.tolerance
            )
        except learning.ModelError as exc:
            return fail(str(exc))
        version, status = result.row.version, result.row.status.value
    print(
        f"outcomes: {result.outcomes} recorded; trained on the earlier {result.training}, "
        f"gate held out the later {result.held_out}"
    )
    print(f"candidate {result.model.version} (catalogue {catalog.version})")
    weights = ", ".join(f"{k} {v:.3f}" for k, v in result.model.weights.items())
    print(f"weights: {weights}")
    print(f"offering adjustments: {_adjustments(result.model.offering_bias)}")
    print(result.report.table())
    if not result.new:
        print(f"the same model was stored before as {version} ({status}); left as it was")
    elif result.activated:
        print(f"stored and activated: now serving {version}; {_pickup()}")
    elif result.report.passed:
        print(f"stored as {status}; `dakmatch model activate {version}` makes it serve")
    else:
        print(f"stored as {status}: it will not serve")
    return 0 if result.report.passed else REFUSED_EXIT


def _adjustments(bias: dict[str, float]) -> str:
    if not bias:
        return "none"
    ordered = sorted(bias.items(), key=lambda item: item[1])
    shown = [*ordered[:3], *ordered[-3:]] if len(ordered) > 6 else ordered
    listed = ", ".join(f"{oid} {value:+.3f}" for oid, value in dict(shown).items())
    return f"{counted(len(bias), '{n} offering', '{n} offerings')} ({listed})"


def _gate_lines(gate: dict[str, Any]) -> list[str]:
    lines = []
    for row in gate.get("rows", []):
        verdict = "pass" if row.get("passed") else "FAIL"
        lines.append(
            f"    {verdict} {row.get('check')}: {float(row.get('candidate', 0)):.4f} vs "
            f"{float(row.get('baseline', 0)):.4f} ({row.get('baseline_name')}; "
            f"{row.get('rule')})"
        )
    return lines


def _serving_line(active: ModelVersion | None) -> str:
    if active is None:
        return f"serving: {HAND_SET} (no model is active)"
    return f"serving: {active.version} (activated {_when(active.activated_at)} UTC)"


@friendly_errors
def _list(_args: argparse.Namespace) -> int:
    from service.learning import service as learning

    with _session_factory()() as session:
        rows = learning.versions(session)
    active = next((r for r in rows if r.status.value == "active"), None)
    print(_serving_line(active))
    if not rows:
        print("no model versions stored: `dakmatch model train` makes one")
        return 0
    print(f"{'version':<22}  {'status':<11}  {'created (UTC)':<16}  {'activated (UTC)':<16}  "
          f"{'outcomes':>8}  gate")
    for row in rows:
        gate = "passed" if row.gate.get("passed") else "refused"
        print(
            f"{row.version:<22}  {row.status.value:<11}  {_when(row.created_at):<16}  "
            f"{_when(row.activated_at):<16}  {row.trained_on.get('outcomes', '-'):>8}  {gate}"
        )
        for line in _gate_lines(row.gate):
            print(line)
    return 0


@friendly_errors
def _activate(args: argparse.Namespace) -> int:
    from service.learning import service as learning

    with _session_factory().begin() as session:
        try:
            row, before = learning.activate(session, args.version)
        except learning.ModelError as exc:
            return fail(str(exc))
        version = row.version
        replaced = before.version if before is not None else HAND_SET
    if replaced == version:
        print(f"{version} serves already")
    else:
        print(f"now serving: {version} (instead of {replaced}); {_pickup()}")
    return 0


@friendly_errors
def _rollback(_args: argparse.Namespace) -> int:
    from service.learning import service as learning

    with _session_factory().begin() as session:
        try:
            taken_out, now = learning.roll_back(session)
        except learning.ModelError as exc:
            return fail(str(exc))
        out_version = taken_out.version
        serving = now.version if now is not None else HAND_SET
    print(f"rolled back {out_version}; now serving: {serving}; {_pickup()}")
    return 0
