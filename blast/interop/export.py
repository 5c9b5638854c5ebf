"""Export a graph for the tools where graphs already live, with its SPOFs marked.

* Graphviz DOT (https://graphviz.org/doc/info/lang.html): SPOFs filled red,
  user-facing components bold, soft/async edges dashed, membership dotted.
* Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html): for wikis
  that render it (GitHub, GitLab); a ``spof`` class.
* GraphML (http://graphml.graphdrawing.org/), as networkx's writer writes it: yEd,
  Gephi, Cytoscape read it.
* Node-link JSON (``networkx.node_link_data``): D3 and networkx read it back.

Every node carries ``label``, ``kind``, ``region``, ``scope``, ``plane``,
``user_facing``, ``group`` and ``spof`` (and ``spof_user_facing_down``, the count);
every edge its ``type`` (``hard``, ``soft``, ``async`` or ``member``).

The writers format the columns of :mod:`blast.interop.exporttable` straight into text,
a piece at a time, with no networkx graph in between: the text is the one the
networkx graph of :func:`annotated` gave (tests/test_export.py compares all four
formats with networkx's writers), at a fraction of the time and memory
(docs/benchmarks.md, tenth session).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from json.encoder import encode_basestring
from typing import TYPE_CHECKING

from blast.interop.exporttable import ExportTable, export_table, line_pieces, pieces
from blast.model.graph import Graph

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("dot", "mermaid", "graphml", "json")


def annotated(graph: Graph) -> nx.DiGraph:
    """The graph as a networkx DiGraph with the attributes above (scalars only): for
    whoever wants to go on in networkx (the writers below do not build it)."""
    import networkx as nx

    from blast.analysis.counts import spof_victims
    from blast.analysis.index import build_index

    spofs = spof_victims(build_index(graph))  # lookups: no order needed
    g = nx.DiGraph(name=graph.name)
    for cid, c in graph.components.items():
        g.add_node(
            cid,
            label=c.label,
            kind=c.kind.value,
            region=c.region,
            scope=c.scope.value,
            plane=c.plane.value if c.plane else "",
            user_facing=c.user_facing,
            group=False,
            spof=cid in spofs,
            spof_user_facing_down=spofs.get(cid, 0),
        )
    for gid, grp in graph.groups.items():
        g.add_node(
            gid,
            label=grp.label,
            kind="group",
            region="",
            scope="",
            plane="",
            user_facing=False,
            group=True,
            spof=False,
            spof_user_facing_down=0,
            min_up=grp.min_up,
        )
    for source, target, kind in graph.edges():
        g.add_edge(source, target, type=kind)
    return g


def _dot_id(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


_DOT_SPOF = ', fillcolor="#fadbd8", color="#c0392b", penwidth="2"'
_DOT_BOLD = ', fontname="Helvetica-Bold"'
_DOT_EDGE = {
    "hard": "",
    "soft": ' [style=dashed, label="soft"]',
    "async": ' [style=dashed, label="async"]',
    "member": ' [style=dotted, label="member"]',
}


def dot_lines(table: ExportTable) -> Iterator[str]:
    """Graphviz DOT text, in pieces."""
    quoted = list(map(_dot_id, table.nodes))
    yield (
        f"digraph {_dot_id(table.name or 'blast')} {{\n  rankdir=LR;\n"
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];\n'
    )

    def components() -> Iterator[str]:
        spof_down, user_facing = table.spof_down, table.user_facing
        at = table.n_components
        for v, (cid, label, kind, region) in enumerate(
            zip(table.nodes[:at], table.labels[:at], table.kinds, table.regions, strict=True)
        ):
            text = f"{label}\n{kind} · {region}" if region else label
            spof = _DOT_SPOF if cid in spof_down else ""
            bold = _DOT_BOLD if user_facing[v] else ""
            yield f"  {quoted[v]} [label={_dot_id(text)}{spof}{bold}];"

    at = table.n_components
    groups = map(
        '  {} [label={}, shape="ellipse", fillcolor="#eef1f4"];'.format,
        quoted[at:],
        map(_dot_id, table.labels[at:]),
    )
    sources = map(quoted.__getitem__, table.sources())
    targets = map(quoted.__getitem__, table.target)
    edges = map("  {} -> {}{};".format, sources, targets, map(_DOT_EDGE.__getitem__, table.types))
    yield from line_pieces(chain(components(), groups, edges, ["}"]))


def to_dot(graph: Graph) -> str:
    """Graphviz DOT text."""
    return "".join(dot_lines(export_table(graph)))


_MERMAID_ARROW = {
    "hard": "-->",
    "soft": "-.->|soft|",
    "async": "-.->|async|",
    "member": "---|member|",
}


def mermaid_lines(table: ExportTable) -> Iterator[str]:
    """A Mermaid flowchart, in pieces: node ids are ``n0``, ``n1``… with the Blast id as label."""
    ids = [f"n{i}" for i in range(len(table.nodes))]
    labels = [node.replace('"', "#quot;") for node in table.nodes]
    at = table.n_components
    components = map('  {}["{}"]'.format, ids[:at], labels[:at])
    groups = map('  {}(["{}"])'.format, ids[at:], labels[at:])
    sources = map(ids.__getitem__, table.sources())
    edges = map(
        "  {} {} {}".format,
        sources,
        map(_MERMAID_ARROW.__getitem__, table.types),
        map(ids.__getitem__, table.target),
    )
    tail = [
        "  classDef spof fill:#fadbd8,stroke:#c0392b,stroke-width:2px",
        "  classDef userfacing font-weight:bold",
    ]
    spofs = [ids[v] for v, cid in enumerate(table.nodes[:at]) if cid in table.spof_down]
    users = [ids[v] for v, uf in enumerate(table.user_facing) if uf]
    if spofs:
        tail.append(f"  class {','.join(spofs)} spof")
    if users:
        tail.append(f"  class {','.join(users)} userfacing")
    yield from line_pieces(chain(["flowchart LR"], components, groups, edges, tail))


def to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart; node ids are ``n0``, ``n1``… with the Blast id as label."""
    return "".join(mermaid_lines(export_table(graph)))


