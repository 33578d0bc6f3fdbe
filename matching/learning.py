"""Signal weights and a per-offering adjustment learnt from what officers record (issue 19).

The data: one row per offering shown in a stored run (``OUTCOME_COLUMNS``), with the position it
was shown at, the latest outcome recorded for it ("shown" when none) and the raw values of the
ranker's signals stored with the run, so training never ranks history again.

Pairwise, not pointwise. Within a run the officer compared the offerings shown to one
enterprise; across runs the base rates differ (some enterprises take up nothing, some officers
record more). Pairs of a run cancel what the run shares, so no per-run or per-tenant intercept
is needed, and the ranker only ever needs an order. Pairs (better, worse) are formed where the
outcomes differ: accepted or enrolled over shown or rejected, and shown over rejected (a
rejection was seen and refused; a "shown" may never have been looked at). Each pair is one row
of a scikit-learn ``LogisticRegression`` without intercept on the difference of the two rows'
features (every other pair is negated with its label flipped, which leaves the loss unchanged
and gives the solver two classes).

Features and scale. The signals' differences, and an offering indicator (+1 the better, -1 the
worse) whose coefficient is the offering's adjustment. Signal weights must stay >= 0, which
``LogisticRegression`` cannot bound: signals whose coefficient comes out negative get weight 0
and the fit is repeated without them (an active-set loop, at most once per signal). The logit is
then divided by the sum of the non-penalty coefficients, which puts it on the scale of the
ranker's score (a weighted mean of signals in [0, 1]); the weights are rescaled to the sum of the
hand-set ones, so ``min_fit`` and the penalties keep their meaning, and the adjustments are in
score units (clipped to +-``MAX_BIAS``). No interaction terms: a served model has to be the same
weighted sum of the same signals (serving speed, explanations read from the signals), and an
interaction would be a new signal, to be added to ``matching.signals`` when one earns it.

Shrinkage. The L2 penalty of the regression is scaled per column: signal columns are scaled up
(``SIGNAL_SCALE``) so their penalty is negligible, the offering columns so that the penalty
equals ``prior_pairs`` pseudo-pairs at no adjustment (a Gaussian prior; at the logistic curve's
middle each pair adds 1/4 to the curvature). An offering with n weighted pairs keeps about
n / (n + prior_pairs) of its raw adjustment: few outcomes, little adjustment.

Position. An officer acts more on what is shown first because it is first. Inverse propensity
weighting with the position-bias model "the offering shown at position k is looked at with
chance k ** -eta", eta estimated from the data (``pairwise.position_eta``: a recorded outcome of
any kind means the offering was looked at; a log-linear model of that with a term per position
beside the signals and the offering separates position from relevance, as offerings of the same
kind are shown at different places in different runs), propensities floored at
``MIN_PROPENSITY``. A pair weighs 1 / propensity of the position of the offering whose recorded
outcome makes the pair (the accepted one; for shown over rejected, the rejected one): the
pairwise loss is then an unbiased estimate of the loss over the pairs an officer would have
judged had every position been looked at (Joachims et al., 2017). A stated eta may be passed
instead. The gate scores held-out runs with the same propensities (``heldout_dcg``).

Tenants. Each tenant's pairs together carry at most ``tenant_cap`` of the training weight, and
of the weight of the pairs made by outcomes on any one offering (the poisoning case: a partner
posting 10,000 rejections of one offering weighs no more than ``tenant_cap`` of that offering's
evidence). Heavier tenants are scaled down to a common level (water filling). With fewer than
1 / ``tenant_cap`` tenants the cap cannot hold; it is then 1 / (number of tenants), every tenant
weighing the same. The stated share: one tenant's 10,000 rejections of an offering move that
offering's mean score by at most ``tenant_cap`` of it (uncapped, by more than half:
``tests/matching/test_learning_simulation.py``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.metrics import ndcg_at_k
from matching.pairwise import (
    MIN_PROPENSITY,
    PENALTY_SIGNALS,
    POSITION_ETA,
    SIGNAL_COLUMNS,
    TrainingError,
    estimated_eta,
    fit,
    pairs,
    propensity,
    tenant_weights,
)
from matching.profile import ProfileError, parse_profile
from matching.signals import SIGNALS

if TYPE_CHECKING:
    from matching.judged import JudgedProfile
    from matching.ranker import Ranker

__all__ = [
    "OUTCOME_COLUMNS", "GateReport", "GateRow", "LearnedModel", "TrainingError", "gate",
    "propensity", "time_split", "train",
]

OUTCOMES = ("shown", "accepted", "rejected", "enrolled")
POSITIVE = ("accepted", "enrolled")
OUTCOME_COLUMNS = (
    "run_id", "created_at", "tenant", "profile_id", "offering_id", "position", "outcome",
    *SIGNAL_COLUMNS,
)
"""Columns of the outcomes frame: one row per offering shown in a run."""

TENANT_CAP = 0.2
PRIOR_PAIRS = 100.0
MIN_OUTCOMES = 100
MIN_PAIRS = 50
MAX_BIAS = 0.3  # an offering's adjustment in score units (scores are in [0, 1])


@dataclass(frozen=True)
class LearnedModel:
    """Learnt signal weights (on the hand-set scale) and per-offering adjustments (in score
    units), with what they were trained on. ``version`` is ``learned-`` and 12 hex digits of
    a digest of the content."""

    version: str
    weights: dict[str, float]
    offering_bias: dict[str, float]
    trained_on: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, weights: Mapping[str, float], offering_bias: Mapping[str, float],
              trained_on: Mapping[str, Any]) -> LearnedModel:
        """A model whose version is the digest of its content."""
        w = {name: float(weights[name]) for name in SIGNALS}
        b = {oid: float(v) for oid, v in sorted(offering_bias.items())}
        content = json.dumps({"weights": w, "offering_bias": b, "trained_on": trained_on},
                             sort_keys=True, default=str)
        version = "learned-" + hashlib.sha256(content.encode()).hexdigest()[:12]
        return cls(version, w, b, dict(trained_on))

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "weights": dict(self.weights),
                "offering_bias": dict(self.offering_bias),
                "trained_on": json.loads(json.dumps(self.trained_on, default=str))}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> LearnedModel:
        """The model :meth:`to_json` wrote; ``ValueError`` on anything else."""
        try:
            version = str(d["version"])
            weights = {str(k): float(v) for k, v in d["weights"].items()}
            bias = {str(k): float(v) for k, v in d["offering_bias"].items()}
            trained_on = dict(d.get("trained_on") or {})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"not a learned model: {exc}") from exc
        if set(weights) != set(SIGNALS):
            raise ValueError(f"a learned model needs one weight per signal {SIGNALS}")
        if any(not np.isfinite(w) or w < 0 for w in weights.values()):
            raise ValueError("learned signal weights must be finite and >= 0")
        if any(not np.isfinite(v) for v in bias.values()):
            raise ValueError("offering adjustments must be finite")
        if not version.startswith("learned-"):
            raise ValueError(f"not a learned model version: {version!r}")
        return cls(version, weights, bias, trained_on)


# --- the data ---------------------------------------------------------------------------------

def check_outcomes(outcomes: pd.DataFrame) -> pd.DataFrame:
    """``outcomes`` with checked columns and values (``TrainingError`` naming the problem)."""
    missing = [c for c in OUTCOME_COLUMNS if c not in outcomes.columns]
    if missing:
        raise TrainingError(f"outcomes lack the columns {', '.join(missing)}")
    if outcomes.empty:
        raise TrainingError("no outcomes recorded: nothing to train on")
    bad = sorted(set(outcomes["outcome"].astype(str)) - set(OUTCOMES))
    if bad:
        raise TrainingError(f"unknown outcomes {bad}: expected one of {', '.join(OUTCOMES)}")
    try:
        values = outcomes[list(SIGNAL_COLUMNS)].to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TrainingError(f"signal values must be numbers: {exc}") from exc
    if np.isinf(values).any():
        raise TrainingError("signal values must be finite numbers")
    position = pd.to_numeric(outcomes["position"], errors="coerce")
    if position.isna().any() or (position < 1).any():
        raise TrainingError("position must be a whole number from 1")
    return outcomes


def time_split(outcomes: pd.DataFrame, test_share: float = 0.2
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The earlier ``1 - test_share`` of the rows (by ``created_at``) and the later rest; a
    run's rows share its time, so a run is never split."""
    if not 0 < test_share < 1:
        raise ValueError(f"test_share must be in (0, 1), not {test_share}")
    if outcomes.empty:
        return outcomes, outcomes
    times = pd.to_datetime(outcomes["created_at"], utc=True)
    cut = times.sort_values().iloc[int(len(times) * (1 - test_share))]
    later = (times >= cut).to_numpy()
    return outcomes[~later], outcomes[later]


