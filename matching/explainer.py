"""One profile's answer, read from a batch's arrays: the top k with reasons, prerequisites and
places, and the excluded offerings with the rules that excluded them.

``Ranker.rank_batch`` runs the vectorised steps (encoding, rules, signals, scores, diversity)
once for all its profiles; what is here is written per profile, from plain Python values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, count
from typing import Any

import numpy as np
import numpy.typing as npt

from catalog.schema import Offering
from catalog.vocab import LocationKind, Requirement
from matching import diversity
from matching.eligibility import NEXT_STEPS, PROFILE_FREE_RULES, RULES, not_eligible_reasons
from matching.encoding import ProfileArrays
from matching.features import F64, HELD_REQUIREMENTS, I64, Bool, OfferingTable
from matching.intent import read_intent
from matching.places import PlaceIndex
from matching.profile import EnterpriseProfile
from matching.reasons import Reason
from matching.result import NotEligible, Ranking, Recommendation, RecommendedPlace
from matching.signal_reasons import (
    MAX_SIGNAL_REASONS,
    MIN_CONTRIBUTION,
    REASONS,
    OfferingNotes,
    ProfileFacts,
    SignalReason,
    finish_reasons,
)
from matching.signals import SIGNALS, Signals

NOT_ELIGIBLE_MAX = 50  # excluded offerings listed per ranking (all of them on the real one)
_RULE_BITS = np.array([1 << i for i in range(len(RULES))], dtype=np.int64)  # bit i: RULES[i]
_HELD_BITS = np.array([1 << i for i in range(len(HELD_REQUIREMENTS))], dtype=np.int64)
# The rules of each combination of their bits, in ``RULES`` order.
_RULES_OF = [[rule for i, rule in enumerate(RULES) if code >> i & 1]
             for code in range(1 << len(RULES))]


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
    model_version: str
    # The signals in name order (how equal contributions are ordered): their positions in
    # ``SIGNALS``, their weights, their reasons, and which offerings each can give a
    # reason (N, signals).
    by_name: npt.NDArray[np.int64]
    weights_by_name: F64
    reasons: tuple[SignalReason, ...]
    speaks: Bool
    # Per offering, read once: what each of its recommendations copies from it (id, name,
    # provider, category, next step), its kind of place, its notes, which of
    # ``HELD_REQUIREMENTS`` it requires (bit i: the i-th) and its next steps by the bits of
    # those the profile holds.
    copied: tuple[tuple[str, str, str, str, str | None, LocationKind, OfferingNotes, int,
                        dict[int, tuple[Reason, ...]]], ...]
    # Per offering: its entry for each combination of the profile-free rules that can exclude
    # it, by the combination's bits (bit i: ``RULES[i]``).
    fixed_not_eligible: tuple[dict[int, NotEligible], ...]

    @classmethod
    def build(
        cls, table: OfferingTable, places: PlaceIndex, weight_vector: F64, model_version: str
    ) -> Explainer:
        """Prepare what does not depend on the profile."""
        offerings = table.offerings
        notes = tuple(OfferingNotes.build(o, j, table) for j, o in enumerate(offerings))
        names = sorted(SIGNALS)
        by_name = np.array([SIGNALS.index(name) for name in names], dtype=np.int64)
        return cls(
            table, places, model_version,
            by_name=by_name,
            weights_by_name=weight_vector[by_name],
            reasons=tuple(REASONS.get(name, _silent) for name in names),
            speaks=np.array([[name in n.speaks for name in names] for n in notes], dtype=bool)
            .reshape(len(notes), len(names)),
            copied=tuple((o.id, o.name, o.provider, o.category.value, o.next_step,
                          o.location.kind, n, *_prerequisites(o.constraints.requires))
                         for o, n in zip(offerings, notes, strict=True)),
            fixed_not_eligible=tuple(_fixed_not_eligible(o, table.ids[j])
                                     for j, o in enumerate(offerings)),
        )

    def rankings(
        self, batch: BatchArrays, profiles: Sequence[EnterpriseProfile],
        chosen: Sequence[npt.NDArray[np.int64]],
    ) -> list[Ranking]:
        """The rankings of the batch's profiles (``chosen``: each one's picks, -1 padded)."""
        picks = _Picks.gather(self, batch, chosen)
        return [
            Ranking(
                recommendations=self._recommendations(batch, row, profile, picks),
                not_eligible=self._not_eligible(batch, row, profile, picks),
                model_version=self.model_version,
            )
            for row, profile in enumerate(profiles)
        ]

    def _recommendations(
        self, batch: BatchArrays, row: int, profile: EnterpriseProfile, picks: _Picks,
    ) -> tuple[Recommendation, ...]:
        picked = picks.offerings[row]
        if not picked:
            return ()
        rural = batch.arrays.rural.item(row)
        facts = ProfileFacts(profile, picks.implied[row], self.table,
                             None if rural != rural else bool(rural))
        held = picks.held[row]
        # Every head-post-office offering goes to the same place: worked out on first need.
        hpo: tuple[RecommendedPlace | None, Reason | None] | None = None
        signal_reasons = self.reasons
        out = []
        for rank, j, score, order, strong, raw in zip(
                count(1), picked, picks.scores[row], picks.order[row], picks.strong[row],
                picks.raw[row]):
            (offering_id, name, provider, category, next_step, kind, notes, required,
             steps) = self.copied[j]
            if kind is LocationKind.HEAD_POST_OFFICE:
                if hpo is None:
                    hpo = self.places.head_post_office(batch.hpo_index.item(row),
                                                       batch.hpo_km.item(row))
                location, place_reason = hpo
            elif kind is LocationKind.FIXED:
                location, place_reason = self._fixed_place(batch, row, j)
            else:
                location, place_reason = None, None
            # The signals' reasons, strongest first, then what ``finish_reasons`` adds.
            reasons: list[Reason] = []
            for i in order[:strong]:
                said = signal_reasons[i](notes, facts)
                if said is not None and said not in reasons:
                    reasons.append(said)
                    if len(reasons) == MAX_SIGNAL_REASONS:
                        break
            out.append(Recommendation(
                rank, offering_id, name, provider, category, round(score, 4),
                tuple(finish_reasons(reasons, notes, facts, place_reason)),
                steps[held & required], location, next_step,
                tuple(raw),
            ))
        return tuple(out)

    def _fixed_place(
        self, batch: BatchArrays, row: int, j: int
    ) -> tuple[RecommendedPlace | None, Reason | None]:
        """The place of fixed-place offering ``j`` and its reason."""
        return self.places.fixed_place(
            j, batch.fixed_km.item(row, j), float(batch.latitude.item(row)),
            float(batch.longitude.item(row)),
            batch.districts[row] if batch.fixed_near.item(row, j) else None,
        )

    def _not_eligible(
        self, batch: BatchArrays, row: int, profile: EnterpriseProfile, picks: _Picks
    ) -> tuple[NotEligible, ...]:
        """The excluded offerings that would have ranked highest (at most
        ``NOT_ELIGIBLE_MAX``; every one on a catalogue that small), most relevant first."""
        table = self.table
        fixed = self.fixed_not_eligible
        out = []
        quoted: dict[str, Any] | None = None  # the profile's values the reasons quote
        for j, code in zip(picks.excluded[row], picks.failed[row], strict=True):
            known = fixed[j].get(code)
            if known is not None:
                out.append(known)
                continue
            if quoted is None:
                quoted = {
                    "weight": float(profile.typical_weight_kg or 0),
                    "value": float(profile.typical_value_inr or 0),
                    "destinations": profile.destinations
                    or read_intent(profile.products).destinations,
                    "state": batch.arrays.state.item(row),
                    "parcels": float(max(profile.monthly_domestic_parcels or 0,
                                         profile.monthly_international_parcels or 0)),
                }
            out.append(NotEligible(
                table.ids[j], tuple(not_eligible_reasons(table.offerings[j], _RULES_OF[code],
                                                         **quoted)),
            ))
        return tuple(out)


def _silent(notes: OfferingNotes, facts: ProfileFacts) -> None:
    """The reason of a signal that has none (never called: no offering ``speaks`` it)."""


@dataclass(frozen=True)
class _Picks:
    """What the explanations read per pick, gathered for the whole batch in a few array steps
    and turned into plain lists once (row b: the batch's profile b, in rank order)."""

    offerings: list[list[int]]  # the picks
    scores: list[list[float]]
    # The signals worth a reason for each pick: ``order[b][t][:strong[b][t]]`` are their
    # positions in the explainer's name order, largest weighted value first (equal values by
    # name); those below ``MIN_CONTRIBUTION`` or without a reason for the offering excluded.
    order: list[list[list[int]]]
    strong: list[list[int]]
    raw: list[list[list[float]]]  # each pick's signal values, in ``SIGNALS`` order
    implied: list[list[float]]  # per profile, in NEEDS order
    held: list[int]  # per profile, which of ``HELD_REQUIREMENTS`` it holds (bit i: the i-th)
    # The excluded offerings that would rank highest (at most ``NOT_ELIGIBLE_MAX``), most
    # relevant first (equal relevance in catalogue order), and the rules each failed (bit i:
    # ``RULES[i]``).
    excluded: list[list[int]]
    failed: list[list[int]]

    @classmethod
    def gather(
        cls, explainer: Explainer, batch: BatchArrays, chosen: Sequence[npt.NDArray[np.int64]]
    ) -> _Picks:
        # Rows after the profiles' (the plausible answers of ``ask``) are not read here.
        n = len(chosen)
        width = max(len(c) for c in chosen)
        padded = np.full((n, width), -1, dtype=np.int64)
        for b, c in enumerate(chosen):
            padded[b, :len(c)] = c
        taken = padded >= 0
        columns = np.where(taken, padded, 0)
        rows = np.arange(n)[:, None]
        # (B, K, signals in name order): each signal's weighted value for each pick.
        raw = batch.signals.stack[:, rows, columns].transpose(1, 2, 0)  # in SIGNALS order
        values = raw[:, :, explainer.by_name]
        contribution = values * explainer.weights_by_name
        worth = (contribution >= MIN_CONTRIBUTION) & explainer.speaks[columns]
        strong = worth.sum(axis=2)
        # Only the first ``strong`` of each pick's order are read: the widest is enough.
        order = np.argsort(np.where(worth, -contribution, np.inf), axis=2, kind="stable")[
            :, :, :max(int(strong.max()), 1)]
        eligible = batch.eligible[:n]
        excluded = diversity.candidates(
            np.where(eligible, -np.inf, batch.relevance[:n]), NOT_ELIGIBLE_MAX
        )
        failed = np.tensordot(_RULE_BITS, batch.fails[:, rows, excluded], axes=1)
        shown = np.minimum((~eligible).sum(axis=1), excluded.shape[1]).tolist()
        return cls(
            offerings=[[j for j in c if j >= 0] for c in padded.tolist()],
            scores=batch.scores[rows, columns].tolist(),
            order=order.tolist(),
            strong=strong.tolist(),
            raw=raw.tolist(),
            implied=batch.signals.implied_needs[:n].tolist(),
            held=batch.arrays.held[:n].dot(_HELD_BITS).tolist(),
            excluded=[o[:m] for o, m in zip(excluded.tolist(), shown, strict=True)],
            failed=[f[:m] for f, m in zip(failed.tolist(), shown, strict=True)],
        )


def _prerequisites(
    requires: Sequence[Requirement],
) -> tuple[int, dict[int, tuple[Reason, ...]]]:
    """Which of ``HELD_REQUIREMENTS`` an offering ``requires`` (bit i: the i-th), and its next
    steps for each combination of those a profile can hold, by the combination's bits."""
    bits = [1 << HELD_REQUIREMENTS.index(r) if r in HELD_REQUIREMENTS else 0 for r in requires]
    required = sum(set(bits))
    steps = {
        held: tuple([NEXT_STEPS[r] for r, bit in zip(requires, bits, strict=True)
                     if not bit & held])
        for held in range(1 << len(HELD_REQUIREMENTS)) if held & required == held
    }
    return required, steps


def _fixed_not_eligible(offering: Offering, offering_id: str) -> dict[int, NotEligible]:
    """The not-eligible entries of ``offering`` that no profile value changes: one for each
    combination of the profile-free rules that can exclude it, by the combination's bits."""
    c = offering.constraints
    # Which of those rules can exclude it at all (only to keep the table small: any other
    # combination is built by ``not_eligible_reasons`` when it happens, as before).
    can_fail = {
        "status": not offering.active,
        "domestic_only": c.scope == "international",
        "segment": c.segments != "all",
        "rural": c.rural_only,
        "documents": c.carries == "documents",
        "advertising": c.carries == "advertising",
    }
    rules = [rule for rule in RULES if rule in PROFILE_FREE_RULES and can_fail.get(rule, True)]
    reasons = {rule: not_eligible_reasons(offering, [rule], weight=0.0, value=0.0,
                                          destinations=(), state=-1, parcels=0.0)[0]
               for rule in rules}
    out = {}
    for size in range(1, len(rules) + 1):
        for combination in combinations(rules, size):  # in RULES order, as the reasons are
            code = sum(1 << RULES.index(rule) for rule in combination)
            out[code] = NotEligible(offering_id, tuple(reasons[rule] for rule in combination))
    return out
