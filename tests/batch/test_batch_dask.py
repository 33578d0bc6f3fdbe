"""The Dask engine on a 2-worker LocalCluster gives exactly the local engine's output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.batch import Model, run_batch
from tests.batch.conftest import synthetic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    # Two small worker processes: the model really crosses a process boundary (pickled once).
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as dask_client,  # type: ignore[no-untyped-call]
    ):
        yield dask_client


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_local_and_dask_outputs_agree_exactly(
    model: Model, client: Any, tmp_path: Path, suffix: str
) -> None:
    frame = synthetic(model, 3000, seed=5, invalid_fraction=0.02)
    source = tmp_path / f"profiles{suffix}"
    if suffix == ".csv":
        text = frame.to_csv(index=False).splitlines(keepends=True)
        text[1500] = "broken,line\n"  # a line with too few fields, mid-file
        source.write_text("".join(text))
    else:
        frame.to_parquet(source, index=False, row_group_size=1000)  # partitions > chunks
    local = run_batch(model, source, tmp_path / "local.csv", chunk_size=1000, progress=False)
    dask = run_batch(
        model,
        source,
        tmp_path / "dask.csv",
        engine="dask",
        client=client,
        chunk_size=300,
        progress=False,
    )
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
    assert (tmp_path / "local.errors.csv").read_bytes() == (
        tmp_path / "dask.errors.csv"
    ).read_bytes()
    assert local == dask
    assert local.rows == 3000
    assert local.rejected_rows > 0


def test_cli_runs_on_a_scheduler_address(
    model: Model, client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from catalog import default_catalog_path
    from service.cli import main

    source = tmp_path / "profiles.csv"
    synthetic(model, 400, seed=3, invalid_fraction=0.02).to_csv(source, index=False)
    run_batch(model, source, tmp_path / "local.csv", progress=False)
    address = client.scheduler.address
    code = main(["batch", str(source), str(tmp_path / "dask.csv"), "--engine", "dask",
                 "--scheduler", address, "--catalog", str(default_catalog_path()),
                 "--chunk-size", "150", "--no-progress"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "400 rows" in capsys.readouterr().out
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "dask.csv").read_bytes()
    # The cluster outlives the run: the CLI closed only its own client.
    assert client.status == "running"
