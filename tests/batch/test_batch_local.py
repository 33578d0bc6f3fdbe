"""dakmatch batch with the local engine: bad rows reported with row and reason, output complete,
chunking and worker processes change nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from service.batch import BatchFileError, Model, default_errors_path, run_batch
from service.batch.io import read_chunks
from tests.batch.conftest import synthetic

HEADER = (
    "id,pincode,sector,products,sales_channels,destinations,typical_weight_kg,needs,"
    "first_time_exporter"
)
ROWS = [
    "a1,302001,handicrafts,block printed scarves,etsy;exhibitions,US;DE,1.2,"
    "international_shipping;export_documentation,true",
    "a2,000000,handicrafts,scarves,,,1,,false",  # PIN code that cannot exist
    "a3,400001,spaceships,rockets,,,1,,false",  # sector outside the vocabulary
    "a4,400001,food_spices,pickles,,,heavy,,false",  # not a number
    ",682001,tea_coffee,tea,amazon,,0.5,domestic_shipping,false",  # no id: the row number stands in
    "a6,221001,apparel,kurtis,,,-2,,false",  # negative weight
    "a7,781001,agri_produce,tea,,,2,,maybe",  # not a boolean
]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _errors(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_bad_rows_go_to_the_errors_file_and_never_stop_the_run(
    model: Model, tmp_path: Path
) -> None:
    source = _write(tmp_path / "in.csv", ROWS)
    output = tmp_path / "ranked.csv"
    summary = run_batch(model, source, output, k=3, progress=False)

    ranked = pd.read_csv(output, dtype={"id": str})
    assert list(ranked.columns) == ["id", "rank", "offering_id", "score"]
    assert sorted(ranked["id"].unique()) == ["5", "a1"]
    for _, group in ranked.groupby("id"):
        assert group["rank"].tolist() == [1, 2, 3]
        assert group["offering_id"].is_unique
    # The same offerings, order and scores as ranking the profile alone (Ranker.rank).
    from matching import parse_profile

    alone = model.ranker.rank(
        parse_profile(
            {"pincode": "302001", "sector": "handicrafts", "products": "block printed scarves",
             "sales_channels": ["etsy", "exhibitions"], "destinations": ["US", "DE"],
             "typical_weight_kg": 1.2, "first_time_exporter": True,
             "needs": ["international_shipping", "export_documentation"]},
            model.geography,
        ),
        k=3,
    )  # fmt: skip
    first = ranked[ranked["id"] == "a1"]
    assert first["offering_id"].tolist() == [r.offering_id for r in alone.recommendations]
    assert first["score"].tolist() == pytest.approx([r.score for r in alone.recommendations])
    errors = _errors(default_errors_path(output))
    assert (tmp_path / "ranked.errors.csv").exists()
    by_row = {int(e["row"]): e for e in errors}
    assert set(by_row) == {2, 3, 4, 6, 7}
    assert by_row[2]["field"] == "pincode"
    assert by_row[2]["id"] == "a2"
    assert by_row[3]["field"] == "sector"
    assert by_row[4]["field"] == "typical_weight_kg"
    assert "heavy" in by_row[4]["reason"]
    assert by_row[6]["field"] == "typical_weight_kg"
    assert by_row[7]["field"] == "first_time_exporter"
    assert all(e["reason"] for e in errors)
    assert summary.rows == 7
    assert summary.ranked_profiles == 2
    assert summary.rejected_rows == 5


def test_output_is_complete_and_chunking_changes_nothing(model: Model, tmp_path: Path) -> None:
    frame = synthetic(model, 1500, invalid_fraction=0.03)
    source = tmp_path / "profiles.parquet"
    frame.to_parquet(source, index=False)
    one = run_batch(model, source, tmp_path / "a.parquet", k=5, chunk_size=10_000, progress=False)
    many = run_batch(model, source, tmp_path / "b.parquet", k=5, chunk_size=97, progress=False)

    a = pd.read_parquet(tmp_path / "a.parquet")
    b = pd.read_parquet(tmp_path / "b.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert (tmp_path / "a.errors.csv").read_text() == (tmp_path / "b.errors.csv").read_text()
    rejected = {e["id"] for e in _errors(tmp_path / "a.errors.csv")}
    ranked = set(a["id"])
    # Every input row is either ranked (k rows) or rejected, never both, never lost.
    assert ranked | rejected == set(frame["id"])
    assert ranked & rejected == set()
    assert len(rejected) >= 20
    assert (a.groupby("id").size() == 5).all()
    assert one == many
    assert one.rows == len(frame)
    assert one.output_rows == 5 * len(ranked)


def test_worker_processes_give_the_same_output(model: Model, tmp_path: Path) -> None:
    source = tmp_path / "profiles.csv"
    synthetic(model, 600, invalid_fraction=0.02).to_csv(source, index=False)
    run_batch(model, source, tmp_path / "one.csv", chunk_size=150, workers=1, progress=False)
    run_batch(model, source, tmp_path / "two.csv", chunk_size=150, workers=2, progress=False)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert (tmp_path / "one.errors.csv").read_text() == (tmp_path / "two.errors.csv").read_text()


def test_parquet_list_columns_and_csv_lists_rank_alike(model: Model, tmp_path: Path) -> None:
    frame = synthetic(model, 200)
    frame.to_csv(tmp_path / "in.csv", index=False)
    typed = frame.copy()
    for column in ("sales_channels", "destinations", "needs"):
        typed[column] = [[v for v in cell.split(";") if v] for cell in frame[column]]
    typed.to_parquet(tmp_path / "in.parquet", index=False)
    run_batch(model, tmp_path / "in.csv", tmp_path / "from_csv.csv", progress=False)
    run_batch(model, tmp_path / "in.parquet", tmp_path / "from_parquet.csv", progress=False)
    assert (tmp_path / "from_csv.csv").read_text() == (tmp_path / "from_parquet.csv").read_text()


def test_progress_bar_shows_rate_on_stderr(
    model: Model, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "in.csv", ROWS)
    run_batch(model, source, tmp_path / "out.csv", progress=True)
    err = capsys.readouterr().err
    assert "7/7" in err
    assert "profiles/s" in err


def test_unknown_columns_refuse_the_file_with_their_names(model: Model, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("pincode,sector,colour\n400001,apparel,red\n", encoding="utf-8")
    with pytest.raises(BatchFileError, match=r"^unknown column 'colour';"):
        run_batch(model, source, tmp_path / "out.csv", progress=False)
    source.write_text("pincode,sector,colour,size\n400001,apparel,red,L\n", encoding="utf-8")
    with pytest.raises(BatchFileError, match=r"^unknown columns 'colour', 'size';"):
        run_batch(model, source, tmp_path / "out.csv", progress=False)


def test_reading_is_chunked(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,pincode\n" + "".join(f"{i},400001\n" for i in range(25)), encoding="utf-8"
    )
    sizes = [len(chunk) for chunk in read_chunks(source, 10)]
    assert sizes == [10, 10, 5]


def test_a_byte_order_mark_is_not_part_of_the_first_column(model: Model, tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes("\ufeffid,pincode,sector,products\nx1,400001,apparel,sold on Amazon\n"
                       .encode())
    summary = run_batch(model, source, tmp_path / "out.csv", progress=False)
    assert summary.ranked_profiles == 1
    assert pd.read_csv(tmp_path / "out.csv")["id"].unique().tolist() == ["x1"]


def test_a_line_with_the_wrong_number_of_fields_is_a_rejected_row(
    model: Model, tmp_path: Path
) -> None:
    source = tmp_path / "broken.csv"
    source.write_text(
        "id,pincode,sector,products\na,400001,apparel,shirts on Amazon\nb,400001,apparel,x,extra\n"
        'c,400001,apparel,"two\nlines, COD"\nd,400001\ne,400001,apparel,kurtis on Meesho\n'
    )
    summary = run_batch(model, source, tmp_path / "out.csv", progress=False)
    assert set(pd.read_csv(tmp_path / "out.csv")["id"]) == {"a", "c", "e"}
    errors = _errors(tmp_path / "out.errors.csv")
    assert [(e["row"], e["id"], e["field"]) for e in errors] == [
        ("2", "2", "line"),
        ("4", "4", "line"),
    ]
    assert errors[0]["reason"] == "line has 5 fields, the header 4"
    assert summary.rows == 5


def test_a_nul_character_in_a_row_is_a_rejected_row_naming_its_field(
    model: Model, tmp_path: Path
) -> None:
    source = _write(
        tmp_path / "in.csv",
        [ROWS[0], "n1,302001,handicrafts,scarves\x00 call 9876543210,,,1,,false"],
    )
    output = tmp_path / "out.csv"
    summary = run_batch(model, source, output, k=3, progress=False)
    errors = _errors(default_errors_path(output))
    assert [(e["row"], e["id"], e["field"]) for e in errors] == [("2", "n1", "products")]
    assert "NUL" in errors[0]["reason"]
    assert "9876543210" not in default_errors_path(output).read_text(encoding="utf-8")
    assert summary.ranked_profiles == 1
