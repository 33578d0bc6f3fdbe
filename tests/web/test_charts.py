"""The SVG charts: well-formed, accessible, scaled to the data, escaping labels."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from service.web.charts import Series, rate_bars, stacked_bars, stacked_columns

SVG = "{http://www.w3.org/2000/svg}"
SERIES = [Series("a", "Alpha"), Series("b", "Beta <&>")]


def _rect_widths(svg: str) -> list[float]:
    root = ET.fromstring(svg)
    return [
        float(r.get("width", 0))
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]


def test_stacked_bars_are_proportional_and_accessible() -> None:
    svg = stacked_bars(
        [("Rajasthan", {"a": 4, "b": 2}), ("Goa", {"a": 1})], SERIES, title="Demand", desc="d"
    )
    root = ET.fromstring(svg)  # raises on malformed XML, e.g. unescaped "<&>"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Demand"  # type: ignore[union-attr]
    widths = _rect_widths(svg)
    assert len(widths) == 3
    assert abs(widths[0] / widths[2] - 4.0) < 0.01  # Rajasthan's Alpha is four times Goa's
    assert abs(widths[0] / widths[1] - 2.0) < 0.01
    assert "Beta &lt;&amp;&gt;" in svg
    assert ">6</text>" in svg
    assert ">1</text>" in svg


def test_stacked_columns_stack_per_period() -> None:
    svg = stacked_columns(
        [("02 Nov", {"a": 3}), ("09 Nov", {"a": 1, "b": 2})], SERIES, title="Outcomes", desc="d"
    )
    root = ET.fromstring(svg)
    heights = [
        float(r.get("height", 0))
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    ]
    assert len(heights) == 3
    assert abs(heights[0] - (heights[1] + heights[2])) < 0.1  # both columns total 3
    assert "02 Nov" in svg
    assert "09 Nov" in svg


def test_rate_bars_show_share_and_counts() -> None:
    svg = rate_bars([("Speed Post", 3, 4), ("EMS", 0, 2)], title="Acceptance", desc="d")
    ET.fromstring(svg)
    assert "75% (3/4)" in svg
    assert "0% (0/2)" in svg
    widths = [float(w) for w in re.findall(r'width="([\d.]+)" height="20" fill="#009E73"', svg)]
    assert widths[1] == 0.0
    assert widths[0] > 0


def test_empty_charts_are_still_valid_svg() -> None:
    for svg in (
        stacked_bars([], SERIES, title="t", desc="d"),
        stacked_columns([], SERIES, title="t", desc="d"),
        rate_bars([], title="t", desc="d"),
    ):
        ET.fromstring(svg)


def test_long_labels_are_cut_with_an_ellipsis_and_keep_their_full_text() -> None:
    name = "Dak Ghar Niryat Kendra (post office export centre)"
    svg = rate_bars([(name, 1, 1), ("EMS", 0, 1)], title="Acceptance", desc="d")
    root = ET.fromstring(svg)
    texts = list(root.iter(f"{SVG}text"))
    cut = next(t for t in texts if t.find(f"{SVG}title") is not None)
    assert cut.find(f"{SVG}title").text == name  # type: ignore[union-attr]
    assert cut.find(f"{SVG}title").tail == "Dak Ghar Niryat Kendra (pos\u2026"  # type: ignore[union-attr]
    assert any(t.text == "EMS" for t in texts)  # short labels are not cut


def test_chart_figures_are_written_the_indian_way_in_the_pages_language() -> None:
    """Issue 16: counts in lakhs are grouped 1,50,000, shares as Babel writes percentages."""
    for lang in ("en", "hi", "mr"):
        bars = stacked_bars([("Rajasthan", {"a": 150000, "b": 25000})], SERIES,
                            title="Demand", desc="d", lang=lang)
        assert ">1,75,000</text>" in bars
        assert "Rajasthan, Alpha: 1,50,000" in bars
        columns = stacked_columns([("02 Nov", {"a": 1200000})], SERIES, title="Outcomes",
                                  desc="d", lang=lang)
        assert ">12,00,000</text>" in columns
        rates = rate_bars([("Speed Post", 125000, 200000)], title="Acceptance", desc="d",
                          lang=lang)
        assert "62% (1,25,000/2,00,000)" in rates or "63% (1,25,000/2,00,000)" in rates
