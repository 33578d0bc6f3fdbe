"""Languages of the web pages: gettext catalogues (``locales/<lang>/LC_MESSAGES/messages.po``)
compiled with Babel when first used, the chosen language from a cookie, and the English labels
of the profile vocabularies (msgids of the catalogues)."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from fastapi import Request

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES: dict[str, str] = {"en": "English", "hi": "हिन्दी", "mr": "मराठी"}
DEFAULT_LANGUAGE = "en"
COOKIE = "dakmatch_lang"

Gettext = Callable[[str], str]


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (English: the msgids themselves)."""
    if lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    po_path = LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def gettext_for(lang: str) -> Gettext:
    """``_`` for templates and messages in ``lang``."""
    return translations(lang).gettext


def choose_language(request: Request) -> str:
    """``?lang=`` first, then the remembered cookie, then English."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


SECTORS: dict[str, str] = {
    "handicrafts": "Handicrafts",
    "handloom_textiles": "Handloom and textiles",
    "apparel": "Apparel and garments",
    "gems_jewellery": "Gems and jewellery",
    "leather_footwear": "Leather and footwear",
    "ayurveda_herbal": "Ayurveda and herbal products",
    "food_spices": "Food and spices",
    "tea_coffee": "Tea and coffee",
    "agri_produce": "Agricultural produce",
    "engineering_goods": "Engineering goods",
    "electronics": "Electronics",
    "toys_games": "Toys and games",
    "books_printing": "Books and printing",
    "musical_instruments": "Musical instruments",
    "home_furnishing": "Home furnishing",
    "other": "Something else",
}
BUSINESS_TYPES: dict[str, str] = {
    "manufacturer": "Manufacturer",
    "trader": "Trader",
    "artisan": "Artisan",
    "shg": "Self-help group (SHG)",
    "fpo": "Farmer producer organisation (FPO)",
    "startup": "Startup",
}
SIZE_CLASSES: dict[str, str] = {
    "micro": "Micro",
    "small": "Small",
    "medium": "Medium",
}
SALES_CHANNELS: dict[str, str] = {
    "own_shop": "My own shop",
    "own_website": "My own website",
    "amazon": "Amazon",
    "flipkart": "Flipkart",
    "etsy": "Etsy",
    "meesho": "Meesho",
    "gem": "GeM (Government e-Marketplace)",
    "ondc": "ONDC",
    "social_media": "Social media (WhatsApp, Instagram, Facebook)",
    "exhibitions": "Fairs and exhibitions",
    "b2b_buyers": "Business buyers (B2B)",
}
NEEDS: dict[str, str] = {
    "international_shipping": "Send parcels abroad",
    "export_documentation": "Export paperwork",
    "customs_clearance": "Customs clearance",
    "domestic_shipping": "Send parcels within India",
    "pickup": "Pickup from my door",
    "packaging": "Packing material and packing",
    "cash_on_delivery": "Cash on delivery",
    "tracking": "Tracking",
    "shipment_insurance": "Insurance for shipments",
    "bulk_freight": "Large or bulk loads",
    "returns": "Handling returns",
    "digital_payments": "Digital payments",
    "export_incentives": "Export incentives",
    "export_finance": "Export finance",
    "life_cover": "Life insurance",
    "training": "Training",
    "market_access": "New buyers and markets",
    "government_procurement": "Selling to government",
    "marketplace_integration": "Selling on online marketplaces",
}
# The needs under short headings on the form, so that 19 boxes read as four small lists.
NEED_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Sending parcels", (
        "domestic_shipping", "international_shipping", "pickup", "packaging", "tracking",
        "bulk_freight", "returns", "shipment_insurance",
    )),
    ("Exporting", (
        "export_documentation", "customs_clearance", "export_incentives", "export_finance",
        "training",
    )),
    ("Selling", (
        "marketplace_integration", "cash_on_delivery", "market_access", "government_procurement",
    )),
    ("Money and insurance", ("digital_payments", "life_cover")),
)  # fmt: skip
CATEGORIES: dict[str, str] = {
    "export_facilitation": "Export facilitation",
    "cross_border_parcels": "Cross-border parcels",
    "domestic_parcels": "Domestic parcels",
    "ecommerce_capacity": "E-commerce and capacity",
    "payments_insurance": "Payments and insurance",
    "partners_programmes": "Partners and programmes",
}
OUTCOMES: dict[str, str] = {
    "shown": "Shown",
    "accepted": "Accepted",
    "rejected": "Declined",
    "enrolled": "Enrolled",
}
# Common destinations of Indian MSME parcels, offered as checkboxes (others typed in).
COMMON_DESTINATIONS: dict[str, str] = {
    "US": "United States",
    "GB": "United Kingdom",
    "AE": "United Arab Emirates",
    "DE": "Germany",
    "FR": "France",
    "CA": "Canada",
    "AU": "Australia",
    "SA": "Saudi Arabia",
    "SG": "Singapore",
    "NL": "Netherlands",
    "JP": "Japan",
    "NP": "Nepal",
}
