"""One chunk of input rows -> validated profiles (a frame for ``rank_many``) and rejected rows.

A cell becomes the JSON value the API would receive: list fields split on ``;`` (CSV) or taken
as they are (Parquet lists), numbers and booleans parsed, empty cells left out. Each row is then
validated by ``matching.parse_profile``, the same rules as the API, so a row the batch accepts
is a profile the API accepts and the reasons read the same.
"""

from __future__ import annotations

import math
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from gettext import ngettext
from types import UnionType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from service.batch.csvread import BAD_ROW
from service.batch.io import BatchFileError

if TYPE_CHECKING:
    from catalog import Geography

ID_COLUMN = "id"
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


@dataclass(frozen=True)
class Prepared:
    """A chunk after validation.

    ``profiles`` holds the valid rows for ``rank_many`` with a RangeIndex; ``ids`` (None where
    the input has none) and ``rows`` (row numbers counted from ``first_row``) are aligned with
    it. ``errors`` has the columns ``row, id, field, reason``, one line per problem.
    """

    profiles: pd.DataFrame
    ids: np.ndarray[Any, np.dtype[np.object_]]
    rows: np.ndarray[Any, np.dtype[np.int64]]
    errors: pd.DataFrame


def _field_kind(annotation: Any) -> str:
    """``list``, ``int``, ``float``, ``bool`` or ``str`` for a profile field's annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, UnionType):
        kinds = {_field_kind(a) for a in typing.get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else "str"
    if origin is typing.Annotated:
        return _field_kind(typing.get_args(annotation)[0])
    if origin in (list, tuple, set, frozenset, Sequence) or annotation in (list, tuple):
        return "list"
    for kind in (bool, int, float):  # bool before int: bool is an int subclass
        if isinstance(annotation, type) and issubclass(annotation, kind):
            return kind.__name__
    return "str"


@cache
def field_kinds() -> dict[str, str]:
    """Every ``EnterpriseProfile`` field with the kind of value its cells become."""
    from matching import EnterpriseProfile

    return {
        name: _field_kind(info.annotation) for name, info in EnterpriseProfile.model_fields.items()
    }


def check_columns(columns: Sequence[str]) -> None:
    """Refuse a file whose columns are not profile fields (or ``id``), naming them all."""
    known = field_kinds()
    unknown = [c for c in columns if c not in (ID_COLUMN, BAD_ROW) and c not in known]
    if unknown:
        raise BatchFileError(
            ngettext("unknown column {names}", "unknown columns {names}", len(unknown)).format(
                names=", ".join(map(repr, unknown)))
            + f"; columns must be profile fields "
            f"({', '.join(known)}) or {ID_COLUMN!r}"
        )


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _is_text(column: pd.Series) -> bool:
    """Whether every cell is a string or missing (``is_string_dtype`` also says yes to object
    columns holding lists, as Parquet list columns arrive)."""
    if isinstance(column.dtype, pd.StringDtype):
        return True
    return pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty")


def _text(column: pd.Series) -> pd.Series:
    """Cells as stripped strings (Arrow-backed, vectorised), missing ones as empty strings."""
    if not _is_text(column):
        column = column.map(lambda v: "" if _missing(v) else str(v), na_action="ignore")
    return column.astype("string[pyarrow]").fillna("").str.strip()


def _split(cell: Any) -> list[Any] | None:
    if isinstance(cell, str):
        return [part.strip() for part in cell.split(";") if part.strip()]
    if isinstance(cell, np.ndarray | list | tuple):
        return [v.item() if isinstance(v, np.generic) else v for v in cell]
    return None


def _lists(column: pd.Series) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """List cells: ``;``-separated text split (vectorised), or real lists kept; and a mask of
    cells that are neither."""
    values = np.empty(len(column), dtype=object)
    if _is_text(column):
        text = _text(column)
        # Plain "a;b" cells split as they are; only cells with spaces or stray ';' need a
        # cleaning pass (vectorised tests: a regex over every cell costs more than the split).
        messy = (
            text.str.contains(" ", regex=False)
            | text.str.contains(";;", regex=False)
            | text.str.startswith(";")
            | text.str.endswith(";")
        ).to_numpy(bool)
        cells = text.to_numpy(dtype=object)
        values[:] = [
            (_split(c) if dirty else c.split(";")) if c else None
            for c, dirty in zip(cells, messy, strict=True)
        ]
        values[np.asarray([v == [] for v in values], dtype=bool)] = None
        return values, np.zeros(len(column), dtype=bool)
    given = column.tolist()
    values[:] = [None if _missing(c) else _split(c) for c in given]
    bad = np.array([v is None and not _missing(c) for v, c in zip(values, given, strict=True)])
    return values, bad.astype(bool)


def convert_column(column: pd.Series, kind: str) -> tuple[np.ndarray[Any, Any], pd.Series]:
    """The cells of one column as JSON-like values (None where empty), and a reason per cell
    that cannot be converted (empty string where fine)."""
    n = len(column)
    reasons = pd.Series(np.full(n, "", dtype=object), index=column.index, dtype=object)
    values = np.empty(n, dtype=object)
    if kind == "list":
        values, unusable = _lists(column)
        reasons[unusable] = "expected a ';'-separated list"
        return values, reasons
    if kind in ("int", "float"):
        if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
            column.dtype
        ):
            numbers = column.astype(np.float64)
            empty = numbers.isna()
            bad = pd.Series(False, index=column.index)
        else:
            text = _text(column)
            empty = text == ""
            numbers = pd.to_numeric(text.where(~empty, None), errors="coerce").astype(np.float64)
            bad = numbers.isna() & ~empty
            reasons[bad] = "expected a number, not " + text[bad].astype(object)
        if kind == "int":
            fractional = ~empty & ~bad & (numbers != np.floor(numbers))
            reasons[fractional] = "expected a whole number, not " + numbers[fractional].astype(str)
            bad = bad | fractional
        ok = (~empty & ~bad).to_numpy(bool)
        cast = int if kind == "int" else float
        values[ok] = [cast(v) for v in numbers.to_numpy()[ok]]
        return values, reasons
    if kind == "bool" and pd.api.types.is_bool_dtype(column.dtype):
        values[:] = column.astype(object).where(column.notna(), None).to_numpy(dtype=object)
        return values, reasons
    text = _text(column)
    present = (text != "").to_numpy(bool)
    if kind == "bool":
        lowered = text.str.lower()
        truth = lowered.isin(_TRUE).to_numpy(bool)
        falsity = lowered.isin(_FALSE).to_numpy(bool)
        neither = present & ~truth & ~falsity
        reasons[neither] = "expected true or false, not " + text[neither].astype(object)
        values[truth] = True
        values[falsity] = False
        return values, reasons
    values[present] = text.to_numpy(dtype=object)[present]
    return values, reasons


def _row_id(value: Any) -> str | None:
    """The passed-through id (None when the row has none: the engine puts the row number)."""
    if _missing(value):
        return None
    return str(value.item() if isinstance(value, np.generic) else value).strip()


def prepare(chunk: pd.DataFrame, first_row: int, geography: Geography) -> Prepared:
    """Convert and validate ``chunk``, whose first row is input row ``first_row`` (1-based)."""
    from matching import ProfileError, parse_profile

    kinds = field_kinds()
    check_columns(list(chunk.columns))
    n = len(chunk)
    chunk = chunk.reset_index(drop=True)
    row_ids: list[str | None] = (
        [_row_id(v) for v in chunk[ID_COLUMN].tolist()]
        if ID_COLUMN in chunk.columns
        else [None] * n
    )
    names = [c for c in chunk.columns if c not in (ID_COLUMN, BAD_ROW)]
    columns: list[np.ndarray[Any, Any]] = []
    cell_errors: list[tuple[int, str, str]] = []
    if BAD_ROW in chunk.columns:  # CSV lines that could not be split into the header's fields
        broken = chunk[BAD_ROW].to_numpy(dtype=object)
        cell_errors.extend(
            (position, "line", str(broken[position]))
            for position in np.flatnonzero(pd.notna(broken)).tolist()
        )
    for name in names:
        values, reasons = convert_column(chunk[name], kinds[name])
        columns.append(values)
        for position in np.flatnonzero(reasons.to_numpy(dtype=object) != "").tolist():
            cell_errors.append((position, name, str(reasons.iat[position])))
    rejected = {position for position, _, _ in cell_errors}
    for position, field, _ in cell_errors:  # a broken line's cells are empty, its id unknown
        if field == "line":
            row_ids[position] = None
    errors: list[tuple[int, str | None, str, str]] = [
        (first_row + position, row_ids[position], field, reason)
        for position, field, reason in sorted(cell_errors)
    ]
    profiles: list[dict[str, Any]] = []
    ids: list[str | None] = []
    rows: list[int] = []
    for position, cells in enumerate(zip(*columns, strict=True) if columns else [()] * n):
        if position in rejected:
            continue
        record = {name: cell for name, cell in zip(names, cells, strict=True) if cell is not None}
        try:
            profile = parse_profile(record, geography)
        except ProfileError as exc:
            number, row_id = first_row + position, row_ids[position]
            errors.extend((number, row_id, e["field"], e["message"]) for e in exc.errors)
            continue
        profiles.append(profile.__dict__)  # the validated field values; model_dump copies
        ids.append(row_ids[position])
        rows.append(first_row + position)
    return Prepared(
        # object columns: pandas would turn None into NaN in text columns, and NaN is truthy
        profiles=pd.DataFrame(profiles, columns=list(kinds), dtype=object),
        ids=np.asarray(ids, dtype=object),
        rows=np.asarray(rows, dtype=np.int64),
        # By row (stable: a row's conversion problems before its validation problems), so the
        # errors file does not depend on where chunks begin and end.
        errors=pd.DataFrame(_by_row(errors), columns=["row", "id", "field", "reason"]),
    )


def _by_row(
    errors: list[tuple[int, str | None, str, str]],
) -> list[tuple[int, str | None, str, str]]:
    return sorted(errors, key=lambda error: error[0])
