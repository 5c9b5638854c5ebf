"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network.

It opens offline, prints on A4 or Letter without cut cards (``@media print``),
and every value is escaped.
"""

from __future__ import annotations

import re
from html import escape

from blast.reports import svg
from blast.reports.bounded import more
from blast.reports.build import Report, SpofDetail
from blast.reports.text import (
    KIND_LABELS,
    NO_USER_FACING,
    blind_spot_sentence,
    concentration_sentence,
    grouped_paths,
    minutes,
    percent,
    plural,
    region_sentence,
    saved_text,
    simulation_sentence,
    spof_minutes_text,
)

CSS = """
:root{--ink:#1b2631;--muted:#5d6d7e;--line:#dfe4ea;--bg:#f6f8fa;--red:#c0392b;--amber:#d68910;
--green:#1e8449;--blue:#2e5c8a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:var(--bg)}
main{max-width:1060px;margin:0 auto;padding:0 28px 48px}
header{background:linear-gradient(120deg,#17202a,#2e4053);color:#fff;padding:30px 0 26px;
margin-bottom:24px}
header .in{max-width:1060px;margin:0 auto;padding:0 28px}
header .eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:11px;color:#aeb6bf}
header h1{margin:4px 0 6px;font-size:26px;font-weight:650}
header p{margin:0;color:#d5d8dc;max-width:860px}
header .meta{margin-top:10px;font-size:12px;color:#aeb6bf}
h2{font-size:18px;margin:30px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:0 0 4px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:14px}
.kpi{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.kpi .v{font-size:28px;font-weight:700}
.kpi .l{color:var(--muted);font-size:12.5px}
.kpi.red .v{color:var(--red)}.kpi.amber .v{color:var(--amber)}.kpi.green .v{color:var(--green)}
.kpi.grey .v{color:var(--muted)}
.panel{background:#fff;border:1px solid var(--line);border-radius:10px;padding:16px 18px;
margin:14px 0}
.split{display:grid;grid-template-columns:160px 1fr;gap:18px;align-items:center}
.panel ul{margin:6px 0 0;padding-left:18px}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);
padding:6px 8px}
td{border-bottom:1px solid #eef1f4;padding:6px 8px;vertical-align:top}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:11.5px;font-weight:600}
.pill.down{background:#fadbd8;color:var(--red)}.pill.degraded{background:#fdebd0;color:#9c640c}
.pill.safe{background:#d5f5e3;color:var(--green)}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.chip{display:inline-block;background:#eaf0f6;border-radius:4px;padding:0 5px;margin:1px 0}
.chip.fail{background:#fadbd8;color:var(--red);font-weight:600}
.chip.uf{background:#d6eaf8;color:var(--blue);font-weight:600}
.arrow{color:var(--muted);margin:0 3px}
.spof{background:#fff;border:1px solid var(--line);border-left:5px solid var(--red);
border-radius:10px;padding:16px 18px;margin:16px 0;break-inside:avoid}
.spof .sub{color:var(--muted);font-size:12.5px;margin-bottom:10px}
td.who{width:30%}td.wave{width:28px;color:var(--muted);font-weight:700}td.ba{width:170px}
.label{font-size:11px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);
margin:10px 0 4px}
.kind{font-weight:600;white-space:nowrap}
.note{color:var(--muted);font-size:12px}
.blind{background:#fef9e7;border:1px solid #f7dc6f;border-radius:10px;padding:10px 14px;
margin:8px 0}
footer{color:var(--muted);font-size:12px;margin-top:30px}
@media (max-width:760px){.split{grid-template-columns:1fr}}
@media print{body{background:#fff}header{background:#17202a !important;
-webkit-print-color-adjust:exact;print-color-adjust:exact}.spof,.panel,.kpi{break-inside:avoid}
main{padding:0 10px}@page{margin:14mm}
.kpis{grid-template-columns:repeat(auto-fit,minmax(120px,1fr))}
.split{grid-template-columns:130px 1fr}}
"""

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")


def _rich(text: str) -> str:
    """Escape ``text`` and turn the sentences' **bold** and `code` into HTML."""
    out = escape(text)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _CODE.sub(r"<code>\1</code>", out)


def _path(path: tuple[str, ...]) -> str:
    if not path:
        return ""
    chips = [f'<span class="chip">{escape(p)}</span>' for p in path[:-1]]
    chips.append(f'<span class="chip fail">{escape(path[-1])}</span>')
    return '<span class="path">' + '<span class="arrow">→</span>'.join(chips) + "</span>"


def _own(path: tuple[str, ...], region: str | None) -> str:
    """A note for a component that fails itself, being in the region."""
    return f" <span class='note'>runs in {escape(region or '')}</span>" if len(path) == 1 else ""


def _kpis(report: Report) -> str:
    s = report.summary
    cards = []
    if report.region:
        tone = "red" if s.region_down else "green"
        cards.append(
            (
                tone,
                f"{s.region_down}/{s.user_facing}",
                f"user-facing down in a {report.region} event",
            )
        )
        tone = "red" if s.concentration >= 0.5 else "amber" if s.concentration else "green"
        cards.append((tone, percent(s.concentration), f"concentration on {report.region}"))
    cards.append(("red" if s.spofs else "green", str(s.spofs), "single points of failure"))
    cards.append(("amber" if s.blind_spots else "green", str(s.blind_spots), "blind spots"))
    if s.region_outage_minutes is not None:
        tone = "red" if s.region_outage_minutes > 0 else "green"
        label = f"simulated user-facing downtime, summed over {s.user_facing} components"
        cards.append((tone, minutes(s.region_outage_minutes), label))
    else:
        cards.append(("grey", "n/a", "outage minutes: no simulation run"))
    items = "".join(
        f'<div class="kpi {t}"><div class="v">{escape(v)}</div>'
        f'<div class="l">{escape(label)}</div></div>'
        for t, v, label in cards
    )
    return f'<div class="kpis">{items}</div>'


def _summary(report: Report) -> str:
    s = report.summary
    out = [_kpis(report)]
    if not s.user_facing:
        out.append(f'<div class="blind">{_rich(NO_USER_FACING)}</div>')
    if report.region:
        ring = svg.donut(s.concentration, percent(s.concentration),
                         color=svg.RED if s.concentration >= 0.5 else svg.AMBER)  # fmt: skip
        out.append(
            f'<div class="panel split"><div>{ring}</div><div><ul>'
            f"<li>{_rich(region_sentence(report))}</li>"
            f"<li>{_rich(concentration_sentence(report))}</li>"
            f"<li>{_rich(simulation_sentence(report))}</li></ul></div></div>"
        )
    else:
        out.append(f'<div class="panel"><p>{_rich(simulation_sentence(report))}</p></div>')
    if report.spofs:
        rows = [(d.name, len(d.user_facing_down), svg.RED) for d in report.spofs]
        out.append(
            '<div class="panel"><div class="label">Top single points of failure: user-facing '
            f"components each takes down alone</div>{svg.bars(rows, s.user_facing)}</div>"
        )
    return "".join(out)


def _region_table(report: Report) -> str:
    if not report.region_event:
        return ""
    sim = any(e.outage_minutes is not None for e in report.region_event)
    head = "<th>Component</th><th>State</th><th>Because</th>" + (
        "<th>Simulated outage</th>" if sim else ""
    )
    rows = []
    for e in report.region_event:
        cells = (
            f"<td>{escape(e.name)}</td><td><span class='pill {e.state}'>{e.state}</span></td>"
            f"<td>{_path(e.path)}{_own(e.path, report.region)}</td>"
        )
        if sim:
            cells += f"<td>{minutes(e.outage_minutes)}</td>"
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<h2>User-facing components in a {escape(report.region or '')} event</h2>"
        f'<div class="panel"><table><tr>{head}</tr>{"".join(rows)}</table></div>'
    )


_ESCAPED = re.compile("[&<>\"']")
"""What :func:`html.escape` rewrites: text without any of these escapes to itself."""


def _chips(ids: tuple[str, ...], strong: set[str]) -> str:
    """One chip per id, the ``strong`` ones marked; a recovery order at 100,000 components
    is a million chips, so the ids are escaped one by one only when their text needs it."""
    safe = map(escape, ids) if _ESCAPED.search("".join(ids)) else ids
    chip, marked = '<span class="chip">', '<span class="chip uf">'
    if strong.isdisjoint(ids):
        return " ".join([chip + c + "</span>" for c in safe])
    marks = [marked if c in strong else chip for c in ids]
    return " ".join([m + e + "</span>" for m, e in zip(marks, safe, strict=True)])


def _more(shown: int, total: int) -> str:
    """`` … and N more`` after a capped list (:mod:`blast.reports.bounded`), else nothing."""
    left = more(shown, total)
    return f" <span class='note'>… and {left} more (--full lists them)</span>" if left else ""


def _why(s: SpofDetail) -> str:
    rows = []
    for names, rest in grouped_paths(s.user_facing_down):
        who = ", ".join(escape(n) for n in names)
        count = f" <span class='note'>({len(names)})</span>" if len(names) > 1 else ""
        via = _path(rest) if rest else "<span class='note'>fails itself</span>"
        rows.append(f"<tr><td class='who'>{who}{count}</td><td>{via}</td></tr>")
    return "<table class='why'>" + "".join(rows) + "</table>"


def _mitigations(report: Report, s: SpofDetail) -> str:
    uf = report.summary.user_facing
    rows = []
    for m in s.mitigations:
        w = m.whatif
        region = (
            f"<div class='note'>{escape(w.region or '')} event: {w.region_down_before} → "
            f"{w.region_down_after}</div>"
            if w.region_down_after is not None
            else ""
        )
        saved = f"<div class='note'>simulated: {escape(saved_text(w.minutes_saved))}</div>"
        rows.append(
            f"<tr><td class='kind'>{escape(KIND_LABELS[m.kind])}</td><td>{escape(m.action)}"
            f"<div class='note'>Assumes {escape(m.assumes)}.</div></td>"
            f"<td class='ba'>{svg.before_after(w.spof_down_before, w.spof_down_after, uf)}"
            f"{region}{saved}</td></tr>"
        )
    if not rows:
        return (
            "<p class='note'>No structural mitigation applies: nothing depends on it directly.</p>"
        )
    return (
        "<table><tr><th>Kind</th><th>Change</th><th>User-facing down if it fails: "
        "now / after</th></tr>" + "".join(rows) + "</table>"
    )


def _spof(report: Report, n: int, s: SpofDetail) -> str:
    uf = report.summary.user_facing
    plane = f", {s.plane} plane" if s.plane else ""
    sim = f" · {spof_minutes_text(s.outage_minutes)}"
    victims = {v.component for v in s.user_facing_down}
    waves = "".join(
        f"<tr><td class='wave'>{i}</td><td>{_chips(wave, victims)}"
        f"{_more(len(wave), size)}</td></tr>"
        for i, (wave, size) in enumerate(
            zip(s.recovery_order, s.recovery_wave_sizes, strict=True), 1
        )
    )
    return (
        f'<section class="spof"><h3>{n}. {escape(s.name)} <code>{escape(s.component)}</code></h3>'
        f'<div class="sub">{escape(s.kind)} · {escape(s.provider or "unknown provider")} · '
        f"{escape(s.region)} ({escape(s.scope)}{escape(plane)}) · takes down "
        f"<strong>{len(s.user_facing_down)} of {uf}</strong> user-facing, {s.down} components "
        f"down in all, {s.degraded} degraded{escape(sim)}</div>"
        f'<div class="label">Why: how each user-facing component reaches it</div>{_why(s)}'
        '<div class="label">Recovery order: each wave needs the previous ones back '
        "(user-facing in blue)</div>"
        f"<table class='waves'>{waves}</table>"
        f'<div class="label">Mitigations</div>{_mitigations(report, s)}</section>'
    )


def render_html(report: Report) -> str:
    """The whole report as one HTML document."""
    s = report.summary
    spofs = "".join(_spof(report, n, d) for n, d in enumerate(report.spofs, 1))
    if not spofs:
        spofs = "<p>No single component failure takes down a user-facing component.</p>"
    more = s.spofs - len(report.spofs)
    if more > 0:
        spofs += (
            f"<p class='note'>{more} more SPOFs are in the JSON report (--top to show more).</p>"
        )
    blind = "".join(
        f'<div class="blind">{_rich(blind_spot_sentence(b))}</div>' for b in report.blind_spots
    )
    blind = blind or "<p>None found: every monitor and status page outlives what it watches.</p>"
    meta = (
        f"{plural(report.components, 'component')} · {plural(report.groups, 'redundancy group')} · "
        f"{s.user_facing} user-facing · {', '.join(report.files)} · Blast {report.blast_version}"
        + (f" · simulation: {report.simulation}" if report.simulation else "")
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Blast report: {escape(report.graph)}</title><style>{CSS}</style></head><body>"
        f"<header><div class='in'><div class='eyebrow'>Blast · dependency risk report</div>"
        f"<h1>{escape(report.graph)}</h1>"
        + (f"<p>{escape(report.description)}</p>" if report.description else "")
        + f"<div class='meta'>{escape(meta)}</div></div></header><main>"
        f"<h2>Summary</h2>{_summary(report)}{_region_table(report)}"
        f"<h2>Single points of failure</h2>{spofs}"
        f"<h2>Blind spots</h2>{blind}"
        "<footer>Generated by Blast from the dependency graph: every count, path and what-if "
        "comes from the analysis of the files above.</footer></main></body></html>\n"
    )
