"""Realistic synthetic enterprise profiles for the batch benchmark and tests.

PIN codes are drawn from the India Post directory (weighted towards the states with most PIN
codes, as registrations are), vocabulary fields from ``catalog.vocab`` with Zipf-like skew
(a few sectors, channels and destinations dominate), and volumes, weights and values from
lognormal distributions (most enterprises send a handful of light parcels, a few send
thousands). GSTINs carry a valid checksum and the state code of the PIN's state; the IEC is
the PAN inside the GSTIN.

    python bench/synthetic_profiles.py 1000000 data/profiles.parquet [--seed 7]
        [--invalid-fraction 0.001]

The output is CSV (list fields ``;``-separated) or Parquet, chosen by the extension.
"""

from __future__ import annotations

import argparse
import string
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from catalog.vocab import BusinessType, Need, SalesChannel, Sector  # noqa: E402

# GST state codes (GST portal's list), keyed by the directory's state spelling.
GST_STATE_CODES: dict[str, str] = {
    "Jammu & Kashmir": "01", "Himachal Pradesh": "02", "Punjab": "03", "Chandigarh": "04",
    "Uttarakhand": "05", "Haryana": "06", "Delhi": "07", "Rajasthan": "08",
    "Uttar Pradesh": "09", "Bihar": "10", "Sikkim": "11", "Arunachal Pradesh": "12",
    "Nagaland": "13", "Manipur": "14", "Mizoram": "15", "Tripura": "16", "Meghalaya": "17",
    "Assam": "18", "West Bengal": "19", "Jharkhand": "20", "Odisha": "21",
    "Chhattisgarh": "22", "Madhya Pradesh": "23", "Gujarat": "24",
    "Dadra & Nagar Haveli and Daman & Diu": "26", "Maharashtra": "27", "Karnataka": "29",
    "Goa": "30", "Lakshadweep": "31", "Kerala": "32", "Tamil Nadu": "33", "Puducherry": "34",
    "Andaman & Nicobar Islands": "35", "Telangana": "36", "Andhra Pradesh": "37",
    "Ladakh": "38",
}  # fmt: skip

PRODUCTS: dict[str, tuple[str, ...]] = {
    "handicrafts": ("hand block printed bedsheets", "brass idols and lamps", "terracotta pottery",
                    "wooden toys and boxes", "marble inlay coasters", "bamboo baskets"),
    "handloom_textiles": ("handloom cotton sarees", "pashmina shawls", "ikat dress material",
                          "khadi kurtas"),
    "apparel": ("cotton kurtis", "children's garments", "printed t-shirts", "denim jeans"),
    "gems_jewellery": ("silver jewellery", "kundan necklaces", "cut gemstones"),
    "leather_footwear": ("leather kolhapuri chappals", "leather bags and wallets"),
    "ayurveda_herbal": ("ayurvedic oils and churna", "herbal soaps", "neem cosmetics"),
    "food_spices": ("turmeric and chilli powder", "homemade pickles", "papad and snacks",
                    "cardamom and pepper"),
    "tea_coffee": ("darjeeling tea", "assam orthodox tea", "filter coffee powder"),
    "agri_produce": ("organic millets", "alphonso mangoes", "basmati rice", "jaggery"),
    "engineering_goods": ("machined auto parts", "brass fittings", "pumps and valves"),
    "electronics": ("led lights", "mobile accessories", "solar chargers"),
    "toys_games": ("channapatna wooden toys", "board games"),
    "books_printing": ("printed books", "stationery and diaries"),
    "musical_instruments": ("tabla and dholak", "sitar and veena"),
    "home_furnishing": ("cotton rugs and durries", "cushion covers", "jute home decor"),
    "other": ("assorted goods", "repair services and spares"),
}  # fmt: skip

DESTINATIONS = ("US", "AE", "GB", "DE", "AU", "CA", "SG", "SA", "NL", "FR", "MY", "NP", "JP",
                "IT", "BD", "LK", "KW", "QA", "ZA", "NZ")  # fmt: skip

LIST_FIELDS = ("sales_channels", "destinations", "needs")
COLUMNS = (
    "id", "name", "pincode", "sector", "products", "business_type", "size_class", "gstin",
    "iec", "sales_channels", "destinations", "monthly_domestic_parcels",
    "monthly_international_parcels", "typical_weight_kg", "typical_value_inr", "needs",
    "first_time_exporter", "rural",
)  # fmt: skip

_ALNUM = string.digits + string.ascii_uppercase


def _zipf_weights(n: int, exponent: float = 1.1) -> npt.NDArray[np.float64]:
    weights = np.power(np.arange(1, n + 1, dtype=np.float64), -exponent)
    normalised: npt.NDArray[np.float64] = weights / float(weights.sum())
    return normalised


def gstin_check_character(first14: str) -> str:
    """The 15th character of a GSTIN: a base-36 Luhn-style checksum of the first 14."""
    total = 0
    for i, char in enumerate(first14):
        product = _ALNUM.index(char) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return _ALNUM[(36 - total % 36) % 36]


def _pans(rng: np.random.Generator, n: int) -> list[str]:
    letters = rng.integers(0, 26, size=(n, 6))
    digits = rng.integers(0, 10, size=(n, 4))
    upper = string.ascii_uppercase
    return [
        f"{upper[a]}{upper[b]}{upper[c]}P{upper[d]}{w}{x}{y}{z}{upper[e]}"
        for (a, b, c, d, e, _), (w, x, y, z) in zip(letters, digits, strict=True)
    ]


