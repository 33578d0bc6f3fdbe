"""Reasons rendered at the edge: a :class:`matching.reasons.Reason` (code and parameters) as a
sentence in the asked language, through the gettext catalogues (``service.languages``).

Every code has a template below; numbers are written the Indian way (``1,50,000``) with
``babel.numbers`` and counts agree with their noun (``ngettext``). Nothing parses a sentence:
the API's ``reasons`` are written from its ``reason_codes``, and a stored answer is written
again in another language from its codes. The codes that name catalogue text (``caveat``,
``discontinued``) are written with the catalogue a renderer is made for (:func:`renderer`):
the entry's text in the asked language.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from functools import cache, lru_cache, partial
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from catalog import Catalog, Offering
from catalog.countries import country_name
from catalog.vocab import Need, Requirement, SalesChannel, Sector, Segment
from matching.ask import QUESTIONS
from matching.reasons import (
    ASK_CODES,
    CAUSE_CODES,
    CODES,
    NOT_ELIGIBLE_CODES,
    PREREQUISITE_CODES,
    RECOMMENDATION_CODES,
    Reason,
    reason,
)
from service import languages

log = logging.getLogger("dakmatch.reasons")

# Babel locales of the languages (their number formats: Indian grouping; digits as Babel writes
# them for these locales, Latin in all three, kept so with ``numbering_system="latn"``, as PIN
# codes, dates and India Post's own Hindi and Marathi pages write them).
NUMBER_LOCALES = {"en": "en_IN", "hi": "hi_IN", "mr": "mr_IN"}
COUNTRIES_SHOWN = 3  # countries named in a reason before "and N more"

# Words of the parameters' values (msgids; the catalogues translate them).
NEED_WORDS: dict[str, str] = {need.value: need.value.replace("_", " ") for need in Need}
SECTOR_WORDS: dict[str, str] = {
    Sector.HANDICRAFTS: "handicrafts",
    Sector.HANDLOOM_TEXTILES: "handloom and textiles",
    Sector.APPAREL: "apparel and garments",
    Sector.GEMS_JEWELLERY: "gems and jewellery",
    Sector.LEATHER_FOOTWEAR: "leather and footwear",
    Sector.AYURVEDA_HERBAL: "ayurveda and herbal products",
    Sector.FOOD_SPICES: "food and spices",
    Sector.TEA_COFFEE: "tea and coffee",
    Sector.AGRI_PRODUCE: "agricultural produce",
    Sector.ENGINEERING_GOODS: "engineering goods",
    Sector.ELECTRONICS: "electronics",
    Sector.TOYS_GAMES: "toys and games",
    Sector.BOOKS_PRINTING: "books and printing",
    Sector.MUSICAL_INSTRUMENTS: "musical instruments",
    Sector.HOME_FURNISHING: "home furnishing",
    Sector.OTHER: "other",
}
CHANNEL_WORDS: dict[str, str] = {
    SalesChannel.OWN_SHOP: "your own shop",
    SalesChannel.OWN_WEBSITE: "your own website",
    SalesChannel.AMAZON: "Amazon",
    SalesChannel.FLIPKART: "Flipkart",
    SalesChannel.ETSY: "Etsy",
    SalesChannel.MEESHO: "Meesho",
    SalesChannel.GEM: "GeM",
    SalesChannel.ONDC: "ONDC",
    SalesChannel.SOCIAL_MEDIA: "social media",
    SalesChannel.EXHIBITIONS: "exhibitions",
    SalesChannel.B2B_BUYERS: "business buyers",
}
SEGMENT_WORDS: dict[str, str] = {
    Segment.MICRO: "micro",
    Segment.SMALL: "small",
    Segment.MEDIUM: "medium",
    Segment.MANUFACTURER: "manufacturer",
    Segment.TRADER: "trader",
    Segment.ARTISAN: "artisan",
    Segment.SHG: "SHG",
    Segment.FPO: "FPO",
    Segment.STARTUP: "startup",
}
# Brand and platform names stay as they are in every language.
_KEEP = frozenset({"Amazon", "Flipkart", "Etsy", "Meesho", "GeM", "ONDC"})
NEXT_STEPS: dict[str, str] = {
    Requirement.IEC: (
        "Get an IEC (Importer-Exporter Code; it is your PAN): apply online on the DGFT website "
        "with form ANF-2A"
    ),
    Requirement.GSTIN: (
        "Register for GST to get a GSTIN: apply on the GST portal; the post office export "
        "centre or a facilitation officer can help"
    ),
    Requirement.UDYAM: "Register on the Udyam portal (free, online, with Aadhaar and PAN)",
    Requirement.PAN: "Have your PAN (or the firm's PAN) ready",
    Requirement.CONTRACT: (
        "Sign a contract with India Post: ask the business development desk of your head "
        "post office"
    ),
    Requirement.ICEGATE: (
        "Register on ICEGATE (the customs portal) and add the bank details used on the DNK "
        "portal"
    ),
    Requirement.AD_CODE: "Register your bank's AD (authorised dealer) code with Customs",
    Requirement.LUT: (
        "File a Letter of Undertaking (LUT) on the GST portal to export without paying IGST"
    ),
    Requirement.DNK_REGISTRATION: (
        "Register on the DNK portal and upload your KYC (IEC, GSTIN, AD code, LUT); the "
        "post office export centre helps"
    ),
    Requirement.IPPB_ACCOUNT: (
        "Open an India Post Payments Bank account at any post office or through the postman"
    ),
    Requirement.AADHAAR: "Have your Aadhaar ready",
    Requirement.MARKETPLACE_ACCOUNT: "Have a seller account on the marketplace",
    Requirement.GEM_REGISTRATION: (
        "Register as a seller on GeM (gem.gov.in); a Common Service Centre can help"
    ),
    Requirement.OCCUPATION_ELIGIBILITY: (
        "Check that your occupation is covered: ask at the post office counter"
    ),
    Requirement.STATE_REGISTRATION: (
        "Register with the state agency running the programme (ask its desk)"
    ),
}


@cache
def _country(code: str) -> str:
    return country_name(code)


@cache
def _territory(code: str, lang: str) -> str | None:
    """``code``'s country name in ``lang`` from Babel's CLDR tables, or None."""
    name = Locale.parse(NUMBER_LOCALES.get(lang, "en_IN")).territories.get(code.upper())
    return str(name) if name else None


def _indian_integer(value: int) -> str:
    """An integer grouped the Indian way (``12,34,567``): what babel writes for en_IN, hi_IN
    and mr_IN (checked by a test), in a microsecond instead of babel's 40."""
    digits = str(abs(value))
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        pairs = []
        while len(head) > 2:
            pairs.append(head[-2:])
            head = head[:-2]
        digits = ",".join([head, *reversed(pairs), tail])
    return "-" + digits if value < 0 else digits


