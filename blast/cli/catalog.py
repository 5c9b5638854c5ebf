"""``blast catalog``: list a shipped catalog's ids, so nobody has to read its YAML.

Each row is an id with its kind, region and a one-line description (the
component's name); ``--search`` keeps rows where a word of the id, name, tags or
notes starts with the text (so ``sts`` finds STS, not "exists"), ``--region`` those
in a region (``global`` for the unanchored ones).
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from blast.cli.common import add_command, count, emit_json, table

if TYPE_CHECKING:
    from blast.model.graph import Graph

DESCRIPTION = (
    "List the ids of a catalog shipped with Blast (default catalog:aws) with kind, region and "
    "a one-line description. Include the catalog in your graph with `include: [catalog:aws]` "
    "and depend on these ids; give your own ids a prefix of your own (e.g. acme.)."
)


def catalog_rows(graph: Graph, search: str | None, region: str | None) -> list[dict[str, object]]:
    """The rows ``blast catalog`` prints: components and groups, filtered, sorted by id."""
    pattern = re.compile(rf"(?<![^\W_]){re.escape(search)}", re.IGNORECASE) if search else None

    def keep(text: str) -> bool:
        return pattern is None or pattern.search(text) is not None

    rows: list[dict[str, object]] = []
    for c in graph.components.values():
        if not keep(" ".join((c.id, c.name, c.notes, *c.tags))) or (region and c.region != region):
            continue
        rows.append(
            {
                "id": c.id,
                "kind": c.kind.value,
                "region": c.region,
                "scope": c.scope.value,
                "plane": c.plane.value if c.plane else None,
                "description": c.label,
                "facts": [
                    {
                        "fact": f.fact,
                        "confidence": f.confidence.value,
                        "sources": [graph.references.get(k, k) for k in f.sources],
                    }
                    for f in c.facts
                ],
            }
        )
    for g in graph.groups.values():
        regions = {graph.components[m].region for m in g.members if m in graph.components}
        group_region = regions.pop() if len(regions) == 1 else "global"
        if not keep(" ".join((g.id, g.name, g.notes))) or (region and group_region != region):
            continue
        rows.append(
            {
                "id": g.id,
                "kind": "group",
                "region": group_region,
                "scope": None,
                "plane": None,
                "description": f"{g.label} (any {g.min_up} of {len(g.members)})",
                "facts": [],
            }
        )
    rows.sort(key=lambda r: str(r["id"]))
    return rows


def run_catalog(args: argparse.Namespace) -> int:
    from blast.loading.catalogs import SCHEME, available
    from blast.loading.loader import load_graph

    name = args.name if args.name.startswith(SCHEME) else f"{SCHEME}{args.name}"
    graph = load_graph(name)
    rows = catalog_rows(graph, args.search, args.region)
    if args.json:
        emit_json({"catalog": name, "count": len(rows), "ids": rows})
        return 0
    what = [f"matching '{args.search}'"] if args.search else []
    what += [f"in {args.region}"] if args.region else []
    print(f"{name}: {count(len(rows), 'id')}{' ' + ' '.join(what) if what else ''}")
    print(table(rows, ["id", "kind", "region", "description"]))
    if not rows:
        print(f"  catalogs: {', '.join(n for n in available() if '/' not in n)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``catalog`` to the ``blast`` command."""
    p = add_command(
        sub,
        "catalog",
        help="list the ids of a shipped catalog (default catalog:aws)",
        description=DESCRIPTION,
        run=run_catalog,
    )
    p.add_argument(
        "name",
        nargs="?",
        default="aws",
        metavar="NAME",
        help="catalog to list, e.g. aws or catalog:aws (default aws)",
    )
    p.add_argument(
        "--search",
        metavar="TEXT",
        help="keep ids where a word of the id, name, tags or notes starts with TEXT",
    )
    p.add_argument("--region", metavar="R", help="keep ids in region R (`global` for unanchored)")
    p.add_argument("--json", action="store_true", help="print JSON, facts and sources included")
