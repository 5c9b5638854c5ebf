"""The report as Markdown, for wikis (GitHub, GitLab, Confluence's Markdown macro)."""

from __future__ import annotations

from blast.reports.bounded import more
from blast.reports.build import Report, SpofDetail
from blast.reports.text import (
    KIND_LABELS,
    NO_USER_FACING,
    blind_spot_sentence,
    concentration_sentence,
    grouped_paths,
    minutes,
    path_text,
    plural,
    region_sentence,
    saved_text,
    simulation_sentence,
    spof_minutes_text,
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _spof(report: Report, n: int, s: SpofDetail) -> list[str]:
    uf = report.summary.user_facing
    out = [
        f"### {n}. {s.name} (`{s.component}`)",
        "",
        f"{s.kind}, {s.provider or 'unknown provider'}, {s.region} ({s.scope}"
        + (f", {s.plane} plane" if s.plane else "")
        + f"). Its failure alone takes down **{len(s.user_facing_down)} of {uf}** user-facing "
        f"components ({s.down} components down in all, {s.degraded} degraded)"
        + f"; {spof_minutes_text(s.outage_minutes)}.",
        "",
        "**Why** (dependency path from each user-facing component to the failure):",
        "",
    ]
    for names, rest in grouped_paths(s.user_facing_down):
        via = " → ".join(rest) + " (failed)" if rest else "fails itself"
        out.append(f"- {', '.join(names)}: → {via}")
    out += ["", "**Recovery order** (each wave needs the previous ones back):", ""]
    for i, (wave, size) in enumerate(zip(s.recovery_order, s.recovery_wave_sizes, strict=True)):
        left = more(len(wave), size)
        out.append(
            f"{i + 1}. {', '.join(f'`{c}`' for c in wave)}"
            + (f" … and {left} more" if left else "")
        )
    out += ["", "**Mitigations**", ""]
    if not s.mitigations:
        out.append("No structural mitigation applies: it has no direct hard dependents.")
    rows = []
    for m in s.mitigations:
        w = m.whatif
        region = (
            f"{w.region_down_before} → {w.region_down_after}"
            if w.region_down_after is not None
            else "–"
        )
        rows.append(
            [
                KIND_LABELS[m.kind],
                m.action,
                f"{w.spof_down_before} → {w.spof_down_after}",
                region,
                saved_text(w.minutes_saved),
            ]
        )
    if rows:
        out += _table(
            [
                "Kind",
                "Change",
                "User-facing down if it fails",
                "In the region event",
                "Simulated minutes",
            ],
            rows,
        )
    out.append("")
    return out


def render_markdown(report: Report) -> str:
    """The whole report as one Markdown document."""
    s = report.summary
    out = [
        f"# Blast report: {report.graph}",
        "",
    ]
    if report.description:
        out += [report.description, ""]
    out += [
        f"{plural(report.components, 'component')}, {plural(report.groups, 'redundancy group')}, "
        f"{s.user_facing} user-facing ({', '.join(report.files)}). "
        f"Blast {report.blast_version}, schema `{report.schema}`"
        + (f", simulation: {report.simulation}." if report.simulation else "."),
        "",
        "## Summary",
        "",
    ]
    if not s.user_facing:
        out += [f"> {NO_USER_FACING}", ""]
    if report.region:
        out += [f"- {region_sentence(report)}", f"- {concentration_sentence(report)}"]
    out.append(
        f"- **{s.spofs}** single points of failure take down user-facing components on their own"
        + (f"; the worst: {', '.join(f'`{t}`' for t in s.top_spofs[:3])}." if s.top_spofs else ".")
    )
    out.append(f"- **{s.blind_spots}** blind spots (monitoring that fails with what it watches).")
    out.append(f"- {simulation_sentence(report)}")
    out.append("")
    if report.region_event:
        out += [f"### User-facing components in a {report.region} event", ""]
        out += _table(
            ["Component", "State", "Because", "Simulated outage"],
            [
                [
                    e.name,
                    e.state,
                    path_text(e.path) if e.path else "",
                    minutes(e.outage_minutes) if e.outage_minutes is not None else "–",
                ]
                for e in report.region_event
            ],
        )
        out.append("")
    out += ["## Single points of failure", ""]
    if not report.spofs:
        out += ["None: no single component failure takes down a user-facing component.", ""]
    for n, spof in enumerate(report.spofs, 1):
        out += _spof(report, n, spof)
    out += ["## Blind spots", ""]
    if not report.blind_spots:
        out.append("None found: every monitor and status page outlives what it watches.")
    out += [f"- {blind_spot_sentence(b)}" for b in report.blind_spots]
    out.append("")
    return "\n".join(out)
