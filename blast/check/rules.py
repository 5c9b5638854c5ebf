"""The rules ``blast check`` enforces, each a pure function from the analysis to violations.

Every rule has a stable code (``BLAST001``...) that CI systems, baselines and
people can refer to; codes are never reused for another meaning. A violation
names its *subject* (the component, or ``dependent -> dependency``), which with
the code makes its fingerprint: what a baseline records, so that a message
worded differently or a path that changed does not make an old violation new.
"""

from __future__ import annotations

from dataclasses import dataclass

from blast.analysis.exposure import exposure
from blast.analysis.index import FailureIndex
from blast.analysis.propagation import propagate
from blast.model import Plane, Scope
from blast.report import shared_spofs, spof_victim_counts
from blast.reports.blindspots import blind_spots

RULES = {
    "BLAST001": "max-spofs",
    "BLAST002": "forbid-region-hard",
    "BLAST003": "forbid-global-control-plane",
    "BLAST004": "require-redundancy",
    "BLAST005": "blind-spot",
}
"""Rule codes and their names; stable."""


@dataclass(frozen=True)
class Violation:
    """One broken rule about one subject."""

    code: str
    rule: str
    subject: str
    component: str
    message: str
    path: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """What identifies it across runs: the code and the subject."""
        return f"{self.code}:{self.subject}"


def max_spofs(index: FailureIndex, limit: int) -> tuple[Violation, ...]:
    """BLAST001: more than ``limit`` SPOFs; every SPOF is then a violation (baseline them)."""
    found = spof_victim_counts(index)
    if len(found) <= limit:
        return ()
    n = len(index.graph.user_facing)
    return tuple(
        Violation(
            "BLAST001",
            RULES["BLAST001"],
            spof,
            spof,
            f"{spof} is a single point of failure: it takes down "
            f"{victims} of {n} user-facing components alone "
            f"({len(found)} SPOFs, at most {limit} allowed)",
        )
        for spof, victims in found
    )


def forbid_region_hard(index: FailureIndex, region: str) -> tuple[Violation, ...]:
    """BLAST002: a user-facing component goes down when ``region`` fails.

    That is a hard, possibly transitive, dependency on the region that no
    redundancy covers (global services anchored there included).
    """
    if region not in index.graph.regions:
        return ()  # nothing runs there: nothing can depend on it
    result = exposure(index.graph, region=region)
    return tuple(
        Violation(
            "BLAST002",
            f"{RULES['BLAST002']} {region}",
            f"{e.component}@{region}",
            e.component,
            f"{e.component} has a hard dependency on {region}: "
            + (" -> ".join(e.path) if len(e.path) > 1 else f"it runs in {region}"),
            e.path,
        )
        for e in result.exposures
        if e.state == "down"
    )


def forbid_global_control_plane(index: FailureIndex) -> tuple[Violation, ...]:
    """BLAST003: a global control plane on the recovery path of a user-facing component.

    A control plane (``plane: control``) of ``scope: global`` whose failure alone
    takes a user-facing component down sits on every path to its recovery: the
    component cannot come back until that global service does, wherever it runs.
    """
    graph = index.graph
    planes = [
        cid
        for cid, c in graph.components.items()
        if c.plane is Plane.CONTROL and c.scope is Scope.GLOBAL
    ]
    found = []
    for cp in planes:
        victims = [index.ids[b] for b in index.down(cp) & index.user_facing]
        if not victims:
            continue
        outcome = propagate(graph, [cp])
        anchor = graph.components[cp].region
        where = f" (anchored in {anchor})" if anchor != "global" else ""
        for u in sorted(v for v in victims if v != cp):
            path = outcome.path(u)
            found.append(
                Violation(
                    "BLAST003",
                    RULES["BLAST003"],
                    f"{u}->{cp}",
                    u,
                    f"{u} needs the global control plane {cp}{where} to recover: "
                    + " -> ".join(path),
                    path,
                )
            )
    return tuple(found)


def require_redundancy(index: FailureIndex, kind: str) -> tuple[Violation, ...]:
    """BLAST004: a component of ``kind`` is a SPOF of user-facing components."""
    graph = index.graph
    found = []
    for s in shared_spofs(index):
        if graph.components[s.component].kind.value != kind:
            continue
        found.append(
            Violation(
                "BLAST004",
                f"{RULES['BLAST004']} {kind}",
                f"{s.component}#{kind}",
                s.component,
                f"{s.component} ({kind}) has no redundancy: its failure alone takes down "
                f"{', '.join(s.user_facing_down)}",
            )
        )
    return tuple(found)


def forbid_blind_spots(index: FailureIndex, regions: tuple[str, ...]) -> tuple[Violation, ...]:
    """BLAST005: a monitor or status page fails together with what it watches."""
    seen: dict[str, Violation] = {}
    for region in regions or (None,):
        for b in blind_spots(index, region=region):
            subject = f"{b.watcher}~{b.shared_dependency}"
            seen.setdefault(
                subject,
                Violation(
                    "BLAST005",
                    RULES["BLAST005"],
                    subject,
                    b.watcher,
                    f"{b.watcher} ({b.kind}) goes dark together with "
                    f"{', '.join(b.watched_down[:5])}"
                    + (f" and {len(b.watched_down) - 5} more" if len(b.watched_down) > 5 else "")
                    + f": shared dependency {b.shared_dependency}",
                    b.path,
                ),
            )
    return tuple(seen.values())
