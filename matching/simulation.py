"""Simulated officers with known preferences, recording outcomes on real rankings (issue 19's
proof harness: ``tests/matching/test_learning_simulation.py``, ``bench/model_training.py``).

Enterprises are drawn at random from the vocabularies of ``catalog.vocab`` at the given PIN
codes and ranked by the real ranker on the real catalogue; the top ``k`` of each run is shown.
The officers' truth is a logistic utility of the ranker's own raw signals, with weights unlike
the hand-set ones, plus preferences the signals cannot see (``Preference``: e.g. Speed Post
over Business Parcel for small sellers in Maharashtra, the export centre for jewellers). An
officer looks at the offering shown at position k with chance k ** -``position_eta`` (a bias
the learner must undo), accepts what is relevant (some of it later enrolled), and records a
rejection for part of what is not; the rest stays "shown".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from catalog.vocab import BusinessType, Need, SalesChannel, Sector
from matching.features import STATE_INDEX
from matching.learning import OUTCOME_COLUMNS
from matching.metrics import dcg
from matching.pairwise import SIGNAL_COLUMNS
from matching.profile import EnterpriseProfile, ProfileError, parse_profile
from matching.ranker import Ranker
from matching.signals import SIGNALS

_PRODUCTS = {
    "gems_jewellery": "silver jewellery and kundan necklaces",
    "handicrafts": "brass lamps and wooden toys",
    "handloom_textiles": "handloom cotton sarees",
    "apparel": "cotton kurtis",
    "food_spices": "turmeric powder and pickles",
    "ayurveda_herbal": "herbal soaps and oils",
    "agri_produce": "organic millets",
    "engineering_goods": "machined brass fittings",
    "electronics": "led lights",
}
_DESTINATIONS = ("US", "AE", "GB", "DE", "SG", "AU")
_CHUNK = 2048


@dataclass(frozen=True)
class Preference:
    """Officers favour (``boost`` > 0) or avoid an offering, in logits, for the enterprises
    matching every condition given (None: any)."""

    offering_id: str
    boost: float
    sector: str | None = None
    size_class: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class Officers:
    """The simulated officers' truth and behaviour."""

    signal_weights: dict[str, float]
    preferences: tuple[Preference, ...] = ()
    intercept: float = -2.0
    position_eta: float = 0.8
    enrol_share: float = 0.3
    reject_share: float = 0.6  # of the offerings looked at and not taken, recorded as rejected
    noise: bool = False  # outcomes at random: relevance independent of the offering

    @classmethod
    def known(cls) -> Officers:
        """Officers who weigh needs, channels and nearness more than the hand-set ranker
        and hold three preferences the signals do not see."""
        weights = dict.fromkeys(SIGNALS, 0.0)
        weights.update(needs=4.0, implied=1.0, text=0.5, channel=3.0, distance=3.0,
                       weight=1.0, prerequisites=2.0)
        return cls(weights, (
            Preference("speed-post", 2.0, size_class="small", state="Maharashtra"),
            Preference("business-parcel", -2.0, size_class="small", state="Maharashtra"),
            Preference("dnk", 2.0, sector="gems_jewellery"),
        ))

    @classmethod
    def random(cls) -> Officers:
        """Officers whose decisions have nothing to do with the offerings (noise)."""
        return cls(dict.fromkeys(SIGNALS, 0.0), noise=True)


@dataclass(frozen=True)
class Pool:
    """Enterprises ranked once: their signals for every offering and what was shown."""

    profiles: list[EnterpriseProfile]
    states: list[str]
    stack: npt.NDArray[np.float64]  # (signals, P, N)
    candidate: npt.NDArray[np.bool_]  # (P, N) eligible and a fit: what a ranking can show
    shown: npt.NDArray[np.int64]  # (P, k) offering indexes in rank order, -1 padded
    ids: tuple[str, ...] = field(default=())