@lru_cache(maxsize=4096)
def _babel_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=NUMBER_LOCALES.get(lang, "en_IN"),
                          numbering_system="latn")


def number(value: float, lang: str) -> str:
    """``value`` the Indian way in ``lang`` (``1,50,000``; at most 3 decimals; Latin digits),
    as ``babel.numbers.format_decimal`` writes it (whole numbers grouped here, faster)."""
    if value.__class__ is int or (value.__class__ is float and value.is_integer()
                                  and abs(value) < 1e15):
        return _indian_integer(int(value))
    return _babel_number(value, lang)


@lru_cache(maxsize=1024)
def _babel_rupees(value: float, lang: str) -> str:
    return format_currency(value, "INR", locale=NUMBER_LOCALES.get(lang, "en_IN"),
                           format="¤#,##,##0", currency_digits=False, numbering_system="latn")


def rupees(value: float, lang: str) -> str:
    """An amount in whole rupees the Indian way (``₹1,50,000``), as
    ``babel.numbers.format_currency`` writes it (grouped here, faster)."""
    if 0 <= value < 1e15:  # False for NaN, infinities and negatives: babel writes those
        return "₹" + _indian_integer(round(value))
    return _babel_rupees(value, lang)


# An offering's catalogue entry in the writer's language, by id (None: not in the catalogue).
OfferingLookup = Callable[[str], Offering | None]


