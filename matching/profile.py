"""The enterprise profile of DESIGN §4, its validation and the derived size class."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from catalog.countries import is_country_code
from catalog.geo import Geography, PincodeError, normalise_pincode
from catalog.vocab import BusinessType, Need, SalesChannel, Sector, SizeClass
from matching.identifiers import PAN_SHAPE, UDYAM_SHAPE, gstin_problem
from matching.safe_text import unsafe_text_errors

CRORE = 10_000_000
MAX_WEIGHT_KG = 100_000.0  # DESIGN §4: bulk loads in tonnes are valid
MAX_MONTHLY_PARCELS = 10_000_000
MAX_INR = 1e12
MAX_PRODUCTS_CHARS = 2000

# MSME classification in force since 2025-04-01 (MSME notification S.O. 1364(E), 21 March 2025):
# (size class, investment limit, turnover limit) in rupees; both limits must hold.
SIZE_THRESHOLDS: tuple[tuple[SizeClass, float, float], ...] = (
    (SizeClass.MICRO, 2.5 * CRORE, 10 * CRORE),
    (SizeClass.SMALL, 25 * CRORE, 100 * CRORE),
    (SizeClass.MEDIUM, 125 * CRORE, 500 * CRORE),
)

Parcels = Annotated[int, Field(ge=0, le=MAX_MONTHLY_PARCELS)]
Rupees = Annotated[float, Field(ge=0, le=MAX_INR, allow_inf_nan=False)]


class ProfileError(ValueError):
    """A profile that cannot be used; ``errors`` lists ``{"field", "message"}``, one per problem."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


