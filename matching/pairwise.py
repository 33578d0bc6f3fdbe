"""The pairwise fit behind ``matching.learning.train``: pairs of a run's offerings with
different outcomes, their position and tenant weights, and a logistic regression with
non-negative signal weights (see ``matching.learning`` for the reasoning)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from sklearn.linear_model import LogisticRegression, PoissonRegressor

from matching.signals import SIGNALS

SIGNAL_COLUMNS = tuple(f"s_{name}" for name in SIGNALS)
PENALTY_SIGNALS = ("prerequisites",)  # not in the ranker's weight sum (``Ranker._relevance``)
POSITION_ETA = 1.0  # when the position bias cannot be estimated (one position shown)
MIN_PROPENSITY = 0.1  # a pair weighs at most 10 times another
SIGNAL_SCALE = 10.0  # signal columns are multiplied by this: their L2 penalty is 1/100
GRADE = {"rejected": 0, "shown": 1, "accepted": 2, "enrolled": 2}


class TrainingError(ValueError):
    """Outcomes a model cannot be trained on, with what is wrong."""


def propensity(position: npt.NDArray[Any], eta: float = POSITION_ETA) -> npt.NDArray[np.float64]:
    """Chance an offering shown at ``position`` (1-based) is looked at: k ** -eta, floored."""
    out: npt.NDArray[np.float64] = np.maximum(
        np.asarray(position, dtype=np.float64) ** -eta, MIN_PROPENSITY)
    return out


def position_eta(frame: pd.DataFrame, max_rows: int = 200_000, seed: int = 0) -> float:
    """The exponent of the position-bias model k ** -eta, estimated from ``frame``.

    An outcome recorded at all (accepted, enrolled or rejected) means the officer looked at
    the offering. A log-linear model of that (scikit-learn ``PoissonRegressor``) with a term
    per position, beside the signals and the offering, separates the position's part from
    the offering's: the same kind of offering is shown at different places in different runs
    because the offerings around it differ. The position terms are fitted to -eta log k
    (least squares weighted by rows), clipped to [0, 2]. At most ``max_rows`` rows, drawn
    at random with ``seed``, are used."""
    if len(frame) > max_rows:
        frame = frame.sample(max_rows, random_state=seed)
    position = frame["position"].to_numpy(dtype=np.int64)
    levels, where = np.unique(position, return_inverse=True)
    if len(levels) < 2:
        return POSITION_ETA
    n = len(frame)
    offering = pd.factorize(frame["offering_id"])[0]
    design = sparse.hstack([
        sparse.csr_matrix((np.ones(n), (np.arange(n), where)), shape=(n, len(levels)))[:, 1:],
        sparse.csr_matrix(frame[list(SIGNAL_COLUMNS)].to_numpy(dtype=np.float64)),
        sparse.csr_matrix((np.ones(n), (np.arange(n), offering)),
                          shape=(n, int(offering.max()) + 1)),
    ], format="csr")
    looked = (frame["outcome"] != "shown").to_numpy(dtype=np.float64)
    model = PoissonRegressor(alpha=1e-6, solver="newton-cholesky", max_iter=100)
    model.fit(design, looked)
    terms = np.concatenate([[0.0], model.coef_[:len(levels) - 1]])
    counts = np.bincount(where).astype(np.float64)
    x = np.log(levels.astype(np.float64))
    eta = -float((counts * terms * x).sum() / (counts * x * x).sum())
    return float(np.clip(eta, 0.0, 2.0))


@dataclass(frozen=True)
class Pairs:
    better: npt.NDArray[np.int64]  # row index of the better offering
    worse: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]


def pairs(frame: pd.DataFrame, eta: float) -> Pairs:
    """Every (better, worse) pair of rows of one run, weighted by inverse propensity."""
    run = pd.factorize(frame["run_id"])[0]
    grade = frame["outcome"].map(GRADE).to_numpy()
    index = np.arange(len(frame))

    def join(left: npt.NDArray[np.bool_], right: npt.NDArray[np.bool_]
             ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        merged = pd.DataFrame({"run": run[left], "a": index[left]}).merge(
            pd.DataFrame({"run": run[right], "b": index[right]}), on="run")
        return merged["a"].to_numpy(np.int64), merged["b"].to_numpy(np.int64)

    a1, b1 = join(grade == 2, grade < 2)  # accepted or enrolled over shown or rejected
    a2, b2 = join(grade == 1, grade == 0)  # shown over rejected
    position = frame["position"].to_numpy(dtype=np.float64)
    acted = np.concatenate([a1, b2])  # the row whose recorded outcome makes the pair
    return Pairs(np.concatenate([a1, a2]), np.concatenate([b1, b2]),
                  1.0 / propensity(position[acted], eta))


def _cap(weight: npt.NDArray[np.float64], group: npt.NDArray[np.int64], cap: float
         ) -> npt.NDArray[np.float64]:
    """``weight`` with each group's total scaled down so none is over ``cap`` of the whole
    (or, with fewer than 1 / cap groups, so all weigh the same)."""
    totals = np.bincount(group, weights=weight).astype(np.float64)
    present = totals[totals > 0]
    if len(present) == 0:
        return weight
    share = max(cap, 1.0 / len(present))
    level = _water_level(np.sort(present)[::-1], share)
    scale = np.ones_like(totals)
    np.divide(level, totals, out=scale, where=totals > level)
    out: npt.NDArray[np.float64] = weight * scale[group]
    return out


def _water_level(descending: npt.NDArray[np.float64], share: float) -> float:
    """The level L such that the groups over it, cut to L, each carry ``share`` of the new
    total (infinite when no group is over ``share``; ``share`` is at least 1 / groups)."""
    total = float(descending.sum())
    if descending[0] <= share * total * (1 + 1e-12):
        return float("inf")
    for m in range(1, len(descending)):
        if share * m >= 1:
            break
        level = share * float(descending[m:].sum()) / (1.0 - share * m)
        if level >= descending[m]:
            return level
    return float(descending[-1])


def tenant_weights(frame: pd.DataFrame, found: Pairs, cap: float
                   ) -> npt.NDArray[np.float64]:
    """Pair weights with every tenant capped overall and within each offering's pairs (the
    offering whose recorded outcome made the pair)."""
    tenant = pd.factorize(frame["tenant"].astype(str))[0][found.better]
    offering_codes = pd.factorize(frame["offering_id"])[0]
    grade = frame["outcome"].map(GRADE).to_numpy()
    acted = np.where(grade[found.better] == 2, found.better, found.worse)
    by_offering = offering_codes[acted]
    weight = _cap(found.weight, tenant, cap)
    per = np.zeros_like(weight)
    for o in np.unique(by_offering):
        rows = by_offering == o
        per[rows] = _cap(weight[rows], tenant[rows], cap)
    return _cap(per, tenant, cap)


def estimated_eta(frame: pd.DataFrame) -> float:
    try:
        return position_eta(frame)
    except ValueError as exc:  # e.g. a solver that cannot fit degenerate data
        raise TrainingError(f"cannot estimate the position bias: {exc}") from exc


def fit(
    signals: npt.NDArray[np.float64], offering: npt.NDArray[np.int64], n_offerings: int,
    found: Pairs, weight: npt.NDArray[np.float64], prior_pairs: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Signal coefficients (>= 0, ``SIGNALS`` order) and offering adjustments, in logits."""
    n = len(weight)
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    label = (sign > 0).astype(np.int64)
    diff = (signals[found.better] - signals[found.worse]) * (sign * SIGNAL_SCALE)[:, None]
    offering_scale = 2.0 / np.sqrt(prior_pairs)  # penalty 1/(2 a^2) b^2 = prior_pairs/8 b^2
    rows = np.repeat(np.arange(n), 2)
    cols = np.column_stack([offering[found.better], offering[found.worse]]).ravel()
    vals = np.column_stack([sign, -sign]).ravel() * offering_scale
    indicator = sparse.csr_matrix((vals, (rows, cols)), shape=(n, n_offerings))
    active = list(range(len(SIGNALS)))
    beta = np.zeros(len(SIGNALS))
    while True:
        design = sparse.hstack([sparse.csr_matrix(diff[:, active]), indicator], format="csr")
        model = LogisticRegression(C=1.0, fit_intercept=False, solver="newton-cholesky",
                                   max_iter=100, tol=1e-7)
        model.fit(design, label, sample_weight=weight)
        coef = model.coef_[0]
        signal_coef = coef[:len(active)] * SIGNAL_SCALE
        negative = [i for i, c in zip(active, signal_coef, strict=True) if c < 0]
        if not negative:
            beta[:] = 0.0
            beta[active] = signal_coef
            break
        active = [i for i in active if i not in negative]
        if not [i for i in active if SIGNALS[i] not in PENALTY_SIGNALS]:
            raise TrainingError("no signal predicts the outcomes: every learnt weight is <= 0")
    if sum(b for i, b in enumerate(beta) if SIGNALS[i] not in PENALTY_SIGNALS) <= 0:
        raise TrainingError("no signal predicts the outcomes: every learnt weight is 0")
    bias: npt.NDArray[np.float64] = coef[len(active):] * offering_scale
    return beta, bias
