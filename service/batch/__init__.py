"""Batch ranking of a CSV or Parquet file of profiles (``dakmatch batch``), locally or on Dask.

>>> summary = run_batch(model, Path("profiles.parquet"), Path("ranked.parquet"))  # doctest: +SKIP
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from service.batch.engine import Model, Summary, dask_client, rank_chunk, run_dask, run_local
from service.batch.io import BatchFileError, count_rows, default_errors_path, file_format

Engine = Literal["local", "dask"]
DEFAULT_CHUNK_SIZE = 50_000

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "BatchFileError",
    "Engine",
    "Model",
    "Summary",
    "check_paths",
    "dask_client",
    "default_errors_path",
    "rank_chunk",
    "run_batch",
]


def check_paths(source: Path, output: Path, errors: Path) -> None:
    """Refuse unusable file names and types before any work (:class:`BatchFileError`)."""
    file_format(source)
    file_format(output)
    if not source.is_file():
        raise BatchFileError(f"{source}: no such file")
    if errors.suffix.lower() != ".csv":
        raise BatchFileError(f"{errors}: the errors file is CSV; give it a .csv name")
    paths = [p.resolve() for p in (source, output, errors)]
    if len(set(paths)) < 3:
        raise BatchFileError("INPUT, OUTPUT and the errors file must be three different files")


def run_batch(
    model: Model,
    source: Path,
    output: Path,
    *,
    errors: Path | None = None,
    engine: Engine = "local",
    k: int = 5,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    workers: int = 1,
    client: Any = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> Summary:
    """Rank every valid row of ``source`` top ``k`` into ``output``; invalid rows go to
    ``errors`` (default: beside ``output``, ``<name>.errors.csv``) and never stop the run.

    ``engine="local"`` ranks in ``workers`` processes (1: in this one). ``engine="dask"`` uses
    ``client`` if given, else connects to ``scheduler``, else starts a local cluster for the
    run. A progress bar with rate and time left goes to stderr.
    """
    if k < 1:
        raise BatchFileError(f"k must be at least 1, not {k}")
    errors = errors or default_errors_path(output)
    check_paths(source, output, errors)
    total = count_rows(source)
    bar = tqdm(
        total=total,
        unit=" profiles",
        unit_scale=(total or 0) >= 100_000,  # 1.00M/1.00M, but 7/7
        file=sys.stderr,
        disable=not progress,
        mininterval=0.5,
        smoothing=0.2,
        dynamic_ncols=True,
    )
    with bar:
        if engine == "local":
            return run_local(
                model,
                source,
                output,
                errors,
                k=k,
                chunk_size=chunk_size,
                workers=workers,
                progress=bar.update,
            )
        own = client is None
        client = dask_client(scheduler) if own else client
        try:
            return run_dask(
                model,
                source,
                output,
                errors,
                k=k,
                chunk_size=chunk_size,
                client=client,
                progress=bar.update,
            )
        finally:
            if own:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()