class EnterpriseProfile(BaseModel):
    """An enterprise as it describes itself (DESIGN §4). Unknown keys are refused.

    Build one with :func:`parse_profile`, which also checks the PIN code against the directory
    and derives ``size_class`` from ``investment_inr`` and ``turnover_inr``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    name: Annotated[str, Field(max_length=200)] | None = Field(
        default=None, description="the enterprise's name (optional)"
    )
    pincode: str = Field(description="its 6-digit PIN code; must exist in the India Post directory")
    sector: Sector = Field(description="what it makes or trades")
    products: Annotated[str, Field(max_length=MAX_PRODUCTS_CHARS)] = Field(
        default="",
        description="what it sells and how, in English, Hindi, Marathi or a mix; export "
        "intent, countries and marketplaces named here count",
    )
    business_type: BusinessType | None = Field(
        default=None, description="manufacturer, trader, artisan, self-help group, FPO or startup"
    )
    size_class: SizeClass | None = Field(
        default=None,
        description="micro, small or medium; derived from investment and turnover when not given",
    )
    investment_inr: Rupees | None = Field(
        default=None, description="investment in plant and machinery or equipment, rupees"
    )
    turnover_inr: Rupees | None = Field(default=None, description="annual turnover, rupees")
    udyam_number: str | None = Field(
        default=None, description="its Udyam registration number, e.g. UDYAM-RJ-17-0012345"
    )
    gstin: str | None = Field(default=None, description="its GSTIN (checksum checked)")
    iec: str | None = Field(default=None, description="its Importer-Exporter Code (the PAN)")
    sales_channels: tuple[SalesChannel, ...] = Field(
        default=(),
        description="where it sells: own shop or website, marketplaces, GeM, ONDC, ...",
    )
    destinations: tuple[str, ...] = Field(
        default=(),
        description="countries it ships to or wants to (ISO 3166-1 alpha-2); empty: not stated",
    )
    monthly_domestic_parcels: Parcels | None = Field(
        default=None, description="parcels a month within India"
    )
    monthly_international_parcels: Parcels | None = Field(
        default=None, description="parcels a month abroad"
    )
    typical_weight_kg: Annotated[
        float, Field(gt=0, le=MAX_WEIGHT_KG, allow_inf_nan=False)
    ] | None = Field(
        default=None, description="a typical parcel or consignment, kg (bulk loads are valid)"
    )
    typical_value_inr: Rupees | None = Field(
        default=None, description="a typical consignment's value, rupees"
    )
    needs: tuple[Need, ...] = Field(
        default=(), description="what it needs help with, from the needs vocabulary"
    )
    first_time_exporter: bool = Field(default=False, description="it has not exported before")
    rural: bool | None = Field(
        default=None,
        description="it is in a rural area; inferred from the post-office directory when not given",
    )

    @field_validator("pincode", mode="before")
    @classmethod
    def _pincode(cls, value: Any) -> str:
        return normalise_pincode(value)

    @field_validator("udyam_number")
    @classmethod
    def _udyam(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if not UDYAM_SHAPE.match(value):
            raise ValueError(
                f"{value!r} is not a Udyam registration number: expected UDYAM-XX-00-0000000 "
                "(state letters, district digits, 7 digits)"
            )
        return value

    @field_validator("gstin")
    @classmethod
    def _gstin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        problem = gstin_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("iec")
    @classmethod
    def _iec(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.upper()
        if not PAN_SHAPE.match(value):
            raise ValueError(
                f"{value!r} is not an IEC: the IEC is the firm's PAN, 5 letters, 4 digits, "
                "1 letter (e.g. AAPFU0939F)"
            )
        return value

    @field_validator("destinations", mode="before")
    @classmethod
    def _countries(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        codes: list[str] = []
        for raw in value:
            if not isinstance(raw, str):
                raise ValueError(f"{raw!r} is not a country code: use ISO 3166-1 alpha-2 (US, AE)")
            code = raw.strip().upper()
            if code == "IN":
                raise ValueError("IN is India: leave destinations empty for a domestic business")
            if not is_country_code(code):
                raise ValueError(
                    f"{raw!r} is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, AE)"
                )
            if code not in codes:
                codes.append(code)
        return tuple(codes)

    @field_validator("sales_channels", "needs")
    @classmethod
    def _unique(cls, value: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(value))

    @property
    def exports(self) -> bool:
        """Whether the enterprise ships, or wants to ship, abroad."""
        return bool(self.destinations)


def derive_size_class(
    investment_inr: float | None, turnover_inr: float | None
) -> SizeClass | None:
    """The smallest MSME class whose limits hold for the figures given (None if none given).

    Raises ``ValueError`` when a figure is above the medium-enterprise limit (not an MSME).
    """
    if investment_inr is None and turnover_inr is None:
        return None
    for size, max_investment, max_turnover in SIZE_THRESHOLDS:
        if (investment_inr is None or investment_inr <= max_investment) and (
            turnover_inr is None or turnover_inr <= max_turnover
        ):
            return size
    raise ValueError(
        "above the medium-enterprise limits (investment up to ₹125 crore and turnover up to "
        "₹500 crore since 2025-04-01): not an MSME"
    )


def _field(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    return ".".join(parts) if parts else "profile"


def _message(error: Mapping[str, Any], field: str) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        accepted = ", ".join(EnterpriseProfile.model_fields)
        return f"unknown field {field!r}; accepted fields: {accepted}"
    if kind == "missing":
        return f"{field} is required"
    if kind == "value_error":
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, PincodeError):
            return cause.message
        return f"{field}: {cause}" if cause is not None else f"{field}: {error['msg']}"
    return f"{field}: {error['msg']}"


def parse_profile(data: Mapping[str, Any], geography: Geography) -> EnterpriseProfile:
    """Validate a profile (a JSON object) and return it with ``size_class`` filled in if derivable.

    Parameters
    ----------
    data : mapping
        The profile as received (DESIGN §4 keys; unknown keys are refused).
    geography : catalog.geo.Geography
        The PIN code must be in its directory.

    Returns
    -------
    EnterpriseProfile

    Raises
    ------
    ProfileError
        With ``.errors``, one ``{"field", "message"}`` per problem, every message naming the
        field and what is accepted.

    Examples
    --------
    >>> parse_profile({"pincode": "110001", "sector": "handicrafts"}, geo).sector  # doctest: +SKIP
    <Sector.HANDICRAFTS: 'handicrafts'>
    """
    if not isinstance(data, Mapping):
        raise ProfileError([{"field": "profile", "message": "a profile must be a JSON object"}])
    unsafe = unsafe_text_errors(data)  # before anything else repeats or stores the text
    if unsafe:
        raise ProfileError(unsafe)
    problems: list[dict[str, str]] = []
    profile: EnterpriseProfile | None = None
    try:
        profile = EnterpriseProfile.model_validate(dict(data))
    except ValidationError as exc:
        for error in exc.errors():
            field = _field(error["loc"])
            problems.append({"field": field, "message": _message(error, field)})
    if not any(p["field"] == "pincode" for p in problems) and "pincode" in data:
        try:
            geography.require(data["pincode"])
        except PincodeError as exc:
            problems.append({"field": "pincode", "message": exc.message})
    if profile is None or problems:
        raise ProfileError(problems)
    update: dict[str, Any] = {}
    try:
        derived = derive_size_class(profile.investment_inr, profile.turnover_inr)
    except ValueError as exc:
        field = "investment_inr" if _over_investment(profile) else "turnover_inr"
        raise ProfileError([{"field": field, "message": f"{field}: {exc}"}]) from None
    if profile.size_class is None and derived is not None:
        update["size_class"] = derived
    return profile.model_copy(update=update) if update else profile


def _over_investment(profile: EnterpriseProfile) -> bool:
    return profile.investment_inr is not None and profile.investment_inr > SIZE_THRESHOLDS[-1][1]
