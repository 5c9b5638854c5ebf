"""What each file of an include tree contributed, and the checks across them.

Pydantic validates one item at a time; what only the whole tree can tell (an id
defined twice, a dependency on an id no file defines, a source key no file
declares) is checked here, each problem located in the file that wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blast.errors import Location, Problem
from blast.loading.catalogs import duplicate_id_hint
from blast.loading.yamlsource import DataPath, SourceDocument, key_path

if TYPE_CHECKING:
    from blast.loading.cachepayload import WrittenItems
    from blast.loading.vouch import GroupRow, Row
    from blast.model.spec import Component, GraphDocument, RedundancyGroup


@dataclass
class Loaded:
    """What a file contributed; kept per file so locations stay exact."""

    doc: SourceDocument
    header: GraphDocument | None
    include: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)
    components: list[tuple[int, Component]] = field(default_factory=list)
    groups: list[tuple[int, RedundancyGroup]] = field(default_factory=list)
    raw_ids: dict[str, Location] = field(default_factory=dict)
    invalid_targets: list[tuple[DataPath, str, str]] = field(default_factory=list)
    written: dict[str, WrittenItems] | None = None
    """Per list key, the valid items' parsed data as JSON, in the order of ``components``
    and ``groups``: what a cache entry stores of them (None when not kept)."""
    rows: list[Row] = field(default_factory=list)
    """The fast pass's row of every component, in file order (see :mod:`blast.loading.vouch`);
    ``components`` then holds only those pydantic validated."""
    group_rows: list[GroupRow | RedundancyGroup] = field(default_factory=list)
    """The fast pass's groups, in file order: rows, or models where pydantic validated."""
    name: str = ""
    """The file's ``name`` (the fast pass builds no ``header``)."""


def cross_check(
    entries: Sequence[Loaded], problems: list[Problem]
) -> tuple[dict[str, Component], dict[str, RedundancyGroup], dict[str, str]]:
    """Checks across items and files, appended to ``problems``: duplicate ids, unknown or
    repeated dependencies and members, self-references, sources that are neither URLs
    nor reference keys, references defined twice differently. Returns the components,
    groups and references of the whole include tree."""
    from blast.loading.messages import Suggester
    from blast.model.spec import Component

    components: dict[str, Component] = {}
    groups: dict[str, RedundancyGroup] = {}
    defined_at: dict[str, Location] = {}
    references: dict[str, str] = {}
    reference_at: dict[str, Location] = {}
    known_ids: set[str] = set()
    for entry in entries:
        known_ids.update(entry.raw_ids)
        for key, value in entry.references.items():
            where = entry.doc.locate(("references", key))
            if key in references and references[key] != value:
                problems.append(
                    Problem(
                        where,
                        f"reference '{key}' is defined differently at {reference_at[key]}",
                        key=f"references.{key}",
                    )
                )
            references.setdefault(key, value)
            reference_at.setdefault(key, where)
    ids = Suggester(known_ids)
    sources_hint = Suggester(references)

    def check_sources(doc: SourceDocument, base: DataPath, sources: Sequence[str]) -> None:
        for j, source in enumerate(sources):
            if source.startswith(("http://", "https://")) or source in references:
                continue
            problems.append(
                Problem(
                    doc.locate((*base, "sources", j)),
                    f"source '{source}' is neither a URL nor a key of `references`"
                    f"{sources_hint.hint(source)}",
                    key=key_path((*base, "sources", j)),
                )
            )

    for entry in entries:
        doc = entry.doc
        nowhere = None if doc.located else doc.locate(())  # one place for all: no positions
        for list_key, items in (
            ("components", entry.components),
            ("redundancy_groups", entry.groups),
        ):
            for i, node in items:
                where = nowhere or doc.locate((list_key, i, "id"), prefer_key=False)
                if node.id in defined_at:
                    problems.append(
                        Problem(
                            where,
                            f"duplicate id '{node.id}' (first defined at {defined_at[node.id]})"
                            f"{duplicate_id_hint(node.id)}",
                            key=key_path((list_key, i, "id")),
                        )
                    )
                    continue
                defined_at[node.id] = where
                if isinstance(node, Component):
                    components[node.id] = node
                else:
                    groups[node.id] = node

    def check_depends_on(doc: SourceDocument, i: int, comp: Component) -> None:
        base: DataPath = ("components", i)
        seen: dict[str, int] = {}
        for j, dep in enumerate(comp.depends_on):
            target = dep.target
            if not dep.sources and target in known_ids and target != comp.id and target not in seen:
                seen[target] = j
                continue
            path = (*base, "depends_on", j)
            check_sources(doc, path, dep.sources)
            if dep.target == comp.id:
                problems.append(
                    Problem(
                        doc.locate(path),
                        f"component '{comp.id}' depends on itself",
                        key=key_path(path),
                    )
                )
            elif dep.target not in known_ids:
                problems.append(
                    Problem(
                        doc.locate(path),
                        f"component '{comp.id}' depends on unknown component '{dep.target}'"
                        f"{ids.hint(dep.target)}",
                        key=key_path(path),
                    )
                )
            if dep.target in seen:
                problems.append(
                    Problem(
                        doc.locate(path),
                        f"'{dep.target}' is listed twice in depends_on "
                        f"(also entry {seen[dep.target]})",
                        key=key_path(path),
                    )
                )
            seen.setdefault(dep.target, j)

    def quick(comp: Component) -> list[str] | None:
        """The targets of ``comp`` if nothing but an unknown id can be wrong with them."""
        deps = comp.depends_on
        targets = [dep.target for dep in deps if not dep.sources]
        if len(targets) == len(deps) and comp.id not in targets and len(set(targets)) == len(deps):
            return targets
        return None

    checked_later: list[str] = []  # the usual case (millions of edges at 100,000)
    for entry in entries:
        doc = entry.doc
        for i, comp in entry.components:
            base: DataPath = ("components", i)
            if comp.sources:
                check_sources(doc, base, comp.sources)
            for k, fact in enumerate(comp.facts):
                check_sources(doc, (*base, "facts", k), fact.sources)
            if not comp.depends_on:
                continue
            targets = quick(comp)
            if targets is None:
                check_depends_on(doc, i, comp)
            else:
                checked_later.extend(targets)
        for path, owner, target in entry.invalid_targets:
            if target not in known_ids:
                noun = "member" if path[0] == "redundancy_groups" else "component"
                problems.append(
                    Problem(
                        doc.locate(path),
                        f"{owner} unknown {noun} '{target}'{ids.hint(target)}",
                        key=key_path(path),
                    )
                )
        for i, group in entry.groups:
            base = ("redundancy_groups", i)
            check_sources(doc, base, group.sources)
            for j, member in enumerate(group.members):
                path = (*base, "members", j)
                if member == group.id:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"group '{group.id}' lists itself as a member",
                            key=key_path(path),
                        )
                    )
                elif member not in known_ids:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"group '{group.id}' has unknown member '{member}'{ids.hint(member)}",
                            key=key_path(path),
                        )
                    )
                if member in group.members[:j]:
                    problems.append(
                        Problem(
                            doc.locate(path),
                            f"member '{member}' is listed twice",
                            key=key_path(path),
                        )
                    )
    if not known_ids.issuperset(checked_later):  # an unknown id among them: find it, located
        for entry in entries:
            for i, comp in entry.components:
                if comp.depends_on and quick(comp) is not None:
                    check_depends_on(entry.doc, i, comp)
    return components, groups, references
