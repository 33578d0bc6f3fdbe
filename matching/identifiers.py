"""Formats of Indian business identifiers: GSTIN (with its check digit), Udyam, IEC/PAN."""

from __future__ import annotations

import re

_GSTIN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GSTIN_VALUE = {char: value for value, char in enumerate(_GSTIN_ALPHABET)}
_GSTIN_SHAPE = re.compile(r"^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")
PAN_SHAPE = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
UDYAM_SHAPE = re.compile(r"^UDYAM-[A-Z]{2}-[0-9]{2}-[0-9]{7}$")


def gstin_check_character(first14: str) -> str:
    """The 15th character of a GSTIN computed from its first 14 (the GSTN mod-36 scheme).

    Each character's value (0-9, then A=10 .. Z=35) is multiplied by 1 and 2 alternately; each
    product contributes its base-36 quotient plus remainder; the check character is the value
    that brings the sum to a multiple of 36.

    >>> gstin_check_character("27AAPFU0939F1Z")
    'V'
    """
    total = 0
    factor = 1
    for char in first14:
        product = _GSTIN_VALUE[char] * factor
        total += product // 36 + product % 36
        factor = 3 - factor  # 1, 2, 1, 2, ...
    return _GSTIN_ALPHABET[(36 - total % 36) % 36]


def gstin_problem(gstin: str) -> str | None:
    """Why ``gstin`` is not a valid GSTIN, or None when it is."""
    if not _GSTIN_SHAPE.match(gstin):
        return (
            f"{gstin!r} is not a GSTIN: 15 characters, 2-digit state code, the 10-character PAN, "
            "entity number, 'Z', check character (e.g. 27AAPFU0939F1ZV)"
        )
    state = int(gstin[:2])
    if not 1 <= state <= 38 and state != 97 and state != 99:
        return f"{gstin!r} is not a GSTIN: state code {gstin[:2]} does not exist"
    expected = gstin_check_character(gstin[:14])
    if gstin[14] != expected:
        return (
            f"{gstin!r} is not a GSTIN: the check character is {gstin[14]!r} but the first 14 "
            f"characters give {expected!r} (a typing mistake?)"
        )
    return None
