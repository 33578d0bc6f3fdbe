"""Example payloads shown in the OpenAPI document (partners generate clients from it)."""

from __future__ import annotations

from typing import Any

PROFILE_EXAMPLE: dict[str, Any] = {
    "name": "Sanganer Block Prints",
    "pincode": "302001",
    "sector": "handicrafts",
    "products": "hand block printed cotton bedsheets and scarves",
    "business_type": "artisan",
    "size_class": "micro",
    "sales_channels": ["etsy", "exhibitions"],
    "destinations": ["US", "DE"],
    "monthly_international_parcels": 40,
    "typical_weight_kg": 1.2,
    "typical_value_inr": 4500,
    "needs": ["international_shipping", "export_documentation"],
    "first_time_exporter": True,
}

PROFILE_EXAMPLES: dict[str, Any] = {
    "artisan-exporter": {
        "summary": "A Jaipur artisan starting to export",
        "value": PROFILE_EXAMPLE,
    },
    "minimal": {
        "summary": "Only the required fields",
        "value": {"pincode": "400001", "sector": "food_spices"},
    },
}

PATCH_EXAMPLES: dict[str, Any] = {
    "more-parcels": {
        "summary": "Change one field, remove another (JSON merge patch)",
        "value": {"monthly_international_parcels": 120, "name": None},
    }
}

FEEDBACK_EXAMPLE: dict[str, Any] = {
    "run_id": "7f6d1c52-3a55-4d5e-9a37-0f3c2b1d9e10",
    "offering_id": "dnk",
    "outcome": "enrolled",
    "note": "registered at the Jaipur GPO export centre",
}
