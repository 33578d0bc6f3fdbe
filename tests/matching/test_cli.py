"""``dakmatch rank`` and ``dakmatch eval`` through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from tests.matching.matching_factories import make_profile


def test_rank_prints_the_api_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(make_profile(destinations=["US"])), encoding="utf-8")
    assert main(["rank", str(path), "--limit", "3"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"catalog_version", "model_version", "run_id", "recommendations",
                            "not_eligible"}
    assert [r["rank"] for r in payload["recommendations"]] == [1, 2, 3]


def test_rank_reports_bad_profiles_per_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps({"pincode": "999999", "sector": "handicrafts", "x": 1}),
                    encoding="utf-8")
    assert main(["rank", str(path)]) == 1
    err = capsys.readouterr().err
    assert "not in the India Post directory" in err
    assert "unknown field 'x'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("content", "message"), [("{not json", "not valid JSON"), (None, "cannot read")]
)
def test_rank_reports_unreadable_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "profile.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["rank", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_rank_limit_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(make_profile()), encoding="utf-8")
    assert main(["rank", str(path), "--limit", "51"]) == 1
    assert "1 to 50" in capsys.readouterr().err


def test_eval_prints_both_sets_and_all_systems(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval"]) == 0
    out = capsys.readouterr().out
    for word in ("== tuning", "== held_aside", "ranker", "popularity", "bm25", "NDCG@5",
                 "export_facilitation", "held-aside NDCG@5"):
        assert word in out


def test_eval_reports_a_missing_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--data", str(tmp_path / "none")]) == 1
    assert "cannot read the judged sets" in capsys.readouterr().err


def test_eval_counts_the_judged_sets_problems_with_their_plural(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matching.judged import EVAL_FILES

    for name, file in EVAL_FILES.items():
        (tmp_path / file).write_text(f"set: {name}\nprofiles: []\n", encoding="utf-8")
    (tmp_path / EVAL_FILES["tuning"]).write_text(
        "set: tuning\nprofiles:\n"
        "  - {id: T1, state_group: north, profile: {pincode: '302001', sector: handicrafts},\n"
        "     relevance: {no-such-offering: 2}, why: {no-such-offering: x}}\n",
        encoding="utf-8",
    )
    assert main(["eval", "--data", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "error: 1 problem in the judged sets" in err, err


def test_eval_reports_the_realistic_sets_beside_the_others(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["eval"]) == 0
    out = capsys.readouterr().out
    for words in ("== independent", "== realistic_dev", "-- realistic_dev by kind of profile --",
                  "realistic development set (tuned on) NDCG@5",
                  "== realistic", "-- realistic by kind of profile --",
                  "partial (1-3 fields)", "hindi/marathi text", "contradictory",
                  "skipped (invalid under current validation): ", "realistic set NDCG@5",
                  "rule out in the ranker's top five: "):
        assert words in out


def test_eval_skips_realistic_profiles_that_validation_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matching.judged import DEV_FILES, FRESH_FILES, SET_FILES, default_directory

    for file in [*SET_FILES.values(), *DEV_FILES.values(), *FRESH_FILES.values()]:
        (tmp_path / file).write_text((default_directory() / file).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    # 200,000 kg stays over the limit after DESIGN §4's amendment to 100,000 kg.
    (tmp_path / "judged_realistic.yaml").write_text(
        "set: realistic\nprofiles:\n"
        "  - {id: R1, state_group: north, profile: {pincode: '302001', sector: handicrafts,\n"
        "     needs: [international_shipping]}, relevance: {dnk: 2}, why: {dnk: export centre}}\n"
        "  - {id: R2, state_group: north, profile: {pincode: '302001', sector: handicrafts,\n"
        "     typical_weight_kg: 200000}, relevance: {logistics-post: 2},\n"
        "     why: {logistics-post: freight}}\n",
        encoding="utf-8",
    )
    assert main(["eval", "--data", str(tmp_path), "--details"]) == 0
    out = capsys.readouterr().out
    assert "== realistic (1 profile) ==" in out
    assert "skipped (invalid under current validation): 1" in out
    assert "  R2: typical_weight_kg" in out
    assert "realistic set NDCG@5" in out
    assert "(1 skipped as invalid)" in out


def test_eval_measures_a_catalogue_that_lacks_judged_ids_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from matching.judged import EVAL_FILES

    for name, file in EVAL_FILES.items():
        (tmp_path / file).write_text(
            f"set: {name}\nprofiles:\n"
            "  - {id: X1, state_group: north, profile: {pincode: '302001', sector: handicrafts,\n"
            "     destinations: [US], needs: [international_shipping]},\n"
            "     relevance: {not-in-this-catalogue: 2, dnk: 1},\n"
            "     why: {not-in-this-catalogue: a newer offering}}\n",
            encoding="utf-8",
        )
    assert main(["eval", "--data", str(tmp_path)]) == 1
    assert "unknown offering id 'not-in-this-catalogue'" in capsys.readouterr().err
    assert main(["eval", "--data", str(tmp_path), "--missing-ids", "absent"]) == 0
    out = capsys.readouterr().out
    assert ("judged ids absent from this catalogue (kept in the ideal ranking, never "
            "recommended): not-in-this-catalogue") in out
    # The only grade-2 answer cannot be recommended: no first right answer, NDCG below 1.
    assert "held-aside NDCG@5 0." in out