# --- training ---------------------------------------------------------------------------------

def train(
    outcomes: pd.DataFrame, ranker: Ranker, *, tenant_cap: float = TENANT_CAP,
    prior_pairs: float = PRIOR_PAIRS, position_eta: float | None = None,
    min_outcomes: int = MIN_OUTCOMES,
) -> LearnedModel:
    """Fit signal weights and per-offering adjustments to ``outcomes`` (see the module's
    docstring); ``ranker`` is the fitted hand-set ranker (its weights give the scale, its
    catalogue the offerings); ``position_eta`` None estimates it (:func:`position_eta`).
    ``TrainingError`` when the outcomes cannot train a model."""
    if not 0 < tenant_cap <= 1:
        raise ValueError(f"tenant_cap must be in (0, 1], not {tenant_cap}")
    if prior_pairs <= 0 or (position_eta is not None and position_eta < 0):
        raise ValueError("prior_pairs must be > 0 and position_eta >= 0")
    frame = check_outcomes(outcomes)
    ids = list(ranker.table_.ids)
    known = frame["offering_id"].isin(ids).to_numpy()
    # A run stored before a signal existed lacks its value (NaN): the whole run is left out.
    unsigned = frame[list(SIGNAL_COLUMNS)].isna().any(axis=1)
    partial = frame["run_id"].isin(set(frame.loc[unsigned, "run_id"])).to_numpy()
    frame = frame[known & ~partial].reset_index(drop=True)
    if len(frame) < min_outcomes:
        raise TrainingError(f"too few outcomes: {len(frame)} on offerings of the catalogue "
                            f"with signal values, at least {min_outcomes} needed")
    counts = frame["outcome"].value_counts()
    positives = int(counts.reindex(list(POSITIVE), fill_value=0).sum())
    if positives == 0:
        raise TrainingError("one class only: no offering was accepted or enrolled")
    if positives == len(frame):
        raise TrainingError("one class only: every offering shown was accepted or enrolled")
    eta = position_eta if position_eta is not None else estimated_eta(frame)
    found = pairs(frame, eta)
    if len(found.weight) < min(MIN_PAIRS, min_outcomes):
        raise TrainingError(
            f"too few comparisons: {len(found.weight)} pairs of offerings with different "
            "outcomes in the same run")
    weight = tenant_weights(frame, found, tenant_cap)
    weight *= len(weight) / weight.sum()
    signals = frame[list(SIGNAL_COLUMNS)].to_numpy(dtype=np.float64)
    offering = pd.Index(ids).get_indexer(pd.Index(frame["offering_id"])).astype(np.int64)
    beta, bias_logit = fit(signals, offering, len(ids), found, weight, prior_pairs)
    scale = sum(b for name, b in zip(SIGNALS, beta, strict=True)
                if name not in PENALTY_SIGNALS)
    hand = ranker.with_model(None).weights_  # the ranker given may serve a learned model
    hand_sum = sum(w for name, w in hand.items() if name not in PENALTY_SIGNALS)
    weights = {name: float(b / scale * hand_sum) for name, b in zip(SIGNALS, beta, strict=True)}
    bias = np.clip(bias_logit / scale, -MAX_BIAS, MAX_BIAS)
    times = pd.to_datetime(frame["created_at"], utc=True)
    tenants = frame["tenant"].astype(str)
    trained_on = {
        "outcomes": len(frame), "runs": int(frame["run_id"].nunique()),
        "by_outcome": {k: int(counts.get(k, 0)) for k in OUTCOMES},
        "unknown_offering_rows": int((~known).sum()),
        "runs_without_signals": int(outcomes.loc[partial, "run_id"].nunique()),
        "pairs": len(weight), "tenants": int(tenants.nunique()),
        "from": times.min().isoformat(), "to": times.max().isoformat(),
        "catalog_version": ranker.catalog_version_,
        "hand_version": ranker.with_model(None).model_version,
        "settings": {"method": "pairwise logistic, IPW by position", "tenant_cap": tenant_cap,
                     "prior_pairs": prior_pairs, "position_eta": round(eta, 4),
                     "position_eta_estimated": position_eta is None,
                     "min_propensity": MIN_PROPENSITY, "max_bias": MAX_BIAS},
    }
    return LearnedModel.build(
        weights, {oid: round(float(v), 6) for oid, v in zip(ids, bias, strict=True) if v != 0},
        trained_on)


