"""The partner widget's script: ``static/embed.js`` with its texts in every language, taken from
the same gettext catalogues as the pages (the widget picks ``data-lang`` or the page's ``lang``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from service.web.i18n import LANGUAGES, NEEDS, SECTORS, gettext_for

SCRIPT = Path(__file__).parent / "static" / "embed.js"
PLACEHOLDER = "/*DAKMATCH_TEXTS*/{}"
NEEDS_SHOWN = (
    "international_shipping",
    "export_documentation",
    "domestic_shipping",
    "pickup",
    "cash_on_delivery",
    "market_access",
)
STRINGS = (
    "Which India Post services fit your business?",
    "PIN code",
    "What do you make or sell?",
    "Choose one",
    "What do you need?",
    "Show services that fit",
    "Services that fit",
    "Looking for services…",
    "Please check your answers.",
    "No service fits these answers.",
    "DakMatch cannot be reached from this page. Please try again later.",
    "Suggestions by DakMatch (India Post services).",
    "Where to go",
    "Tell us more to get a better answer",
    "Only these services fit what you told us; we do not fill the list with ones that do not.",
)


@cache
def script() -> str:
    """``embed.js`` with the texts of every language filled in (built once per process)."""
    texts = {}
    for lang in LANGUAGES:
        _ = gettext_for(lang)
        texts[lang] = {
            "strings": {msgid: _(msgid) for msgid in STRINGS},
            "sectors": [[key, _(label)] for key, label in SECTORS.items()],
            "needs": [[key, _(NEEDS[key])] for key in NEEDS_SHOWN],
        }
    source = SCRIPT.read_text(encoding="utf-8")
    if PLACEHOLDER not in source:
        raise RuntimeError(f"{SCRIPT} lost its {PLACEHOLDER} placeholder")
    return source.replace(PLACEHOLDER, json.dumps(texts, ensure_ascii=False))
