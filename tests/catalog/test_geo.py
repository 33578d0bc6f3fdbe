"""Post-office geography on the real India Post directory (bharatpin's CSV, loaded once)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from catalog import LocationKind
from catalog.geo import (
    EARTH_RADIUS_KM,
    HEAD_POST_OFFICE_NOTE,
    Geography,
    MalformedPincode,
    PincodeError,
    UnknownPincode,
    haversine_km,
)

HO = LocationKind.HEAD_POST_OFFICE

# Reference points inside each PIN code's area, with the public source of each coordinate.
REFERENCES = {
    # Mumbai GPO, Wikipedia "General Post Office, Mumbai": 18°56'23"N 72°50'08"E
    "400001": ("Mumbai", "Maharashtra", 18.9398, 72.8355),
    # Jaipur city centre, Wikipedia "Jaipur": 26°55'34"N 75°49'25"E
    "302001": ("Jaipur", "Rajasthan", 26.9260, 75.8235),
    # Kashi Vishwanath Temple (its sub office is in 221001), Wikipedia: 25.3107750 N 83.0106139 E
    "221001": ("Varanasi", "Uttar Pradesh", 25.3107750, 83.0106139),
    # Sukreswar Temple, Panbazar (next to the GPO), Wikipedia: 26.1878049 N 91.7410059 E
    "781001": ("Kamrup Metro", "Assam", 26.1878049, 91.7410059),
    # Cochin Port, Fort Kochi side (Cochin Port Trust): 9°58'N 76°14'E
    "682001": ("Ernakulam", "Kerala", 9 + 58 / 60, 76 + 14 / 60),
}


@pytest.fixture(scope="module")
def geo() -> Geography:
    return Geography.load()


# --- haversine -----------------------------------------------------------------------------


def test_one_degree_of_longitude_on_the_equator() -> None:
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(2 * np.pi * EARTH_RADIUS_KM / 360)
    assert haversine_km(0.0, 0.0, 0.0, 1.0) == pytest.approx(111.195, abs=0.001)


def test_equator_to_pole_and_antipodes() -> None:
    assert haversine_km(0.0, 77.0, 90.0, 0.0) == pytest.approx(np.pi / 2 * EARTH_RADIUS_KM)
    assert haversine_km(10.0, 20.0, -10.0, -160.0) == pytest.approx(np.pi * EARTH_RADIUS_KM)


def test_rosetta_code_nashville_to_los_angeles() -> None:
    # Rosetta Code "Haversine formula": BNA (36.12, -86.67) to LAX (33.94, -118.40) is
    # 2887.2599506071 km on a sphere of radius 6372.8 km.
    km = haversine_km(36.12, -86.67, 33.94, -118.40)
    assert km * 6372.8 / EARTH_RADIUS_KM == pytest.approx(2887.2599506071, abs=1e-6)


def test_haversine_on_arrays_broadcasts_and_passes_nan() -> None:
    lats = np.array([0.0, 0.0, np.nan])
    out = haversine_km(lats, np.array([0.0, 0.0, 0.0]), 0.0, np.array([1.0, 0.0, 1.0]))
    assert isinstance(out, np.ndarray)
    assert out[0] == pytest.approx(111.195, abs=0.001)
    assert out[1] == 0.0
    assert np.isnan(out[2])
    assert isinstance(haversine_km(1.0, 2.0, 3.0, 4.0), float)


# --- real PIN codes ------------------------------------------------------------------------


@pytest.mark.parametrize("pincode", sorted(REFERENCES))
def test_real_pincodes_have_their_district_state_and_place(geo: Geography, pincode: str) -> None:
    district, state, lat, lon = REFERENCES[pincode]
    place = geo.lookup(pincode)
    assert (place.pincode, place.district, place.state) == (pincode, district, state)
    assert place.location_basis == "offices"
    assert place.latitude is not None
    assert place.longitude is not None
    assert haversine_km(place.latitude, place.longitude, lat, lon) < 2.0


def test_distances_between_real_pincodes_match_the_references(geo: Geography) -> None:
    for a, b in itertools.combinations(sorted(REFERENCES), 2):
        pa, pb = geo.lookup(a), geo.lookup(b)
        assert pa.latitude is not None
        assert pa.longitude is not None
        assert pb.latitude is not None
        assert pb.longitude is not None
        got = haversine_km(pa.latitude, pa.longitude, pb.latitude, pb.longitude)
        want = haversine_km(*REFERENCES[a][2:], *REFERENCES[b][2:])
        assert got == pytest.approx(want, abs=2.0), (a, b)
    # An independent figure: Esperanto Wikipedia's "Ĝajpuro" puts Mumbai 935 km from Jaipur by
    # air (city centre to city centre, hence the wider margin).
    mumbai, jaipur = geo.lookup("400001"), geo.lookup("302001")
    assert mumbai.latitude is not None
    assert mumbai.longitude is not None
    assert jaipur.latitude is not None
    assert jaipur.longitude is not None
    km = haversine_km(mumbai.latitude, mumbai.longitude, jaipur.latitude, jaipur.longitude)
    assert km == pytest.approx(935, abs=5)


def test_placeholder_coordinates_do_not_place_vadodara_in_goa(geo: Geography) -> None:
    # 244 of Vadodara's 417 offices carry latitude 15.59 or 15.5934, Goa's latitude; Gujarat
    # lies between 20.1 and 24.7 N.
    place = geo.lookup("390001")
    assert (place.office_name, place.state) == ("Vadodara HO", "Gujarat")
    assert place.latitude is not None
    assert 21.5 < place.latitude < 23.0
    in_gujarat = geo.locate_many(geo.pincodes_in_state("Gujarat"))["latitude"].dropna()
    assert in_gujarat.between(20.0, 24.8).mean() > 0.99


def test_representative_office_is_the_head_office(geo: Geography) -> None:
    assert geo.lookup("400001").office_name == "Mumbai GPO"
    assert geo.lookup("781001").office_name == "Guwahati G.P.O."
    assert geo.lookup("400001").circle == "Maharashtra Circle"


def test_whitespace_and_the_printed_form_are_accepted(geo: Geography) -> None:
    assert geo.lookup(" 400001\n").pincode == "400001"
    assert geo.lookup("400 001").pincode == "400001"
    assert " 400001" in geo


@pytest.mark.parametrize(
    "bad", ["40001", "0123456", "012345", "abcdef", "", "   ", "4000 01", "400-001"]
)
def test_malformed_pincodes_are_refused_as_malformed(geo: Geography, bad: str) -> None:
    with pytest.raises(MalformedPincode) as caught:
        geo.lookup(bad)
    assert "PIN code must be 6 digits, the first not 0" in str(caught.value)
    assert repr(bad) in str(caught.value)
    assert not isinstance(caught.value, UnknownPincode)
    assert bad not in geo


def test_non_strings_are_malformed(geo: Geography) -> None:
    with pytest.raises(MalformedPincode):
        geo.lookup(400001)  # type: ignore[arg-type]
    assert None not in geo


def test_unknown_pincode_is_a_different_error(geo: Geography) -> None:
    assert "999999" not in geo
    with pytest.raises(UnknownPincode) as caught:
        geo.lookup("999999")
    assert str(caught.value) == "PIN code 999999 is not in the India Post directory"
    assert caught.value.pincode == "999999"
    assert not isinstance(caught.value, MalformedPincode)
    assert isinstance(caught.value, PincodeError)
    assert isinstance(caught.value, ValueError)


def test_require_checks_existence_with_lookups_errors(geo: Geography) -> None:
    assert geo.require(" 400 001") == "400001"
    with pytest.raises(UnknownPincode):
        geo.require("999999")
    with pytest.raises(MalformedPincode):
        geo.require("40001")


def test_every_known_pincode_has_a_location_and_a_state(geo: Geography) -> None:
    assert len(geo) == len(geo.pincodes) > 19_000
    frame = geo.locate_many(geo.pincodes)
    assert frame["known"].all()
    assert frame["latitude"].notna().mean() > 0.999
    assert frame["latitude"].dropna().between(6.0, 37.6).all()
    assert frame["longitude"].dropna().between(68.0, 97.6).all()
    assert (geo.pincode_states != "").all()


def test_pincodes_in_state(geo: Geography) -> None:
    kerala = geo.pincodes_in_state("Kerala")
    assert "682001" in kerala
    assert "400001" not in kerala
    assert all(p[0] == "6" for p in kerala)
    assert set(geo.pincode_states[np.isin(geo.pincodes, kerala)]) == {"Kerala"}
    with pytest.raises(ValueError, match="Kerla"):
        geo.pincodes_in_state("Kerla")


# --- head post offices ---------------------------------------------------------------------


def test_head_post_offices_are_indexed(geo: Geography) -> None:
    assert 780 <= geo.facility_count(HO) <= 811
    assert "Dak Ghar Niryat Kendra" in HEAD_POST_OFFICE_NOTE


def test_nearest_head_post_office_to_mumbai_gpo_is_in_south_mumbai(geo: Geography) -> None:
    found = geo.nearest(HO, 18.9398, 72.8355, k=3)
    assert [f.district for f, _ in found] == ["Mumbai"] * 3
    distances = [km for _, km in found]
    assert distances == sorted(distances)
    assert distances[0] < 1.5
    assert "Mumbai GPO" in {f.name for f, _ in found}
    assert all(f.kind is HO for f, _ in found)


def test_nearest_head_post_office_for_a_rural_pincode(geo: Geography) -> None:
    # 504299 Sirpur (Kumuram Bheem Asifabad, Telangana): a sub office and 29 branch offices.
    place = geo.lookup("504299")
    assert place.district == "Kumuram Bheem Asifabad"
    assert place.latitude is not None
    assert place.longitude is not None
    ((facility, km),) = geo.nearest(HO, place.latitude, place.longitude)
    neighbours = {"Kumuram Bheem Asifabad", "Mancherial", "Adilabad", "Nirmal", "Chandrapur"}
    assert facility.district in neighbours
    assert 5 < km < 100
    assert km == pytest.approx(
        haversine_km(place.latitude, place.longitude, facility.latitude, facility.longitude),
        abs=0.01,
    )


def test_nearest_many_agrees_with_nearest(geo: Geography) -> None:
    rng = np.random.default_rng(7)
    lats = rng.uniform(8.0, 34.0, 200)
    lons = rng.uniform(69.0, 96.0, 200)
    found, km = geo.nearest_many(HO, lats, lons)
    for lat, lon, i, d in zip(lats, lons, found, km, strict=True):
        ((facility, expected),) = geo.nearest(HO, float(lat), float(lon))
        assert geo.facility(HO, int(i)) == facility
        assert d == pytest.approx(expected)


def test_nearest_many_marks_points_without_coordinates(geo: Geography) -> None:
    found, km = geo.nearest_many(HO, [18.94, np.nan], [72.83, 72.83])
    assert found[0] >= 0
    assert found[1] == -1
    assert np.isnan(km[1])
    assert km[0] < 2


def test_brute_force_agrees_with_the_ball_tree(geo: Geography) -> None:
    n = geo.facility_count(HO)
    heads = [geo.facility(HO, i) for i in range(n)]
    lat, lon = 23.0, 80.0
    brute = haversine_km(
        lat, lon, np.array([f.latitude for f in heads]), np.array([f.longitude for f in heads])
    )
    ((facility, km),) = geo.nearest(HO, lat, lon)
    assert km == pytest.approx(float(brute.min()))
    assert facility == heads[int(brute.argmin())]


def test_nearest_refuses_bad_arguments(geo: Geography) -> None:
    with pytest.raises(ValueError, match="kind 'fixed'"):
        geo.nearest(LocationKind.FIXED, 18.9, 72.8)
    with pytest.raises(ValueError, match="kind 'dnk'"):
        geo.nearest("dnk", 18.9, 72.8)
    with pytest.raises(ValueError, match="latitude"):
        geo.nearest(HO, 91.0, 72.8)
    with pytest.raises(ValueError, match="longitude"):
        geo.nearest(HO, 18.9, float("nan"))
    with pytest.raises(ValueError, match="k must be"):
        geo.nearest(HO, 18.9, 72.8, k=0)
    with pytest.raises(IndexError, match="number 5000"):
        geo.facility(HO, 5000)
    with pytest.raises(ValueError, match="latitudes but"):
        geo.nearest_many(HO, [1.0, 2.0], [1.0])


# --- lookup_many ---------------------------------------------------------------------------


def test_lookup_many_agrees_with_lookup(geo: Geography) -> None:
    sample = [" 400 001", *np.random.default_rng(5).choice(geo.pincodes, 50).tolist()]
    got = geo.lookup_many(sample)
    places = [geo.lookup(pin) for pin in sample]
    assert got.numbers.tolist() == [int(p.pincode) for p in places]
    assert got.state == [p.state for p in places]
    assert got.district == [p.district for p in places]
    for lat, lon, place in zip(got.latitude, got.longitude, places, strict=True):
        assert (lat, lon) == (place.latitude, place.longitude)
    assert geo.lookup_many([]).numbers.size == 0


def test_lookup_many_raises_for_the_first_bad_pincode(geo: Geography) -> None:
    with pytest.raises(UnknownPincode):
        geo.lookup_many(["400001", "999999", "40001"])
    with pytest.raises(MalformedPincode):
        geo.lookup_many(["400001", "40001", "999999"])


# --- locate_many ---------------------------------------------------------------------------


def test_locate_many_keeps_input_order_and_index(geo: Geography) -> None:
    pins = pd.Series(["682001", "999999", " 400001", "abc", None, "302001"], index=list("uvwxyz"))
    frame = geo.locate_many(pins)
    assert list(frame.index) == list("uvwxyz")
    assert frame["known"].tolist() == [True, False, True, False, False, True]
    assert frame.loc["u", "state"] == "Kerala"
    assert frame.loc["z", "district"] == "Jaipur"
    assert frame.loc[["v", "x", "y"], "latitude"].isna().all()
    assert frame.loc[["v", "x", "y"], "state"].isna().all()
    mumbai = geo.lookup("400001")
    assert frame.loc["w", "latitude"] == mumbai.latitude


def test_locate_many_takes_integers_and_plain_lists(geo: Geography) -> None:
    ints = geo.locate_many(pd.Series([400001, 12345, 999999]))
    assert ints["known"].tolist() == [True, False, False]
    assert geo.locate_many(["221001"])["district"].tolist() == ["Varanasi"]
    assert geo.locate_many([]).empty


def test_locate_many_agrees_with_lookup_on_a_sample(geo: Geography) -> None:
    sample = np.random.default_rng(3).choice(geo.pincodes, 300, replace=False)
    frame = geo.locate_many(sample)
    for i, pin in enumerate(sample):
        place = geo.lookup(str(pin))
        assert frame["state"].iloc[i] == place.state
        assert frame["district"].iloc[i] == place.district
        if place.latitude is not None:
            assert frame["latitude"].iloc[i] == place.latitude
