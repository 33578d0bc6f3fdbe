"""``dakmatch catalog validate`` and ``dakmatch catalog export``, run through the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from catalog import default_catalog_path, load_catalog
from service.cli import main

BROKEN_YAML = """\
offerings:
  - id: heavy-parcel
    name: Heavy Parcel
    provider: Department of Posts
    category: domestic_parcels
    description: A parcel entry with a negative weight limit.
    constraints: {scope: domestic, max_weight_kg: -5}
    features: [domestic_shipping]
    channels: [counter]
    source_urls: ["https://www.indiapost.gov.in/MBE/Pages/Content/Parcel.aspx"]
    as_of: 2026-01-01
  - id: magic-parcel
    name: Magic Parcel
    provider: Department of Posts
    category: domestic_parcels
    description: A parcel entry with a feature outside the needs vocabulary.
    features: [teleportation]
    channels: [counter]
    as_of: 2026-01-01
"""


def test_validate_accepts_the_real_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = load_catalog()
    assert main(["catalog", "validate"]) == 0
    out = capsys.readouterr().out
    assert f"ok: {len(catalog)} offerings ({len(catalog.active())} active)" in out
    assert catalog.version in out


def test_validate_accepts_an_explicit_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "validate", str(default_catalog_path())]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_validate_refuses_a_broken_file_naming_entries_and_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML)
    assert main(["catalog", "validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    errors = captured.err.splitlines()
    assert "error: entry 'heavy-parcel' field 'constraints.max_weight_kg'" in errors[0]
    assert any("entry 'magic-parcel' field 'features.0'" in line for line in errors)
    missing_source = "entry 'magic-parcel' field 'source_urls': Field required"
    assert any(missing_source in line for line in errors)
    assert errors[-1] == "3 problems; catalogue not valid"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("offerings: [\n", "not valid YAML"),
        ("just a sentence\n", "a list under 'offerings'"),
    ],
)
def test_validate_refuses_unreadable_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, words: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert main(["catalog", "validate", str(path)]) == 1
    assert words in capsys.readouterr().err


def test_validate_reports_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "validate", str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_export_json_holds_every_offering(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = load_catalog()
    assert main(["catalog", "export", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["catalog_version"] == catalog.version
    assert [o["id"] for o in payload["offerings"]] == list(catalog.ids)
    itps = next(o for o in payload["offerings"] if o["id"] == "itps")
    assert itps["constraints"]["max_weight_kg"] == 2


def test_export_csv_holds_every_offering(capsys: pytest.CaptureFixture[str]) -> None:
    catalog = load_catalog()
    assert main(["catalog", "export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["id"] for row in rows] == list(catalog.ids)
    by_id = {row["id"]: row for row in rows}
    assert by_id["registered-small-packet"]["status"] == "discontinued"
    assert by_id["registered-small-packet"]["status_since"] == "2026-01-01"
    assert by_id["mssidc-marketing"]["regions"] == "Maharashtra"
    assert by_id["dnk"]["location"] == "head_post_office"
    assert set(by_id["dnk"]["requires"].split(";")) >= {"iec", "gstin"}


def test_export_of_a_broken_file_fails_without_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN_YAML)
    assert main(["catalog", "export", str(path), "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "entry 'heavy-parcel'" in captured.err


def test_catalog_commands_have_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["catalog", "--help"], ["catalog", "validate", "--help"]):
        with pytest.raises(SystemExit) as leaving:
            main(command)
        assert leaving.value.code == 0
    assert "names entry and field" in capsys.readouterr().out