# --- the gate ---------------------------------------------------------------------------------

K = 5  # NDCG@5 on the judged sets, as ``dakmatch eval``
Z_BETTER = 1.645  # one-sided 95%: "beats" means better by more than this many standard errors
MIN_TEST_RUNS = 30


def row_scores(frame: pd.DataFrame, weights: Mapping[str, float],
               offering_bias: Mapping[str, float]) -> npt.NDArray[np.float64]:
    """The ranker's score of each outcome row from its stored signals (without the sector and
    distance penalties, which the rows do not store): weighted mean, plus the adjustment."""
    w = np.array([weights[name] for name in SIGNALS], dtype=np.float64)
    positive = sum(weights[name] for name in SIGNALS if name not in PENALTY_SIGNALS)
    score = np.clip(frame[list(SIGNAL_COLUMNS)].to_numpy(dtype=np.float64) @ w / positive,
                    0.0, 1.0)
    bias = frame["offering_id"].map(dict(offering_bias)).fillna(0.0).to_numpy(np.float64)
    out: npt.NDArray[np.float64] = np.clip(score + bias, 0.0, 1.0)
    return out


def heldout_dcg(frame: pd.DataFrame, score: npt.NDArray[np.float64],
                position_eta: float = POSITION_ETA) -> pd.Series:
    """Per run with an accepted or enrolled offering, indexed by run id: the DCG of the run's
    offerings reordered by ``score`` (ties in the order shown), each accepted one gaining
    1 / propensity of the position it was shown at. Not normalised per run: normalising
    would divide the propensity away and favour the order shown. Its mean estimates without
    position bias the DCG the order would have had (Joachims et al., 2017)."""
    gain = np.where(frame["outcome"].isin(POSITIVE).to_numpy(),
                    1.0 / propensity(frame["position"].to_numpy(), position_eta), 0.0)
    rows = pd.DataFrame({"run": frame["run_id"].to_numpy(), "score": score, "gain": gain,
                         "position": frame["position"].to_numpy(dtype=np.int64)})
    rows = rows[rows.groupby("run")["gain"].transform("sum") > 0]
    ordered = rows.sort_values(["run", "score", "position"], ascending=[True, False, True])
    rank = ordered.groupby("run").cumcount().to_numpy() + 1
    out: pd.Series = (ordered["gain"] / np.log2(rank + 1)).groupby(ordered["run"]).sum()
    return out


