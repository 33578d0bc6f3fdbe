"""Batch ranking engines: ``local`` (one process, chunk after chunk) and ``dask`` (partitions on a
Dask cluster). Both rank every chunk with :func:`rank_chunk`, so their outputs are identical.

Memory stays flat: a chunk is read, ranked, appended to the output and dropped; the Dask engine
keeps at most a few partitions per worker in flight and writes them back in input order.
"""

from __future__ import annotations

import math
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from service.batch import csvread
from service.batch.io import (
    BatchFileError,
    ErrorWriter,
    ResultWriter,
    count_rows,
    file_format,
    read_chunks,
)
from service.batch.rows import check_columns, prepare

if TYPE_CHECKING:
    from catalog import Geography
    from matching import Ranker

Progress = Callable[[int], object]


@dataclass(frozen=True)
class Model:
    """What ranking a chunk needs: the fitted ranker and the geography it validates PINs with.

    Shipped to Dask workers once per run (``client.scatter(..., broadcast=True)``).
    """

    ranker: Ranker
    geography: Geography


@dataclass(frozen=True)
class ChunkResult:
    """Ranked and rejected rows of one chunk; ``row`` counts from 1 within the chunk and ``id``
    is None where the input gave none (:func:`place` fixes both)."""

    ranked: pd.DataFrame
    errors: pd.DataFrame
    rows: int


@dataclass(frozen=True)
class Summary:
    """What a batch run did."""

    rows: int
    ranked_profiles: int
    output_rows: int
    rejected_rows: int
    error_lines: int


def rank_chunk(model: Model, chunk: pd.DataFrame, k: int) -> ChunkResult:
    """Validate ``chunk`` and rank its valid rows top ``k`` (``rank_many``)."""
    chunk = chunk.reset_index(drop=True)
    prepared = prepare(chunk, 1, model.geography)
    ranked = pd.DataFrame(
        {
            "row": pd.Series(dtype=np.int64),
            "id": pd.Series(dtype=object),
            "rank": pd.Series(dtype=np.int32),
            "offering_id": pd.Series(dtype=object),
            "score": pd.Series(dtype=np.float64),
        }
    )
    if len(prepared.profiles):
        out = model.ranker.rank_many(prepared.profiles, k=k)
        position = out["row"].to_numpy(dtype=np.int64)
        ranked = pd.DataFrame(
            {
                "row": prepared.rows[position],
                "id": prepared.ids[position],
                "rank": out["rank"].to_numpy(dtype=np.int32),
                "offering_id": out["offering_id"].astype(str).to_numpy(dtype=object),
                "score": out["score"].to_numpy(dtype=np.float64),
            }
        )
    return ChunkResult(ranked=ranked, errors=prepared.errors, rows=len(chunk))


def place(result: ChunkResult, offset: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shift the chunk's row numbers by ``offset`` rows; a missing id becomes the row number."""
    frames = []
    for frame in (result.ranked, result.errors):
        frame = frame.copy()
        frame["row"] = frame["row"].to_numpy(dtype=np.int64) + offset
        missing = frame["id"].isna().to_numpy()
        if missing.any():
            frame.loc[missing, "id"] = frame.loc[missing, "row"].astype(str)
        frames.append(frame)
    return frames[0], frames[1]


def run_local(
    model: Model,
    source: Path,
    output: Path,
    errors: Path,
    *,
    k: int,
    chunk_size: int,
    workers: int = 1,
    progress: Progress | None = None,
) -> Summary:
    """Rank ``source`` chunk by chunk on this machine.

    With ``workers > 1`` the chunks are ranked in that many worker processes (each receives the
    model once, at start), at most two chunks per worker in flight, written in input order:
    validation is per row in Python, so one process per core is what uses the machine.
    """
    chunks = read_chunks(source, chunk_size)
    if workers <= 1:
        results: Iterator[ChunkResult] = (rank_chunk(model, chunk, k) for chunk in chunks)
        return _drain(results, output, errors, progress)
    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_install, initargs=(model,)
    ) as pool:
        results = _in_order((pool.submit(_rank_installed, chunk, k) for chunk in chunks), workers)
        return _drain(results, output, errors, progress)


_INSTALLED: list[Model] = []


def _install(model: Model) -> None:
    _INSTALLED[:] = [model]


def _rank_installed(chunk: pd.DataFrame, k: int) -> ChunkResult:
    return rank_chunk(_INSTALLED[0], chunk, k)


