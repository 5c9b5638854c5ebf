"""Run a policy on a graph: which rules hold, which are broken, which violations are new."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from blast.analysis.index import FailureIndex, build_index
from blast.check import rules
from blast.check.policy import Policy
from blast.check.rules import Violation
from blast.errors import BlastError, Location
from blast.loading.files import FileProblem, read_again
from blast.model.graph import Graph


@dataclass(frozen=True)
class RuleResult:
    """One rule instance (a rule with its argument) and what it found."""

    code: str
    rule: str
    violations: tuple[Violation, ...]
    new: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """True when nothing new breaks it."""
        return not self.new


@dataclass(frozen=True)
class CheckResult:
    """Every rule's result, and where each violating component is written."""

    graph: str
    files: tuple[str, ...]
    results: tuple[RuleResult, ...]
    baseline: str | None
    locations: dict[str, Location] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every rule holds (baselined violations accepted)."""
        return all(r.ok for r in self.results)

    def violations(self) -> tuple[Violation, ...]:
        """Every violation, accepted or new."""
        return tuple(v for r in self.results for v in r.violations)

    def new(self) -> tuple[Violation, ...]:
        """The violations that fail the check."""
        return tuple(v for r in self.results for v in r.new)


def _instances(index: FailureIndex, policy: Policy) -> list[tuple[str, str, tuple[Violation, ...]]]:
    out = []
    if policy.max_spofs is not None:
        out.append(
            ("BLAST001", f"max-spofs {policy.max_spofs}", rules.max_spofs(index, policy.max_spofs))
        )
    for region in policy.forbid_region_hard:
        out.append(
            ("BLAST002", f"forbid-region-hard {region}", rules.forbid_region_hard(index, region))
        )
    if policy.forbid_global_control_plane:
        out.append(
            (
                "BLAST003",
                "forbid-global-control-plane",
                rules.forbid_global_control_plane(index),
            )
        )
    for kind in policy.require_redundancy:
        out.append(
            (
                "BLAST004",
                f"require-redundancy {kind.value}",
                rules.require_redundancy(index, kind.value),
            )
        )
    if policy.forbid_blind_spots:
        out.append(
            (
                "BLAST005",
                "blind-spot",
                rules.forbid_blind_spots(index, policy.forbid_region_hard),
            )
        )
    return out


def component_locations(
    files: tuple[str, ...],
    wanted: Collection[str] | None = None,
    order: Sequence[str] | None = None,
) -> dict[str, Location]:
    """Where each component's ``id`` is written, read again from the graph's files.

    ``wanted``: only these components' (the files are not read when it is empty).
    ``order``: the graph's component ids in file order, when known; the positions
    are then first looked for in the raw text (:func:`_scanned_locations`), and
    read by a YAML parse only when that cannot answer.
    """
    found: dict[str, Location] = {}
    if wanted is not None and not wanted:
        return found
    if wanted is not None and order is not None:
        scanned = _scanned_locations(files, wanted, order)
        if scanned is not None:
            return scanned
    for file in files:
        _parsed_locations(read_again(file), file, wanted, found)
    return found


def _parsed_locations(
    raw: bytes, file: str, wanted: Collection[str] | None, found: dict[str, Location]
) -> list[str | None]:
    """Add the positions of ``file``'s wanted components to ``found`` from a YAML parse;
    return the ids of all its ``components`` items (None where not text).

    With ``wanted``, the file is read unlocated first (the fast parse) to find the
    items that hold them, and positions are recorded inside those items only: at
    100,000 components the positions of every value took 8 s and 1 GB.
    """
    from blast.loading.yamlsource import parse_yaml

    if wanted is None:
        doc = parse_yaml(raw, file)
        ids, picked = _items(doc.data, wanted, found)
    else:  # the items' indices from the data; the items not listed are skipped
        ids, picked = _items(parse_yaml(raw, file, located=False).data, wanted, found)
        if not picked:
            return ids
        doc = parse_yaml(raw, file, only=frozenset(("components", i) for i, _ in picked))
    for i, cid in picked:
        found.setdefault(cid, doc.locate(("components", i, "id")))
    return ids


def _scanned_locations(
    files: tuple[str, ...], wanted: Collection[str], order: Sequence[str]
) -> dict[str, Location] | None:
    """The positions of ``wanted`` found in the files' raw text (:mod:`blast.loading.idscan`);
    a file the scan declines is parsed (:func:`_parsed_locations`).

    Accepted only when the ids of all files' items, in order, are the graph's
    ``order`` one to one: then each scanned item is the real one, and its ``id``
    key stands where the located parse would say. None otherwise (the files
    changed, or the scan missed something): the caller parses every file.
    """
    from blast.loading.files import decode
    from blast.loading.idscan import scan_component_ids

    found: dict[str, Location] = {}
    seen: list[str | None] = []
    try:
        for file in files:
            raw = read_again(file)
            scanned = scan_component_ids(decode(raw, file))
            if scanned is None:
                seen += _parsed_locations(raw, file, wanted, found)
                continue
            picked = [i for i, cid in enumerate(scanned.ids) if cid in wanted]
            for i, line in zip(picked, scanned.lines(picked), strict=True):
                found.setdefault(scanned.ids[i], Location(file, line, scanned.column))
            seen += scanned.ids
    except (BlastError, OSError, FileProblem):
        return None  # the parse of every file tells what is wrong, as before
    return found if seen == list(order) else None


def _items(
    data: object, wanted: Collection[str] | None, found: Collection[str]
) -> tuple[list[str | None], list[tuple[int, str]]]:
    """The ids of the ``components`` items of a file's ``data`` (None where not text),
    and the items that name a wanted component not located yet, as (index, id)."""
    items = data.get("components") if isinstance(data, dict) else None
    ids: list[str | None] = []
    picked = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        cid = item.get("id") if isinstance(item, dict) else None
        ids.append(cid if isinstance(cid, str) else None)
        if isinstance(cid, str) and (wanted is None or cid in wanted) and cid not in found:
            picked.append((i, cid))
    return ids, picked


def run_check(
    graph: Graph,
    policy: Policy,
    *,
    accepted: frozenset[str] = frozenset(),
    baseline: str | None = None,
    index: FailureIndex | None = None,
) -> CheckResult:
    """Apply ``policy`` to ``graph``; violations whose fingerprint is ``accepted`` are not new."""
    index = index or build_index(graph)
    results = tuple(
        RuleResult(
            code=code,
            rule=rule,
            violations=found,
            new=tuple(v for v in found if v.fingerprint not in accepted),
        )
        for code, rule, found in _instances(index, policy)
    )
    named = {v.component for r in results for v in r.violations}  # all that is located
    return CheckResult(
        graph=graph.name or (graph.files[0] if graph.files else ""),
        files=graph.files,
        results=results,
        baseline=baseline,
        locations=component_locations(graph.files, named, tuple(graph.components)),
    )
