"""Export a graph for the tools where graphs already live, with its SPOFs marked.

* Graphviz DOT (https://graphviz.org/doc/info/lang.html): SPOFs filled red,
  user-facing components bold, soft/async edges dashed, membership dotted.
* Mermaid flowchart (https://mermaid.js.org/syntax/flowchart.html): for wikis
  that render it (GitHub, GitLab); a ``spof`` class.
* GraphML (http://graphml.graphdrawing.org/), written by networkx: yEd, Gephi,
  Cytoscape read it.
* Node-link JSON (``networkx.node_link_data``): D3 and networkx read it back.

Every node carries ``label``, ``kind``, ``region``, ``scope``, ``plane``,
``user_facing``, ``group`` and ``spof`` (and ``spof_user_facing_down``, the count);
every edge its ``type`` (``hard``, ``soft``, ``async`` or ``member``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from blast.analysis.index import build_index
from blast.model.graph import Graph
from blast.report import spof_victim_counts

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("dot", "mermaid", "graphml", "json")


def annotated(graph: Graph) -> nx.DiGraph:
    """The graph as a networkx DiGraph with the attributes above (scalars only)."""
    import networkx as nx

    spofs = dict(spof_victim_counts(build_index(graph)))
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


def to_dot(graph: Graph) -> str:
    """Graphviz DOT text."""
    g = annotated(graph)
    out = [
        f"digraph {_dot_id(graph.name or 'blast')} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
    ]
    for node, a in g.nodes(data=True):
        attrs = {
            "label": f"{a['label']}\n{a['kind']} · {a['region']}" if a["region"] else a["label"]
        }
        if a["group"]:
            attrs.update(shape="ellipse", fillcolor="#eef1f4")
        if a["spof"]:
            attrs.update(fillcolor="#fadbd8", color="#c0392b", penwidth="2")
        if a["user_facing"]:
            attrs["fontname"] = "Helvetica-Bold"
        body = ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items())
        out.append(f"  {_dot_id(node)} [{body}];")
    styles = {"soft": "dashed", "async": "dashed", "member": "dotted"}
    for a, b, e in g.edges(data=True):
        style = (
            f" [style={styles[e['type']]}, label={_dot_id(e['type'])}]"
            if e["type"] in styles
            else ""
        )
        out.append(f"  {_dot_id(a)} -> {_dot_id(b)}{style};")
    out.append("}")
    return "\n".join(out) + "\n"


def to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart; node ids are ``n0``, ``n1``… with the Blast id as label."""
    g = annotated(graph)
    ids = {node: f"n{i}" for i, node in enumerate(g.nodes)}

    def label(text: str) -> str:
        return text.replace('"', "#quot;")

    out = ["flowchart LR"]
    for node, a in g.nodes(data=True):
        shape = ('(["', '"])') if a["group"] else ('["', '"]')
        out.append(f"  {ids[node]}{shape[0]}{label(node)}{shape[1]}")
    arrows = {"hard": "-->", "soft": "-.->", "async": "-.->", "member": "---"}
    for a, b, e in g.edges(data=True):
        text = "" if e["type"] == "hard" else f"|{e['type']}|"
        out.append(f"  {ids[a]} {arrows[e['type']]}{text} {ids[b]}")
    out.append("  classDef spof fill:#fadbd8,stroke:#c0392b,stroke-width:2px")
    out.append("  classDef userfacing font-weight:bold")
    spofs = [ids[n] for n, a in g.nodes(data=True) if a["spof"]]
    users = [ids[n] for n, a in g.nodes(data=True) if a["user_facing"]]
    if spofs:
        out.append(f"  class {','.join(spofs)} spof")
    if users:
        out.append(f"  class {','.join(users)} userfacing")
    return "\n".join(out) + "\n"


def to_graphml(graph: Graph) -> str:
    """GraphML text (networkx's writer)."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(annotated(graph))) + "\n"


def to_json(graph: Graph) -> str:
    """Node-link JSON (``networkx.node_link_data`` with ``edges="links"``)."""
    import networkx as nx

    data = nx.node_link_data(annotated(graph), edges="links")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def export(graph: Graph, fmt: str) -> str:
    """The graph in ``fmt`` (one of :data:`FORMATS`)."""
    return {"dot": to_dot, "mermaid": to_mermaid, "graphml": to_graphml, "json": to_json}[fmt](
        graph
    )
