"""Which unanswered profile fields would change the top of a ranking most (DESIGN §5 ``ask``).

For every field a profile leaves open (not given, and not read from its products text), the
profile is scored again with each of a few plausible answers (``ANSWERS``), by the same ranker
(rules and scores; no diversity pass, no explanations). A field's *change* is the mean, over
its answers, of how much the top ``TOP`` differs (:func:`change`: 0 nothing moves, 1 nothing
stays). The fields whose change is at least ``MIN_CHANGE`` are asked, the largest first, at
most ``MAX_ASK``.

Where the profile's current state is itself a plausible answer (a business that says nothing of
exporting probably does not export), it counts among the answers with a change of 0.

The questions are codes (``ask_<field>``) with an English sentence each in ``QUESTIONS``; the
service renders them in the page's language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from catalog.vocab import BusinessType, Need, SalesChannel
from matching.encoding import INTERNATIONAL_NEEDS, PROFILE_FIELDS
from matching.features import F64, I64
from matching.intent import read_intent
from matching.profile import EnterpriseProfile

TOP = 5
MAX_ASK = 3
MIN_CHANGE = 0.25  # see ``change``: about one of the first three offerings changes

# Plausible answers per field, from the domain facts (two each: every answer is one more
# ranking to score): a small packet and a freight load; a few parcels or a few hundred a
# month; a marketplace or an own shop; the USA (its own duty-paid service) and the Gulf.
ANSWERS: Mapping[str, tuple[Any, ...]] = {
    "needs": (("domestic_shipping",), ("international_shipping",)),
    "destinations": (("US",), ("AE",)),
    "sales_channels": (("amazon",), ("own_shop",)),
    "typical_weight_kg": (0.5, 500.0),
    "monthly_domestic_parcels": (5, 300),
    "monthly_international_parcels": (5, 100),
    "business_type": ("artisan", "manufacturer"),
    "iec": ("AAAPA0000A",),
}

QUESTIONS: Mapping[str, str] = {
    "needs": "What do you need help with: sending parcels, exporting, payments, buyers?",
    "destinations": "Which countries do you ship to, or want to?",
    "sales_channels": "Where do you sell: your shop, a marketplace, to businesses?",
    "typical_weight_kg": "How heavy is a typical parcel or consignment?",
    "monthly_domestic_parcels": "How many parcels a month do you send within India?",
    "monthly_international_parcels": "How many parcels a month do you send abroad?",
    "business_type": "Are you an artisan, a manufacturer, a trader, an SHG or an FPO?",
    "iec": "Do you have an IEC (your PAN, registered with DGFT)?",
}
"""The question of each field, in English (code ``ask_<field>``)."""


@dataclass(frozen=True)
class Ask:
    """One question: the profile ``field`` to answer and why (``QUESTIONS``)."""

    field: str
    why: str
    change: float  # the share of the top that moves with an answer, on average

    @property
    def code(self) -> str:
        """The question's stable code."""
        return f"ask_{self.field}"


def open_fields(profile: EnterpriseProfile) -> list[str]:
    """The ``ANSWERS`` fields the profile leaves open: not given and not in its text.

    ``destinations`` and ``monthly_international_parcels`` are open only for a profile that
    means to export (otherwise their answer is "none"), ``iec`` only for one that exports.
    """
    intent = read_intent(profile.products)
    exporting = _exporting(profile)
    out = []
    for field in ANSWERS:
        value = getattr(profile, field)
        if field == "sales_channels":
            value = value or intent.channels
        if field == "destinations":
            value = value or intent.destinations
        if field == "needs":
            value = value or intent.needs or (intent.international or None)
        if value not in (None, ()):
            continue
        if field in ("monthly_international_parcels", "iec") and not exporting:
            continue
        out.append(field)
    return out


def _exporting(profile: EnterpriseProfile) -> bool:
    """Whether the profile means to export (as ``encoding`` reads it: a country, an export
    need, a first export or export words)."""
    return bool(profile.destinations or profile.first_time_exporter
                or INTERNATIONAL_NEEDS & set(profile.needs)
                or read_intent(profile.products).international)