def _no_catalogue(offering_id: str) -> Offering | None:
    return None


@lru_cache(maxsize=1024)
def percent(share: float, lang: str) -> str:
    """A share (``0.625``) as a whole percentage in ``lang`` (``62%``), as
    ``babel.numbers.format_percent`` writes it."""
    return format_percent(share, locale=NUMBER_LOCALES.get(lang, "en_IN"),
                          numbering_system="latn")


def day_and_month(day: dt.date, lang: str) -> str:
    """``day`` as a short day and month in ``lang`` (``30 Nov``, ``30 नव॰``), by Babel."""
    return format_date(day, "d MMM", locale=NUMBER_LOCALES.get(lang, "en_IN"))


class Writer:
    """What the templates write with: ``lang``'s gettext, ngettext and number formats, and
    the catalogue's entries in ``lang`` (``offering``) for the codes that quote them."""

    def __init__(
        self, lang: str, gettext: Callable[[str], str],
        ngettext: Callable[[str, str, int], str], offering: OfferingLookup = _no_catalogue,
    ) -> None:
        self.lang = lang
        self._ = gettext
        self.ngettext = ngettext
        self.offering = offering

    def entry(self, offering_id: Any) -> Offering | None:
        """The catalogue entry ``offering_id`` in this language, or None."""
        return self.offering(offering_id) if isinstance(offering_id, str) else None

    def num(self, value: float) -> str:
        return number(value, self.lang)

    def words(self, table: dict[str, str], keys: Iterable[str]) -> str:
        return ", ".join(self._(table[k]) if k in table else str(k) for k in keys)

    def channels(self, keys: Iterable[str]) -> str:
        return ", ".join(
            (w if w in _KEEP else self._(w)) if (w := CHANNEL_WORDS.get(k)) else str(k)
            for k in keys
        )

    def country(self, code: str) -> str:
        """A country's name in this language: the message catalogue's, else CLDR's (Babel),
        so that no Hindi or Marathi sentence names a country in English."""
        english = _country(code)
        name = self._(english)
        if name != english or self.lang == languages.DEFAULT_LANGUAGE:
            return name
        return _territory(code, self.lang) or english

    def countries(self, codes: tuple[str, ...], limit: int | None = COUNTRIES_SHOWN) -> str:
        shown = codes if limit is None else codes[:limit]
        names = ", ".join(self.country(c) for c in shown)
        more = len(codes) - len(shown)
        return f"{names} {self._('and {n} more').format(n=self.num(more))}" if more else names

    def shipping(self, scope: str, parcels: int | None) -> str:
        where = self._("abroad") if scope == "international" else self._("within India")
        if parcels:
            return self.ngettext(
                "ships {count} parcel a month {where}", "ships {count} parcels a month {where}",
                parcels,
            ).format(count=self.num(parcels), where=where)
        return self._("ships {where}").format(where=where)

    def counted(self, singular: str, plural: str, count: int, **more: Any) -> str:
        return self.ngettext(singular, plural, count).format(count=self.num(count), **more)


# A code's template: the sentence of a reason's parameters (by name).
Template = Callable[[Writer, dict[str, Any]], str]


def _same(msgid: str) -> Template:
    return lambda w, p: w._(msgid)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _discontinued(w: Writer, p: dict[str, Any]) -> str:
    since = p.get("since")
    head = (w._("discontinued since {date}").format(date=since) if since
            else w._("discontinued"))
    offering = w.entry(p.get("offering"))
    # The entry's next step names what replaces it (``replacement``: the English text that
    # answers stored before the code named the offering carry, when no catalogue knows it).
    replacement = offering.next_step if offering is not None else p.get("replacement")
    return f"{head}; {_lower_first(replacement)}" if replacement else head


def _caveat(w: Writer, p: dict[str, Any]) -> str:
    offering = w.entry(p.get("offering"))
    index = p.get("caveat")
    if offering is not None and isinstance(index, int) and 0 <= index < len(offering.caveats):
        text = offering.caveats[index].text
    else:  # ``text``: the English of answers stored before the code named the caveat
        text = p.get("text") or w._(
            "conditions apply to these countries: ask at the counter before you book")
    return w._("{countries}: {text}").format(countries=w.countries(p["countries"]), text=text)