@dataclass(frozen=True)
class GateRow:
    """One check of the gate: the candidate's figure against the baseline's, and the rule."""

    check: str
    candidate: float
    baseline: float
    baseline_name: str
    rule: str
    passed: bool

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check, "candidate": round(self.candidate, 4),
                "baseline": round(self.baseline, 4), "baseline_name": self.baseline_name,
                "rule": self.rule, "passed": self.passed}


@dataclass(frozen=True)
class GateReport:
    """The offline gate's verdict: passed when every row passed."""

    passed: bool
    rows: list[GateRow]
    tolerance: float

    def table(self) -> str:
        """The rows as a plain-text table, then the verdict."""
        width = max([len(r.check) for r in self.rows] + [5])
        lines = [f"{'check':<{width}}  {'candidate':>9}  {'baseline':>8}  {'baseline is':<24}"
                 f"{'pass':<5} rule"]
        lines += [f"{r.check:<{width}}  {r.candidate:>9.4f}  {r.baseline:>8.4f}  "
                  f"{r.baseline_name:<24}{'yes' if r.passed else 'NO':<5} {r.rule}"
                  for r in self.rows]
        lines.append("gate: passed" if self.passed else "gate: refused")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "tolerance": self.tolerance,
                "rows": [r.to_json() for r in self.rows]}


