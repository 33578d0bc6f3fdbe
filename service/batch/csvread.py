"""CSV input through Arrow's streaming reader, where a broken line is a rejected row, not the end.

A line with too many or too few fields is kept in its place as a row whose ``BAD_ROW`` cell
holds the reason (its other cells empty), so row numbers stay those of the file and the engines
report it like any invalid row. Every cell is read as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

BAD_ROW = "__bad_row__"
"""Column naming why a CSV line could not be read (None for good rows); the row's other cells
are empty."""


class CsvError(ValueError):
    """A CSV file that cannot be read at all (no header, not UTF-8)."""


def header(source: Path | IO[bytes]) -> list[str]:
    """The column names on the first line."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            first = handle.readline()
    else:
        position = source.tell()
        first = source.readline()
        source.seek(position)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"the header is not UTF-8 text ({exc.reason})") from None
    names = next(csv.reader([text]), [])
    if not names:
        raise CsvError("the file has no header line naming its columns")
    return [name.strip() for name in names]


def read_frames(
    source: Path | IO[bytes], names: list[str], block_size: int = 4 << 20
) -> Iterator[pd.DataFrame]:
    """Frames of the rows after the header, in file order, broken lines included as BAD_ROW
    rows. Frame sizes follow Arrow's blocks (``block_size`` bytes)."""
    bad: dict[int, str] = {}

    def skip(row: Any) -> str:
        bad[int(row.number)] = (
            f"line has {row.actual_columns} fields, the header {row.expected_columns}"
        )
        return "skip"

    opened = source.open("rb") if isinstance(source, Path) else source
    try:
        reader = pacsv.open_csv(
            opened,
            read_options=pacsv.ReadOptions(block_size=block_size, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return
        raise CsvError(str(exc)) from None
    record = 2  # the CSV record number of the next good row; the header is record 1
    try:
        for batch in reader:
            good = batch.to_pandas()
            good.columns = names
            numbers = np.empty(len(good), dtype=np.int64)
            for i in range(len(good)):
                while record in bad:
                    record += 1
                numbers[i] = record
                record += 1
            yield _with_bad_rows(good, numbers, bad, names)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise CsvError(" ".join(str(exc).split())) from None
    finally:
        if isinstance(source, Path):
            opened.close()
    if bad:  # broken lines after the last good one
        yield _broken(sorted(bad), bad, names)


def _broken(numbers: list[int], bad: dict[int, str], names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({name: [""] * len(numbers) for name in names}, dtype=object)
    frame[BAD_ROW] = [bad.pop(n) for n in numbers]
    return frame


def _with_bad_rows(
    good: pd.DataFrame, numbers: np.ndarray[Any, Any], bad: dict[int, str], names: list[str]
) -> pd.DataFrame:
    """``good`` with the broken lines that fall among its records put back in their places."""
    last = int(numbers[-1]) if len(numbers) else 0
    among = sorted(n for n in bad if n < last)
    good = good.assign(**{BAD_ROW: None})
    if not among:
        return good
    broken = _broken(among, bad, names)
    order = np.argsort(np.concatenate([numbers, np.asarray(among)]), kind="stable")
    merged = pd.concat([good.astype(object), broken], ignore_index=True)
    return merged.iloc[order].reset_index(drop=True)


def read_block(path: str, start: int, stop: int, names: list[str]) -> pd.DataFrame:
    """The rows in bytes ``[start, stop)`` of ``path`` (a block cut at line ends, after the
    header), for one Dask partition."""
    with open(path, "rb") as handle:
        head = handle.readline()
        handle.seek(start)
        body = handle.read(stop - start)
    frames = list(read_frames(io.BytesIO(head + body), names))
    if not frames:
        return pd.DataFrame({**{n: pd.Series(dtype=object) for n in names}, BAD_ROW: []})
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def blocks(path: Path, block_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges after the header, each ending at a line end, about ``block_bytes`` long.

    Not aware of quotes: a quoted cell holding a newline may be cut (use Parquet then).
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.readline()
        start = handle.tell()
        ranges = []
        while start < size:
            handle.seek(min(start + block_bytes, size))
            if handle.tell() < size:
                handle.readline()  # to the end of the line the cut fell in
            stop = handle.tell()
            ranges.append((start, stop))
            start = stop
    return ranges