def variants(row: Sequence[Any], fields: Sequence[str]) -> list[tuple[Any, ...]]:
    """``row``, a profile's ``encoding.PROFILE_FIELDS`` values, with each plausible answer of
    each field in its place, in ``fields`` then ``ANSWERS`` order (the rows of the profile
    with that answer, as ``encoding.profile_rows`` reads it)."""
    out = []
    for field in fields:
        at = _POSITION[field]
        for answer in _TYPED[field]:
            out.append((*row[:at], answer, *row[at + 1:]))
    return out


def _typed(field: str, answer: Any) -> Any:
    """An answer as the profile's field holds it (enums for the vocabularies)."""
    kinds: dict[str, Any] = {"needs": Need, "sales_channels": SalesChannel,
                             "business_type": BusinessType}
    kind = kinds.get(field)
    if kind is None:
        return answer
    if isinstance(answer, tuple):
        return tuple(kind(a) for a in answer)
    return kind(answer)


_POSITION = {field: PROFILE_FIELDS.index(field) for field in ANSWERS}
_TYPED = {field: tuple(_typed(field, a) for a in answers) for field, answers in ANSWERS.items()}


# Depth d of the top weighs 1 / log2(d + 1), as in NDCG: the first places matter most.
_DEPTH_WEIGHTS = np.array([1 / math.log2(d + 1) for d in range(1, TOP + 1)])
_DEPTH_TOTAL = sum(_DEPTH_WEIGHTS.tolist())
_DEPTHS = np.arange(1, TOP + 1)
# _WITHIN[i, j, d]: an offering at place i of one top and place j of the other is in both
# first-(d + 1) lists.
_WITHIN = np.maximum.outer(np.arange(TOP), np.arange(TOP))[:, :, None] < _DEPTHS


def change(before: Sequence[str], after: Sequence[str]) -> float:
    """How much of the top differs between two lists, in [0, 1]: at each depth d up to
    ``TOP``, the share of the longer of the two first-d lists that the other lacks, weighed
    towards the first places (an offering added below the current ones changes little, a new
    first offering much)."""
    index = {offering: i for i, offering in enumerate(dict.fromkeys([*before, *after]))}
    tops = np.full((2, TOP), -1, dtype=np.int64)
    for row, top in enumerate((before, after)):
        tops[row, :min(len(top), TOP)] = [index[offering] for offering in top[:TOP]]
    return float(changes(tops[:1], tops[1:])[0])


def changes(before: I64, after: I64) -> F64:
    """:func:`change` of each row of ``after`` from the same row of ``before``: (R, ``TOP``)
    offering indices, each top -1 padded past its end (distinct offerings within a row)."""
    same = (after[:, :, None] == before[:, None, :]) & (after >= 0)[:, :, None]
    both = (same[:, :, :, None] & _WITHIN).sum(axis=(1, 2))  # (R, TOP) shared at each depth
    longest = np.minimum(_DEPTHS, np.maximum((before >= 0).sum(axis=1),
                                             (after >= 0).sum(axis=1))[:, None])
    differ = np.where(longest > 0, _DEPTH_WEIGHTS * (1 - both / np.maximum(longest, 1)), 0.0)
    # Added depth by depth, the first first.
    total: F64 = sum(differ.T, np.zeros(len(before))) / _DEPTH_TOTAL
    return total


def choose(
    profile: EnterpriseProfile, fields: Sequence[str], moved: Sequence[float],
) -> tuple[Ask, ...]:
    """The questions worth asking: ``moved`` are the :func:`change` of the profile's top with
    each of its ``variants`` of ``fields``, in that order."""
    exporting = _exporting(profile)
    scored = []
    i = 0
    for field in fields:
        n = len(ANSWERS[field])
        answered = list(moved[i:i + n])
        i += n
        if field == "destinations" and not exporting:
            answered.append(0.0)  # "none" is a plausible answer too
        mean = sum(answered) / len(answered)
        if mean >= MIN_CHANGE:
            scored.append((-mean, field))
    scored.sort()
    return tuple(Ask(field, QUESTIONS[field], round(-neg, 3)) for neg, field in scored[:MAX_ASK])