def gate(
    candidate: LearnedModel, active: LearnedModel | None, test: pd.DataFrame, ranker: Ranker,
    judged: Mapping[str, Sequence[JudgedProfile]], tolerance: float = 0.01,
) -> GateReport:
    """Whether ``candidate`` may serve: on the held-out outcomes ``test`` (later than those it
    was trained on) its mean position-debiased DCG per run (:func:`heldout_dcg`) beats the
    active model's (the hand-set weights' when none is active) by more than ``Z_BETTER``
    standard errors of the paired differences, over at least ``MIN_TEST_RUNS`` runs; and on
    every judged set (``matching.judged.load_sets``) its NDCG@5 is at least the hand-set
    weights' minus ``tolerance``. ``ranker`` is the fitted ranker of the catalogue."""
    rows = [_heldout_row(candidate, active, test, ranker)]
    hand = ranker.with_model(None)
    learned = ranker.with_model(candidate)
    for name, profiles in judged.items():
        mine, theirs = _judged_ndcg(learned, profiles), _judged_ndcg(hand, profiles)
        rows.append(GateRow(f"judged {name} NDCG@{K}", mine, theirs, "hand-set weights",
                            f"at least baseline - {tolerance:g}",
                            mine >= theirs - tolerance))
    return GateReport(all(r.passed for r in rows), rows, tolerance)


def _heldout_row(candidate: LearnedModel, active: LearnedModel | None, test: pd.DataFrame,
                 ranker: Ranker) -> GateRow:
    check = "held-out outcomes, debiased DCG"
    if active is None:
        base_weights, base_bias, base_name = ranker.with_model(None).weights_, {}, \
            "hand-set weights"
    else:
        base_weights, base_bias, base_name = active.weights, active.offering_bias, \
            f"active {active.version}"
    missing = [c for c in OUTCOME_COLUMNS if c not in test.columns]
    if missing or test.empty:
        return GateRow(check, 0.0, 0.0, base_name, "no held-out outcomes", False)
    eta = float(candidate.trained_on.get("settings", {}).get("position_eta", POSITION_ETA))
    mine = heldout_dcg(test, row_scores(test, candidate.weights, candidate.offering_bias), eta)
    theirs = heldout_dcg(test, row_scores(test, base_weights, base_bias), eta)
    diff = (mine - theirs).to_numpy()
    n = len(diff)
    if n < MIN_TEST_RUNS:
        return GateRow(check, float(mine.mean()) if n else 0.0,
                       float(theirs.mean()) if n else 0.0, base_name,
                       f"needs {MIN_TEST_RUNS} held-out runs with an acceptance, has {n}",
                       False)
    se = float(diff.std(ddof=1) / np.sqrt(n))
    better = float(diff.mean())
    return GateRow(check, float(mine.mean()), float(theirs.mean()), base_name,
                   f"better by > {Z_BETTER:g} SE ({n} runs, SE {se:.4f})",
                   better > 0 and better > Z_BETTER * se)


def _judged_ndcg(ranker: Ranker, profiles: Sequence[JudgedProfile]) -> float:
    """Mean NDCG@5 over the judged profiles validation accepts (as ``dakmatch eval``)."""
    parsed, kept = [], []
    for judged in profiles:
        try:
            parsed.append(parse_profile(judged.profile, ranker.geography_))
        except ProfileError:
            continue
        kept.append(judged)
    if not parsed:
        return 0.0
    rankings = ranker.rank_batch(parsed, K, with_ask=False)
    return float(np.mean([ndcg_at_k([r.offering_id for r in ranking.recommendations],
                                    j.relevance, K)
                          for ranking, j in zip(rankings, kept, strict=True)]))
