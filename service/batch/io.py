"""Batch files: input read in chunks, ranked rows and rejected rows written as they come.

Input and output formats follow the file extension (``.csv`` or ``.parquet``). CSV input is read
with every column as text (PIN codes keep their digits, empty cells are empty strings); Parquet
keeps its column types, and list columns may be real lists there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from service.batch import csvread

FORMATS = (".csv", ".parquet")

OUTPUT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("rank", pa.int32()),
        ("offering_id", pa.string()),
        ("score", pa.float64()),
    ]
)
ERROR_COLUMNS = ("row", "id", "field", "reason")


class BatchFileError(ValueError):
    """An input or output file the batch cannot use (the message names it and says why)."""


def file_format(path: Path) -> str:
    """``.csv`` or ``.parquet``; anything else is a :class:`BatchFileError`."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        shown = suffix or "(none)"
        raise BatchFileError(f"{path}: unsupported file type {shown}; use .csv or .parquet")
    return suffix


def default_errors_path(output: Path) -> Path:
    """Beside ``output``: ``ranked.parquet`` -> ``ranked.errors.csv``."""
    return output.with_name(output.stem + ".errors.csv")


def count_rows(path: Path) -> int | None:
    """Data rows in ``path`` for the progress bar: exact for Parquet, line count for CSV
    (a quoted newline inside a cell makes it an over-estimate)."""
    if file_format(path) == ".parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    lines = 0
    last = b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 24):
            lines += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        lines += 1
    return max(lines - 1, 0)


def read_chunks(path: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    """The rows of ``path`` in order, ``chunk_size`` at a time, with a fresh RangeIndex each."""
    if chunk_size < 1:
        raise BatchFileError(f"chunk size must be at least 1, not {chunk_size}")
    if not path.is_file():
        raise BatchFileError(f"{path}: no such file")
    if file_format(path) == ".parquet":
        try:
            parquet = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise BatchFileError(f"{path}: not a readable Parquet file ({exc})") from exc
        for batch in parquet.iter_batches(batch_size=chunk_size):
            yield batch.to_pandas()
        return
    try:
        names = csvread.header(path)
        yield from _rechunk(csvread.read_frames(path, names), chunk_size)
    except csvread.CsvError as exc:
        raise BatchFileError(f"{path}: not a readable CSV file ({exc})") from None


def _rechunk(frames: Iterator[pd.DataFrame], size: int) -> Iterator[pd.DataFrame]:
    """The rows of ``frames`` again, ``size`` at a time (the last chunk may be shorter)."""
    pending: list[pd.DataFrame] = []
    held = 0
    for frame in frames:
        pending.append(frame)
        held += len(frame)
        while held >= size:
            joined = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
            yield joined.iloc[:size].reset_index(drop=True)
            rest = joined.iloc[size:]
            pending, held = ([rest], len(rest)) if len(rest) else ([], 0)
    if held:
        yield pd.concat(pending, ignore_index=True)


class ResultWriter:
    """Appends ranked rows ``(id, rank, offering_id, score)`` to a CSV or Parquet file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._format = file_format(path)
        self._parquet: pq.ParquetWriter | None = None
        self._csv_started = False
        self.rows = 0

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._format == ".parquet":
            # Offering ids repeat (dozens of values), ids do not: a dictionary only where it
            # pays (less than half the write time of dictionary-encoding every column).
            self._parquet = pq.ParquetWriter(
                self.path, OUTPUT_SCHEMA, use_dictionary=["offering_id"]
            )
        else:
            self.path.write_text(",".join(OUTPUT_SCHEMA.names) + "\n", encoding="utf-8")
            self._csv_started = True
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame`` (columns id, rank, offering_id, score)."""
        if frame.empty:
            return
        table = pa.Table.from_pandas(
            frame[list(OUTPUT_SCHEMA.names)], schema=OUTPUT_SCHEMA, preserve_index=False
        )
        if self._parquet is not None:
            self._parquet.write_table(table)
        else:
            frame[list(OUTPUT_SCHEMA.names)].to_csv(
                self.path, mode="a", header=False, index=False, lineterminator="\n"
            )
        self.rows += len(frame)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._parquet is not None:
            self._parquet.close()


class ErrorWriter:
    """Appends rejected rows ``(row, id, field, reason)`` to a CSV file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(",".join(ERROR_COLUMNS) + "\n", encoding="utf-8")
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame`` (columns row, id, field, reason)."""
        if frame.empty:
            return
        frame[list(ERROR_COLUMNS)].to_csv(
            self.path, mode="a", header=False, index=False, lineterminator="\n"
        )
        self.rows += len(frame)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None
