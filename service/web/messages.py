"""Translation of the sentences ``matching`` writes (reasons, not-eligible reasons, next steps)
and of validation errors, through the gettext catalogues.

``matching`` composes English sentences from templates ("serves what you asked for: export
documentation"). Each template is matched back here by a pattern whose msgid has named
placeholders; the pieces (needs, countries, channels, nested causes) are translated too. A
sentence no pattern knows is shown in English rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from matching.ask import QUESTIONS
from service.web.i18n import (
    COMMON_DESTINATIONS,
    NEEDS,
    SECTORS,
    gettext_for,
)

Gettext = Callable[[str], str]

_P = re.compile
# (pattern, msgid); group names say how a piece is translated (see _piece).
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_P(r"^serves what you asked for: (?P<needs>.+)$"), "serves what you asked for: {needs}"),
    (_P(r"^a general fit: it serves (?P<needs>.+)$"), "a general fit: it serves {needs}"),
    (_P(r"^reaches your destinations: (?P<countries>.+)$"),
     "reaches your destinations: {countries}"),
    (_P(r"^made for shipments to (?P<countries>.+)$"), "made for shipments to {countries}"),
    (_P(r"^does not reach (?P<countries>.+)$"), "does not reach {countries}"),
    (_P(r"^works with where you sell: (?P<channels>.+)$"), "works with where you sell: {channels}"),
    (_P(r"^you sell online \((?P<channels>.+)\)$"), "you sell online ({channels})"),
    (_P(r"^made for (?P<sector>.+) businesses$"), "made for {sector} businesses"),
    (_P(r"^matches how you describe your business: (?P<words>.+)$"),
     "matches how you describe your business: {words}"),
    (_P(r"^nearest head post office: (?P<place>.+), (?P<km>[\d.,]+) km away$"),
     "nearest head post office: {place}, {km} km away"),
    (_P(r"^(?P<count>\d+) parcels a month: book at the counter without a contract$"),
     "{count} parcels a month: book at the counter without a contract"),
    (_P(r"^(?P<count>\d+) parcels a month: enough regular volume for a contract$"),
     "{count} parcels a month: enough regular volume for a contract"),
    (_P(r"^(?P<count>\d+) parcels a month are worth a pickup$"),
     "{count} parcels a month are worth a pickup"),
    (_P(r"^(?P<causes>.+): it handles that$"), "{causes}: it handles that"),
    (_P(r"^(?P<shipping>ships .+), (?P<kg>[\d.]+) kg typical: under the (?P<limit>[\d.]+) kg "
        r"limit$"),
     "{shipping}, {kg} kg typical: under the {limit} kg limit"),
    (_P(r"^(?P<shipping>ships .+), (?P<kg>[\d.]+) kg typical: over the (?P<limit>[\d.]+) kg "
        r"minimum it is built for$"),
     "{shipping}, {kg} kg typical: over the {limit} kg minimum it is built for"),
    (_P(r"^ships (?P<count>\d+) parcels a month (?P<where>abroad|within India)$"),
     "ships {count} parcels a month {where}"),
    (_P(r"^ships (?P<where>abroad|within India)$"), "ships {where}"),
    (_P(r"^you ship to (?P<countries>.+)$"), "you ship to {countries}"),
    (_P(r"^you wrote \u201c(?P<words>.+)\u201d$"), "you wrote \u201c{words}\u201d"),
    (_P(r"^you send (?P<count>\d+) parcels a month within India$"),
     "you send {count} parcels a month within India"),
    (_P(r"^a typical consignment is worth ₹(?P<value>[\d,.]+)$"),
     "a typical consignment is worth ₹{value}"),
    (_P(r"^(?P<shipping>ships .+): export benefits add up$"), "{shipping}: export benefits add up"),
    (_P(r"^your typical consignment of (?P<kg>[\d.]+) kg is freight-sized$"),
     "your typical consignment of {kg} kg is freight-sized"),
    (_P(r"^about (?P<kg>[\d,.]+) kg a month within India is freight-sized$"),
     "about {kg} kg a month within India is freight-sized"),
    (_P(r"^typical parcel (?P<kg>[\d.]+) kg is over the (?P<limit>[\d.]+) kg limit$"),
     "typical parcel {kg} kg is over the {limit} kg limit"),
    (_P(r"^typical parcel (?P<kg>[\d.]+) kg is under the (?P<limit>[\d.]+) kg minimum$"),
     "typical parcel {kg} kg is under the {limit} kg minimum"),
    (_P(r"^typical value ₹(?P<value>[\d,.]+) is over the ₹(?P<limit>[\d,.]+) limit$"),
     "typical value ₹{value} is over the ₹{limit} limit"),
    (_P(r"^offered only in (?P<states>.+), not in (?P<state>.+)$"),
     "offered only in {states}, not in {state}"),
    (_P(r"^needs at least (?P<count>\d+) parcels a month; the profile ships (?P<ships>[\d.]+)$"),
     "needs at least {count} parcels a month; the profile ships {ships}"),
)  # fmt: skip

# Sentences matching writes without variable parts, and the pieces the patterns use.
EXACT: tuple[str, ...] = (
    "for shipping abroad; the profile says nothing of exporting",
    "only for people living in rural areas; the address is urban (as stated, or a PIN code "
    "served by head and sub post offices)",
    "for people living in rural areas: confirm that yours is a rural address",
    "for people living in rural areas: your PIN code is served mainly by branch (village) post "
    "offices",
    "you want to export: no country chosen yet",
    "reaches most countries: choose yours later",
    *QUESTIONS.values(),
    "a first export needs its papers right (IEC, customs form, bill of export)",
    "each commercial export needs a postal bill of export",
    "goods sent abroad clear customs",
    "you are exporting for the first time",
    "you sell at exhibitions or to business buyers",
    "you sell from your own shop",
    "you sell to government buyers on GeM",
    "abroad",
    "within India",
    "and {n} more",
    "your own shop",
    "your own website",
    "social media",
    "exhibitions",
    "business buyers",
)

_NEED_BY_WORDS = {key.replace("_", " "): label for key, label in NEEDS.items()}
_SECTOR_BY_WORDS = {key.replace("_", " "): label for key, label in SECTORS.items()}
# matching's channel words -> the form's channel labels
_CHANNEL_BY_WORDS = {
    "your own shop": "your own shop",
    "your own website": "your own website",
    "social media": "social media",
    "exhibitions": "exhibitions",
    "business buyers": "business buyers",
    "GeM": "GeM",
}
_COUNTRY_NAMES = set(COMMON_DESTINATIONS.values())
_MORE = _P(r"^(?P<head>.+) and (?P<n>\d+) more$")


def _list(text: str, one: Callable[[str], str], _: Gettext) -> str:
    more = _MORE.match(text)
    head, tail = (more["head"], _("and {n} more").format(n=more["n"])) if more else (text, "")
    items = ", ".join(one(item) for item in head.split(", "))
    return f"{items} {tail}" if tail else items


def _piece(kind: str, text: str, _: Gettext) -> str:
    if kind == "needs":
        return _list(text, lambda w: _(_NEED_BY_WORDS.get(w, w)), _)
    if kind == "countries":
        return _list(text, lambda c: _(c) if c in _COUNTRY_NAMES else c, _)
    if kind == "channels":
        return _list(text, lambda c: _(_CHANNEL_BY_WORDS.get(c, c)), _)
    if kind == "sector":
        return _(_SECTOR_BY_WORDS.get(text, text))
    if kind == "causes":
        return "; ".join(_sentence(cause, _) for cause in text.split("; "))
    if kind in ("shipping", "where"):
        return _sentence(text, _)
    return text


def _sentence(text: str, _: Gettext) -> str:
    exact = _(text)
    if exact != text:
        return exact
    for pattern, msgid in PATTERNS:
        found = pattern.match(text)
        if found:
            pieces = {k: _piece(k, v, _) for k, v in found.groupdict().items()}
            return _(msgid).format(**pieces)
    return text


def translate(text: str, lang: str) -> str:
    """``text`` (a sentence from ``matching``) in ``lang``; unchanged when no template fits."""
    if lang == "en":
        return text
    return _sentence(text, gettext_for(lang))
