"""Inline SVG figures for the HTML report: no script, no network, crisp in print.

Hand-written SVG instead of a plotting library: the figures are a donut, bars
and a before/after bar, a few elements each, and inline SVG keeps the report one
small file that renders the same in a browser, an email client and on paper.
"""

from __future__ import annotations

import math
from html import escape

RED = "#c0392b"
AMBER = "#d68910"
GREEN = "#1e8449"
GREY = "#d5d8dc"
INK = "#1b2631"
MUTED = "#5d6d7e"
BLUE = "#2e5c8a"


def donut(share: float, label: str, *, color: str = RED, size: int = 132) -> str:
    """A ring filled to ``share`` (0..1) with ``label`` in the middle."""
    r = size / 2 - 10
    c = size / 2
    length = 2 * math.pi * r
    filled = max(0.0, min(1.0, share)) * length
    return (
        f'<svg class="donut" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
        f'role="img" aria-label="{escape(label)}">'
        f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="{GREY}" stroke-width="14"/>'
        f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="{color}" stroke-width="14" '
        f'stroke-dasharray="{filled:.2f} {length:.2f}" transform="rotate(-90 {c} {c})"/>'
        f'<text x="{c}" y="{c + 8}" text-anchor="middle" font-size="24" font-weight="700" '
        f'fill="{INK}">{escape(label)}</text></svg>'
    )


def bars(rows: list[tuple[str, int, str]], total: int, *, width: int = 980) -> str:
    """Horizontal bars: ``(label, value, color)`` against ``total``, one row each."""
    if not rows:
        return ""
    label_w, row_h, pad = 330, 26, 6
    bar_w = width - label_w - 70
    height = len(rows) * row_h + pad * 2
    out = [
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" aria-label="bar chart">'
    ]
    for i, (label, value, color) in enumerate(rows):
        y = pad + i * row_h
        w = 0 if total <= 0 else bar_w * value / total
        shown = label if len(label) <= 48 else label[:47] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12.5" '
            f'fill="{INK}"><title>{escape(label)}</title>{escape(shown)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="16" rx="3" fill="#eef1f4"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16" rx="3" fill="{color}"/>'
            f'<text x="{label_w + bar_w + 8}" y="{y + 17}" font-size="12.5" fill="{MUTED}">'
            f"{value} of {total}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def before_after(before: int, after: int, total: int, *, width: int = 150) -> str:
    """Two thin bars: user-facing down before (red) and after (green) a change."""
    if total <= 0:
        return ""
    scale = (width - 30) / total
    return (
        f'<svg class="ba" viewBox="0 0 {width} 26" width="{width}" height="26" role="img" '
        f'aria-label="{before} before, {after} after">'
        f'<rect x="0" y="2" width="{width - 30}" height="9" rx="2" fill="#eef1f4"/>'
        f'<rect x="0" y="2" width="{before * scale:.1f}" height="9" rx="2" fill="{RED}"/>'
        f'<text x="{width - 26}" y="10" font-size="10" fill="{MUTED}">{before}</text>'
        f'<rect x="0" y="15" width="{width - 30}" height="9" rx="2" fill="#eef1f4"/>'
        f'<rect x="0" y="15" width="{after * scale:.1f}" height="9" rx="2" fill="{GREEN}"/>'
        f'<text x="{width - 26}" y="23" font-size="10" fill="{MUTED}">{after}</text></svg>'
    )