def _region(w: Writer, p: dict[str, Any]) -> str:
    # State names are msgids (``catalog.vocab.STATES``): written in the reader's script.
    states = ", ".join(w._(s) for s in p.get("regions") or ()) or w._("all states")
    state = w._(p["state"]) if p.get("state") else w._("the profile's state")
    return w._("offered only in {states}, not in {state}").format(states=states, state=state)


def _unconfirmed(w: Writer, p: dict[str, Any]) -> str:
    limit, value, name = p["limit_value"], p["value"], p["limit"]
    if name == "max_weight_kg":
        said = w._("typical parcel {kg} kg is over the {limit} kg limit").format(
            kg=w.num(value), limit=w.num(limit))
    elif name == "min_weight_kg":
        said = w._("typical parcel {kg} kg is under the {limit} kg minimum").format(
            kg=w.num(value), limit=w.num(limit))
    elif name == "max_value_inr":
        said = w._("typical value {amount} is over the {limit} limit").format(
            amount=rupees(value, w.lang), limit=rupees(limit, w.lang))
    else:
        said = w.counted("needs at least {count} parcel a month; the profile ships {ships}",
                         "needs at least {count} parcels a month; the profile ships {ships}",
                         limit, ships=w.num(value))
    return w._("{limit_said}; only a secondary source gives this limit, so confirm it before "
               "you book").format(limit_said=said)


def _weight(limit_msgid: str, limit: str) -> Template:
    def write(w: Writer, p: dict[str, Any]) -> str:
        return w._(limit_msgid).format(shipping=w.shipping(p["scope"], p.get("parcels")),
                                      kg=w.num(p["weight_kg"]), limit=w.num(p[limit]))
    return write


