"""Factories for the matching tests: a few real PIN codes, valid profiles and offerings."""

from __future__ import annotations

from typing import Any

import pandas as pd

from catalog import Catalog, catalog_from_document

# (pincode, office, type, district, state, latitude, longitude): real places, rounded.
_OFFICES = [
    ("302001", "Jaipur G.P.O.", "HO", "Jaipur", "Rajasthan", 26.92, 75.80),
    ("302004", "Jaipur City S.O", "SO", "Jaipur", "Rajasthan", 26.88, 75.82),
    ("400001", "Mumbai G.P.O.", "HO", "Mumbai", "Maharashtra", 18.94, 72.84),
    ("400005", "VWTC S.O", "SO", "Mumbai", "Maharashtra", 18.91, 72.82),
    ("411001", "Pune H.O", "HO", "Pune", "Maharashtra", 18.52, 73.86),
    ("800001", "Patna G.P.O.", "HO", "Patna", "Bihar", 25.61, 85.14),
    ("847211", "Madhubani H.O", "HO", "Madhubani", "Bihar", 26.35, 86.07),
    ("190001", "Srinagar GPO", "HO", "Srinagar", "Jammu & Kashmir", 34.08, 74.80),
    ("560001", "Bengaluru G.P.O.", "HO", "Bengaluru Urban", "Karnataka", 12.98, 77.59),
]


def directory_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "pincode": pin, "officename": name, "officetype": kind, "delivery": "Delivery",
                "district": district, "state": state, "circle": f"{state} Circle",
                "latitude": str(lat), "longitude": str(lon),
            }
            for pin, name, kind, district, state, lat, lon in _OFFICES
        ]
    )


def make_profile(**overrides: Any) -> dict[str, Any]:
    """A valid profile (a Jaipur jewellery exporter) with ``overrides`` applied."""
    profile: dict[str, Any] = {
        "pincode": "302001",
        "sector": "gems_jewellery",
        "products": "silver jewellery",
        "destinations": ["GB"],
        "monthly_international_parcels": 20,
        "typical_weight_kg": 0.5,
        "needs": ["international_shipping"],
    }
    profile.update(overrides)
    return {k: v for k, v in profile.items() if v is not None}


def offering(**overrides: Any) -> dict[str, Any]:
    """A valid catalogue entry with ``overrides`` applied (for synthetic catalogues)."""
    entry: dict[str, Any] = {
        "id": "plain",
        "name": "Plain offering",
        "provider": "Test provider",
        "category": "domestic_parcels",
        "description": "A plain offering used to build synthetic catalogues in tests.",
        "features": ["domestic_shipping"],
        "channels": ["counter"],
        "source_urls": ["https://example.org/source"],
        "as_of": "2026-01-01",
    }
    entry.update(overrides)
    return entry


def synthetic_catalog(*entries: dict[str, Any]) -> Catalog:
    return catalog_from_document({"offerings": list(entries)})
