"""Post-office geography: PIN code -> place, distances, nearest facility (head post office).

Nothing is read at import; build a :class:`Geography` once with :meth:`Geography.load`.
"""

from catalog.geo.distance import EARTH_RADIUS_KM, haversine_km
from catalog.geo.geography import (
    HEAD_POST_OFFICE_NOTE,
    Facility,
    Geography,
    LocationBasis,
    PinColumns,
    PinPlace,
)
from catalog.geo.pincode import MalformedPincode, PincodeError, UnknownPincode, normalise_pincode

__all__ = [
    "EARTH_RADIUS_KM",
    "HEAD_POST_OFFICE_NOTE",
    "Facility",
    "Geography",
    "LocationBasis",
    "MalformedPincode",
    "PinColumns",
    "PinPlace",
    "PincodeError",
    "UnknownPincode",
    "haversine_km",
    "normalise_pincode",
]