def profiles(n: int, pincodes: Sequence[str], seed: int = 0) -> list[dict[str, Any]]:
    """``n`` random enterprise profiles (as API bodies) at the given PIN codes."""
    rng = np.random.default_rng(seed)
    sectors = list(_PRODUCTS)
    out = []
    for _ in range(n):
        sector = sectors[int(rng.integers(len(sectors)))]
        exports = rng.random() < 0.4
        body: dict[str, Any] = {
            "pincode": pincodes[int(rng.integers(len(pincodes)))],
            "sector": sector,
            "products": _PRODUCTS[sector] + (" for export" if exports else ""),
            "size_class": ("micro", "small", "medium")[rng.choice(3, p=[0.5, 0.35, 0.15])],
            "business_type": list(BusinessType)[rng.integers(len(BusinessType))].value,
            "monthly_domestic_parcels": int(rng.lognormal(3.0, 1.2)),
            "typical_weight_kg": round(float(rng.lognormal(0.0, 0.8)), 2),
            "needs": sorted({list(Need)[i].value
                             for i in rng.choice(len(Need), rng.integers(1, 4))}),
            "sales_channels": sorted({list(SalesChannel)[i].value
                                      for i in rng.choice(len(SalesChannel),
                                                          rng.integers(0, 3))}),
        }
        if exports:
            body["destinations"] = sorted({_DESTINATIONS[i] for i in
                                           rng.choice(len(_DESTINATIONS), rng.integers(1, 3))})
            body["monthly_international_parcels"] = int(rng.lognormal(2.0, 1.0))
        if Sector(sector) is Sector.GEMS_JEWELLERY and rng.random() < 0.5:
            body["typical_value_inr"] = float(rng.integers(5_000, 200_000))
        out.append(body)
    return out


def rank_pool(ranker: Ranker, bodies: Sequence[dict[str, Any]], k: int = 5) -> Pool:
    """Validate and rank ``bodies`` with ``ranker`` (the invalid ones are dropped)."""
    parsed = []
    for body in bodies:
        try:
            parsed.append(parse_profile(body, ranker.geography_))
        except ProfileError:
            continue
    stacks, candidates, shown, states = [], [], [], []
    for start in range(0, len(parsed), _CHUNK):
        part = parsed[start:start + _CHUNK]
        batch = ranker.batch_arrays(part)
        stacks.append(batch.signals.stack)
        candidates.append(np.isfinite(batch.scores))
        shown.append(ranker.top_positions(batch.scores, k))
        states.extend(batch.arrays.state.tolist())
    names = {i: name for name, i in STATE_INDEX.items()}
    return Pool(parsed, [names.get(s, "") for s in states],
                np.concatenate(stacks, axis=1), np.concatenate(candidates),
                np.concatenate(shown), tuple(ranker.table_.ids))


def utility(officers: Officers, pool: Pool) -> npt.NDArray[np.float64]:
    """(P, N) the officers' logit of taking up each offering."""
    w = np.array([officers.signal_weights[name] for name in SIGNALS])
    out: npt.NDArray[np.float64] = officers.intercept + np.tensordot(w, pool.stack, axes=1)
    ids = list(pool.ids)
    sectors = np.array([p.sector.value for p in pool.profiles])
    sizes = np.array([p.size_class.value if p.size_class else "" for p in pool.profiles])
    states = np.array(pool.states)
    for pref in officers.preferences:
        if pref.offering_id not in ids:
            continue
        rows = np.ones(len(pool.profiles), dtype=bool)
        if pref.sector is not None:
            rows &= sectors == pref.sector
        if pref.size_class is not None:
            rows &= sizes == pref.size_class
        if pref.state is not None:
            rows &= states == pref.state
        out[rows, ids.index(pref.offering_id)] += pref.boost
    return out