def _in_order(submitted: Iterator[Any], workers: int) -> Iterator[ChunkResult]:
    """Results of futures in submission order, keeping ``2 * workers`` in flight."""
    pending: deque[Any] = deque()
    for future in submitted:
        pending.append(future)
        if len(pending) >= 2 * workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _drain(
    results: Iterator[ChunkResult], output: Path, errors: Path, progress: Progress | None
) -> Summary:
    rows = 0
    rejected = 0
    profiles = 0
    with ResultWriter(output) as out, ErrorWriter(errors) as err:
        for result in results:
            ranked, bad = place(result, rows)
            out.write(ranked)
            err.write(bad)
            rows += result.rows
            rejected += int(bad["row"].nunique())
            profiles += int(ranked["row"].nunique())
            if progress is not None:
                progress(result.rows)
    return Summary(
        rows=rows,
        ranked_profiles=profiles,
        output_rows=out.rows,
        rejected_rows=rejected,
        error_lines=err.rows,
    )


def _partitions(source: Path, chunk_size: int) -> Any:
    """The input as a ``dask.dataframe``, about ``chunk_size`` rows per partition."""
    import dask.dataframe as dd

    if file_format(source) == ".parquet":
        # Row groups are often larger than a chunk (100,000 rows in the bench file): split them
        # so that the workers share the work evenly.
        frame = dd.read_parquet(str(source), split_row_groups=True)
        wanted = math.ceil((count_rows(source) or 1) / chunk_size)
        return frame.repartition(npartitions=wanted) if wanted > frame.npartitions else frame
    try:
        names = csvread.header(source)
    except csvread.CsvError as exc:
        raise BatchFileError(f"{source}: not a readable CSV file ({exc})") from None
    check_columns(names)
    total = count_rows(source) or 1
    bytes_per_row = max(source.stat().st_size / total, 1.0)
    size = source.stat().st_size
    ranges = csvread.blocks(source, max(int(bytes_per_row * chunk_size), 1 << 16)) or [(size, size)]
    meta = pd.DataFrame({name: pd.Series(dtype=object) for name in [*names, csvread.BAD_ROW]})
    return dd.from_map(  # type: ignore[no-untyped-call]
        _csv_block, ranges, path=str(source), names=names, meta=meta, enforce_metadata=False
    )


def _csv_block(span: tuple[int, int], path: str, names: list[str]) -> pd.DataFrame:
    return csvread.read_block(path, span[0], span[1], names)


def _rank_partition(model: Model, partition: pd.DataFrame, k: int, chunk_size: int) -> ChunkResult:
    """Rank one partition ``chunk_size`` rows at a time (a Parquet row group may be larger than
    a chunk; the per-row Python objects of validation exist for one chunk at a time)."""
    partition = partition.reset_index(drop=True)
    results = [
        rank_chunk(model, partition.iloc[start : start + chunk_size], k)
        for start in range(0, max(len(partition), 1), chunk_size)
    ]
    ranked, errors = [], []
    for offset, result in zip(range(0, len(partition) + 1, chunk_size), results, strict=False):
        ranked.append(result.ranked.assign(row=result.ranked["row"] + offset))
        errors.append(result.errors.assign(row=result.errors["row"] + offset))
    return ChunkResult(
        ranked=pd.concat(ranked, ignore_index=True),
        errors=pd.concat(errors, ignore_index=True),
        rows=len(partition),
    )


def run_dask(
    model: Model,
    source: Path,
    output: Path,
    errors: Path,
    *,
    k: int,
    chunk_size: int,
    client: Any,
    progress: Progress | None = None,
) -> Summary:
    """Rank ``source`` as Dask partitions on ``client``'s cluster.

    Workers read their partitions themselves; the model is scattered to every worker once, and
    at most two partitions per worker are in flight, gathered and written in input order.
    """
    frame = _partitions(source, chunk_size)
    check_columns([str(c) for c in frame.columns])
    shipped = client.scatter(model, broadcast=True, hash=False)
    parts = frame.to_delayed()
    workers = max(len(client.scheduler_info().get("workers", {})), 1)

    def submitted() -> Iterator[Any]:
        for part in parts:
            read = client.compute(part)
            yield client.submit(_rank_partition, shipped, read, k, chunk_size, pure=False)

    return _drain(_in_order(submitted(), workers), output, errors, progress)


def dask_client(scheduler: str | None) -> Any:
    """A client of the scheduler at ``scheduler``, or of a new local cluster (one single-threaded
    worker process per core: ranking holds the GIL)."""
    import os

    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)  # type: ignore[no-untyped-call]
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=max(os.cpu_count() or 1, 1),
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    return Client(cluster)  # type: ignore[no-untyped-call]
