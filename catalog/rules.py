"""Publication rules ``dakmatch catalog validate`` enforces on top of the schema.

The schema (``catalog.schema``) decides what a catalogue *can* hold, and the API accepts any
entry that passes it. These rules decide what the curated file may *publish*: sources users can
trust, caveats with a date, no researcher's notes in user text, and Hindi and Marathi text for
every active offering. Each problem names the entry and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from gettext import ngettext

from catalog.loader import Catalog
from catalog.schema import HowTo, Offering, Translation
from catalog.sources import banned_reason, is_official

LANGUAGES = ("hi", "mr")
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# Words that belong in ``uncertain`` (the researcher's notes), never in text users read.
_NOTE_MARKERS = ("see uncertain", "(uncertain)", "facts file", "domain-facts")


def publication_problems(catalog: Catalog) -> list[str]:
    """Every broken publication rule, as "entry 'id' field 'f': what is wrong"."""
    problems: list[str] = []
    for offering in catalog:
        problems.extend(f"entry '{offering.id}' {p}" for p in _problems(offering))
    for howto in catalog.howto:
        problems.extend(f"howto '{howto.id}' {p}" for p in _howto_problems(howto))
    return problems


def _howto_problems(howto: HowTo) -> Iterable[str]:
    if not is_official(str(howto.url)):
        yield f"field 'url': {howto.url} is not an official page (government or provider site)"
    for index, url in enumerate(str(u) for u in howto.source_urls):
        why = banned_reason(url)
        if why is not None:
            yield f"field 'source_urls.{index}': {url} may not be cited: {why}"
    for lang in LANGUAGES:
        text = next((t for k, t in howto.i18n.items() if k == lang), None)
        if text is None:
            yield f"field 'i18n.{lang}': a how-to needs its text in '{lang}'"
            continue
        yield from _not_english(f"i18n.{lang}.name", howto.name, text.name)
        yield from _not_english(f"i18n.{lang}.steps", howto.steps, text.steps)


def _problems(offering: Offering) -> Iterable[str]:
    yield from _source_problems(offering)
    for index, caveat in enumerate(offering.caveats):
        if caveat.since is None:
            yield (
                f"field 'caveats.{index}.since': a caveat needs the date of the fact it states "
                "(a rate or rule may have changed since)"
            )
    for name, text in _user_text(offering):
        lowered = text.casefold()
        for marker in _NOTE_MARKERS:
            if marker in lowered:
                yield (
                    f"field '{name}': '{marker}' is a researcher's note; say the doubt in plain "
                    "words under 'doubts'"
                )
    if offering.active:
        for lang in LANGUAGES:
            yield from _language_problems(offering, lang)


def _source_problems(offering: Offering) -> Iterable[str]:
    urls = [str(u) for u in offering.source_urls]
    for index, url in enumerate(urls):
        why = banned_reason(url)
        if why is not None:
            yield f"field 'source_urls.{index}': {url} may not be cited: {why}"
    flags = [is_official(u) for u in urls]
    if False in flags:
        first_secondary = flags.index(False)
        late = [i for i in range(first_secondary + 1, len(flags)) if flags[i]]
        if late:
            yield (
                f"field 'source_urls.{late[0]}': list official sources (government or the "
                "provider's own site) before secondary ones"
            )


def _user_text(offering: Offering) -> Iterable[tuple[str, str]]:
    for name in ("name", "provider", "description", "next_step", "price", "speed"):
        value = getattr(offering, name)
        if value:
            yield name, value
    if offering.location.note:
        yield "location.note", offering.location.note
    for index, caveat in enumerate(offering.caveats):
        yield f"caveats.{index}.text", caveat.text
    for index, doubt in enumerate(offering.doubts):
        yield f"doubts.{index}", doubt


def _language_problems(offering: Offering, lang: str) -> Iterable[str]:
    text: Translation | None = next((t for k, t in offering.i18n.items() if k == lang), None)
    if text is None:
        yield f"field 'i18n.{lang}': an active offering needs its text in '{lang}'"
        return
    pairs: list[tuple[str, str | None, str | None]] = [
        ("name", offering.name, text.name),
        ("provider", offering.provider, text.provider),
        ("description", offering.description, text.description),
        ("next_step", offering.next_step, text.next_step),
        ("price", offering.price, text.price),
        ("speed", offering.speed, text.speed),
        ("location_note", offering.location.note, text.location_note),
    ]
    for name, english, translated in pairs:
        if english and not translated:
            yield f"field 'i18n.{lang}.{name}': missing (the English entry has one)"
        elif translated and not english:
            yield f"field 'i18n.{lang}.{name}': the English entry has none to translate"
        elif translated and english:
            yield from _not_english(f"i18n.{lang}.{name}", english, translated)
    for name, english_list, translated_list in (
        ("caveats", [c.text for c in offering.caveats], list(text.caveats)),
        ("doubts", list(offering.doubts), list(text.doubts)),
    ):
        if len(english_list) != len(translated_list):
            yield (
                f"field 'i18n.{lang}.{name}': "
                + ngettext("{n} item for the English {english}",
                           "{n} items for the English {english}",
                           len(translated_list)).format(n=len(translated_list),
                                                        english=len(english_list))
            )
            continue
        for index, (english, translated) in enumerate(
            zip(english_list, translated_list, strict=True)
        ):
            yield from _not_english(f"i18n.{lang}.{name}.{index}", english, translated)


def _not_english(where: str, english: str, translated: str) -> Iterable[str]:
    if translated.strip() == english.strip() or not _DEVANAGARI.search(translated):
        yield f"field '{where}': still English; write it in Devanagari"


def stale(catalog: Catalog, *, days: int, today: dt.date) -> list[Offering]:
    """Active offerings whose facts (``as_of``) are more than ``days`` old, oldest first."""
    cutoff = today - dt.timedelta(days=days)
    return sorted(
        (o for o in catalog.active() if o.as_of < cutoff), key=lambda o: (o.as_of, o.id)
    )