TEMPLATES: dict[str, Template] = {
    # Why an offering is recommended.
    "need_served": lambda w, p: w._("serves what you asked for: {needs}").format(
        needs=w.words(NEED_WORDS, p["needs"])),
    "needs_implied": lambda w, p: w._("{causes}: it handles that").format(
        causes="; ".join(render_with(w, c) for c in p["causes"])),
    "text_match": lambda w, p: w._("matches how you describe your business: {words}").format(
        words=", ".join(p["words"])),
    "sector_fit": lambda w, p: w._("made for {sector} businesses").format(
        sector=w.words(SECTOR_WORDS, (p["sector"],))),
    "channel_fit": lambda w, p: w._("works with where you sell: {channels}").format(
        channels=w.channels(p["channels"])),
    "reaches_destinations": lambda w, p: w._("reaches your destinations: {countries}").format(
        countries=w.countries(p["countries"])),
    "made_for_destinations": lambda w, p: w._("made for shipments to {countries}").format(
        countries=w.countries(p["countries"])),
    "weight_within_limit": _weight("{shipping}, {kg} kg typical: under the {limit} kg limit",
                                   "max_kg"),
    "weight_over_minimum": _weight(
        "{shipping}, {kg} kg typical: over the {limit} kg minimum it is built for", "min_kg"),
    "volume_contract": lambda w, p: w.counted(
        "{count} parcel a month: enough regular volume for a contract",
        "{count} parcels a month: enough regular volume for a contract", p["parcels"]),
    "volume_counter": lambda w, p: w.counted(
        "{count} parcel a month: book at the counter without a contract",
        "{count} parcels a month: book at the counter without a contract", p["parcels"]),
    "nearest_head_post_office": lambda w, p: w._(
        "nearest head post office: {place}, {km} km away (it stands in for the nearest export "
        "centre: ask there which DNK serves you)").format(
        place=p["place"], km=w.num(p["distance_km"])),
    "place_distance": lambda w, p: w._("{place} is {km} km away").format(
        place=p["place"], km=w.num(p["distance_km"])),
    "place_in_district": lambda w, p: w._("{place} is in your district ({district})").format(
        place=p["place"], district=p["district"]),
    "caveat": _caveat,
    "unconfirmed_limit": _unconfirmed,
    "rural_unconfirmed": _same(
        "for people living in rural areas: confirm that yours is a rural address"),
    "rural_by_pin": _same("for people living in rural areas: your PIN code is served mainly by "
                          "branch (village) post offices"),
    "reaches_most_countries": _same("reaches most countries: choose yours later"),
    "general_fit": lambda w, p: w._("a general fit: it serves {needs}").format(
        needs=w.words(NEED_WORDS, p["needs"])),
    # Causes (inside needs_implied).
    "ships_to": lambda w, p: w._("you ship to {countries}").format(
        countries=w.countries(p["countries"])),
    "first_export_papers": _same(
        "a first export needs its papers right (IEC, customs form, bill of export)"),
    "export_bill": _same("each commercial export needs a postal bill of export"),
    "customs": _same("goods sent abroad clear customs"),
    "first_export": _same("you are exporting for the first time"),
    "export_benefits": lambda w, p: w._("{shipping}: export benefits add up").format(
        shipping=w.shipping("international", p.get("parcels"))),
    "domestic_parcels": lambda w, p: w.counted(
        "you send {count} parcel a month within India",
        "you send {count} parcels a month within India", p["parcels"]),
    "freight_consignment": lambda w, p: w._(
        "your typical consignment of {kg} kg is freight-sized").format(kg=w.num(p["weight_kg"])),
    "freight_monthly": lambda w, p: w._(
        "about {kg} kg a month within India is freight-sized").format(
        kg=w.num(round(p["kg_month"]))),
    "sells_on_gem": _same("you sell to government buyers on GeM"),
    "sells_online": lambda w, p: w._("you sell online ({channels})").format(
        channels=w.channels(p["channels"])),
    "sells_to_businesses": _same("you sell at exhibitions or to business buyers"),
    "own_shop": _same("you sell from your own shop"),
    "consignment_value": lambda w, p: w._("a typical consignment is worth {amount}").format(
        amount=rupees(p["value_inr"], w.lang)),
    "pickup_volume": lambda w, p: w.counted(
        "{count} parcel a month is worth a pickup", "{count} parcels a month are worth a pickup",
        p["parcels"]),
    "wrote": lambda w, p: w._("you wrote \u201c{words}\u201d").format(words=p["words"]),
    "export_undecided": _same("you want to export: no country chosen yet"),
    # Why an offering is not eligible.
    "discontinued": _discontinued,
    "over_max_weight": lambda w, p: w._("typical parcel {kg} kg is over the {limit} kg limit")
    .format(kg=w.num(p["weight_kg"]), limit=w.num(p["max_kg"])),
    "under_min_weight": lambda w, p: w._(
        "typical parcel {kg} kg is under the {limit} kg minimum").format(
        kg=w.num(p["weight_kg"]), limit=w.num(p["min_kg"])),
    "over_max_value": lambda w, p: w._("typical value {amount} is over the {limit} limit")
    .format(amount=rupees(p["value_inr"], w.lang), limit=rupees(p["max_inr"], w.lang)),
    "no_export_intent": _same("for shipping abroad; the profile says nothing of exporting"),
    "destinations_not_reached": lambda w, p: w._("does not reach {countries}").format(
        countries=w.countries(p["countries"], limit=None)),
    "region_not_served": _region,
    "segment_only": lambda w, p: w._("only for {segments} enterprises").format(
        segments=w.words(SEGMENT_WORDS, p["segments"])),
    "rural_only": _same("only for people living in rural areas; the address is urban (as "
                        "stated, or a PIN code served by head and sub post offices)"),
    "under_min_volume": lambda w, p: w.counted(
        "needs at least {count} parcel a month; the profile ships {ships}",
        "needs at least {count} parcels a month; the profile ships {ships}",
        p["min_parcels"], ships=w.num(p["parcels"])),
    "documents_only": _same("carries letters, documents and printed papers only; the profile "
                            "names none to send"),
    "advertising_only": _same("carries unaddressed advertising mail (leaflets) only; the "
                              "profile says nothing of advertising to an area"),
    # What to do first.
    **{f"requires_{r}": _same(text) for r, text in NEXT_STEPS.items()},
    # The questions of ``ask``.
    **{f"ask_{field}": _same(text) for field, text in QUESTIONS.items()},
}  # fmt: skip


