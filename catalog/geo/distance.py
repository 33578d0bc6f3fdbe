"""Great-circle distances on a spherical Earth, and India's bounding box."""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG R1); the haversine error against the ellipsoid stays under 0.5 %."""

# Mainland and islands, with a little margin: Indira Point (6.75 N) to the Karakoram (37.1 N),
# Gujarat's Kutch coast (68.1 E) to Arunachal's eastern tip (97.4 E).
INDIA_LAT_RANGE = (6.0, 37.6)
INDIA_LON_RANGE = (68.0, 97.6)

FloatArray = npt.NDArray[np.float64]


@overload
def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float: ...


@overload
def haversine_km(
    lat1: FloatArray | float, lon1: FloatArray | float, lat2: FloatArray, lon2: FloatArray | float
) -> FloatArray: ...


@overload
def haversine_km(
    lat1: FloatArray, lon1: FloatArray | float, lat2: FloatArray | float, lon2: FloatArray | float
) -> FloatArray: ...


def haversine_km(
    lat1: FloatArray | float,
    lon1: FloatArray | float,
    lat2: FloatArray | float,
    lon2: FloatArray | float,
) -> FloatArray | float:
    """Great-circle distance in kilometres between points given in decimal degrees.

    Works on floats and on numpy arrays (broadcast against each other); NaN in, NaN out.

    Examples
    --------
    >>> round(haversine_km(0.0, 0.0, 0.0, 1.0), 3)
    111.195
    """
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dphi = p2 - p1
    dlam = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlam / 2.0) ** 2
    km = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    if np.ndim(km) == 0:
        return float(km)
    return np.asarray(km, dtype=np.float64)


def in_india(lat: FloatArray, lon: FloatArray) -> npt.NDArray[np.bool_]:
    """True where a coordinate pair lies inside India's bounding box (NaN is outside)."""
    lat_lo, lat_hi = INDIA_LAT_RANGE
    lon_lo, lon_hi = INDIA_LON_RANGE
    inside = (lat >= lat_lo) & (lat <= lat_hi) & (lon >= lon_lo) & (lon <= lon_hi)
    return np.asarray(inside, dtype=np.bool_)
