"""``dakmatch batch`` on the command line: a summary on success, one clear line on each error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from catalog import default_catalog_path
from service.batch import Model
from service.cli import main
from tests.batch.conftest import synthetic


def _run(*args: str) -> int:
    return main(["batch", *args, "--catalog", str(default_catalog_path()), "--no-progress"])


def test_cli_ranks_a_file_and_prints_a_summary(
    model: Model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    synthetic(model, 120, invalid_fraction=0.05).to_csv(source, index=False)
    errors = tmp_path / "bad" / "rejected.csv"
    code = _run(str(source), str(tmp_path / "out.parquet"), "--k", "2", "--errors", str(errors),
                "--workers", "1")  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "120 rows" in out
    assert "profiles/s" in out
    ranked = pd.read_parquet(tmp_path / "out.parquet")
    assert set(ranked["rank"]) == {1, 2}
    rejected = pd.read_csv(errors)
    assert len(set(ranked["id"])) + rejected["row"].nunique() == 120


def test_cli_summary_counts_one_row_in_the_singular(
    model: Model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("id,pincode,sector\nA1,302001,handicrafts\n", encoding="utf-8")
    assert _run(str(source), str(tmp_path / "out.csv"), "--k", "1", "--workers", "1") == 0
    out = capsys.readouterr().out
    assert out.startswith("1 row in "), out
    assert "(1 row)" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "out.csv"], "no such file"),
        (["in.csv", "out.json"], "unsupported file type .json"),
        (["in.csv", "out.csv", "--k", "0"], "--k must be between 1 and 50"),
        (["in.csv", "out.csv", "--chunk-size", "0"], "--chunk-size must be at least 1"),
        (["in.csv", "out.csv", "--scheduler", "tcp://127.0.0.1:1"], "needs --engine dask"),
        (["in.csv", "in.csv"], "three different files"),
        (["in.csv", "out.csv", "--errors", "bad.txt"], "give it a .csv name"),
    ],
)
def test_cli_errors_are_one_line(
    model: Model,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in.csv").write_text("pincode,sector\n400001,apparel\n", encoding="utf-8")
    assert _run(*args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ")
    assert message in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("migrated", [False, True])
def test_fresh_machine_ranks_with_the_packaged_catalogue(tmp_path: Path, migrated: bool) -> None:
    # A fresh DATABASE_URL: no file at all (no tables), or migrated without a catalogue.
    url = f"sqlite:///{tmp_path / 'fresh' / 'dakmatch.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAKMATCH_")}
    env["DATABASE_URL"] = url
    dakmatch = str(Path(sys.executable).parent / "dakmatch")
    if migrated:
        subprocess.run([dakmatch, "db", "upgrade"], env=env, check=True, capture_output=True)
    source = tmp_path / "in.csv"
    source.write_text("id,pincode,sector,needs\na,400001,apparel,international_shipping;pickup\n"
                      "b,302001,handicrafts,export_documentation\n", encoding="utf-8")
    done = subprocess.run(
        [dakmatch, "batch", str(source), str(tmp_path / "out.csv"), "--workers", "1",
         "--no-progress"],
        env=env, capture_output=True, text=True, timeout=240, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"ranking with {default_catalog_path()}" in done.stderr
    ranked = pd.read_csv(tmp_path / "out.csv")
    assert set(ranked["id"]) == {"a", "b"}