def render_with(writer: Writer, item: Reason) -> str:
    """The sentence of ``item`` written by ``writer`` (a code without a template: the code
    itself, logged, rather than an error for the whole answer)."""
    template = TEMPLATES.get(item.code)
    if template is None:
        log.warning("no template for reason code %r", item.code)
        return item.code
    return template(writer, dict(item.params))


Written = tuple[tuple[str, ...], tuple[dict[str, Any], ...]]


def _written(writer: Writer, item: Reason) -> tuple[str, dict[str, Any]]:
    return render_with(writer, item), item.as_json()


class Renderer:
    """Writes reasons in one language. It remembers the sentences and JSON objects it wrote,
    per reason and per list of reasons (most repeat from ranking to ranking: an offering's
    not-eligible reasons and steps, the needs people tick); the JSON objects it hands out are
    shared: read them, do not change them."""

    def __init__(self, lang: str, writer: Writer) -> None:
        self.lang = lang
        self.writer = writer
        self._pair = lru_cache(maxsize=16384)(partial(_written, writer))
        self._lists = lru_cache(maxsize=16384)(self._many)

    def pair(self, item: Reason) -> tuple[str, dict[str, Any]]:
        """The sentence of ``item`` and its ``reason_codes`` object."""
        try:
            return self._pair(item)
        except TypeError:  # a parameter that is not hashable (a stored answer's odd value)
            return _written(self.writer, item)

    def render(self, item: Reason) -> str:
        """The sentence of ``item``."""
        return self.pair(item)[0]

    def many(self, items: tuple[Reason, ...]) -> tuple[list[str], list[dict[str, Any]]]:
        """The sentences of ``items`` and their ``reason_codes`` objects (new lists)."""
        try:
            texts, codes = self._lists(items)
        except TypeError:
            texts, codes = self._many(items)
        return list(texts), list(codes)

    def _many(self, items: tuple[Reason, ...]) -> Written:
        pairs = [self.pair(item) for item in items]
        return tuple([text for text, _ in pairs]), tuple([code for _, code in pairs])


RENDERERS_KEPT = 12  # renderers of (language, catalogue version) pairs kept per process
_renderers: dict[tuple[str, str | None], Renderer] = {}
_renderers_lock = threading.Lock()


def renderer(lang: str, catalog: Catalog | None = None) -> Renderer:
    """The renderer of ``lang`` (an unknown language: English) for ``catalog`` (the codes
    that quote catalogue text are written from its entries in ``lang``; without one, with a
    general sentence), one per language and catalogue version in a process (the newest
    ``RENDERERS_KEPT``)."""
    if lang not in languages.LANGUAGES:
        lang = languages.DEFAULT_LANGUAGE
    key = (lang, catalog.version if catalog is not None else None)
    found = _renderers.get(key)
    if found is not None:
        return found
    with _renderers_lock:
        found = _renderers.get(key)
        if found is None:
            while len(_renderers) >= RENDERERS_KEPT:
                del _renderers[next(iter(_renderers))]
            found = _renderers[key] = _make_renderer(lang, catalog)
    return found


def _make_renderer(lang: str, catalog: Catalog | None) -> Renderer:
    found = languages.translations(lang)
    lookup = _no_catalogue
    if catalog is not None:
        entries = catalog

        @lru_cache(maxsize=512)
        def lookup(offering_id: str) -> Offering | None:
            offering = entries.get(offering_id)
            return offering.localized(lang) if offering is not None else None

    return Renderer(lang, Writer(lang, found.gettext, found.ngettext, lookup))


def render(item: Reason, lang: str, catalog: Catalog | None = None) -> str:
    """The sentence of ``item`` in ``lang`` (quoting ``catalog`` where the code names it)."""
    return renderer(lang, catalog).render(item)


