"""How a check result is shown: text for people, GitHub annotations, JUnit XML, JSON.

GitHub Actions turns lines ``::error file=F,line=L,col=C,title=T::message`` into
annotations on the pull request's diff (workflow commands, docs.github.com
"Workflow commands for GitHub Actions"); data is escaped as the runner expects
(``%``, CR, LF; ``:`` and ``,`` too in properties). JUnit XML follows the
de-facto schema CI systems read (Jenkins, GitLab, CircleCI): one ``testcase``
per rule, a ``failure`` when it has new violations.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from blast.check.engine import CheckResult
from blast.check.rules import Violation


def _where(result: CheckResult, v: Violation) -> str:
    loc = result.locations.get(v.component)
    return f"{loc}: " if loc else ""


def render_text(result: CheckResult) -> str:
    """A verdict per rule and each new violation, located in the graph file."""
    out = [f"blast check {result.graph} ({', '.join(result.files)})"]
    if result.baseline:
        out.append(f"baseline: {result.baseline}")
    for r in result.results:
        accepted = len(r.violations) - len(r.new)
        note = f" ({accepted} accepted by the baseline)" if accepted else ""
        verdict = "ok  " if r.ok else "FAIL"
        out.append(f"  {verdict} {r.code} {r.rule}: {len(r.new)} new violation(s){note}")
        for v in r.new:
            out.append(f"       {_where(result, v)}{v.code}: {v.message}")
    n = len(result.new())
    out.append("all rules hold" if result.ok else f"{n} violation(s): the check fails")
    return "\n".join(out)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """One ``::error`` workflow command per new violation."""
    lines = []
    for v in result.new():
        props = []
        loc = result.locations.get(v.component)
        if loc:
            props += [f"file={_escape_property(loc.file)}", f"line={loc.line}", f"col={loc.column}"]
        props.append(f"title={_escape_property(f'{v.code} {v.rule}')}")
        lines.append(f"::error {','.join(props)}::{_escape_data(v.message)}")
    if not lines:
        lines.append("::notice title=blast check::all rules hold")
    return "\n".join(lines)


def render_junit(result: CheckResult) -> str:
    """JUnit XML: a testsuite for the graph, a testcase per rule."""
    failures = sum(1 for r in result.results if not r.ok)
    suites = ET.Element(
        "testsuites", name="blast check", tests=str(len(result.results)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"blast check {result.graph}",
        tests=str(len(result.results)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for r in result.results:
        case = ET.SubElement(suite, "testcase", classname=f"blast.{r.code}", name=r.rule)
        if not r.ok:
            failure = ET.SubElement(
                case, "failure", message=f"{len(r.new)} new violation(s)", type=r.code
            )
            failure.text = "\n".join(f"{_where(result, v)}{v.message}" for v in r.new)
        accepted = [v for v in r.violations if v not in r.new]
        if accepted:
            out = ET.SubElement(case, "system-out")
            out.text = "accepted by the baseline:\n" + "\n".join(v.message for v in accepted)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def to_dict(result: CheckResult) -> dict[str, Any]:
    """Plain data for ``--format json`` (documented in docs/cli.md)."""

    def violation(v: Violation) -> dict[str, Any]:
        loc = result.locations.get(v.component)
        return {
            "code": v.code,
            "rule": v.rule,
            "fingerprint": v.fingerprint,
            "component": v.component,
            "message": v.message,
            "path": list(v.path),
            "location": str(loc) if loc else None,
        }

    return {
        "graph": result.graph,
        "files": list(result.files),
        "ok": result.ok,
        "baseline": result.baseline,
        "rules": [
            {
                "code": r.code,
                "rule": r.rule,
                "ok": r.ok,
                "violations": [violation(v) for v in r.violations],
                "new": [v.fingerprint for v in r.new],
            }
            for r in result.results
        ],
    }