def to_graphml(graph: Graph) -> str:
    """GraphML text, as networkx's writer writes it (see :mod:`blast.interop.graphml`)."""
    from blast.interop.graphml import graphml_lines

    return "".join(graphml_lines(export_table(graph)))


def json_lines(table: ExportTable) -> Iterator[str]:
    """Node-link JSON, in pieces: what ``json.dumps(networkx.node_link_data(g, edges="links"),
    indent=2, ensure_ascii=False)`` writes of the annotated graph (a test compares)."""
    text = encode_basestring  # a str as JSON, non-ASCII kept (as ensure_ascii=False)
    truth = ("false", "true")
    yield (
        '{\n  "directed": true,\n  "multigraph": false,\n  "graph": {\n'
        f'    "name": {text(table.name)}\n  }},\n  "nodes": ['
    )
    node = (
        '\n    {{\n      "label": {},\n      "kind": {},\n      "region": {},\n'
        '      "scope": {},\n      "plane": {},\n      "user_facing": {},\n'
        '      "group": false,\n      "spof": {},\n      "spof_user_facing_down": {}'
        ',\n      "id": {}\n    }}'
    )
    at, spof_down = table.n_components, table.spof_down
    components = map(
        node.format,
        map(text, table.labels),
        map(text, table.kinds),
        map(text, table.regions),
        map(text, table.scopes),
        map(text, table.planes),
        map(truth.__getitem__, table.user_facing),
        (truth[cid in spof_down] for cid in table.nodes[:at]),
        (spof_down.get(cid, 0) for cid in table.nodes[:at]),
        map(text, table.nodes),
    )
    group = (
        '\n    {{\n      "label": {},\n      "kind": "group",\n      "region": "",\n'
        '      "scope": "",\n      "plane": "",\n      "user_facing": false,\n'
        '      "group": true,\n      "spof": false,\n      "spof_user_facing_down": 0,\n'
        '      "min_up": {},\n      "id": {}\n    }}'
    )
    groups = map(
        group.format, map(text, table.labels[at:]), table.min_up, map(text, table.nodes[at:])
    )
    yield from pieces(chain(components, groups), ",")
    yield '\n  ],\n  "links": [' if table.nodes else '],\n  "links": ['
    quoted = list(map(text, table.nodes))
    link = '\n    {{\n      "type": "{}",\n      "source": {},\n      "target": {}\n    }}'
    links = map(
        link.format,
        table.types,
        map(quoted.__getitem__, table.sources()),
        map(quoted.__getitem__, table.target),
    )
    yield from pieces(links, ",")
    yield "\n  ]\n}\n" if table.n_edges else "]\n}\n"


def to_json(graph: Graph) -> str:
    """Node-link JSON (``networkx.node_link_data`` with ``edges="links"``)."""
    return "".join(json_lines(export_table(graph)))


def export_lines(graph: Graph, fmt: str) -> Iterator[str]:
    """The graph in ``fmt`` (one of :data:`FORMATS`), in pieces to write one after another."""
    from blast.interop.graphml import graphml_lines

    writers = {"dot": dot_lines, "mermaid": mermaid_lines, "graphml": graphml_lines}
    return writers.get(fmt, json_lines)(export_table(graph))


def export(graph: Graph, fmt: str) -> str:
    """The graph in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise KeyError(fmt)
    return "".join(export_lines(graph, fmt))