def render_stored(
    payload: dict[str, Any], lang: str, catalog: Catalog | None = None
) -> dict[str, Any]:
    """A stored answer (DESIGN §5 JSON) with its sentences written again in ``lang`` from its
    codes and ``catalog`` (the version the answer was ranked with, when known); entries
    without codes (answers stored before codes existed) keep their sentences. Codes stored
    before caveats and replacements were named by reference are answered in today's form
    (:func:`current_code`); the stored answer itself is not changed."""
    write = renderer(lang, catalog).pair
    out = dict(payload)
    recommendations = []
    for item in payload.get("recommendations") or []:
        item = dict(item)
        offering_id = str(item.get("offering_id", ""))
        if "reason_codes" in item:
            item["reasons"], item["reason_codes"] = _rewritten(
                write, item["reason_codes"], offering_id, catalog)
        if "prerequisite_codes" in item:
            item["prerequisites"], item["prerequisite_codes"] = _rewritten(
                write, item["prerequisite_codes"], offering_id, catalog)
        recommendations.append(item)
    excluded = []
    for item in payload.get("not_eligible") or []:
        item = dict(item)
        if "reason_codes" in item:
            item["reasons"], item["reason_codes"] = _rewritten(
                write, item["reason_codes"], str(item.get("offering_id", "")), catalog)
        excluded.append(item)
    out["recommendations"] = recommendations
    out["not_eligible"] = excluded
    out["ask"] = [{**item, "why": write(Reason(item["code"]))[0]} if item.get("code") else item
                  for item in payload.get("ask") or []]
    return out


def _rewritten(
    write: Callable[[Reason], tuple[str, dict[str, Any]]], codes: list[Any], offering_id: str,
    catalog: Catalog | None,
) -> tuple[list[str], list[dict[str, Any]]]:
    pairs = [write(current_code(Reason.from_json(c), offering_id, catalog)) for c in codes]
    return [text for text, _ in pairs], [code for _, code in pairs]


def current_code(item: Reason, offering_id: str, catalog: Catalog | None) -> Reason:
    """``item`` of offering ``offering_id`` in today's form: a ``discontinued`` reason with
    its English ``replacement`` names the offering instead; a ``caveat`` with its English
    ``text`` names the offering and the caveat's index when ``catalog`` has that text (else
    it stays as stored, and its sentence quotes the English)."""
    params = dict(item.params)
    if item.code == "discontinued" and "replacement" in params:
        return reason("discontinued", since=params.get("since"), offering=offering_id)
    if item.code == "caveat" and "text" in params and "offering" not in params:
        offering = catalog.get(offering_id) if catalog is not None else None
        texts = [c.text for c in offering.caveats] if offering is not None else []
        if params["text"] in texts:
            return Reason("caveat", (("offering", offering_id),
                                     ("caveat", texts.index(params["text"])),
                                     ("countries", params.get("countries", ()))))
    return item


def missing_templates() -> list[str]:
    """The codes matching can emit that have no template (none: a test checks)."""
    return sorted(set(CODES) - set(TEMPLATES))


def _example(code: str, **params: Any) -> Reason:
    return reason(code, **params)


