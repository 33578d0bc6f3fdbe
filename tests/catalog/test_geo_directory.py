"""How the directory becomes PIN code places and head post offices (small synthetic frames)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from catalog.geo import Geography, haversine_km
from catalog.vocab import LocationKind

HO = LocationKind.HEAD_POST_OFFICE


def office(**overrides: Any) -> dict[str, Any]:
    """One directory row (a delivery branch office in Jaipur) with ``overrides`` applied."""
    row: dict[str, Any] = {
        "pincode": "302001",
        "officename": "Test B.O",
        "officetype": "BO",
        "delivery": "Delivery",
        "district": "Jaipur",
        "state": "Rajasthan",
        "circle": "Rajasthan Circle",
        "latitude": "26.92",
        "longitude": "75.81",
    }
    row.update(overrides)
    return row


def frame(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def jaipur_cluster(pincode: str = "302001") -> list[dict[str, Any]]:
    """Five offices within a couple of km of (26.92, 75.81)."""
    offsets = [(0.0, 0.0), (0.01, 0.0), (-0.01, 0.0), (0.0, 0.01), (0.0, -0.01)]
    return [
        office(
            pincode=pincode,
            officename=f"Office {i}",
            latitude=str(26.92 + a),
            longitude=str(75.81 + b),
        )
        for i, (a, b) in enumerate(offsets)
    ]


def test_an_office_800_km_off_does_not_move_the_pin_location() -> None:
    clean = Geography.from_frame(frame(*jaipur_cluster())).lookup("302001")
    # 800 km south (about 7.2 degrees of latitude), still inside India.
    stray = office(officename="Stray B.O", latitude="19.72", longitude="75.81")
    place = Geography.from_frame(frame(*jaipur_cluster(), stray)).lookup("302001")
    assert haversine_km(26.92, 75.81, 19.72, 75.81) == pytest.approx(800, abs=2)
    assert place.latitude == clean.latitude == pytest.approx(26.92)
    assert place.longitude == clean.longitude == pytest.approx(75.81)


def test_two_strays_in_agreement_are_outvoted_by_the_district() -> None:
    # The PIN code's own offices: one right, two geocoded to a namesake town 900 km away.
    rows = [
        *jaipur_cluster("302002"),
        office(pincode="302001", officename="Right B.O", latitude="26.93", longitude="75.82"),
        office(pincode="302001", officename="Wrong 1 B.O", latitude="21.25", longitude="81.63"),
        office(pincode="302001", officename="Wrong 2 B.O", latitude="21.25", longitude="81.63"),
    ]
    place = Geography.from_frame(frame(*rows)).lookup("302001")
    assert place.latitude == pytest.approx(26.93)
    assert place.longitude == pytest.approx(75.82)
    assert place.location_basis == "offices"


def test_coordinates_outside_india_are_dropped_and_swapped_ones_repaired() -> None:
    rows = [
        office(officename="Zero B.O", latitude="0", longitude="0"),
        office(officename="No decimal B.O", latitude="269200000", longitude="758100000"),
        office(officename="Blank B.O", latitude="", longitude=""),
        office(officename="Text B.O", latitude="NA", longitude="n/a"),
        office(officename="Swapped B.O", latitude="75.81", longitude="26.92"),
    ]
    place = Geography.from_frame(frame(*rows)).lookup("302001")
    assert place.latitude == pytest.approx(26.92)
    assert place.longitude == pytest.approx(75.81)


def test_a_pincode_without_coordinates_falls_back_to_its_district() -> None:
    rows = [*jaipur_cluster("302002"), office(pincode="302001", latitude="", longitude="")]
    place = Geography.from_frame(frame(*rows)).lookup("302001")
    assert place.location_basis == "district"
    assert place.latitude == pytest.approx(26.92)
    assert place.longitude == pytest.approx(75.81)


def test_without_any_coordinates_the_place_has_none() -> None:
    rows = [
        *jaipur_cluster("302002"),
        office(pincode="110001", district="New Delhi", state="Delhi", latitude="", longitude=""),
    ]
    geo = Geography.from_frame(frame(*rows))
    place = geo.lookup("110001")
    assert place.latitude is None
    assert place.longitude is None
    assert place.location_basis == "none"
    assert not place.has_coordinates
    columns = geo.lookup_many(["110001"])
    assert np.isnan(columns.latitude).all()
    assert np.isnan(columns.longitude).all()
    located = geo.locate_many(["110001"])
    assert located["known"].tolist() == [True]
    assert np.isnan(located["latitude"].iloc[0])
    assert located["state"].tolist() == ["Delhi"]


def test_representative_office_prefers_head_then_sub_then_delivery_branch() -> None:
    rows = [
        office(officename="A Non-delivery B.O", delivery="Non Delivery"),
        office(officename="B Delivery B.O"),
        office(officename="C S.O", officetype="SO", delivery="Non Delivery"),
        office(officename="D H.O", officetype="HO"),
    ]
    for drop, expected in [
        (0, "D H.O"),
        (1, "C S.O"),
        (2, "B Delivery B.O"),
        (3, "A Non-delivery B.O"),
    ]:
        kept = rows[: len(rows) - drop] if drop else rows
        assert Geography.from_frame(frame(*kept)).lookup("302001").office_name == expected


def test_unknown_state_is_kept_but_a_known_one_wins() -> None:
    unknown = office(officename="A H.O", officetype="HO", state="Unknown", district="Jaipur")
    known = office(officename="B B.O")
    assert Geography.from_frame(frame(unknown)).lookup("302001").state == "Unknown"
    assert Geography.from_frame(frame(unknown, known)).lookup("302001").state == "Rajasthan"


def test_head_office_uses_its_own_coordinates_when_sane() -> None:
    head = office(officename="Jaipur G.P.O.", officetype="HO", latitude="26.93", longitude="75.80")
    geo = Geography.from_frame(frame(*jaipur_cluster(), head))
    ((facility, km),) = geo.nearest(HO, 26.93, 75.80)
    assert (facility.name, facility.pincode, facility.kind) == ("Jaipur G.P.O.", "302001", HO)
    assert (facility.latitude, facility.longitude) == (26.93, 75.80)
    assert km == pytest.approx(0.0, abs=1e-6)


def test_head_office_far_from_its_pincode_takes_the_pincode_location() -> None:
    head = office(officename="Jaipur G.P.O.", officetype="HO", latitude="12.97", longitude="77.59")
    geo = Geography.from_frame(frame(*jaipur_cluster(), head))
    facility = geo.facility(HO, 0)
    place = geo.lookup("302001")
    assert (facility.latitude, facility.longitude) == (place.latitude, place.longitude)


def test_head_office_without_any_location_is_left_out() -> None:
    head = office(
        pincode="110001",
        officename="New Delhi G.P.O.",
        officetype="HO",
        district="New Delhi",
        state="Delhi",
        latitude="",
        longitude="",
    )
    located = office(pincode="302001", officename="Jaipur G.P.O.", officetype="HO")
    geo = Geography.from_frame(frame(head, located))
    assert geo.facility_count(HO) == 1
    assert geo.facility(HO, 0).name == "Jaipur G.P.O."


def test_integer_pincodes_and_malformed_rows_in_the_frame() -> None:
    rows = [office(pincode=302001), office(pincode="04001", officename="Bad B.O")]
    geo = Geography.from_frame(frame(*rows))
    assert len(geo) == 1
    assert "302001" in geo


def test_frames_missing_columns_or_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="latitude, longitude"):
        Geography.from_frame(frame(office()).drop(columns=["latitude", "longitude"]))
    with pytest.raises(ValueError, match="no post office"):
        Geography.from_frame(frame(office(pincode="abc")))


def test_load_reads_a_given_csv_and_names_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "offices.csv"
    frame(*jaipur_cluster(), office(officename="Jaipur G.P.O.", officetype="HO")).to_csv(
        path, index=False
    )
    assert Geography.load(path).lookup("302001").office_name == "Jaipur G.P.O."
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        Geography.load(tmp_path / "nowhere.csv")
    pd.DataFrame({"pincode": ["302001"]}).to_csv(tmp_path / "thin.csv", index=False)
    with pytest.raises(ValueError, match="lacks directory columns"):
        Geography.load(tmp_path / "thin.csv")


def test_a_directory_without_head_offices_says_so_when_asked() -> None:
    geo = Geography.from_frame(frame(*jaipur_cluster()))
    assert geo.facility_count(HO) == 0
    with pytest.raises(ValueError, match="no head_post_office with coordinates"):
        geo.nearest(HO, 26.9, 75.8)
    with pytest.raises(ValueError, match="no head_post_office with coordinates"):
        geo.nearest_many(HO, [26.9], [75.8])


def test_a_precise_value_shared_across_states_is_a_placeholder() -> None:
    filler = [
        office(pincode=pin, district=district, state=state, latitude="15.5934", longitude=lon)
        for pin, district, state, lon in [
            ("302001", "Jaipur", "Rajasthan", "75.80"),
            ("847201", "Darbhanga", "Bihar", "86.03"),
            ("390001", "Vadodara", "Gujarat", "73.20"),
        ]
    ]
    rows = [*jaipur_cluster("302002"), *filler]
    place = Geography.from_frame(frame(*rows)).lookup("302001")
    assert place.location_basis == "district"
    assert place.latitude == pytest.approx(26.92)
    # Shared by two states only, the same value is taken at its word.
    kept = Geography.from_frame(frame(*jaipur_cluster("302002"), *filler[:2]))
    assert kept.lookup("847201").latitude == pytest.approx(15.5934)


def test_one_latitude_on_many_offices_of_a_district_is_a_placeholder() -> None:
    filler = [
        office(pincode="302001", officename=f"F{i} B.O", latitude="15.59", longitude=f"75.{i:02d}")
        for i in range(40)
    ]
    rows = [*jaipur_cluster("302002"), *filler]
    place = Geography.from_frame(frame(*rows)).lookup("302001")
    assert place.location_basis == "district"
    assert place.latitude == pytest.approx(26.92)
    fewer = Geography.from_frame(frame(*jaipur_cluster("302002"), *filler[:39]))
    assert fewer.lookup("302001").latitude == pytest.approx(15.59)


def test_a_pin_code_served_mainly_by_branch_offices_is_rural() -> None:
    rows = [
        office(officename="Village 1 B.O"), office(officename="Village 2 B.O"),
        office(officename="Town S.O", officetype="SO"),
        office(pincode="302002", officename="City H.O", officetype="HO"),
        office(pincode="302002", officename="City S.O", officetype="SO"),
        office(pincode="302002", officename="Edge B.O"),
        office(pincode="302003", officename="Half S.O", officetype="SO"),
        office(pincode="302003", officename="Half B.O"),
    ]
    geography = Geography.from_frame(frame(*rows))
    assert geography.lookup("302001").rural
    assert not geography.lookup("302002").rural
    assert not geography.lookup("302003").rural  # half is not "mainly"
    assert geography.lookup_many(["302001", "302002"]).rural.tolist() == [1.0, 0.0]
    located = geography.locate_many(["302001", "302002", "999999"])
    assert located["rural"].tolist()[:2] == [1.0, 0.0]