def _pick_lists(
    rng: np.random.Generator, values: tuple[str, ...], n: int, mean_count: float
) -> list[str]:
    """``;``-joined lists of distinct values, Zipf-skewed, about ``mean_count`` long."""
    weights = _zipf_weights(len(values))
    counts = np.minimum(rng.poisson(mean_count, size=n), len(values))
    order = np.argsort(-(rng.random((n, len(values))) ** (1.0 / weights)), axis=1)
    return [";".join(values[j] for j in row[:c]) for row, c in zip(order, counts, strict=True)]


def synthetic_profiles(
    n: int,
    pincodes: npt.NDArray[np.str_],
    states: npt.NDArray[np.object_],
    *,
    seed: int = 7,
    invalid_fraction: float = 0.0,
) -> pd.DataFrame:
    """``n`` profiles as a CSV-shaped DataFrame (every column a string, lists ``;``-joined).

    ``pincodes`` and ``states`` are the directory's (``Geography.pincodes`` and
    ``Geography.pincode_states``). ``invalid_fraction`` of the rows get one deliberate defect
    (an unknown PIN code, an unknown sector or a negative weight) for error-path tests.
    """
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(pincodes), size=n)
    pins = pincodes[pick]
    pin_states = states[pick]
    sectors = np.array([s.value for s in Sector])
    sector = sectors[rng.choice(len(sectors), size=n, p=_zipf_weights(len(sectors), 0.8))]
    kinds = np.array([b.value for b in BusinessType])
    business = kinds[rng.choice(len(kinds), size=n, p=[0.45, 0.25, 0.15, 0.08, 0.04, 0.03])]
    size = np.array(["micro", "small", "medium"])[rng.choice(3, size=n, p=[0.9, 0.08, 0.02])]
    exporter = rng.random(n) < 0.3
    destinations = np.where(exporter, _pick_lists(rng, DESTINATIONS, n, 1.6), "")
    domestic = np.floor(rng.lognormal(3.0, 1.6, size=n)).astype(np.int64)
    international = np.where(exporter, np.floor(rng.lognormal(2.0, 1.5, size=n)), 0).astype(
        np.int64
    )
    weight = np.round(np.clip(rng.lognormal(0.0, 1.0, size=n), 0.05, 500.0), 2)
    value = np.round(rng.lognormal(7.8, 1.2, size=n), 0)
    registered = rng.random(n) < 0.35
    pans = _pans(rng, n)
    gstins = [
        (lambda body: body + gstin_check_character(body))(
            f"{GST_STATE_CODES.get(str(st), '27')}{pan}1Z"
        )
        for st, pan in zip(pin_states, pans, strict=True)
    ]
    products_pool = {k: np.array(v) for k, v in PRODUCTS.items()}
    products = [products_pool[s][i % len(products_pool[s])] for i, s in enumerate(sector)]
    frame = pd.DataFrame(
        {
            "id": [f"E{i:08d}" for i in range(n)],
            "name": [f"Enterprise {i}" for i in range(n)],
            "pincode": pins,
            "sector": sector,
            "products": products,
            "business_type": business,
            "size_class": size,
            "gstin": np.where(registered, gstins, ""),
            "iec": np.where(registered & exporter, pans, ""),
            "sales_channels": _pick_lists(rng, tuple(c.value for c in SalesChannel), n, 1.5),
            "destinations": destinations,
            "monthly_domestic_parcels": domestic.astype(str),
            "monthly_international_parcels": international.astype(str),
            "typical_weight_kg": weight.astype(str),
            "typical_value_inr": value.astype(str),
            "needs": _pick_lists(rng, tuple(nd.value for nd in Need), n, 2.5),
            "first_time_exporter": np.where(exporter & (rng.random(n) < 0.6), "true", "false"),
            "rural": np.where(rng.random(n) < 0.4, "true", "false"),
        },
        columns=list(COLUMNS),
    )
    if invalid_fraction > 0:
        _spoil(frame, rng, invalid_fraction)
    return frame


def _spoil(frame: pd.DataFrame, rng: np.random.Generator, fraction: float) -> None:
    bad = np.flatnonzero(rng.random(len(frame)) < fraction)
    defects: tuple[tuple[str, Any], ...] = (
        ("pincode", "000000"),
        ("sector", "spaceships"),
        ("typical_weight_kg", "-3"),
    )
    for i, row in enumerate(bad):
        column, value = defects[i % len(defects)]
        frame.at[int(row), column] = value  # a RangeIndex: label == position


def write_profiles(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV or Parquet, by the extension of ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False, row_group_size=100_000)
    elif path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        raise SystemExit(f"{path}: use a .csv or .parquet file name")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many profiles")
    parser.add_argument("output", type=Path, help="a .csv or .parquet file")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--invalid-fraction", type=float, default=0.0)
    args = parser.parse_args(argv)
    from catalog.geo import Geography

    started = time.perf_counter()
    geo = Geography.load()
    frame = synthetic_profiles(
        args.count,
        geo.pincodes,
        geo.pincode_states,
        seed=args.seed,
        invalid_fraction=args.invalid_fraction,
    )
    write_profiles(frame, args.output)
    print(f"{len(frame):,} profiles -> {args.output} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
