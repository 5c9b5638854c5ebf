"""Import a Backstage software catalog (``catalog-info.yaml``) as a Blast graph file.

Backstage's descriptor format (https://backstage.io/docs/features/software-catalog/descriptor-format)
describes entities, one YAML document each, with ``apiVersion``, ``kind``,
``metadata`` and ``spec``. The mapping:

* ``Component``: a component; ``spec.type`` ``website``/``mobile-app`` becomes a
  user-facing ``app``, ``service`` an ``api``, other types ``other`` (reported);
  ``library`` is not mapped (it is linked in, not called at run time).
* ``Resource``: a component whose kind follows ``spec.type`` (``database``,
  ``s3-bucket``, ``queue``...; unknown types become ``other``, reported).
* ``API``: a component of kind ``api`` with a hard dependency on the component
  that provides it (``providesApis``), or on a redundancy group of them when
  several do.
* ``System``: kept as a ``system:<name>`` tag on its members.
* Relations: ``dependsOn`` and ``consumesApis`` are hard dependencies;
  ``dependencyOf`` the same edge the other way. ``subcomponentOf`` and
  ``partOf`` are structure, not failure, and are reported.

Entity references follow ``[<kind>:][<namespace>/]<name>``; ``default`` is the
namespace left out of Blast ids. Backstage has no region: the annotations
``blast.io/region``, ``blast.io/provider`` and ``blast.io/user-facing`` supply
them when present. Everything that cannot be mapped is listed with its location.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blast.errors import GraphFileError, Location, Problem
from blast.interop.yamldocs import read_yaml_documents
from blast.loading.yamlsource import SourceDocument

COMPONENT_TYPES = {
    "website": ("app", True),
    "mobile-app": ("app", True),
    "frontend": ("app", True),
    "service": ("api", False),
    "backend": ("api", False),
}
RESOURCE_TYPES = {
    "database": "database",
    "db": "database",
    "s3-bucket": "storage",
    "bucket": "storage",
    "storage": "storage",
    "queue": "queue",
    "sqs-queue": "queue",
    "cache": "cache",
    "redis": "cache",
    "topic": "stream",
    "kafka-topic": "stream",
    "stream": "stream",
    "dns": "dns",
    "cdn": "cdn",
    "load-balancer": "load-balancer",
    "kubernetes-cluster": "container",
    "cluster": "container",
    "function": "serverless",
    "monitoring": "monitoring",
}
ANNOTATION = "blast.io/"


@dataclass(frozen=True)
class Unmapped:
    """Something of the catalog that has no place in the graph, and why."""

    location: Location
    entity: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.entity}: {self.reason}"


@dataclass(frozen=True)
class Imported:
    """The graph file data built from the catalog, and what did not map."""

    document: dict[str, Any]
    entities: int
    unmapped: tuple[Unmapped, ...]


@dataclass
class _Entity:
    kind: str
    namespace: str
    name: str
    doc: SourceDocument
    data: dict[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}


def parse_ref(ref: str, default_kind: str, namespace: str = "default") -> tuple[str, str, str]:
    """``[kind:][namespace/]name`` as ``(kind, namespace, name)``, kind lower-case."""
    kind, _, rest = ref.rpartition(":") if ":" in ref else ("", "", ref)
    ns, _, name = rest.rpartition("/") if "/" in rest else ("", "", rest)
    return (kind or default_kind).lower(), ns or namespace, name


def _entities(paths: list[Path]) -> list[_Entity]:
    found = []
    problems = []
    for path in paths:
        for doc in read_yaml_documents(path, str(path)):
            data = doc.data
            if not isinstance(data, dict):
                problems.append(Problem(doc.locate(()), "an entity must be a mapping"))
                continue
            meta = data.get("metadata")
            kind = data.get("kind")
            if not isinstance(kind, str) or not kind:
                problems.append(Problem(doc.locate(()), "missing `kind`", key="kind"))
                continue
            if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
                problems.append(
                    Problem(doc.locate(("metadata",)), "missing `metadata.name`", key="metadata")
                )
                continue
            ns = meta["namespace"] if isinstance(meta.get("namespace"), str) else "default"
            found.append(_Entity(kind, ns, meta["name"], doc, data))
    if problems:
        raise GraphFileError(problems)
    return found


def _refs(entity: _Entity, key: str) -> list[tuple[str, Location]]:
    value = entity.spec.get(key)
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return [
        (
            str(item),
            entity.doc.locate(("spec", key, i) if isinstance(value, list) else ("spec", key)),
        )
        for i, item in enumerate(items)
    ]


def import_backstage(paths: list[Path], *, name: str = "") -> Imported:
    """Map the entities of ``paths`` to a graph file's data; see the module docstring.

    Raises
    ------
    GraphFileError
        When a file cannot be read or an entity has no ``kind`` or ``metadata.name``.
    """
    entities = _entities(paths)
    unmapped: list[Unmapped] = []
    runtime = [e for e in entities if e.kind.lower() in ("component", "resource", "api")]
    names = Counter(
        e.name if e.namespace == "default" else f"{e.namespace}/{e.name}" for e in runtime
    )

    def blast_id(e: _Entity) -> str:
        base = e.name if e.namespace == "default" else f"{e.namespace}/{e.name}"
        return base if names[base] == 1 else f"{e.kind.lower()}:{base}"

    by_ref: dict[str, _Entity] = {}
    components: dict[str, dict[str, Any]] = {}
    for e in entities:
        kind = e.kind.lower()
        where = e.doc.locate(())
        if kind == "system":
            continue
        if kind not in ("component", "resource", "api"):
            unmapped.append(
                Unmapped(where, e.ref, f"kind {e.kind} has no place in a dependency graph")
            )
            continue
        type_ = str(e.spec.get("type", ""))
        if kind == "component" and type_ == "library":
            unmapped.append(
                Unmapped(where, e.ref, "a library is linked in, not a run-time dependency")
            )
            continue
        by_ref[e.ref] = e
        components[e.ref] = _component(e, blast_id(e), kind, type_, unmapped)
    systems = {parse_ref(e.ref, "system")[2] for e in entities if e.kind.lower() == "system"}
    _relations(entities, by_ref, components, blast_id, unmapped)
    for e in entities:
        if e.kind.lower() == "system":
            members = [c for r, c in components.items() if f"system:{e.name}" in c.get("tags", [])]
            if not members:
                unmapped.append(
                    Unmapped(e.doc.locate(()), e.ref, "system with no member in these files")
                )
    groups = _api_providers(entities, by_ref, components, blast_id, unmapped)
    document: dict[str, Any] = {"version": 1, "name": name or "Imported from Backstage"}
    document["description"] = (
        f"Imported from {', '.join(str(p) for p in paths)} by blast import backstage"
        + (f"; systems: {', '.join(sorted(systems))}" if systems else "")
    )
    document["components"] = list(components.values())
    if groups:
        document["redundancy_groups"] = groups
    unmapped.sort(key=lambda u: (u.location, u.entity))
    return Imported(document, len(entities), tuple(unmapped))


def _component(
    e: _Entity, cid: str, kind: str, type_: str, unmapped: list[Unmapped]
) -> dict[str, Any]:
    meta = e.metadata
    found = meta.get("annotations")
    annotations: dict[str, Any] = found if isinstance(found, dict) else {}
    user_facing = False
    if kind == "component":
        blast_kind, user_facing = COMPONENT_TYPES.get(type_, ("other", False))
    elif kind == "resource":
        blast_kind = RESOURCE_TYPES.get(type_, "other")
    else:
        blast_kind = "api"
    if blast_kind == "other":
        unmapped.append(
            Unmapped(e.doc.locate(("spec", "type")), e.ref, f"type '{type_}' mapped to kind other")
        )
    out: dict[str, Any] = {"id": cid, "kind": blast_kind}
    title = meta.get("title")
    if isinstance(title, str) and title:
        out["name"] = title
    owner = e.spec.get("owner")
    provider = annotations.get(f"{ANNOTATION}provider") or (
        parse_ref(owner, "group")[2] if isinstance(owner, str) else ""
    )
    if provider:
        out["provider"] = str(provider)
    region = annotations.get(f"{ANNOTATION}region")
    if isinstance(region, str) and region:
        out["region"] = region
    flag = annotations.get(f"{ANNOTATION}user-facing")
    if flag is not None:
        user_facing = str(flag).lower() in ("true", "yes", "1")
    if user_facing:
        out["user_facing"] = True
    tags = (
        [str(t) for t in meta.get("tags", []) if isinstance(t, str | int)]
        if isinstance(meta.get("tags"), list)
        else []
    )
    system = e.spec.get("system")
    if isinstance(system, str) and system:
        tags.append(f"system:{parse_ref(system, 'system')[2]}")
    if tags:
        out["tags"] = tags
    notes = meta.get("description")
    out["notes"] = (
        f"Backstage {e.kind} {e.ref}"
        + (f" ({type_})" if type_ else "")
        + (f": {notes}" if isinstance(notes, str) and notes else "")
    )
    out["depends_on"] = []
    return out


def _relations(
    entities: list[_Entity],
    by_ref: dict[str, _Entity],
    components: dict[str, dict[str, Any]],
    blast_id: Any,
    unmapped: list[Unmapped],
) -> None:
    def add(source: str, target: str, purpose: str) -> None:
        deps = components[source]["depends_on"]
        tid = blast_id(by_ref[target])
        if tid != components[source]["id"] and all(d["target"] != tid for d in deps):
            deps.append({"target": tid, "purpose": purpose})

    known = {e.ref for e in entities}
    for e in entities:
        if e.ref not in by_ref:
            continue
        for key, default_kind in (("dependsOn", "component"), ("consumesApis", "api"),
                                  ("dependencyOf", "component")):  # fmt: skip
            for ref, where in _refs(e, key):
                k, ns, n = parse_ref(ref, default_kind, e.namespace)
                target = f"{k}:{ns}/{n}"
                if target not in by_ref:
                    why = "is not mapped" if target in known else "is not in these files"
                    unmapped.append(Unmapped(where, e.ref, f"{key} '{ref}' {why}"))
                elif key == "dependencyOf":
                    add(target, e.ref, f"Backstage dependencyOf of {e.ref}")
                else:
                    add(e.ref, target, f"Backstage {key}")
        for key in ("subcomponentOf", "partOf"):
            for ref, where in _refs(e, key):
                unmapped.append(
                    Unmapped(where, e.ref, f"{key} '{ref}' is structure, not a dependency")
                )


def _api_providers(
    entities: list[_Entity],
    by_ref: dict[str, _Entity],
    components: dict[str, dict[str, Any]],
    blast_id: Any,
    unmapped: list[Unmapped],
) -> list[dict[str, Any]]:
    providers: dict[str, list[str]] = {}
    for e in entities:
        if e.ref not in by_ref:
            continue
        for ref, where in _refs(e, "providesApis"):
            k, ns, n = parse_ref(ref, "api", e.namespace)
            target = f"{k}:{ns}/{n}"
            if target in by_ref:
                providers.setdefault(target, []).append(blast_id(e))
            else:
                unmapped.append(
                    Unmapped(where, e.ref, f"providesApis '{ref}' is not in these files")
                )
    groups = []
    for ref, entity in by_ref.items():
        if entity.kind.lower() != "api":
            continue
        found = providers.get(ref, [])
        api = components[ref]
        if not found:
            unmapped.append(
                Unmapped(entity.doc.locate(()), ref, "no component in these files provides it")
            )
        elif len(found) == 1:
            api["depends_on"].append({"target": found[0], "purpose": "provided by"})
        else:
            gid = f"{api['id']}.providers"
            groups.append({"id": gid, "members": sorted(found)})
            api["depends_on"].append({"target": gid, "purpose": "provided by any of"})
    return groups
