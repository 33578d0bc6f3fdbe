"""The ranker: a scikit-learn style estimator over the catalogue (fit once, rank many times)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from catalog.geo import PincodeError
from matching import diversity
from matching.eligibility import NEXT_STEPS, RULES, check, not_eligible_reasons
from matching.encoding import ProfileArrays, encode_profiles
from matching.explain import reasons_for
from matching.features import (
    F64,
    HELD_REQUIREMENTS,
    OfferingTable,
    build_table,
    held_requirements,
)
from matching.places import PlaceIndex
from matching.profile import EnterpriseProfile, ProfileError, parse_profile
from matching.result import NotEligible, Ranking, Recommendation
from matching.signals import SIGNALS, Signals, compute

ALGORITHM = "signals-mmr-1"
_SIMILARITY_MAX_N = 3000  # (N, N) float32 similarity kept in memory up to 36 MB
_CHUNK = 8192  # rank_many works on this many profiles at a time (bounded memory)
NOT_ELIGIBLE_MAX = 50  # excluded offerings listed per ranking (all of them on the real one)


class Ranker(BaseEstimator):  # type: ignore[misc]
    """Scores eligible offerings by weighted similarity signals and picks a diverse top k.

    Parameters
    ----------
    w_needs, w_implied, w_text, w_sector, w_channel, w_destination, w_weight, w_volume,
    w_distance : float
        Weight of each similarity signal (see ``matching.signals``); the score is their
        weighted mean, in [0, 1].
    w_prerequisites : float
        Penalty weight for identifiers the offering requires and the profile lacks (IEC,
        GSTIN, Udyam); missing prerequisites never exclude.
    sector_mismatch : float
        Share of the score taken off an offering made for other sectors (e.g. book packets
        for a spice maker).
    remote_penalty : float
        Share of the score taken off a fixed-place offering none of whose places is near
        (within 200 km, or named after the profile's district).
    diversity : float
        0 ranks by score alone; higher values push near-duplicate offerings down (MMR).

    Examples
    --------
    >>> ranker = Ranker().fit(load_catalog(), Geography.load())  # doctest: +SKIP
    >>> ranker.rank(profile, k=5).recommendations[0].offering_id  # doctest: +SKIP
    'dnk'
    """

    def __init__(
        self,
        w_needs: float = 0.30,
        w_implied: float = 0.20,
        w_text: float = 0.25,
        w_sector: float = 0.05,
        w_segment: float = 0.05,
        w_channel: float = 0.15,
        w_destination: float = 0.05,
        w_weight: float = 0.12,
        w_volume: float = 0.04,
        w_distance: float = 0.03,
        w_prerequisites: float = 0.10,
        sector_mismatch: float = 0.5,
        remote_penalty: float = 0.4,
        diversity: float = 0.25,
    ) -> None:
        self.w_needs = w_needs
        self.w_implied = w_implied
        self.w_text = w_text
        self.w_sector = w_sector
        self.w_segment = w_segment
        self.w_channel = w_channel
        self.w_destination = w_destination
        self.w_weight = w_weight
        self.w_volume = w_volume
        self.w_distance = w_distance
        self.w_prerequisites = w_prerequisites
        self.sector_mismatch = sector_mismatch
        self.remote_penalty = remote_penalty
        self.diversity = diversity

    # --- fitting ---------------------------------------------------------------------------

    def fit(self, catalog: Any, geography: Any) -> Self:
        """Encode every offering of ``catalog`` (a ``catalog.Catalog``); keep ``geography``.

        Returns ``self``. Sets ``table_``, ``weights_``, ``model_version`` and more.
        """
        weights = self._weights()
        if any(w < 0 for w in weights.values()):
            raise ValueError("signal weights must be >= 0")
        for name in ("diversity", "sector_mismatch", "remote_penalty"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be in [0, 1), not {getattr(self, name)}")
        if sum(w for name, w in weights.items() if name != "prerequisites") <= 0:
            raise ValueError("at least one signal weight must be positive")
        offerings = sorted(catalog.offerings, key=lambda o: o.id)
        table = build_table(offerings)
        self.table_ = table
        self.geography_ = geography
        self.weights_ = weights
        self.weight_vector_ = np.array([weights[name] for name in SIGNALS])
        self.similarity_ = (
            (table.signature @ table.signature.T).astype(np.float32)
            if table.size <= _SIMILARITY_MAX_N else None
        )
        self.places_ = PlaceIndex.build(table.offerings, geography)
        self.catalog_version_ = str(getattr(catalog, "version", ""))
        params = json.dumps(self.get_params(), sort_keys=True)
        digest = hashlib.sha256(f"{ALGORITHM}|{params}|{self.catalog_version_}".encode())
        self.model_version = f"{ALGORITHM}-{digest.hexdigest()[:12]}"
        return self

    def _weights(self) -> dict[str, float]:
        return {name: float(getattr(self, f"w_{name}")) for name in SIGNALS}

    # --- scoring ---------------------------------------------------------------------------

    def _score(self, signals: Signals, eligible: np.ndarray) -> F64:
        """Weighted signal mean with penalties; -inf where not eligible."""
        return np.where(eligible, self._relevance(signals), -np.inf)

    def _relevance(self, signals: Signals) -> F64:
        """The score every offering would have if no rule excluded it."""
        positive = sum(w for n, w in self.weights_.items() if n != "prerequisites")
        total = np.zeros(signals.remote.shape, dtype=np.float64)
        for name, weight in self.weights_.items():
            if weight:
                total += weight * signals.values[name]
        score = np.clip(total / positive, 0.0, 1.0)
        score = score * np.where(signals.sector_mismatch, 1.0 - self.sector_mismatch, 1.0)
        score = score * np.where(signals.remote, 1.0 - self.remote_penalty, 1.0)
        return score

    # --- one profile -----------------------------------------------------------------------

    def rank(self, profile: EnterpriseProfile | Mapping[str, Any], k: int = 10) -> Ranking:
        """Rank the catalogue for one profile: the top ``k`` with reasons, and what is excluded.

        Parameters
        ----------
        profile : EnterpriseProfile or mapping
            A mapping is validated with :func:`matching.parse_profile` first.
        k : int
            How many recommendations at most (fewer when fewer offerings are eligible).

        Returns
        -------
        Ranking
        """
        check_is_fitted(self, "table_")
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        if not isinstance(profile, EnterpriseProfile):
            profile = parse_profile(profile, self.geography_)
        try:
            place = self.geography_.lookup(profile.pincode)
        except PincodeError as exc:
            raise ProfileError([{"field": "pincode", "message": exc.message}]) from exc
        table: OfferingTable = self.table_
        columns = {name: [value] for name, value in profile}
        lat = np.array([np.nan if place.latitude is None else place.latitude])
        lon = np.array([np.nan if place.longitude is None else place.longitude])
        arrays = encode_profiles(columns, table, lat, lon, [place.state])
        hpo_index, hpo_km, fixed_km, fixed_near = self.places_.distances(
            np.array([int(profile.pincode)]), lat, lon, [place.district]
        )
        elig = check(table, arrays)
        eligible = elig.eligible
        signals = compute(arrays, table, hpo_km, fixed_km, fixed_near)
        relevance = self._relevance(signals)
        scores = np.where(eligible, relevance, -np.inf)
        chosen = diversity.select(scores, k, self.diversity, table.signature, self.similarity_)[0]
        # Reasons name only the words the enterprise wrote, not the needs it ticked.
        query = table.text.query(profile.products)
        picked = chosen[chosen >= 0]
        weighted = signals.stack[:, 0, picked] * self.weight_vector_[:, None]
        recommendations = []
        for position, j in enumerate(picked.tolist()):
            offering = table.offerings[j]
            location, location_text = self.places_.location(
                offering, int(hpo_index[0]), float(hpo_km[0]), float(fixed_km[0, j]),
                float(lat[0]), float(lon[0]), place.district if fixed_near[0, j] else None,
            )
            contributions = dict(zip(SIGNALS, weighted[:, position].tolist(), strict=True))
            recommendations.append(
                Recommendation(
                    rank=position + 1,
                    offering_id=offering.id,
                    name=offering.name,
                    provider=offering.provider,
                    category=offering.category.value,
                    score=round(float(scores[0, j]), 4),
                    reasons=tuple(reasons_for(offering, j, profile, contributions,
                                              signals.implied_needs[0], table, query,
                                              location_text)),
                    prerequisites=_prerequisites(offering, profile),
                    location=location,
                    next_step=offering.next_step,
                )
            )
        return Ranking(
            recommendations=tuple(recommendations),
            not_eligible=self._not_eligible(elig.fails, eligible[0], relevance[0], profile,
                                            arrays),
            model_version=self.model_version,
        )

    def _not_eligible(
        self, fails: npt.NDArray[np.bool_], eligible: np.ndarray, relevance: F64,
        profile: EnterpriseProfile, arrays: ProfileArrays,
    ) -> tuple[NotEligible, ...]:
        """The excluded offerings that would have ranked highest (at most
        ``NOT_ELIGIBLE_MAX``; every one on a catalogue that small), most relevant first."""
        table: OfferingTable = self.table_
        out = []
        parcels = max(profile.monthly_domestic_parcels or 0,
                      profile.monthly_international_parcels or 0)
        excluded = np.flatnonzero(~eligible)
        if excluded.size > NOT_ELIGIBLE_MAX:
            excluded = diversity.candidates(
                np.where(eligible, -np.inf, relevance)[None, :], NOT_ELIGIBLE_MAX
            )[0]
        else:
            excluded = excluded[np.lexsort((excluded, -relevance[excluded]))]
        failed = fails[:, 0, excluded].T.tolist()
        for j, flags in zip(excluded.tolist(), failed, strict=True):
            rules = [rule for rule, flag in zip(RULES, flags, strict=True) if flag]
            out.append(NotEligible(
                offering_id=table.ids[j],
                reasons=tuple(not_eligible_reasons(
                    table.offerings[j], rules,
                    weight=float(profile.typical_weight_kg or 0),
                    value=float(profile.typical_value_inr or 0),
                    destinations=profile.destinations,
                    state=int(arrays.state[0]),
                    parcels=float(parcels),
                )),
            ))
        return tuple(out)

    # --- many profiles ---------------------------------------------------------------------

    def rank_many(self, frame: pd.DataFrame, k: int = 5) -> pd.DataFrame:
        """Rank every row of ``frame`` (columns: ``EnterpriseProfile`` fields of validated
        profiles, e.g. ``profile.model_dump()`` rows) and return the top ``k`` of each.

        Returns a DataFrame with columns ``row`` (position in ``frame``), ``rank`` (1-based),
        ``offering_id`` and ``score``, ordered by row then rank; rows with fewer eligible
        offerings have fewer lines. Same order and scores as :meth:`rank`.
        """
        check_is_fitted(self, "table_")
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        for required in ("pincode", "sector"):
            if required not in frame.columns:
                raise ValueError(f"the frame has no {required!r} column")
        parts = [self._rank_chunk(frame.iloc[start:start + _CHUNK], start, k)
                 for start in range(0, len(frame), _CHUNK)]
        if not parts:
            return pd.DataFrame({"row": pd.Series(dtype=np.int64),
                                 "rank": pd.Series(dtype=np.int64),
                                 "offering_id": pd.Series(dtype=object),
                                 "score": pd.Series(dtype=np.float64)})
        return pd.concat(parts, ignore_index=True)

    def _rank_chunk(self, frame: pd.DataFrame, start: int, k: int) -> pd.DataFrame:
        table: OfferingTable = self.table_
        places = self.geography_.locate_many(frame["pincode"].reset_index(drop=True))
        lat = places["latitude"].to_numpy(dtype=np.float64)
        lon = places["longitude"].to_numpy(dtype=np.float64)
        states = places["state"].astype(object).tolist()
        districts = places["district"].astype(object).tolist()
        columns = {
            name: frame[name].tolist() for name in frame.columns
            if name in EnterpriseProfile.model_fields
        }
        arrays = encode_profiles(columns, table, lat, lon, states)
        numbers: npt.NDArray[np.int64] = (
            pd.to_numeric(frame["pincode"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
        )
        _, hpo_km, fixed_km, fixed_near = self.places_.distances(numbers, lat, lon, districts)
        eligible = check(table, arrays).eligible
        scores = self._score(compute(arrays, table, hpo_km, fixed_km, fixed_near), eligible)
        chosen = diversity.select(scores, k, self.diversity, table.signature, self.similarity_)
        rows, ranks = np.nonzero(chosen >= 0)
        picked = chosen[rows, ranks]
        return pd.DataFrame({
            "row": rows.astype(np.int64) + start,
            "rank": ranks.astype(np.int64) + 1,
            "offering_id": np.asarray(table.ids, dtype=object)[picked],
            "score": np.round(scores[rows, picked], 4),
        })


def _prerequisites(offering: Any, profile: EnterpriseProfile) -> tuple[str, ...]:
    met = held_requirements(profile.iec, profile.gstin, profile.udyam_number,
                            profile.sales_channels)
    held = {req for req, ok in zip(HELD_REQUIREMENTS, met, strict=True) if ok}
    steps = []
    for requirement in offering.constraints.requires:
        if requirement in held:
            continue
        steps.append(NEXT_STEPS[requirement])
    return tuple(steps)

