"""The catalogue's own text in the asked language, for every answer that names offerings.

Offering names, descriptions, next steps, prices, caveats and doubts come from the catalogue
entry's ``i18n`` (``Offering.localized``); reason sentences come from their codes
(``service.reasons``). A caveat travels inside a reason code with its English text; the
sentence is written with the entry's translated caveat, the code keeps the English.
"""

from __future__ import annotations

from typing import Any

from catalog import Catalog, Offering
from matching.reasons import Reason
from service.languages import DEFAULT_LANGUAGE
from service.reasons import render_stored, renderer


def localized_offerings(offerings: list[Offering], lang: str) -> list[Offering]:
    return [o.localized(lang) for o in offerings]


def localized_answer(
    payload: dict[str, Any], catalog: Catalog, lang: str, *, caveats: bool = False
) -> dict[str, Any]:
    """A ranking answer (DESIGN §5) with its sentences written in ``lang`` from their codes and
    its offering names from the catalogue in ``lang``; English answers are returned unchanged.

    With ``caveats`` (the pages) a caveat's sentence quotes the catalogue's translated caveat.
    The API leaves it out: its sentences must equal what a partner writes from the codes, and a
    caveat code carries the English text (a language-neutral reference to the caveat is a
    change of the reason codes, not made here)."""
    if lang == DEFAULT_LANGUAGE:
        return payload
    out = render_stored(payload, lang)
    write = renderer(lang).render
    recommendations = []
    for item in out.get("recommendations") or []:
        offering = catalog.get(str(item.get("offering_id")))
        if offering is not None:
            item = dict(item)
            local = offering.localized(lang)
            item["name"] = local.name
            texts = {c.text: t.text for c, t in zip(offering.caveats, local.caveats, strict=True)}
            codes = item.get("reason_codes")
            if caveats and texts and isinstance(codes, list):
                item["reasons"] = [write(Reason.from_json(_caveat_in(c, texts))) for c in codes]
        recommendations.append(item)
    out["recommendations"] = recommendations
    return out


def _caveat_in(code: Any, texts: dict[str, str]) -> Any:
    """A caveat code with its English text swapped for the translated one (for writing)."""
    if not isinstance(code, dict) or code.get("code") != "caveat":
        return code
    params = dict(code.get("params") or {})
    text = params.get("text")
    if isinstance(text, str) and text in texts:
        params["text"] = texts[text]
    return {**code, "params": params}
