"""The ranker: a scikit-learn style estimator over the catalogue (fit once, rank many times)."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from catalog.geo import Geography, PincodeError, PinColumns
from catalog.loader import Catalog
from matching import ask, diversity
from matching.ask import Ask
from matching.eligibility import check
from matching.encoding import encode_profiles, profile_columns, profile_row
from matching.explainer import BatchArrays, Explainer
from matching.features import F64, OfferingTable, build_table
from matching.places import PlaceIndex
from matching.profile import EnterpriseProfile, ProfileError, parse_profile
from matching.result import Ranking
from matching.signals import SIGNALS, Signals, compute

if TYPE_CHECKING:
    from matching.learning import LearnedModel

ALGORITHM = "signals-mmr-1"
# The signals that show a fit (``min_fit``); a sector signal counts only for an offering made
# for the profile's sector, a segment only for one made for the profile's kind (or a rural
# address: in part when read from the PIN code).
FIT_SIGNALS = (
    "needs", "implied", "text", "segment", "channel", "destination", "weight", "volume",
)
_SIMILARITY_MAX_N = 3000  # (N, N) float64 keep factors kept in memory up to 72 MB
_CHUNK = 8192  # rank_many works on this many profiles at a time (bounded memory)


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
    channel_mismatch : float
        Share of the score taken off an offering that works only through marketplaces (an
        account on Amazon, ONDC, GeM) none of which the profile names among the places it
        sells, when it names some.
    unconfirmed_penalty : float
        Share of the score taken off an offering the profile is outside a limit of that only
        a secondary source states (the catalogue's ``unconfirmed``): such a limit never
        excludes, the offering is marked down and its reasons say what to confirm.
    remote_penalty : float
        Share of the score taken off a fixed-place offering none of whose places is near
        (within 200 km, or named after the profile's district).
    diversity : float
        0 ranks by score alone; higher values push near-duplicate offerings down (MMR).
    min_fit : float
        An eligible offering is recommended only when what the profile says supports it
        (needs, implied needs, text, channels, destinations, weight, volume, a sector it
        names) by at least this share of the score: nearness, a segment and fitting every
        sector alone are not a fit. Fewer recommendations rather than padding.

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
        channel_mismatch: float = 0.5,
        remote_penalty: float = 0.6,
        unconfirmed_penalty: float = 0.25,
        diversity: float = 0.25,
        min_fit: float = 0.03,
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
        self.channel_mismatch = channel_mismatch
        self.remote_penalty = remote_penalty
        self.unconfirmed_penalty = unconfirmed_penalty
        self.diversity = diversity
        self.min_fit = min_fit

    # --- fitting ---------------------------------------------------------------------------

    def fit(self, catalog: Catalog, geography: Geography) -> Self:
        """Encode every offering of ``catalog`` (a ``catalog.Catalog``); keep ``geography``.

        Returns ``self``. Sets ``table_``, ``weights_``, ``model_version`` and more.
        """
        weights = self._weights()
        if any(w < 0 for w in weights.values()):
            raise ValueError("signal weights must be >= 0")
        for name in ("diversity", "sector_mismatch", "channel_mismatch", "remote_penalty",
                     "unconfirmed_penalty", "min_fit"):
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
        self.used_signals_ = np.flatnonzero(self.weight_vector_)  # signals with a weight
        self.fit_signals_ = np.array([SIGNALS.index(name) for name in FIT_SIGNALS])
        self.keep_factors_ = (
            diversity.keep_factors(table.signature, self.diversity)
            if table.size <= _SIMILARITY_MAX_N else None
        )
        self.places_ = PlaceIndex.build(table.offerings, geography)
        self.catalog_version_ = catalog.version
        params = json.dumps(self.get_params(), sort_keys=True)
        digest = hashlib.sha256(f"{ALGORITHM}|{params}|{self.catalog_version_}".encode())
        self.model_version = f"{ALGORITHM}-{digest.hexdigest()[:12]}"
        self.explainer_ = Explainer.build(table, self.places_, self.weight_vector_,
                                          self.model_version)
        self.offering_bias_: F64 | None = None  # a learned model's (``with_model``)
        self.hand_ = self
        return self

    def with_model(self, model: LearnedModel | None) -> Ranker:
        """This fitted ranker with a learned model's signal weights and per-offering
        adjustments (``matching.learning``), or with the hand-set weights for None.

        The score is the same weighted mean, with the offering's adjustment added before
        the rules: hard rules and ``min_fit`` are decided on the signals as before (an
        ineligible offering stays out), reasons come from the signals that contribute under
        the learned weights. ``model_version`` is the model's version. The parameters stay
        the hand-set ones: ``clone`` and ``fit`` give the hand-set ranker.
        """
        check_is_fitted(self, "table_")
        hand: Ranker = self.hand_
        if model is None:
            return hand
        weights = {name: float(model.weights[name]) for name in SIGNALS}
        if any(not w >= 0 for w in weights.values()):
            raise ValueError("signal weights must be >= 0")
        if sum(w for name, w in weights.items() if name != "prerequisites") <= 0:
            raise ValueError("at least one signal weight must be positive")
        out = copy.copy(hand)
        out.weights_ = weights
        out.weight_vector_ = np.array([weights[name] for name in SIGNALS])
        out.used_signals_ = np.flatnonzero(out.weight_vector_)
        out.offering_bias_ = np.array([model.offering_bias.get(oid, 0.0)
                                       for oid in hand.table_.ids], dtype=np.float64)
        out.model_version = model.version
        out.explainer_ = Explainer.build(hand.table_, hand.places_, out.weight_vector_,
                                         model.version)
        return out

    def _weights(self) -> dict[str, float]:
        return {name: float(getattr(self, f"w_{name}")) for name in SIGNALS}

    # --- scoring ---------------------------------------------------------------------------

    def _score(self, signals: Signals, eligible: np.ndarray) -> F64:
        """Weighted signal mean with penalties; -inf where not eligible or not a fit."""
        return np.where(eligible & self._fits(signals), self._relevance(signals), -np.inf)

    def _fits(self, signals: Signals) -> npt.NDArray[np.bool_]:
        """(P, N): True where the profile's own words and facts support the offering by at
        least ``min_fit`` of the score (see the class docstring)."""
        positive = sum(w for n, w in self.weights_.items() if n != "prerequisites")
        used = self.fit_signals_
        total: F64 = (self.weight_vector_[used, None, None] * signals.stack[used]).sum(axis=0)
        sector = signals.values["sector"]
        total += self.weights_["sector"] * np.where(sector >= 1.0, sector, 0.0)
        # With no parcel count the volume signal is a prior, not something the profile said.
        total -= self.weights_["volume"] * np.where(signals.volume_unknown[:, None],
                                                    signals.values["volume"], 0.0)
        out: npt.NDArray[np.bool_] = total >= self.min_fit * positive
        return out

    def _relevance(self, signals: Signals) -> F64:
        """The score every offering would have if no rule excluded it."""
        positive = sum(w for n, w in self.weights_.items() if n != "prerequisites")
        used = self.used_signals_
        # Summed over the signals one after the other, as a loop adding each would.
        total: F64 = (self.weight_vector_[used, None, None] * signals.stack[used]).sum(axis=0)
        score = np.clip(total / positive, 0.0, 1.0)
        score = score * np.where(signals.sector_mismatch, 1.0 - self.sector_mismatch, 1.0)
        score = score * np.where(signals.channel_mismatch, 1.0 - self.channel_mismatch, 1.0)
        score = score * np.where(signals.remote, 1.0 - self.remote_penalty, 1.0)
        score = score * np.where(signals.doubtful, 1.0 - self.unconfirmed_penalty, 1.0)
        if self.offering_bias_ is not None:
            score = np.clip(score + self.offering_bias_, 0.0, 1.0)
        return score

    # --- explained rankings -----------------------------------------------------------------

    def rank(
        self, profile: EnterpriseProfile | Mapping[str, Any], k: int = 10, *,
        with_ask: bool = True,
    ) -> Ranking:
        """Rank the catalogue for one profile: the top ``k`` with reasons, and what is excluded.

        Parameters
        ----------
        profile : EnterpriseProfile or mapping
            A mapping is validated with :func:`matching.parse_profile` first.
        k : int
            How many recommendations at most (fewer when fewer offerings are eligible and fit:
            see ``min_fit``).
        with_ask : bool
            Work out ``Ranking.ask``, the unanswered fields that would change the top most
            (``matching.ask``: the profile is scored again with plausible answers, in the
            same batch).

        Returns
        -------
        Ranking
        """
        return self.rank_batch([profile], k, with_ask=with_ask)[0]

    def rank_batch(
        self,
        profiles: Sequence[EnterpriseProfile | Mapping[str, Any]],
        k: int | Sequence[int] = 10,
        *,
        with_ask: bool = True,
    ) -> list[Ranking]:
        """Rank several profiles at once: each answer equals :meth:`rank` of that profile.

        The array steps run once for the whole batch (as in :meth:`rank_many`), so a batch
        costs much less than the same number of single calls; the explanations are written
        per profile.

        Parameters
        ----------
        profiles : sequence of EnterpriseProfile or mapping
            Mappings are validated with :func:`matching.parse_profile` first (the first
            invalid one raises ``ProfileError``).
        k : int or sequence of int
            How many recommendations at most, for all profiles or one per profile.
        with_ask : bool
            Work out each ranking's ``ask`` (see :meth:`rank`).

        Returns
        -------
        list of Ranking, in the order of ``profiles``

        Examples
        --------
        >>> [r.recommendations[0].offering_id
        ...  for r in ranker.rank_batch([jeweller, spice_trader], k=[5, 3])]  # doctest: +SKIP
        ['dnk', 'ems']
        """
        check_is_fitted(self, "table_")
        ks = [k] * len(profiles) if isinstance(k, int) else [int(n) for n in k]
        if len(ks) != len(profiles):
            raise ValueError(f"{len(ks)} values of k for {len(profiles)} profiles")
        for n in ks:
            if n < 1:
                raise ValueError(f"k must be at least 1, not {n}")
        if not profiles:
            return []
        parsed = [p if isinstance(p, EnterpriseProfile) else parse_profile(p, self.geography_)
                  for p in profiles]
        # The plausible answers of ``ask`` are scored in the same batch, after the profiles
        # (rows are independent: the profiles' rows are the same as without them).
        fields = [ask.open_fields(p) if with_ask else [] for p in parsed]
        answers = [(i, row) for i, (p, open_) in enumerate(zip(parsed, fields, strict=True))
                   for row in ask.variants(profile_row(p), open_)]
        batch = self._arrays(parsed, answers)
        chosen = self._choose(batch.scores[:len(parsed)], ks)
        explainer: Explainer = self.explainer_
        rankings = explainer.rankings(batch, parsed, chosen)
        if not answers:
            return rankings
        return [replace(r, ask=a) for r, a in
                zip(rankings, self._ask(parsed, fields, batch.scores), strict=True)]

    def _ask(
        self, profiles: list[EnterpriseProfile], fields: list[list[str]], scores: F64,
    ) -> list[tuple[Ask, ...]]:
        """The questions of each profile (``matching.ask``) from ``scores``: the profiles'
        rows, then those of their plausible answers (``ask.variants`` of ``fields``). Tops by
        score, without the diversity pass, for the answers and the profile alike."""
        tops = self._tops(scores)
        sizes = [sum(len(ask.ANSWERS[f]) for f in open_) for open_ in fields]
        mine = np.repeat(np.arange(len(profiles)), sizes)  # each answer's profile row
        moved = ask.changes(tops[mine], tops[len(profiles):]).tolist()
        out = []
        start = 0
        for profile, open_, n in zip(profiles, fields, sizes, strict=True):
            out.append(ask.choose(profile, open_, moved[start:start + n]))
            start += n
        return out

    def _tops(self, scores: F64) -> npt.NDArray[np.int64]:
        """Each row's ``ask.TOP`` best offerings by score, -1 from the first that is -inf (and
        past the catalogue's end)."""
        order = np.argsort(-scores, axis=1, kind="stable")[:, :ask.TOP]
        out = np.full((len(scores), ask.TOP), -1, dtype=np.int64)
        out[:, :order.shape[1]] = np.where(
            np.isfinite(np.take_along_axis(scores, order, axis=1)), order, -1)
        return out

    def eligible_ids(self, profile: EnterpriseProfile) -> list[str]:
        """The ids of the offerings no hard rule excludes for ``profile``, fit or not, in
        catalogue order (what the baselines of ``matching.evaluate`` choose from)."""
        check_is_fitted(self, "table_")
        eligible = self._arrays([profile]).eligible[0]
        return [oid for oid, ok in zip(self.table_.ids, eligible.tolist(), strict=True) if ok]

    def batch_arrays(self, profiles: Sequence[EnterpriseProfile]) -> BatchArrays:
        """The array steps of :meth:`rank_batch` for validated ``profiles``, without writing
        rankings: encoding, hard rules, the raw signals (``signals.stack``: signals x profiles
        x offerings) and the scores (-inf where an offering is excluded or does not fit), one
        row per profile, each bit-identical to the same profile alone. For code that studies
        the ranker (``matching.simulation``); rankings come from :meth:`rank_batch`.
        """
        check_is_fitted(self, "table_")
        return self._arrays(profiles)

    def top_positions(self, scores: F64, k: int) -> npt.NDArray[np.int64]:
        """(rows, ``k``) the catalogue positions of each row's top ``k`` of ``scores`` (rows of
        :meth:`batch_arrays`), picked with diversity as :meth:`rank_batch` picks them; -1
        after a row's last eligible offering that fits."""
        check_is_fitted(self, "table_")
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        out = np.full((len(scores), k), -1, dtype=np.int64)
        for row, picked in enumerate(self._choose(scores, [k] * len(scores))):
            out[row, :len(picked)] = picked
        return out

    def _arrays(
        self, profiles: Sequence[EnterpriseProfile],
        answers: Sequence[tuple[int, tuple[Any, ...]]] = (),
    ) -> BatchArrays:
        """Encoding, rules, signals and scores of ``profiles``, then of ``answers`` (the
        position of a profile and an ``encoding.profile_row`` each: the plausible answers of
        ``ask``, at the profile's PIN code), each row bit-identical to the same profile alone."""
        table: OfferingTable = self.table_
        try:
            places = self.geography_.lookup_many([p.pincode for p in profiles])
        except PincodeError as exc:
            raise ProfileError([{"field": "pincode", "message": exc.message}]) from exc
        if answers:
            rows = [*range(len(profiles)), *(i for i, _ in answers)]
            places = PinColumns(
                places.numbers[rows], places.latitude[rows], places.longitude[rows],
                [places.state[i] for i in rows], [places.district[i] for i in rows],
                places.rural[rows])
        columns = profile_columns([profile_row(p) for p in profiles] + [row for _, row in answers])
        lat, lon, districts = places.latitude, places.longitude, places.district
        arrays = encode_profiles(columns, table, lat, lon, places.state, places.rural)
        hpo_index, hpo_km, fixed_km, fixed_near = self.places_.distances(
            places.numbers, lat, lon, districts
        )
        rules = check(table, arrays)
        fails, eligible = rules.fails, rules.eligible
        signals = compute(arrays, table, hpo_km, fixed_km, fixed_near)
        relevance = self._relevance(signals)
        return BatchArrays(
            arrays=arrays, fails=fails, eligible=eligible, relevance=relevance,
            scores=np.where(eligible & self._fits(signals), relevance, -np.inf),
            signals=signals,
            hpo_index=hpo_index, hpo_km=hpo_km, fixed_km=fixed_km, fixed_near=fixed_near,
            latitude=lat, longitude=lon, districts=districts,
        )

    def _choose(self, scores: F64, ks: list[int]) -> list[npt.NDArray[np.int64]]:
        """The diverse top k of every row (-1 padded), rows with the same k picked together."""
        table: OfferingTable = self.table_
        chosen: list[npt.NDArray[np.int64]] = [np.empty(0, dtype=np.int64)] * len(ks)
        for k in sorted(set(ks)):
            rows = [i for i, n in enumerate(ks) if n == k]
            if self.keep_factors_ is None:
                # Without the matrix, a block of rows computes similarities with einsum and
                # one row with a matrix product: pick one row at a time to stay identical.
                picks = [diversity.select(scores[i:i + 1], k, self.diversity, table.signature,
                                          None)[0] for i in rows]
            else:
                picks = list(diversity.select(scores[rows], k, self.diversity,
                                              table.signature, self.keep_factors_))
            for i, pick in zip(rows, picks, strict=True):
                chosen[i] = pick
        return chosen

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
        rural = places["rural"].to_numpy(dtype=np.float64)
        arrays = encode_profiles(columns, table, lat, lon, states, rural)
        numbers: npt.NDArray[np.int64] = (
            pd.to_numeric(frame["pincode"], errors="coerce").fillna(0).to_numpy(dtype=np.int64)
        )
        _, hpo_km, fixed_km, fixed_near = self.places_.distances(numbers, lat, lon, districts)
        eligible = check(table, arrays).eligible
        scores = self._score(compute(arrays, table, hpo_km, fixed_km, fixed_near), eligible)
        chosen = diversity.select(scores, k, self.diversity, table.signature,
                                  self.keep_factors_)
        rows, ranks = np.nonzero(chosen >= 0)
        picked = chosen[rows, ranks]
        return pd.DataFrame({
            "row": rows.astype(np.int64) + start,
            "rank": ranks.astype(np.int64) + 1,
            "offering_id": np.asarray(table.ids, dtype=object)[picked],
            "score": np.round(scores[rows, picked], 4),
        })

