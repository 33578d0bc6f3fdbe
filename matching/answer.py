"""One profile's answer, read from a batch's arrays: the top k with reasons, prerequisites and
places, and the excluded offerings with the rules that excluded them.

``Ranker.rank_batch`` runs the vectorised steps (encoding, rules, signals, scores, diversity)
once for all its profiles; what is here is written per profile, from plain Python values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from catalog.vocab import Requirement
from matching import diversity
from matching.eligibility import NEXT_STEPS, PROFILE_FREE_RULES, RULES, not_eligible_reasons
from matching.encoding import ProfileArrays
from matching.explain import reasons_for
from matching.features import F64, HELD_REQUIREMENTS, I64, Bool, OfferingTable, held_requirements
from matching.places import PlaceIndex
from matching.profile import EnterpriseProfile
from matching.result import NotEligible, Ranking, Recommendation
from matching.signals import SIGNALS, Signals

NOT_ELIGIBLE_MAX = 50  # excluded offerings listed per ranking (all of them on the real one)


@dataclass(frozen=True)
class BatchArrays:
    """What the vectorised steps computed for B profiles (row b is the batch's profile b)."""

    arrays: ProfileArrays
    fails: Bool  # (rules, B, N)
    eligible: Bool  # (B, N)
    relevance: F64  # (B, N) the score each offering would have if no rule excluded it
    scores: F64  # (B, N) relevance, -inf where not eligible
    signals: Signals
    hpo_index: I64  # (B,) nearest head post office, -1 none
    hpo_km: F64
    fixed_km: F64  # (B, N)
    fixed_near: Bool  # (B, N)
    latitude: F64
    longitude: F64
    districts: Sequence[str | None]


@dataclass(frozen=True)
class Explainer:
    """Writes rankings for a fitted catalogue (built once at fit)."""

    table: OfferingTable
    places: PlaceIndex
    weight_vector: F64  # signal weights in ``SIGNALS`` order
    model_version: str
    requires: tuple[tuple[Requirement, ...], ...]  # per offering
    # Per offering: the not-eligible reason of each rule whose wording is the offering's alone.
    fixed_reasons: tuple[dict[str, str], ...]

    @classmethod
    def build(
        cls, table: OfferingTable, places: PlaceIndex, weight_vector: F64, model_version: str
    ) -> Explainer:
        """Prepare what does not depend on the profile."""
        offerings = table.offerings
        return cls(
            table, places, weight_vector, model_version,
            requires=tuple(tuple(o.constraints.requires) for o in offerings),
            fixed_reasons=tuple(
                {rule: not_eligible_reasons(o, [rule], weight=0.0, value=0.0, destinations=(),
                                            state=-1, parcels=0.0)[0]
                 for rule in PROFILE_FREE_RULES}
                for o in offerings
            ),
        )

    def ranking(
        self, batch: BatchArrays, row: int, profile: EnterpriseProfile,
        chosen: npt.NDArray[np.int64],
    ) -> Ranking:
        """The ranking of the batch's profile ``row`` (``chosen``: its picks, -1 padded)."""
        return Ranking(
            recommendations=self._recommendations(batch, row, profile, chosen),
            not_eligible=self._not_eligible(batch, row, profile),
            model_version=self.model_version,
        )

    def _recommendations(
        self, batch: BatchArrays, row: int, profile: EnterpriseProfile,
        chosen: npt.NDArray[np.int64],
    ) -> tuple[Recommendation, ...]:
        table = self.table
        picked = chosen[chosen >= 0]
        if picked.size == 0:
            return ()
        # Reasons name only the words the enterprise wrote, not the needs it ticked.
        query = table.text.query(profile.products)
        weighted = (batch.signals.stack[:, row, picked] * self.weight_vector[:, None]).T.tolist()
        scores = batch.scores[row, picked].tolist()
        fixed_km = batch.fixed_km[row, picked].tolist()
        near = batch.fixed_near[row, picked].tolist()
        implied = batch.signals.implied_needs[row].tolist()
        hpo_index, hpo_km = int(batch.hpo_index[row]), float(batch.hpo_km[row])
        lat, lon = float(batch.latitude[row]), float(batch.longitude[row])
        district = batch.districts[row]
        met = held_requirements(profile.iec, profile.gstin, profile.udyam_number,
                                profile.sales_channels)
        held = {req for req, ok in zip(HELD_REQUIREMENTS, met, strict=True) if ok}
        out = []
        for position, j in enumerate(picked.tolist()):
            offering = table.offerings[j]
            location, location_text = self.places.location(
                offering, hpo_index, hpo_km, fixed_km[position], lat, lon,
                district if near[position] else None,
            )
            contributions = dict(zip(SIGNALS, weighted[position], strict=True))
            out.append(Recommendation(
                position + 1, offering.id, offering.name, offering.provider,
                offering.category.value, round(scores[position], 4),
                tuple(reasons_for(offering, j, profile, contributions, implied, table, query,
                                  location_text)),
                tuple([NEXT_STEPS[r] for r in self.requires[j] if r not in held]),
                location, offering.next_step,
            ))
        return tuple(out)

    def _not_eligible(
        self, batch: BatchArrays, row: int, profile: EnterpriseProfile
    ) -> tuple[NotEligible, ...]:
        """The excluded offerings that would have ranked highest (at most
        ``NOT_ELIGIBLE_MAX``; every one on a catalogue that small), most relevant first."""
        table = self.table
        eligible = batch.eligible[row]
        relevance = batch.relevance[row]
        excluded = np.flatnonzero(~eligible)
        if excluded.size == 0:
            return ()
        if excluded.size > NOT_ELIGIBLE_MAX:
            excluded = diversity.candidates(
                np.where(eligible, -np.inf, relevance)[None, :], NOT_ELIGIBLE_MAX
            )[0]
        else:
            excluded = excluded[np.lexsort((excluded, -relevance[excluded]))]
        parcels = float(max(profile.monthly_domestic_parcels or 0,
                            profile.monthly_international_parcels or 0))
        weight = float(profile.typical_weight_kg or 0)
        value = float(profile.typical_value_inr or 0)
        state = int(batch.arrays.state[row])
        failed = batch.fails[:, row, excluded].T.tolist()
        out = []
        for j, flags in zip(excluded.tolist(), failed, strict=True):
            rules = [rule for rule, flag in zip(RULES, flags, strict=True) if flag]
            fixed = self.fixed_reasons[j]
            if all(rule in fixed for rule in rules):
                out.append(NotEligible(table.ids[j], tuple([fixed[rule] for rule in rules])))
                continue
            out.append(NotEligible(
                offering_id=table.ids[j],
                reasons=tuple(not_eligible_reasons(
                    table.offerings[j], rules, weight=weight, value=value,
                    destinations=profile.destinations, state=state, parcels=parcels,
                )),
            ))
        return tuple(out)