def outcomes(
    officers: Officers, pool: Pool, runs: int, *, seed: int = 0,
    tenants: Sequence[str] = ("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"),
    start: str = "2026-01-01", minutes_apart: float = 1.0,
) -> pd.DataFrame:
    """``runs`` runs of pool enterprises drawn at random, the officers' outcome on each
    offering shown (``matching.learning.OUTCOME_COLUMNS``); each enterprise belongs to one
    of ``tenants``."""
    rng = np.random.default_rng(seed)
    who = rng.integers(len(pool.profiles), size=runs)
    shown = pool.shown[who]  # (runs, k)
    run, slot = np.nonzero(shown >= 0)
    j = shown[run, slot]
    p = who[run]
    prob = 1.0 / (1.0 + np.exp(-utility(officers, pool)[p, j]))
    if officers.noise:
        prob = np.full(len(p), 0.3)
    position = slot + 1
    looked = rng.random(len(p)) < position ** -officers.position_eta
    relevant = rng.random(len(p)) < prob
    enrolled = rng.random(len(p)) < officers.enrol_share
    rejected = rng.random(len(p)) < officers.reject_share
    outcome = np.where(looked & relevant, np.where(enrolled, "enrolled", "accepted"),
                       np.where(looked & rejected, "rejected", "shown"))
    created = (pd.Timestamp(start, tz="UTC") + pd.to_timedelta(run * minutes_apart, unit="m")
               ).astype("datetime64[ns, UTC]")
    frame = pd.DataFrame({
        "run_id": np.char.add("run-", run.astype(str)),
        "created_at": created,
        "tenant": np.asarray(tenants, dtype=object)[p % len(tenants)],
        "profile_id": np.char.add("p-", p.astype(str)),
        "offering_id": np.asarray(pool.ids, dtype=object)[j],
        "position": position.astype(np.int64),
        "outcome": outcome,
    })
    values = pool.stack[:, p, j]
    for i, column in enumerate(SIGNAL_COLUMNS):
        frame[column] = values[i]
    return frame[list(OUTCOME_COLUMNS)]


def poison(frame: pd.DataFrame, offering_id: str, count: int = 10_000, *,
           tenant: str = "mallory") -> pd.DataFrame:
    """``frame`` plus ``count`` runs of one tenant, copies of runs that showed
    ``offering_id``, where it was rejected and nothing else was recorded."""
    runs = frame.loc[frame["offering_id"] == offering_id, "run_id"].unique()
    if len(runs) == 0:
        raise ValueError(f"no run showed {offering_id}")
    picked = np.resize(runs, count)
    base = frame.set_index("run_id").loc[picked].reset_index()
    copy_no = np.repeat(np.arange(count), frame.groupby("run_id").size().loc[picked].to_numpy())
    base["run_id"] = np.char.add("poison-", copy_no.astype(str))
    base["tenant"] = tenant
    base["outcome"] = np.where(base["offering_id"] == offering_id, "rejected", "shown")
    return pd.concat([frame, base], ignore_index=True)


def truth_ndcg(ranker: Ranker, officers: Officers, pool: Pool, k: int = 5) -> float:
    """Mean NDCG@k of ``ranker``'s top k against the officers' true chances of taking up
    each offering (gain: the chance), over the pool's enterprises."""
    truth = 1.0 / (1.0 + np.exp(-utility(officers, pool)))
    truth = np.where(pool.candidate, truth, 0.0)
    ids = {oid: j for j, oid in enumerate(pool.ids)}
    scores = []
    for start in range(0, len(pool.profiles), _CHUNK):
        part = pool.profiles[start:start + _CHUNK]
        ranked = ranker.rank_many(pd.DataFrame([p.model_dump() for p in part]), k=k)
        for row, group in ranked.groupby("row"):
            i = start + int(str(row))
            gains = [truth[i, ids[o]] for o in group["offering_id"]]
            best = dcg(sorted(truth[i], reverse=True)[:k])
            scores.append(dcg(gains) / best if best > 0 else 0.0)
    return float(np.mean(scores))
