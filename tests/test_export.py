"""``blast export`` writes, byte for byte, what the networkx writers wrote of the annotated
graph (:func:`blast.interop.export.annotated`), in every format.

The reference below is the former implementation: build the networkx ``DiGraph``,
then format it by hand (DOT, Mermaid) or with networkx's own writers (GraphML,
node-link JSON). Each graph runs through the real CLI, cold (the YAML parsed, models
at hand) and warm (read back from Blast's cache: columns and edge arrays, models only
for the components that name a ``plane``), to stdout and with ``-o FILE``; on the
shipped graphs, on generated ones of each shape, and on a file of awkward names
(quotes, backslashes, markup, line breaks of every kind, non-ASCII).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from blast.interop.export import FORMATS, annotated
from blast.loading.loader import load_graph
from blast.model.graph import Graph
from blast.model.shapes import generate
from blast.model.synthetic import to_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = [
    ROOT / "graphs" / "examples" / "shop.yaml",
    ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml",
    ROOT / "graphs" / "aws-s3-us-east-1-2017-02-28.yaml",
]
ODD = """\
version: 1
name: "Odd <names> & \\"quotes\\" \\\\ é"
components:
  - {id: db, name: "Data\\"base\\\\ <1> & é 日本", kind: database, provider: shop,
     region: us-east-1, plane: data}
  - {id: db2, name: "Line\\nbreak\\rcarriage\\vtab\\there\\f\\x1c\\x1d\\x1e",
     kind: database, provider: shop, region: us-west-2}
  - {id: cp, name: "Control \\u2028 sep \\x85 \\x0b", kind: control-plane, provider: shop,
     scope: global, plane: control}
  - id: api
    kind: api
    provider: shop
    region: us-east-1
    depends_on: [dbs, {target: cp, type: soft, plane: data}, {target: db, type: async}, dbs2]
  - {id: web, name: Web, kind: app, provider: shop, region: us-east-1, user_facing: true,
     depends_on: [api]}
  - {id: plane, name: plane, kind: app, provider: shop, region: us-east-1, depends_on: [cp]}
redundancy_groups:
  - {id: dbs, name: "DB \\"pair\\" <&>", members: [db, db2]}
  - {id: dbs2, members: [db, db2], min_up: 2}
"""


def _dot_id(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _reference_dot(graph: Graph, g: nx.DiGraph) -> str:
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


def _reference_mermaid(g: nx.DiGraph) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(g.nodes)}
    out = ["flowchart LR"]
    for node, a in g.nodes(data=True):
        shape = ('(["', '"])') if a["group"] else ('["', '"]')
        out.append(f"  {ids[node]}{shape[0]}{node.replace(chr(34), '#quot;')}{shape[1]}")
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


def reference(path: Path) -> dict[str, str]:
    """Every format as the networkx-based writers wrote it."""
    graph = load_graph(path, cache=False)
    g = annotated(graph)
    data = nx.node_link_data(annotated(graph), edges="links")
    return {
        "dot": _reference_dot(graph, g),
        "mermaid": _reference_mermaid(g),
        "graphml": "\n".join(nx.generate_graphml(annotated(graph))) + "\n",
        "json": json.dumps(data, indent=2, ensure_ascii=False) + "\n",
    }


def _export(path: Path, fmt: str, cache: Path, *extra: str) -> bytes:
    run = subprocess.run(
        [sys.executable, "-m", "blast", "export", str(path), "--format", fmt, *extra],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "BLAST_CACHE_DIR": str(cache), "PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout


def _same_as_networkx(path: Path, tmp_path: Path) -> None:
    expected = {fmt: text.encode() for fmt, text in reference(path).items()}
    for fmt in FORMATS:
        cache = tmp_path / f"cache-{fmt}"
        cold = _export(path, fmt, cache)
        assert list(cache.glob("*.graph")), "the cold run wrote no cache entry"
        warm = _export(path, fmt, cache)
        assert cold == expected[fmt], f"{fmt}, read from the YAML"
        assert warm == expected[fmt], f"{fmt}, read from the cache"
        written = tmp_path / f"out.{fmt}"
        assert _export(path, fmt, cache, "-o", str(written)) == b""
        assert written.read_bytes() == expected[fmt], f"{fmt}, written with -o"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_graphs_export_as_networkx_wrote_them(path, tmp_path):
    _same_as_networkx(path, tmp_path)


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
def test_generated_graphs_export_as_networkx_wrote_them(shape, tmp_path):
    path = tmp_path / f"{shape}.yaml"
    path.write_text(to_yaml(generate(shape, 600, seed=3)), encoding="utf-8")
    _same_as_networkx(path, tmp_path)


def test_awkward_names_export_as_networkx_wrote_them(tmp_path):
    path = tmp_path / "odd.yaml"
    path.write_text(ODD, encoding="utf-8")
    graph = load_graph(path, cache=False)
    assert graph.components["db2"].name.count("\r") == 1  # the YAML escapes did their work
    assert graph.components["api"].depends_on[1].plane is not None  # a dependency's plane
    _same_as_networkx(path, tmp_path)


def test_a_long_export_streams_in_pieces_with_the_same_text(tmp_path):
    """More lines than one piece (:data:`blast.interop.exporttable.CHUNK`) holds."""
    from blast.interop.exporttable import CHUNK

    path = tmp_path / "hubs.yaml"
    path.write_text(to_yaml(generate("hubs", 3000, seed=4)), encoding="utf-8")
    assert len(list(load_graph(path, cache=False).edges())) > CHUNK
    _same_as_networkx(path, tmp_path)
