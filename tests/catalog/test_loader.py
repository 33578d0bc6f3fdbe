"""Loading a catalogue: every broken entry is refused with its id and the field to fix."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog import CatalogError, catalog_from_document, default_catalog_path, load_catalog

Entry = dict[str, Any]


def make_entry(**overrides: Any) -> Entry:
    """A valid offering as it would appear in the YAML file."""
    entry: Entry = {
        "id": "test-parcel",
        "name": "Test Parcel",
        "provider": "Department of Posts",
        "category": "domestic_parcels",
        "description": "A parcel service used only by these tests.",
        "constraints": {"scope": "domestic", "max_weight_kg": 10},
        "features": ["domestic_shipping"],
        "channels": ["counter"],
        "source_urls": ["https://www.indiapost.gov.in/MBE/Pages/Content/Parcel.aspx"],
        "as_of": dt.date(2026, 1, 1),
    }
    entry.update(overrides)
    return entry


def write_catalog(path: Path, *entries: Entry) -> Path:
    path.write_text(yaml.safe_dump({"offerings": list(entries)}, sort_keys=False))
    return path


def _problems(document: Any) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        catalog_from_document(document)
    assert caught.value.problems, "a CatalogError always lists its problems"
    return caught.value.problems


def _with_constraints(**constraints: Any) -> Entry:
    return make_entry(constraints={"scope": "domestic", **constraints})


def _without(field: str) -> Entry:
    entry = make_entry()
    del entry[field]
    return entry


# Each case: a broken entry, the field the message must name, and words it must contain.
BROKEN: dict[str, tuple[Callable[[], Entry], str, str]] = {
    "negative weight": (
        lambda: _with_constraints(max_weight_kg=-1),
        "constraints.max_weight_kg",
        "greater than or equal to 0",
    ),
    "feature not in Need": (
        lambda: make_entry(features=["domestic_shipping", "teleportation"]),
        "features.1",
        "domestic_shipping",
    ),
    "unknown channel": (lambda: make_entry(channels=["pigeon"]), "channels.0", "counter"),
    "no features": (lambda: make_entry(features=[]), "features", "at least 1"),
    "unknown requirement": (
        lambda: _with_constraints(requires=["iec", "horoscope"]),
        "constraints.requires.1",
        "gstin",
    ),
    "unknown category": (lambda: make_entry(category="misc"), "category", "export_facilitation"),
    "missing source_urls": (lambda: _without("source_urls"), "source_urls", "required"),
    "empty source_urls": (lambda: make_entry(source_urls=[]), "source_urls", "at least 1"),
    "source that is no URL": (
        lambda: make_entry(source_urls=["indiapost website"]),
        "source_urls.0",
        "URL",
    ),
    "missing as_of": (lambda: _without("as_of"), "as_of", "required"),
    "discontinued without date": (
        lambda: make_entry(status="discontinued"),
        "status_since",
        "discontinued",
    ),
    "min above max weight": (
        lambda: _with_constraints(min_weight_kg=5, max_weight_kg=2),
        "constraints.max_weight_kg",
        "min_weight_kg 5",
    ),
    "bad country code": (
        lambda: make_entry(constraints={"scope": "international", "destinations": ["US", "XX"]}),
        "constraints.destinations",
        "'XX'",
    ),
    "countries on a domestic offering": (
        lambda: _with_constraints(destinations=["US"]),
        "constraints.destinations",
        "international",
    ),
    "unknown state": (
        lambda: _with_constraints(regions=["Maharashtra", "Bombay Presidency"]),
        "constraints.regions",
        "Bombay Presidency",
    ),
    "empty region list": (lambda: _with_constraints(regions=[]), "constraints.regions", "1"),
    "repeated feature": (
        lambda: make_entry(features=["domestic_shipping", "domestic_shipping"]),
        "features",
        "repeated",
    ),
    "bad caveat country": (
        lambda: make_entry(caveats=[{"destinations": ["USA"], "text": "duty at booking"}]),
        "caveats.0.destinations",
        "'USA'",
    ),
    "fixed location without places": (
        lambda: make_entry(location={"kind": "fixed"}),
        "location.places",
        "at least one",
    ),
    "latitude without longitude": (
        lambda: make_entry(
            location={"kind": "fixed", "places": [{"name": "Somewhere", "latitude": 19.0}]}
        ),
        "location.places.0",
        "both latitude and longitude",
    ),
    "unknown field": (lambda: make_entry(colour="red"), "colour", "not permitted"),
    "id that is no slug": (lambda: make_entry(id="Test Parcel"), "id", "pattern"),
}


@pytest.mark.parametrize(
    ("names", "words"),
    [(["Bombay Presidency"], "unknown state ['Bombay Presidency']"),
     (["Bombay Presidency", "Ceylon"], "unknown states ['Bombay Presidency', 'Ceylon']")],
)
def test_unknown_states_are_counted_with_their_plural(names: list[str], words: str) -> None:
    """No 'state(s)': one name in the singular, more in the plural."""
    problems = _problems({"offerings": [_with_constraints(regions=["Maharashtra", *names])]})
    assert any(words in p for p in problems), problems


@pytest.mark.parametrize(
    ("codes", "words"),
    [(["XX"], "not an ISO 3166-1 alpha-2 country code: ['XX']"),
     (["XX", "YY"], "not ISO 3166-1 alpha-2 country codes: ['XX', 'YY']")],
)
def test_bad_country_codes_are_counted_with_their_plural(codes: list[str], words: str) -> None:
    entry = make_entry(constraints={"scope": "international", "destinations": codes})
    assert any(words in p for p in _problems({"offerings": [entry]}))


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_entry_is_refused_naming_entry_and_field(case: str) -> None:
    build, field, words = BROKEN[case]
    entry = build()
    problems = _problems({"offerings": [entry]})
    expected_label = f"entry '{entry['id']}' "
    assert any(
        p.startswith(expected_label) and f"field '{field}'" in p and words in p for p in problems
    ), problems


def test_duplicate_id_is_refused_naming_both_entries() -> None:
    problems = _problems({"offerings": [make_entry(), make_entry(name="Another Test")]})
    assert problems == [
        "entry 'test-parcel' field 'id': duplicate id, first used by entry #1",
    ]


def test_every_problem_of_every_entry_is_reported_at_once() -> None:
    first = make_entry(id="first", features=["nonsense"])
    second = make_entry(id="second", constraints={"scope": "domestic", "max_weight_kg": -3})
    problems = _problems({"offerings": [first, second, make_entry()]})
    assert [p.split(":")[0] for p in problems] == [
        "entry 'first' field 'features.0'",
        "entry 'second' field 'constraints.max_weight_kg'",
    ]


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (None, "a list under 'offerings'"),
        ([make_entry()], "a list under 'offerings'"),
        ({"offerings": []}, "empty"),
        ({"offerings": [make_entry()], "version": 2}, "unknown top-level key 'version'"),
        ({"offerings": ["dnk"]}, "entry #1: must be a mapping"),
        ({"offerings": [make_entry()], "as_of": "yesterday"}, "'as_of' must be a date"),
    ],
)
def test_malformed_document_is_refused(document: Any, words: str) -> None:
    assert any(words in p for p in _problems(document))


def test_bad_yaml_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("offerings:\n  - id: dnk\n    features: [export_documentation\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}: not valid YAML")
    assert str(path) in problem.split("YAML", 1)[1], "the YAML error points into the file"


def test_repeated_yaml_key_is_refused_not_silently_dropped(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "c.yaml", make_entry())
    text = path.read_text().replace("features:", "features:\n  - pickup\n  features:", 1)
    path.write_text(text)
    with pytest.raises(CatalogError, match="found the key 'features' twice"):
        load_catalog(path)


def test_missing_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "nowhere.yaml")


def test_valid_file_loads_with_lookups(tmp_path: Path) -> None:
    old = make_entry(id="old-packet", status="discontinued", status_since=dt.date(2026, 1, 1))
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", make_entry(), old))
    assert catalog.ids == ("test-parcel", "old-packet")
    assert "old-packet" in catalog
    assert "nothing" not in catalog
    assert [o.id for o in catalog.active()] == ["test-parcel"]
    offering = catalog.get("test-parcel")
    assert offering is not None
    assert offering.constraints.max_weight_kg == 10
    assert catalog.get("nothing") is None


def test_place_without_address_is_allowed() -> None:
    location = {"kind": "fixed", "places": [{"name": "IBC, Air Mail Sorting Division, Mumbai"}]}
    catalog = catalog_from_document({"offerings": [make_entry(location=location)]})
    (place,) = catalog.offerings[0].location.places
    assert place.pincode is None
    assert not place.has_coordinates


# --- version ---------------------------------------------------------------------------------


def _real_document() -> dict[str, Any]:
    document = yaml.safe_load(default_catalog_path().read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_version_ignores_comments_key_order_and_layout(tmp_path: Path) -> None:
    real = load_catalog()
    document = _real_document()
    reordered = {
        "offerings": [dict(reversed(list(entry.items()))) for entry in document["offerings"]],
        "howto": [dict(reversed(list(entry.items()))) for entry in document["howto"]],
    }
    text = "# a comment that changes nothing\n" + yaml.safe_dump(
        reordered, default_flow_style=True, width=60
    )
    path = tmp_path / "reformatted.yaml"
    path.write_text(text)
    assert load_catalog(path).version == real.version


def test_version_changes_when_content_changes(tmp_path: Path) -> None:
    real = load_catalog()
    document = copy.deepcopy(_real_document())
    document["offerings"][0]["keywords"].append("one more keyword")
    path = tmp_path / "changed.yaml"
    path.write_text(yaml.safe_dump(document))
    changed = load_catalog(path)
    assert changed.version != real.version
    assert len(changed.version) == len(real.version) == 16


def test_version_ignores_the_order_of_entries(tmp_path: Path) -> None:
    document = _real_document()
    document["offerings"].reverse()
    path = tmp_path / "reversed.yaml"
    path.write_text(yaml.safe_dump(document))
    reversed_catalog = load_catalog(path)
    assert reversed_catalog.ids[0] == load_catalog().ids[-1]
    assert reversed_catalog.version == load_catalog().version
