"""Server-rendered SVG charts for the officer dashboard (no JavaScript, no CDN).

Each chart is a self-contained ``<svg role="img">`` with a ``<title>`` and ``<desc>`` for screen
readers; the pages also print the same figures as a table. Counts and shares are written in the
page's language (``lang``) the Indian way (``1,50,000``), as ``service.reasons`` writes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from service.reasons import number, percent

# Colour-blind-safe (Okabe-Ito), each at least 3:1 against white for graphical objects.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8F6B00", "#56B4E9", "#000000")
_FONT = 'font-family="system-ui, sans-serif" font-size="13"'


@dataclass(frozen=True)
class Series:
    key: str
    label: str


def _text(x: float, y: float, body: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#1a1a1a" {extra}>'
        f"{escape(body)}</text>"
    )


def _label(x: float, y: float, label: str, limit: int) -> str:
    """A right-aligned row label cut to ``limit`` characters with an ellipsis; a cut label
    keeps its full text as a tooltip."""
    if len(label) <= limit:
        return _text(x, y, label, "end")
    short = label[: limit - 1].rstrip() + "\u2026"
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="end" fill="#1a1a1a">'
        f"<title>{escape(label)}</title>{escape(short)}</text>"
    )


def _tip(label: str, series: Series, count: int, lang: str) -> str:
    return escape(f"{label}, {series.label}: {number(count, lang)}")


def _open(width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" {_FONT} class="chart">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]


def _legend(series: Sequence[Series], y: float, width: int) -> tuple[list[str], float]:
    parts, x = [], 0.0
    for i, s in enumerate(series):
        span = 22 + 7.5 * len(s.label)
        if x + span > width and x > 0:
            x, y = 0.0, y + 20
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" fill="{colour}"/>')
        parts.append(_text(x + 19, y, s.label))
        x += span + 12
    return parts, y + 24


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    width: int = 640,
    lang: str = "en",
) -> str:
    """Horizontal stacked bars: one row per label, one coloured segment per series key."""
    label_w, bar_h, gap = 170, 22, 10
    parts, top = _legend(series, 16, width)
    svg = _open(width, int(top + len(rows) * (bar_h + gap) + 10), title, desc)
    biggest = max((sum(v.values()) for _, v in rows), default=0) or 1
    scale = (width - label_w - 50) / biggest
    y = top
    for label, values in rows:
        parts.append(_label(label_w - 8, y + 16, label, 24))
        x = float(label_w)
        for i, s in enumerate(series):
            count = values.get(s.key, 0)
            if count:
                w = count * scale
                colour = PALETTE[i % len(PALETTE)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" '
                    f'fill="{colour}"><title>{_tip(label, s, count, lang)}</title></rect>'
                )
                x += w
        parts.append(_text(x + 6, y + 16, number(sum(values.values()), lang)))
        y += bar_h + gap
    return "".join([*svg, *parts, "</svg>"])


def stacked_columns(
    columns: Sequence[tuple[str, Mapping[str, int]]],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    width: int = 640,
    height: int = 260,
    lang: str = "en",
) -> str:
    """Vertical stacked columns over time: one column per period label."""
    parts, top = _legend(series, 16, width)
    base, axis_x = height - 30, 40
    svg = _open(width, height, title, desc)
    biggest = max((sum(v.values()) for _, v in columns), default=0) or 1
    scale = (base - top - 16) / biggest
    step = (width - axis_x - 10) / max(len(columns), 1)
    col_w = min(48.0, step * 0.7)
    parts.append(f'<line x1="{axis_x}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#555"/>')
    parts.append(_text(axis_x - 6, base + 4, number(0, lang), "end"))
    parts.append(_text(axis_x - 6, base - biggest * scale + 4, number(biggest, lang), "end"))
    for n, (label, values) in enumerate(columns):
        x = axis_x + n * step + (step - col_w) / 2
        y = float(base)
        for i, s in enumerate(series):
            count = values.get(s.key, 0)
            if count:
                h = count * scale
                y -= h
                colour = PALETTE[i % len(PALETTE)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{_tip(label, s, count, lang)}</title></rect>'
                )
        parts.append(_text(x + col_w / 2, base + 18, label, "middle"))
    return "".join([*svg, *parts, "</svg>"])


def rate_bars(
    rows: Sequence[tuple[str, int, int]], *, title: str, desc: str, width: int = 640,
    lang: str = "en",
) -> str:
    """Horizontal bars of a share (numerator over denominator), labelled "62% (5/8)"."""
    label_w, bar_h, gap, top = 200, 20, 10, 8
    svg = _open(width, top + len(rows) * (bar_h + gap) + 10, title, desc)
    full = width - label_w - 110
    parts, y = [], float(top)
    for label, hits, total in rows:
        share = hits / total if total else 0.0
        parts.append(_label(label_w - 8, y + 15, label, 28))
        parts.append(
            f'<rect x="{label_w}" y="{y:.1f}" width="{full}" height="{bar_h}" fill="#e8e8e8"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y:.1f}" width="{full * share:.1f}" height="{bar_h}" '
            f'fill="{PALETTE[2]}"/>'
        )
        figures = f"{percent(share, lang)} ({number(hits, lang)}/{number(total, lang)})"
        parts.append(_text(label_w + full + 6, y + 15, figures))
        y += bar_h + gap
    return "".join([*svg, *parts, "</svg>"])
