"""PIN code -> place, and the nearest facility of a kind, over the India Post directory.

Facilities of kind ``head_post_office`` are the directory's head post offices (HO). The
directory does not say which post offices are Dak Ghar Niryat Kendras (DNK, the post office
export centres), so DakMatch shows the nearest head post office as a stand-in for the nearest
Dak Ghar Niryat Kendra: ask there which DNK serves you.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, Self

import numpy as np
import numpy.typing as npt
import pandas as pd

from catalog.geo.directory import head_office_table, office_table, pin_table, read_directory
from catalog.geo.distance import EARTH_RADIUS_KM
from catalog.geo.pincode import (
    MalformedPincode,
    PincodeError,
    UnknownPincode,
    normalise_pincode,
    pincode_numbers,
)
from catalog.vocab import LocationKind

if TYPE_CHECKING:
    from sklearn.neighbors import BallTree

HEAD_POST_OFFICE_NOTE = (
    "The nearest head post office stands in for the nearest Dak Ghar Niryat Kendra (post office "
    "export centre): the India Post directory does not mark which offices are DNKs, so ask there "
    "which DNK serves you."
)
"""The sentence the UI shows beside a head post office given as an export centre."""

LocationBasis = Literal["offices", "district", "none"]


@dataclass(frozen=True, slots=True)
class PinPlace:
    """Where a PIN code is, as the India Post directory has it.

    ``office_name`` is the PIN code's head office if it has one, else a sub office, else a
    delivery branch office. ``latitude``/``longitude`` are the median of its offices'
    coordinates after outliers are dropped (``location_basis == "offices"``), the median of its
    district's offices when none of its own is usable (``"district"``), or None (``"none"``).
    ``rural``: the PIN code is served mainly by branch offices (``directory.RURAL_BRANCH_SHARE``).
    """

    pincode: str
    office_name: str
    district: str
    state: str
    circle: str
    latitude: float | None
    longitude: float | None
    location_basis: LocationBasis = "offices"
    rural: bool = False

    @property
    def has_coordinates(self) -> bool:
        """Whether a distance can be computed from this place."""
        return self.latitude is not None and self.longitude is not None


class PinColumns(NamedTuple):
    """Where several known PIN codes are, column-wise (see :meth:`Geography.lookup_many`)."""

    numbers: npt.NDArray[np.int64]  # the PIN codes as integers
    latitude: npt.NDArray[np.float64]  # NaN where :meth:`Geography.lookup` gives None
    longitude: npt.NDArray[np.float64]
    state: list[str]
    district: list[str]
    rural: npt.NDArray[np.float64]  # 1.0 served mainly by branch offices, else 0.0


@dataclass(frozen=True, slots=True)
class Facility:
    """A place an enterprise may have to go to, e.g. a head post office.

    A head post office stands in for the nearest Dak Ghar Niryat Kendra (see
    ``HEAD_POST_OFFICE_NOTE``).
    """

    name: str
    pincode: str
    district: str
    state: str
    latitude: float
    longitude: float
    kind: LocationKind


@dataclass(frozen=True, slots=True)
class _FacilityIndex:
    facilities: tuple[Facility, ...]
    tree: BallTree | None


_FIRST_PIN = 100_000
_PIN_SPAN = 900_000


class Geography:
    """The India Post directory, indexed by PIN code and by facility location.

    Build it once at start-up with :meth:`load` (reads the CSV shipped by ``bharatpin``, about
    0.9 s, 8 MB kept) or, for tests, with :meth:`from_frame`. Lookups never touch the disk.

    Examples
    --------
    >>> geo = Geography.load()  # doctest: +SKIP
    >>> geo.lookup("400001").district  # doctest: +SKIP
    'Mumbai'
    >>> facility, km = geo.nearest(LocationKind.HEAD_POST_OFFICE, 18.94, 72.83)[0]  # doctest: +SKIP
    """

    def __init__(self, pins: pd.DataFrame, head_offices: pd.DataFrame) -> None:
        """Hold the tables built by ``catalog.geo.directory`` (use :meth:`load` instead)."""
        numbers = pins["pin"].to_numpy(dtype=np.int64)
        self._numbers = numbers
        self._pincodes = numbers.astype("<U6")
        # PIN code -> row, as one dense array over 100000-999999 (3.6 MB): a batch lookup is a
        # single gather, 2.5 ms for 1,000,000 PIN codes against 87 ms with np.searchsorted.
        self._row_of = np.full(_PIN_SPAN, -1, dtype=np.int32)
        self._row_of[numbers - _FIRST_PIN] = np.arange(len(numbers), dtype=np.int32)
        self._office = pins["office_name"].to_numpy(dtype=object)
        self._district = pd.Categorical(pins["district"].astype(str))
        self._state = pd.Categorical(pins["state"].astype(str))
        self._district_names = np.asarray(self._district.categories, dtype=object)
        self._state_names = np.asarray(self._state.categories, dtype=object)
        # Plain code arrays: ``Categorical.codes`` builds a new view on every access.
        self._district_codes = np.asarray(self._district.codes)
        self._state_codes = np.asarray(self._state.codes)
        self._circle = pins["circle"].to_numpy(dtype=object)
        self._lat = pins["latitude"].to_numpy(dtype=np.float64)
        self._lon = pins["longitude"].to_numpy(dtype=np.float64)
        self._basis = pins["location_basis"].to_numpy(dtype=object)
        self._rural = (pins["rural"].to_numpy(dtype=bool) if "rural" in pins.columns
                       else np.zeros(len(pins), dtype=bool)).astype(np.float64)
        # For ``lookup_many``: the coordinates as ``lookup`` gives them (both unknown when
        # either is), and each PIN code's state and district as plain lists.
        unlocated = np.isnan(self._lat) | np.isnan(self._lon)
        self._located_lat = np.where(unlocated, np.nan, self._lat)
        self._located_lon = np.where(unlocated, np.nan, self._lon)
        self._state_of: list[str] = self._state_names[self._state_codes].tolist()
        self._district_of: list[str] = self._district_names[self._district_codes].tolist()
        self._indexes = {
            LocationKind.HEAD_POST_OFFICE: _index(head_offices, LocationKind.HEAD_POST_OFFICE)
        }

    @classmethod
    def load(cls, path: Path | str | None = None) -> Self:
        """Read the India Post directory (``bharatpin``'s CSV unless ``path`` names another)."""
        return cls.from_frame(read_directory(path))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Self:
        """Build from a DataFrame with the directory's columns (one row per post office)."""
        offices = office_table(frame)
        if offices.empty:
            raise ValueError("the directory frame holds no post office with a valid PIN code")
        pins = pin_table(offices)
        return cls(pins, head_office_table(offices, pins))

    # --- PIN codes -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._pincodes)

    def require(self, pincode: object) -> str:
        """The canonical form of ``pincode`` when the directory has it (cheaper than
        :meth:`lookup` when only existence matters).

        Raises :class:`MalformedPincode` or :class:`UnknownPincode` as :meth:`lookup` does.
        """
        pin = normalise_pincode(pincode)
        self._row(pin)
        return pin

    def __contains__(self, pincode: object) -> bool:
        try:
            self._row(normalise_pincode(pincode))
        except PincodeError:
            return False
        return True

    @property
    def pincodes(self) -> npt.NDArray[np.str_]:
        """Every known PIN code, sorted (a copy)."""
        return self._pincodes.copy()

    @property
    def pincode_states(self) -> npt.NDArray[np.object_]:
        """The state of each PIN code in :attr:`pincodes`, aligned with it."""
        return np.asarray(self._state.astype(object))

    def pincodes_in_state(self, state: str) -> npt.NDArray[np.str_]:
        """PIN codes whose representative office lies in ``state`` (directory spelling)."""
        if state not in self._state.categories:
            raise ValueError(f"no PIN code in state {state!r} (use the directory's spelling)")
        return self._pincodes[np.asarray(self._state == state)]

    def lookup(self, pincode: str) -> PinPlace:
        """The place of ``pincode``.

        Raises
        ------
        MalformedPincode
            ``pincode`` is not six digits with a first digit from 1 to 9.
        UnknownPincode
            it is well formed but absent from the directory.
        """
        pin = normalise_pincode(pincode)
        i = self._row(pin)
        lat, lon = float(self._lat[i]), float(self._lon[i])
        located = not (np.isnan(lat) or np.isnan(lon))
        return PinPlace(
            pincode=pin,
            office_name=str(self._office[i]),
            district=str(self._district_names[self._district_codes[i]]),
            state=str(self._state_names[self._state_codes[i]]),
            circle=str(self._circle[i]),
            latitude=lat if located else None,
            longitude=lon if located else None,
            location_basis=self._basis[i] if located else "none",
            rural=bool(self._rural[i]),
        )

    def lookup_many(self, pincodes: Iterable[str]) -> PinColumns:
        """The places of ``pincodes`` as :meth:`lookup` gives them, column-wise, in one gather
        (no :class:`PinPlace` per PIN code): for a batch of PIN codes that must be known (the
        ranker's). :meth:`locate_many` is the vectorised one for many that may not be.

        Raises
        ------
        MalformedPincode, UnknownPincode
            for the first PIN code :meth:`lookup` refuses, as it would.
        """
        rows = [self._row(normalise_pincode(pincode)) for pincode in pincodes]
        return PinColumns(
            numbers=self._numbers[rows],
            latitude=self._located_lat[rows],
            longitude=self._located_lon[rows],
            state=[self._state_of[i] for i in rows],
            district=[self._district_of[i] for i in rows],
            rural=self._rural[rows],
        )

    def locate_many(self, pincodes: Iterable[object] | pd.Series) -> pd.DataFrame:
        """Vectorised lookup: one row per input, in input order.

        Columns ``latitude``, ``longitude`` (NaN when unknown or unlocated), ``state`` and
        ``district`` (categorical, NaN when unknown), ``rural`` (1.0 rural, 0.0 urban, NaN
        unknown) and ``known``. Malformed and unknown PIN
        codes are rows with ``known == False``; nothing is raised. Integers are read as PIN codes.
        """
        series = pincodes if isinstance(pincodes, pd.Series) else pd.Series(list(pincodes))
        numbers = pincode_numbers(series)
        rows = np.full(len(numbers), -1, dtype=np.int32)
        well_formed = numbers >= _FIRST_PIN
        rows[well_formed] = self._row_of[numbers[well_formed] - _FIRST_PIN]
        known = rows >= 0
        safe = np.maximum(rows, 0)
        return pd.DataFrame(
            {
                "latitude": np.where(known, self._lat[safe], np.nan),
                "longitude": np.where(known, self._lon[safe], np.nan),
                "state": _take(self._state, rows),
                "district": _take(self._district, rows),
                "rural": np.where(known, self._rural[safe], np.nan),
                "known": known,
            },
            index=series.index,
        )

    def _row(self, pin: str) -> int:
        i = int(self._row_of[int(pin) - _FIRST_PIN])
        if i < 0:
            raise UnknownPincode(pin)
        return i

    # --- facilities ------------------------------------------------------------------------

    def facility_count(self, kind: LocationKind | str) -> int:
        """How many facilities of ``kind`` are indexed."""
        return len(self._index_for(kind).facilities)

    def facility(self, kind: LocationKind | str, i: int) -> Facility:
        """Facility number ``i`` of ``kind`` (the numbering :meth:`nearest_many` returns)."""
        facilities = self._index_for(kind).facilities
        if not 0 <= i < len(facilities):
            raise IndexError(f"no {kind} facility number {i} (there are {len(facilities)})")
        return facilities[i]

    def nearest(
        self, kind: LocationKind | str, latitude: float, longitude: float, k: int = 1
    ) -> list[tuple[Facility, float]]:
        """The ``k`` facilities of ``kind`` nearest to a point, nearest first, with km."""
        index, tree = self._tree_for(kind)
        _check_point(latitude, longitude)
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        k = min(k, len(index.facilities))
        point = np.radians([[latitude, longitude]])
        radians, found = tree.query(point, k=k, sort_results=True)
        return [
            (index.facilities[i], r * EARTH_RADIUS_KM)
            for i, r in zip(found[0].tolist(), radians[0].tolist(), strict=True)
        ]

    def nearest_many(
        self,
        kind: LocationKind | str,
        latitudes: npt.ArrayLike,
        longitudes: npt.ArrayLike,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Nearest facility of ``kind`` for many points: (facility numbers, km).

        Points with a NaN coordinate get facility number -1 and distance NaN. Use
        :meth:`facility` to turn a number into a :class:`Facility`.
        """
        _, tree = self._tree_for(kind)
        lats = np.asarray(latitudes, dtype=np.float64).ravel()
        lons = np.asarray(longitudes, dtype=np.float64).ravel()
        if lats.shape != lons.shape:
            raise ValueError(f"{lats.size} latitudes but {lons.size} longitudes")
        found = np.full(lats.size, -1, dtype=np.int64)
        km = np.full(lats.size, np.nan, dtype=np.float64)
        ok = np.isfinite(lats) & np.isfinite(lons)
        if ok.any():
            points = np.radians(np.column_stack([lats[ok], lons[ok]]))
            radians, nearest = tree.query(points, k=1)
            found[ok] = nearest[:, 0]
            km[ok] = radians[:, 0] * EARTH_RADIUS_KM
        return found, km

    def _index_for(self, kind: LocationKind | str) -> _FacilityIndex:
        try:
            return self._indexes[LocationKind(kind)]
        except (ValueError, KeyError):
            kinds = ", ".join(sorted(self._indexes))
            raise ValueError(
                f"no facilities of kind {str(kind)!r}; indexed kinds: {kinds}"
            ) from None

    def _tree_for(self, kind: LocationKind | str) -> tuple[_FacilityIndex, BallTree]:
        index = self._index_for(kind)
        if index.tree is None:
            raise ValueError(f"the directory has no {kind!s} with coordinates")
        return index, index.tree


def _index(table: pd.DataFrame, kind: LocationKind) -> _FacilityIndex:
    facilities = tuple(
        Facility(
            name=str(name),
            pincode=str(pin),
            district=str(district),
            state=str(state),
            latitude=float(lat),
            longitude=float(lon),
            kind=kind,
        )
        for name, pin, district, state, lat, lon in zip(
            table["name"],
            table["pin"],
            table["district"],
            table["state"],
            table["latitude"],
            table["longitude"],
            strict=True,
        )
    )
    if not facilities:
        return _FacilityIndex(facilities, None)
    # Imported here: scikit-learn costs ~0.8 s at import, and ``import catalog`` should not pay it.
    from sklearn.neighbors import BallTree

    points = np.radians(table[["latitude", "longitude"]].to_numpy(dtype=np.float64))
    return _FacilityIndex(facilities, BallTree(points, metric="haversine"))


def _take(values: pd.Categorical[str], rows: npt.NDArray[np.int32]) -> pd.Categorical[str]:
    codes = np.where(rows >= 0, np.asarray(values.codes)[np.maximum(rows, 0)], -1)
    return pd.Categorical.from_codes(codes, dtype=values.dtype)


def _check_point(latitude: float, longitude: float) -> None:
    if not (np.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise ValueError(f"latitude must be between -90 and 90, not {latitude}")
    if not (np.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise ValueError(f"longitude must be between -180 and 180, not {longitude}")


__all__ = [
    "HEAD_POST_OFFICE_NOTE",
    "Facility",
    "Geography",
    "MalformedPincode",
    "PinColumns",
    "PinPlace",
    "PincodeError",
    "UnknownPincode",
]
