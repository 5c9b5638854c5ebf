"""GraphML (http://graphml.graphdrawing.org/) of an export table, as networkx writes it.

``networkx.generate_graphml`` builds an ElementTree element per node, edge and
attribute (about 5 M elements at 100,000 components), serialises the tree and
splits it into lines. This writes the same text from the columns of
:class:`~blast.interop.exporttable.ExportTable`, a piece at a time; what makes it
the same (tests/test_export.py compares the two on shipped and generated graphs):

* one ``<key>`` per attribute, numbered ``d0``, ``d1``… in the order networkx meets
  them (the graph's ``name``, each node attribute in its order, ``min_up`` when there
  are groups, the edges' ``type``), written newest first (networkx inserts each at
  the top); types ``string``, ``boolean`` (``True``/``False``), ``long``;
* ElementTree's escaping (``xml.etree.ElementTree._escape_cdata`` for text,
  ``_escape_attrib`` for attributes), an empty text as ``<data key="dN" />``, and
  non-ASCII characters as decimal character references (``tostring``'s default
  encoding is US-ASCII);
* networkx's indentation (two spaces a level), and its ``"\\n".join(text.splitlines())``,
  which turns the other line breaks ASCII has (``\\r``, ``\\x0b``, ``\\x0c``,
  ``\\x1c``-``\\x1e``, possible in a name) into ``\\n``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

# ElementTree's own escaping, which networkx's writer goes through (not in typeshed's stubs)
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # type: ignore[attr-defined]

from blast.interop.exporttable import ExportTable, line_pieces

_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
_NODE_KEYS = (
    ("label", "string"),
    ("kind", "string"),
    ("region", "string"),
    ("scope", "string"),
    ("plane", "string"),
    ("user_facing", "boolean"),
    ("group", "boolean"),
    ("spof", "boolean"),
    ("spof_user_facing_down", "long"),
)
_OTHER_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e]")
"""What ``str.splitlines`` splits on besides ``\\n``, among ASCII characters."""


def _keys(table: ExportTable) -> list[tuple[str, str, str]]:
    """``(for, attr.name, attr.type)`` of each key, ``d0`` first."""
    keys = [("graph", "name", "string")]
    if table.nodes:
        keys += [("node", name, kind) for name, kind in _NODE_KEYS]
    if len(table.nodes) > table.n_components:
        keys.append(("node", "min_up", "long"))
    if table.n_edges:
        keys.append(("edge", "type", "string"))
    return keys


def _data(key: str, text: str) -> str:
    """One ``<data>`` element, text escaped."""
    if not text:
        return f'<data key="{key}" />'
    return f'<data key="{key}">{_escape_cdata(text)}</data>'


def _as_written(piece: str) -> str:
    """``piece`` (whole lines) as networkx's output has it (see the module docstring)."""
    if not piece.isascii():
        piece = piece.encode("ascii", "xmlcharrefreplace").decode("ascii")
    if _OTHER_BREAKS.search(piece):
        piece = "\n".join(piece.splitlines()) + "\n"
    return piece


def graphml_lines(table: ExportTable) -> Iterator[str]:
    """GraphML text of ``table``, in pieces (see the module docstring)."""
    keys = _keys(table)
    ids = {(scope, name): f"d{i}" for i, (scope, name, _) in enumerate(keys)}
    head = [_HEAD]
    for i in reversed(range(len(keys))):
        scope, name, kind = keys[i]
        head.append(f'  <key id="d{i}" for="{scope}" attr.name="{name}" attr.type="{kind}" />')
    head.append('  <graph edgedefault="directed">')
    yield "\n".join(head) + "\n"

    k = [ids.get(("node", name), "") for name, _ in _NODE_KEYS]
    at, spof_down = table.n_components, table.spof_down
    attribute = [_escape_attrib(node) for node in table.nodes]
    truth = ("False", "True")

    def components() -> Iterator[str]:
        for v, cid in enumerate(table.nodes[:at]):
            spof = cid in spof_down
            yield (
                "\n      ".join(
                    (
                        f'    <node id="{attribute[v]}">',
                        _data(k[0], table.labels[v]),
                        _data(k[1], table.kinds[v]),
                        _data(k[2], table.regions[v]),
                        _data(k[3], table.scopes[v]),
                        _data(k[4], table.planes[v]),
                        _data(k[5], truth[table.user_facing[v]]),
                        f'<data key="{k[6]}">False</data>',
                        _data(k[7], truth[spof]),
                        _data(k[8], str(spof_down.get(cid, 0))),
                    )
                )
                + "\n    </node>"
            )

    group = (
        '    <node id="{}">\n      {}\n'
        f'      <data key="{k[1]}">group</data>\n'
        f'      <data key="{k[2]}" />\n'
        f'      <data key="{k[3]}" />\n'
        f'      <data key="{k[4]}" />\n'
        f'      <data key="{k[5]}">False</data>\n'
        f'      <data key="{k[6]}">True</data>\n'
        f'      <data key="{k[7]}">False</data>\n'
        f'      <data key="{k[8]}">0</data>\n'
        f'      <data key="{ids.get(("node", "min_up"))}">{{}}</data>\n'
        "    </node>"
    )
    groups = map(
        group.format,
        attribute[at:],
        (_data(k[0], label) for label in table.labels[at:]),
        table.min_up,
    )
    edge = (
        '    <edge source="{}" target="{}">\n'
        f'      <data key="{ids.get(("edge", "type"))}">{{}}</data>\n'
        "    </edge>"
    )
    edges = map(
        edge.format,
        map(attribute.__getitem__, table.sources()),
        map(attribute.__getitem__, table.target),
        table.types,
    )
    tail = [f"    {_data('d0', table.name)}", "  </graph>", "</graphml>"]
    yield from map(_as_written, line_pieces(chain(components(), groups, edges, tail)))
