"""Where an enterprise goes for an offering: nearest head post office, fixed places, distances.

Everything that needs a tree query or a string match is computed once per catalogue at fit
(nearest head post office of every PIN code, fixed places named after each district), so a
ranking only looks values up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from catalog.geo import HEAD_POST_OFFICE_NOTE, Geography, haversine_km
from catalog.schema import Offering, Place
from catalog.vocab import LocationKind
from matching.features import F64
from matching.reasons import Reason
from matching.result import RecommendedPlace

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class PlaceIndex:
    """Per-PIN nearest head post office and the offerings' fixed places, as arrays."""

    geography: Geography
    pin_numbers: I64  # sorted PIN codes of the directory
    pin_hpo: I64  # nearest head post office (facility number, -1 none) per PIN code
    pin_hpo_km: F64
    owners: I64  # offerings with located fixed places (one entry each)
    starts: I64  # where each owner's places start in lats/lons
    lats: F64
    lons: F64
    # district -> {offering: position of its first place named after the district}
    district_places: dict[str, dict[int, int]]
    size: int
    # Per offering (fixed-place ones; empty for the others): its places, the positions of
    # those with coordinates, and its location note.
    fixed: tuple[tuple[tuple[Place, ...], tuple[int, ...], str | None], ...]

    @classmethod
    def build(cls, offerings: Sequence[Offering], geography: Geography) -> PlaceIndex:
        """Nearest head post office of every PIN code, and the fixed places named after each
        district, computed once so that ranking does no tree queries."""
        pins = np.asarray(geography.pincodes)
        located = geography.locate_many(pd.Series(pins))
        numbers = pins.astype(np.int64)
        wants_hpo = any(o.location.kind is LocationKind.HEAD_POST_OFFICE for o in offerings)
        if wants_hpo and geography.facility_count(LocationKind.HEAD_POST_OFFICE):
            index, km = geography.nearest_many(
                LocationKind.HEAD_POST_OFFICE, located["latitude"], located["longitude"]
            )
        else:
            index = np.full(numbers.size, -1, dtype=np.int64)
            km = np.full(numbers.size, np.nan)
        named = [
            (j, [p.name.lower() for p in o.location.places])
            for j, o in enumerate(offerings) if o.location.kind is LocationKind.FIXED
        ]
        near: dict[str, dict[int, int]] = {}
        for district in located["district"].dropna().astype(str).unique():
            word = re.compile(rf"\b{re.escape(district.lower())}\b")
            # Named after it: the place names read together; where to go: the first place
            # whose own name has it (the first place when only the names together do).
            hits = {j: next((i for i, name in enumerate(names) if word.search(name)), 0)
                    for j, names in named if word.search(" ".join(names))}
            if hits:
                near[district] = hits
        owners, starts, lats, lons = _fixed_places(offerings)
        fixed = tuple(
            (tuple(o.location.places),
             tuple(i for i, p in enumerate(o.location.places) if p.has_coordinates),
             o.location.note)
            if o.location.kind is LocationKind.FIXED else ((), (), None)
            for o in offerings
        )
        return cls(geography, numbers, np.asarray(index, dtype=np.int64),
                   np.asarray(km, dtype=np.float64), owners, starts, lats, lons, near,
                   len(offerings), fixed)

    def distances(
        self, pincodes: I64, latitude: F64, longitude: F64, districts: Sequence[str | None]
    ) -> tuple[I64, F64, F64, npt.NDArray[np.bool_]]:
        """For P profiles: nearest head post office (facility number, km), km to each
        offering's nearest located fixed place (P, N; NaN none), and (P, N) whether one of an
        offering's fixed places is named after the profile's district."""
        numbers = np.asarray(pincodes, dtype=np.int64)
        position = np.minimum(np.searchsorted(self.pin_numbers, numbers),
                              self.pin_numbers.size - 1)
        found = self.pin_numbers[position] == numbers
        index = np.where(found, self.pin_hpo[position], -1)
        km = np.where(found, self.pin_hpo_km[position], np.nan)
        fixed = np.full((numbers.size, self.size), np.nan)
        if self.owners.size:
            d = haversine_km(latitude[:, None], longitude[:, None], self.lats[None, :],
                             self.lons[None, :])
            fixed[:, self.owners] = np.minimum.reduceat(d, self.starts, axis=1)
        near = np.zeros((numbers.size, self.size), dtype=bool)
        named, n = self.district_places, self.size
        # One write for all profiles: the flat (row, offering) cells of their districts.
        near.reshape(-1)[[
            row * n + j for row, district in enumerate(districts)
            if isinstance(district, str) for j in named.get(district, ())
        ]] = True
        return index, km, fixed, near

    def fixed_place(
        self, j: int, fixed_km: float, lat: float, lon: float, district: str | None,
    ) -> tuple[RecommendedPlace | None, Reason | None]:
        """Where to go for fixed-place offering ``j`` and a reason saying how far it is:
        its nearest place with coordinates (``fixed_km`` away, NaN: none), else its place
        named after the profile's ``district`` (None: none is), else its first place."""
        places, located, note = self.fixed[j]
        if located and not math.isnan(fixed_km):
            nearest = places[located[0]]
            if len(located) > 1:
                km_each = [
                    float(haversine_km(lat, lon, float(places[i].latitude or 0),
                                       float(places[i].longitude or 0)))
                    for i in located
                ]
                nearest = places[located[km_each.index(min(km_each))]]
            return (
                RecommendedPlace(nearest.name, nearest.pincode, round(fixed_km, 1), note),
                Reason("place_distance",
                       (("place", nearest.name), ("distance_km", round(fixed_km)))),
            )
        if district:
            local = places[self.district_places[district][j]]
            return (
                RecommendedPlace(local.name, local.pincode, None, note),
                Reason("place_in_district", (("place", local.name), ("district", district))),
            )
        return RecommendedPlace(places[0].name, places[0].pincode, None, note), None

    def head_post_office(
        self, hpo_index: int, hpo_km: float
    ) -> tuple[RecommendedPlace | None, Reason | None]:
        """The place and reason of every head-post-office offering for a profile whose
        nearest head post office is ``hpo_index`` (None, None: none known)."""
        if hpo_index < 0:
            return None, None
        hpo = self.geography.facility(LocationKind.HEAD_POST_OFFICE, hpo_index)
        km = round(hpo_km, 1)
        return (
            RecommendedPlace(hpo.name, hpo.pincode, km, HEAD_POST_OFFICE_NOTE),
            Reason("nearest_head_post_office", (("place", hpo.name), ("distance_km", km))),
        )


def _fixed_places(offerings: Sequence[Offering]) -> tuple[I64, I64, F64, F64]:
    """Every located fixed place as flat arrays: owning offerings (one entry each), where each
    owner's places start, and the places' coordinates (grouped by owner)."""
    owners: list[int] = []
    starts: list[int] = []
    lats: list[float] = []
    lons: list[float] = []
    for j, offering in enumerate(offerings):
        located = [p for p in offering.location.places if p.has_coordinates]
        if offering.location.kind is LocationKind.FIXED and located:
            owners.append(j)
            starts.append(len(lats))
            lats.extend(float(p.latitude or 0) for p in located)
            lons.extend(float(p.longitude or 0) for p in located)
    return (np.array(owners, dtype=np.int64), np.array(starts, dtype=np.int64),
            np.array(lats, dtype=np.float64), np.array(lons, dtype=np.float64))