# One example of every code, for /docs and the tests.
EXAMPLES: dict[str, Reason] = {
    "need_served": _example("need_served", needs=["international_shipping"]),
    "needs_implied": _example("needs_implied", causes=[
        reason("ships_to", countries=["US", "DE"]), reason("export_bill")]),
    "text_match": _example("text_match", words=["brass", "lamps"]),
    "sector_fit": _example("sector_fit", sector="handicrafts"),
    "channel_fit": _example("channel_fit", channels=["amazon", "own_website"]),
    "reaches_destinations": _example("reaches_destinations",
                                     countries=["US", "DE", "GB", "AE", "FR"]),
    "made_for_destinations": _example("made_for_destinations", countries=["US"]),
    "weight_within_limit": _example("weight_within_limit", scope="international", parcels=80,
                                    weight_kg=1.5, max_kg=2),
    "weight_over_minimum": _example("weight_over_minimum", scope="domestic", parcels=None,
                                    weight_kg=40, min_kg=35),
    "volume_contract": _example("volume_contract", parcels=1200),
    "volume_counter": _example("volume_counter", parcels=1),
    "nearest_head_post_office": _example("nearest_head_post_office", place="Jaipur G.P.O.",
                                         distance_km=0.5),
    "place_distance": _example("place_distance", place="FPO Jaipur", distance_km=76),
    "place_in_district": _example("place_in_district", place="FPO Jaipur", district="Jaipur"),
    "caveat": _example("caveat", offering="itps", caveat=0, countries=["US"]),
    "unconfirmed_limit": _example("unconfirmed_limit", limit="max_weight_kg", limit_value=35,
                                  value=50),
    "rural_unconfirmed": _example("rural_unconfirmed"),
    "rural_by_pin": _example("rural_by_pin"),
    "reaches_most_countries": _example("reaches_most_countries"),
    "general_fit": _example("general_fit", needs=["domestic_shipping", "pickup"]),
    "ships_to": _example("ships_to", countries=["AE"]),
    "first_export_papers": _example("first_export_papers"),
    "export_bill": _example("export_bill"),
    "customs": _example("customs"),
    "first_export": _example("first_export"),
    "export_benefits": _example("export_benefits", parcels=40),
    "domestic_parcels": _example("domestic_parcels", parcels=200),
    "freight_consignment": _example("freight_consignment", weight_kg=30),
    "freight_monthly": _example("freight_monthly", kg_month=150000),
    "sells_on_gem": _example("sells_on_gem"),
    "sells_online": _example("sells_online", channels=["amazon", "etsy"]),
    "sells_to_businesses": _example("sells_to_businesses"),
    "own_shop": _example("own_shop"),
    "consignment_value": _example("consignment_value", value_inr=150000),
    "pickup_volume": _example("pickup_volume", parcels=200),
    "wrote": _example("wrote", words="export to Europe"),
    "export_undecided": _example("export_undecided"),
    "discontinued": _example("discontinued", since="2024-12-18", offering="book-packet"),
    "over_max_weight": _example("over_max_weight", weight_kg=5, max_kg=2),
    "under_min_weight": _example("under_min_weight", weight_kg=1.2, min_kg=35),
    "over_max_value": _example("over_max_value", value_inr=150000, max_inr=100000),
    "no_export_intent": _example("no_export_intent"),
    "destinations_not_reached": _example("destinations_not_reached", countries=["JP", "SG"]),
    "region_not_served": _example("region_not_served", regions=["Maharashtra"],
                                  state="Rajasthan"),
    "segment_only": _example("segment_only", segments=["micro", "small", "shg"]),
    "rural_only": _example("rural_only"),
    "under_min_volume": _example("under_min_volume", min_parcels=50, parcels=10),
    "documents_only": _example("documents_only"),
    "advertising_only": _example("advertising_only"),
    **{code: Reason(code) for code in CODES if code.startswith(("requires_", "ask_"))},
}


def codes_markdown() -> str:
    """The list of codes for the OpenAPI description: code, parameters, English example."""
    groups = (
        ("Why an offering is recommended (`recommendations[].reason_codes`)",
         RECOMMENDATION_CODES),
        ("Causes inside `needs_implied` (`params.causes`)", CAUSE_CODES),
        ("Why an offering is not eligible (`not_eligible[].reason_codes`)", NOT_ELIGIBLE_CODES),
        ("What to do first (`recommendations[].prerequisite_codes`)", PREREQUISITE_CODES),
        ("Questions (`ask[].code`; `why` is the question)", ASK_CODES),
    )
    english = renderer(languages.DEFAULT_LANGUAGE)
    lines = []
    for title, codes in groups:
        lines += ["", f"**{title}**", "", "| code | params | English example |",
                  "| --- | --- | --- |"]
        for code, params in codes.items():
            names = ", ".join(f"`{p}`" for p in params) or "none"
            lines.append(f"| `{code}` | {names} | {english.render(EXAMPLES[code])} |")
    lines += [
        "",
        "Parameters carry no sentences. `caveat` names a warning of the catalogue entry: "
        "`offering` (its id) and `caveat` (the warning's index in the entry's `caveats`, as "
        "`GET /v1/offerings/{id}?lang=` lists them); its sentence quotes the warning in the "
        "asked language. `discontinued` names the entry (`offering`) whose `next_step` says "
        "what replaces it. (The examples above are written without a catalogue; answers "
        "quote it.)",
    ]
    return "\n".join(lines[1:])
