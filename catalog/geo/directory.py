"""From the India Post office directory to one row per PIN code and one per head post office.

The directory (bharatpin's ``pincodes.csv``) lists every post office with the coordinates India
Post publishes. Some are wrong: empty, zero, latitude and longitude swapped, digits without a
decimal point, or a real place hundreds of kilometres away. A PIN code's location is therefore
built in steps:

1. filler values are dropped: a latitude or longitude written with four or more decimals that
   offices in ``FILLER_STATES`` or more states share (e.g. latitude 15.5934 on 841 offices from
   Darbhanga in Bihar to Vadodara in Gujarat) is a placeholder, not a survey, and so is a value
   that ``FILLER_OFFICES`` or more offices of one district share while their other coordinate
   takes ``FILLER_SPREAD`` or more values (latitude 15.59 on 189 Vadodara offices);
   a pair that is inside India's bounding box once latitude and longitude are swapped is
   swapped back (the two ranges do not overlap, so this is unambiguous); other coordinates
   outside the box are dropped;
2. the median latitude and longitude of the PIN code's remaining offices is taken;
3. that median is checked against the median of the district's offices: more than
   ``DISTRICT_KM`` away, the PIN code's offices mostly carry wrong coordinates (e.g. branch
   offices geocoded to a namesake town in another state), and the district median becomes the
   anchor instead;
4. offices more than ``OUTLIER_KM`` from the anchor are dropped and the median of the rest is
   the PIN code's location;
5. a PIN code left with no coordinates gets the median of its district's offices, and says so
   (``location_basis == "district"``); with none there either, latitude and longitude are NaN
   (``location_basis == "none"``).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from catalog.geo.distance import haversine_km, in_india
from catalog.geo.pincode import pincode_numbers

OUTLIER_KM = 50.0
"""An office this far from its PIN code's anchor is taken to carry wrong coordinates."""

DISTRICT_KM = 150.0
"""A PIN code's median this far from its district's median is not trusted (Kutch, India's largest
district, is about 45,700 km2: most of it lies within 150 km of Bhuj)."""

COLUMNS = (
    "pincode",
    "officename",
    "officetype",
    "delivery",
    "district",
    "state",
    "circle",
    "latitude",
    "longitude",
)
"""The directory columns DakMatch reads (the CSV has more)."""

FILLER_STATES = 3
"""A precise coordinate value repeated in this many states is a placeholder."""

FILLER_OFFICES = 40
FILLER_SPREAD = 20
"""One latitude on 40+ offices of a district, with 20+ different longitudes, is a placeholder
(the largest genuine repeat in the directory is 31 offices; the smallest filler 43)."""

UNKNOWN_STATE = "Unknown"

RURAL_BRANCH_SHARE = 0.5
"""A PIN code more than half of whose offices are branch offices (BO, the village post offices)
is rural; one served by head and sub offices (HO, SO) is urban. In the shipped directory 77 %
of PIN codes are rural by this test; 110001 (New Delhi GPO) and 560001 (Bengaluru GPO) have
no branch office."""

# Representative office of a PIN code: a head office, else a sub office, else a delivery branch.
_TYPE_RANK = {"HO": 0, "SO": 1, "BO": 2}


def default_directory_path() -> Path:
    """Where the installed ``bharatpin`` package keeps the India Post directory CSV."""
    path = Path(str(resources.files("bharatpin").joinpath("data", "pincodes.csv")))
    if not path.is_file():
        raise FileNotFoundError(f"the India Post directory is missing from bharatpin: {path}")
    return path


def read_directory(path: Path | str | None = None) -> pd.DataFrame:
    """Read the directory CSV (all columns as text, empty cells as empty strings)."""
    source = default_directory_path() if path is None else Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no India Post directory at {source}")
    header = pd.read_csv(source, nrows=0).columns
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{source} lacks directory columns: {', '.join(missing)}")
    return pd.read_csv(source, usecols=list(COLUMNS), dtype=str, keep_default_na=False)


