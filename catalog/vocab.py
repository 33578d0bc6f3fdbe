"""Shared vocabularies (DESIGN §3 and §4): one enum per controlled list.

Profiles, offerings, the web form and the API all speak these words; nothing else
defines them.
"""

from __future__ import annotations

from enum import StrEnum


class Sector(StrEnum):
    HANDICRAFTS = "handicrafts"
    HANDLOOM_TEXTILES = "handloom_textiles"
    APPAREL = "apparel"
    GEMS_JEWELLERY = "gems_jewellery"
    LEATHER_FOOTWEAR = "leather_footwear"
    AYURVEDA_HERBAL = "ayurveda_herbal"
    FOOD_SPICES = "food_spices"
    TEA_COFFEE = "tea_coffee"
    AGRI_PRODUCE = "agri_produce"
    ENGINEERING_GOODS = "engineering_goods"
    ELECTRONICS = "electronics"
    TOYS_GAMES = "toys_games"
    BOOKS_PRINTING = "books_printing"
    MUSICAL_INSTRUMENTS = "musical_instruments"
    HOME_FURNISHING = "home_furnishing"
    OTHER = "other"


class BusinessType(StrEnum):
    MANUFACTURER = "manufacturer"
    TRADER = "trader"
    ARTISAN = "artisan"
    SHG = "shg"
    FPO = "fpo"
    STARTUP = "startup"


class SizeClass(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"


class SalesChannel(StrEnum):
    OWN_SHOP = "own_shop"
    OWN_WEBSITE = "own_website"
    AMAZON = "amazon"
    FLIPKART = "flipkart"
    ETSY = "etsy"
    MEESHO = "meesho"
    GEM = "gem"
    ONDC = "ondc"
    SOCIAL_MEDIA = "social_media"
    EXHIBITIONS = "exhibitions"
    B2B_BUYERS = "b2b_buyers"


class Need(StrEnum):
    EXPORT_DOCUMENTATION = "export_documentation"
    CUSTOMS_CLEARANCE = "customs_clearance"
    INTERNATIONAL_SHIPPING = "international_shipping"
    DOMESTIC_SHIPPING = "domestic_shipping"
    PICKUP = "pickup"
    PACKAGING = "packaging"
    CASH_ON_DELIVERY = "cash_on_delivery"
    TRACKING = "tracking"
    SHIPMENT_INSURANCE = "shipment_insurance"
    BULK_FREIGHT = "bulk_freight"
    RETURNS = "returns"
    DIGITAL_PAYMENTS = "digital_payments"
    EXPORT_INCENTIVES = "export_incentives"
    EXPORT_FINANCE = "export_finance"
    LIFE_COVER = "life_cover"
    TRAINING = "training"
    MARKET_ACCESS = "market_access"
    GOVERNMENT_PROCUREMENT = "government_procurement"
    MARKETPLACE_INTEGRATION = "marketplace_integration"


class Category(StrEnum):
    """Offering groups of DESIGN §3; evaluation breaks results down by these."""

    EXPORT_FACILITATION = "export_facilitation"
    CROSS_BORDER_PARCELS = "cross_border_parcels"
    DOMESTIC_PARCELS = "domestic_parcels"
    ECOMMERCE_CAPACITY = "ecommerce_capacity"
    PAYMENTS_INSURANCE = "payments_insurance"
    PARTNERS_PROGRAMMES = "partners_programmes"


class Status(StrEnum):
    ACTIVE = "active"
    DISCONTINUED = "discontinued"


class Segment(StrEnum):
    """Who an offering is for: a size class or a kind of business (``all`` when unrestricted)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    MANUFACTURER = "manufacturer"
    TRADER = "trader"
    ARTISAN = "artisan"
    SHG = "shg"
    FPO = "fpo"
    STARTUP = "startup"


class Requirement(StrEnum):
    """Prerequisites: missing ones never exclude, they become next steps."""

    IEC = "iec"
    GSTIN = "gstin"
    UDYAM = "udyam"
    PAN = "pan"
    CONTRACT = "contract"
    ICEGATE = "icegate"
    AD_CODE = "ad_code"
    LUT = "lut"
    DNK_REGISTRATION = "dnk_registration"
    IPPB_ACCOUNT = "ippb_account"
    AADHAAR = "aadhaar"
    MARKETPLACE_ACCOUNT = "marketplace_account"
    GEM_REGISTRATION = "gem_registration"
    OCCUPATION_ELIGIBILITY = "occupation_eligibility"
    STATE_REGISTRATION = "state_registration"


class OfferingChannel(StrEnum):
    """How an enterprise reaches an offering."""

    COUNTER = "counter"
    DNK_COUNTER = "dnk_counter"
    PICKUP = "pickup"
    PORTAL = "portal"
    API = "api"
    MOBILE_APP = "mobile_app"
    DOORSTEP = "doorstep"
    PARTNER_DESK = "partner_desk"
    EVENTS = "events"
    MARKETPLACE = "marketplace"


class LocationKind(StrEnum):
    """Where the enterprise has to go: anywhere, the nearest facility of a kind, or fixed places."""

    ANYWHERE = "anywhere"
    HEAD_POST_OFFICE = "head_post_office"
    FIXED = "fixed"


STATES: tuple[str, ...] = (
    "Andaman & Nicobar Islands",
    "Andhra Pradesh",
    "Arunachal Pradesh",
    "Assam",
    "Bihar",
    "Chandigarh",
    "Chhattisgarh",
    "Dadra & Nagar Haveli and Daman & Diu",
    "Delhi",
    "Goa",
    "Gujarat",
    "Haryana",
    "Himachal Pradesh",
    "Jammu & Kashmir",
    "Jharkhand",
    "Karnataka",
    "Kerala",
    "Ladakh",
    "Lakshadweep",
    "Madhya Pradesh",
    "Maharashtra",
    "Manipur",
    "Meghalaya",
    "Mizoram",
    "Nagaland",
    "Odisha",
    "Puducherry",
    "Punjab",
    "Rajasthan",
    "Sikkim",
    "Tamil Nadu",
    "Telangana",
    "Tripura",
    "Uttar Pradesh",
    "Uttarakhand",
    "West Bengal",
)
"""State and union-territory names as the India Post directory spells them."""
