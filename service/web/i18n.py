"""Languages of the web pages: the catalogues and the chosen language come from
``service.languages`` (shared with the API); here are the English labels of the profile
vocabularies (msgids of the catalogues)."""

from __future__ import annotations

from collections.abc import Callable

from service.languages import COOKIE as COOKIE
from service.languages import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from service.languages import LANGUAGES as LANGUAGES
from service.languages import LOCALES_DIR as LOCALES_DIR
from service.languages import request_language
from service.languages import translations as translations

Gettext = Callable[[str], str]

choose_language = request_language  # the pages' name for it


def gettext_for(lang: str) -> Gettext:
    """``_`` for templates and messages in ``lang``."""
    return translations(lang).gettext


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