def office_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Clean one-row-per-office table: ``pin`` as int, coordinates NaN unless inside India.

    Rows whose PIN code is malformed are dropped (the shipped directory has none).
    """
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"directory frame lacks columns: {', '.join(missing)}")
    pins = pincode_numbers(raw["pincode"].astype("string"))
    lat = pd.to_numeric(raw["latitude"], errors="coerce").to_numpy(dtype=np.float64, copy=True)
    lon = pd.to_numeric(raw["longitude"], errors="coerce").to_numpy(dtype=np.float64, copy=True)
    filler = (
        _filler(raw["latitude"], raw["state"])
        | _filler(raw["longitude"], raw["state"])
        | _district_filler(raw, "latitude", "longitude")
        | _district_filler(raw, "longitude", "latitude")
    )
    lat[filler] = np.nan
    lon[filler] = np.nan
    swapped = ~in_india(lat, lon) & in_india(lon, lat)
    lat, lon = np.where(swapped, lon, lat), np.where(swapped, lat, lon)
    valid = in_india(lat, lon)
    offices = pd.DataFrame(
        {
            "pin": pins,
            "officename": _text(raw["officename"]),
            "officetype": _text(raw["officetype"]).str.upper(),
            "delivery": _text(raw["delivery"]),
            "district": _text(raw["district"]),
            "state": _text(raw["state"]),
            "circle": _text(raw["circle"]),
            "lat": np.where(valid, lat, np.nan),
            "lon": np.where(valid, lon, np.nan),
        }
    )
    return offices[offices["pin"] > 0].reset_index(drop=True)


def _filler(values: pd.Series, states: pd.Series) -> npt.NDArray[np.bool_]:
    """Rows whose coordinate text (4+ decimals) is shared by ``FILLER_STATES``+ states."""
    text = _text(values)
    precise = text.str.contains(r"\.[0-9]{4,}$", regex=True).fillna(False).to_numpy(dtype=bool)
    frame = pd.DataFrame({"value": text[precise], "state": _text(states)[precise]})
    spread = frame.groupby("value")["state"].transform("nunique").to_numpy()
    filler = np.zeros(len(text), dtype=bool)
    filler[np.flatnonzero(precise)[spread >= FILLER_STATES]] = True
    return filler


def _district_filler(raw: pd.DataFrame, value: str, other: str) -> npt.NDArray[np.bool_]:
    """Rows whose ``value`` text many offices of their district share with varied ``other``."""
    frame = pd.DataFrame(
        {
            "state": _text(raw["state"]),
            "district": _text(raw["district"]),
            "value": _text(raw[value]),
            "other": _text(raw[other]),
        }
    )
    groups = frame.groupby(["state", "district", "value"])["other"]
    offices = groups.transform("size").to_numpy()
    spread = groups.transform("nunique").to_numpy()
    given = (frame["value"] != "").to_numpy(dtype=bool)
    return np.asarray(given & (offices >= FILLER_OFFICES) & (spread >= FILLER_SPREAD))


def _text(column: pd.Series) -> pd.Series:
    return column.astype("string").fillna("").str.strip()


def pin_table(offices: pd.DataFrame) -> pd.DataFrame:
    """One row per PIN code (sorted by ``pin``) with its representative office and location.

    Columns: ``pin, office_name, district, state, circle, latitude, longitude, location_basis,
    rural`` where ``location_basis`` is ``"offices"``, ``"district"`` or ``"none"`` and ``rural``
    says whether the PIN code is served mainly by branch offices (see ``RURAL_BRANCH_SHARE``).
    """
    lat = offices["lat"].to_numpy()
    lon = offices["lon"].to_numpy()
    district = _district_medians(offices)
    keys = pd.MultiIndex.from_frame(offices[["state", "district"]])
    district_lat = district["lat"].reindex(keys).to_numpy()
    district_lon = district["lon"].reindex(keys).to_numpy()
    first = _median_by_pin(offices).reindex(offices["pin"])
    anchor_lat = first["lat"].to_numpy()
    anchor_lon = first["lon"].to_numpy()
    astray = haversine_km(anchor_lat, anchor_lon, district_lat, district_lon) > DISTRICT_KM
    anchor_lat = np.where(astray, district_lat, anchor_lat)
    anchor_lon = np.where(astray, district_lon, anchor_lon)
    keep = haversine_km(lat, lon, anchor_lat, anchor_lon) <= OUTLIER_KM
    near = offices.assign(lat=np.where(keep, lat, np.nan), lon=np.where(keep, lon, np.nan))
    second = _median_by_pin(near)

    table = _representatives(offices).join(second, on="pin")
    branch_share = (offices["officetype"] == "BO").groupby(offices["pin"]).mean()
    table["rural"] = (branch_share.reindex(table["pin"]).to_numpy() > RURAL_BRANCH_SHARE)
    table["location_basis"] = np.where(table["lat"].notna(), "offices", "none")
    fallback = district.reindex(pd.MultiIndex.from_frame(table[["state", "district"]]))
    use = table["lat"].isna().to_numpy() & fallback["lat"].notna().to_numpy()
    table.loc[use, "lat"] = fallback["lat"].to_numpy()[use]
    table.loc[use, "lon"] = fallback["lon"].to_numpy()[use]
    table.loc[use, "location_basis"] = "district"
    table = table.rename(
        columns={"officename": "office_name", "lat": "latitude", "lon": "longitude"}
    )
    return table.sort_values("pin").reset_index(drop=True)


def _median_by_pin(offices: pd.DataFrame) -> pd.DataFrame:
    return offices.groupby("pin")[["lat", "lon"]].median()


def _district_medians(offices: pd.DataFrame) -> pd.DataFrame:
    return offices.groupby(["state", "district"])[["lat", "lon"]].median()


def _representatives(offices: pd.DataFrame) -> pd.DataFrame:
    """The office that names each PIN code: state known first, then HO, SO, delivery BO."""
    ranked = offices.assign(
        _unknown=(offices["state"] == UNKNOWN_STATE) | (offices["state"] == ""),
        _type=offices["officetype"].map(_TYPE_RANK).fillna(len(_TYPE_RANK)),
        _nondelivery=offices["delivery"] != "Delivery",
    )
    ranked = ranked.sort_values(
        ["pin", "_unknown", "_type", "_nondelivery", "officename"], kind="stable"
    )
    chosen = ranked.drop_duplicates("pin", keep="first")
    return chosen[["pin", "officename", "district", "state", "circle"]]


def head_office_table(offices: pd.DataFrame, pins: pd.DataFrame) -> pd.DataFrame:
    """Head post offices with usable coordinates, in directory order.

    An HO's own coordinates are used when they lie within ``OUTLIER_KM`` of its PIN code's
    location; otherwise the PIN code's location stands in. HOs with neither are left out.
    """
    heads = offices[offices["officetype"] == "HO"]
    located = pins.set_index("pin").reindex(heads["pin"])
    pin_lat = located["latitude"].to_numpy()
    pin_lon = located["longitude"].to_numpy()
    own_lat = heads["lat"].to_numpy()
    own_lon = heads["lon"].to_numpy()
    off = haversine_km(own_lat, own_lon, pin_lat, pin_lon)
    own_ok = ~np.isnan(own_lat) & ((off <= OUTLIER_KM) | np.isnan(pin_lat))
    table = pd.DataFrame(
        {
            "name": heads["officename"].to_numpy(),
            "pin": heads["pin"].to_numpy(),
            "district": heads["district"].to_numpy(),
            "state": heads["state"].to_numpy(),
            "latitude": np.where(own_ok, own_lat, pin_lat),
            "longitude": np.where(own_ok, own_lon, pin_lon),
        }
    )
    return table[table["latitude"].notna()].reset_index(drop=True)
