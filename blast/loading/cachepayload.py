"""The analysis-ready form of a validated graph inside a cache entry (see
:mod:`blast.loading.cache`).

An entry is data, never pickle. After a small JSON document (the graph's name
and references, the ids, the per-component columns of
:class:`~blast.model.compact.Columns`, each group's ``min_up`` and where each
section lies) come binary sections: the integer edges of
:class:`~blast.model.compact.Edges` (little-endian ``array`` bytes, read with
one ``frombytes`` each), and every component and group as the JSON pydantic
wrote when the graph was validated, one array each with the offset of every
item; last, the simulation parameters in compact form
(:class:`~blast.model.simparams.SimParams`, JSON parsed only when a simulation asks
for it), so that ``blast simulate`` validates no component model either.

Reading an entry builds no model: the graph's components and groups are
:class:`~blast.model.lazymodels.LazyModels`, each validated by the same pydantic
models that validate a YAML file when (and only if) something asks for it, and
in one bulk call when something asks for all of them. So a cache entry can never
give a model the loader would refuse; the columns and edges come from the same
validated graph, and the entry's checksum (:mod:`blast.loading.cache`) guards
all of it. Measured at 10,000 and 100,000 components: see docs/benchmarks.md.

This module imports pydantic only when a model is validated.
"""

from __future__ import annotations

import operator
import struct
import sys
from array import array
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import accumulate, chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from blast.errors import BlastError
from blast.gcpause import gc_paused
from blast.loading.files import display
from blast.model import compact
from blast.model.compact import EDGE_TYPE, Columns, Edges
from blast.model.graph import Compact, Graph
from blast.model.lazymodels import LazyModels
from blast.model.simparams import SimParams
from blast.model.storedorder import StoredOrder

if TYPE_CHECKING:
    from pydantic import TypeAdapter


_ARRAYS = {
    "start": "i",
    "target": "i",
    "kind": "b",
    "in_start": "i",
    "source": "i",
    "in_kind": "b",
    "component_at": "q",
    "group_at": "q",
}
_ORDER = {"order_members": "i", "order_sizes": "i"}
"""The hard-dependency order's sections (:class:`~blast.analysis.hardorder.StoredOrder`)."""
"""Binary sections: name -> ``array`` type code (sizes 4, 1 and 8 bytes, little-endian)."""
_SIZES = {"i": 4, "b": 1, "q": 8}
_LENGTH = struct.Struct("<Q")


WrittenItems = list[tuple[bytes, list[int]]]
"""Items' data as JSON, in chunks: each chunk the items' texts joined by commas, and the
length of each text (a few big strings instead of one small one per item: 100,000 small
ones left about 400 MB of the loader's freed memory unusable at 100,000 components)."""


class CacheEntryError(BlastError):
    """Raised when a cache entry's stored model does not validate (it never should: entries
    are written from validated graphs and checksummed); the entry is removed."""


def encode(graph: Graph, written: tuple[WrittenItems, WrittenItems] | None = None) -> bytes:
    """The entry payload of a validated graph.

    ``written`` (optional) is each component's and group's data as the files wrote it,
    as JSON, in the graph's order (:attr:`blast.loading.loader.Checked.written`): stored
    as it is, it validates into the same models (it is what they were validated from),
    and writing it took orjson 0.25 s at 100,000 components where pydantic's
    serialiser takes 2.7 s. Without it each model is serialised by pydantic.
    """
    with gc_paused():
        if written is not None and (
            _count(written[0]) != len(graph.components) or _count(written[1]) != len(graph.groups)
        ):
            written = None  # not this graph's: never store what does not match
        if written is None:
            components, component_at = _models(graph.components.values())
            groups, group_at = _models(graph.groups.values())
        else:
            components, component_at = _chunks_joined(written[0])
            groups, group_at = _chunks_joined(written[1])
        edges = graph.edge_arrays
        blocks: dict[str, bytes] = {
            "start": _le(array(_ARRAYS["start"], edges.start)),
            "target": _le(array(_ARRAYS["target"], edges.target)),
            "kind": _le(array(_ARRAYS["kind"], edges.kind)),
            "in_start": _le(array(_ARRAYS["in_start"], edges.in_start)),
            "source": _le(array(_ARRAYS["source"], edges.source)),
            "in_kind": _le(array(_ARRAYS["in_kind"], edges.in_kind)),
            "component_at": _le(component_at),
            "group_at": _le(group_at),
            "components": components,
            "groups": groups,
        }
        sim = _sim_params(graph)
        if sim is not None:
            blocks["sim"] = sim.to_json()
        from blast.analysis.hardorder import stored_order  # the cold path only

        order = stored_order(graph.topology)
        blocks["order_members"] = _le(order.members)
        blocks["order_sizes"] = _le(order.sizes)
        sections, at = {}, 0
        for name, block in blocks.items():
            sections[name] = [at, len(block)]
            at += len(block)
        meta = orjson.dumps(
            {
                "name": graph.name,
                "references": dict(graph.references),
                "components": list(graph.components),
                "groups": list(graph.groups),
                "group_names": list(graph.compact.group_names)
                if graph.compact is not None  # builds no model
                else [g.name for g in graph.groups.values()],
                "columns": graph.columns.as_data(),
                "min_up": list(edges.min_up),
                "sections": sections,
                "order_by": order.rustworkx,
            }
        )
        return b"".join([_LENGTH.pack(len(meta)), meta, *blocks.values()])


def decode(data: bytes, files: Sequence[Path], entry: Path | None = None) -> Graph:
    """The graph back from :func:`encode`'s bytes; ``files`` are the include tree's paths.

    Raises ValueError when the bytes are not a well-formed payload (the caller then
    loads the files afresh).
    """
    try:
        (length,) = _LENGTH.unpack_from(data)
        meta = orjson.loads(data[_LENGTH.size : _LENGTH.size + length])
        body = _LENGTH.size + length
        sections = meta["sections"]

        def origin(name: str) -> int:
            at, size = sections[name]
            if not (isinstance(at, int) and isinstance(size, int) and min(at, size) >= 0):
                raise ValueError(f"bad section {name}")
            if body + at + size > len(data):
                raise ValueError(f"section {name} is cut short")
            return int(body + at)

        def block(name: str) -> bytes:
            start = origin(name)
            return data[start : start + sections[name][1]]

        def within(name: str, offsets: array[int]) -> array[int]:
            if len(offsets) and offsets[-1] > sections[name][1]:
                raise ValueError(f"models beyond section {name}")
            return offsets

        arrays = {name: _array(block(name), code) for name, code in _ARRAYS.items()}
        ids, group_ids = tuple(meta["components"]), tuple(meta["groups"])
        nodes = ids + group_ids
        if not set(map(type, nodes)) <= {str}:
            raise ValueError("ids must be strings")
        position = dict(zip(nodes, range(len(nodes)), strict=True))
        if len(position) != len(nodes):
            raise ValueError("duplicate ids")
        # the same checks as Edges.check, on the arrays, before any list is made
        check_arrays(arrays, len(ids), len(group_ids), len(meta["min_up"]))
        edges = Edges(
            start=arrays["start"].tolist(),
            target=arrays["target"].tolist(),
            kind=arrays["kind"].tolist(),
            in_start=arrays["in_start"].tolist(),
            source=arrays["source"].tolist(),
            in_kind=arrays["in_kind"].tolist(),
            min_up=tuple(map(int, meta["min_up"])),
        )
        columns = Columns.from_data(ids, meta["columns"])
        where = entry or Path("cache entry")
        # The models stay in the entry's bytes, uncopied (26 MB at 100,000 components).
        components = LazyModels(
            ids,
            data,
            within("components", arrays["component_at"]),
            *_validators("components", where),
            position,
            origin=origin("components"),
        )
        groups = LazyModels(
            group_ids,
            data,
            within("groups", arrays["group_at"]),
            *_validators("groups", where),
            position,
            len(ids),
            origin=origin("groups"),
        )
        sim = SimParams(block("sim")) if "sim" in sections else None
        order = StoredOrder(
            _array(block("order_members"), _ORDER["order_members"]),
            _array(block("order_sizes"), _ORDER["order_sizes"]),
            str(meta["order_by"]),
        )
        group_names = tuple(meta["group_names"])
        if len(group_names) != len(group_ids) or not set(map(type, group_names)) <= {str}:
            raise ValueError("group names do not match the groups")
        references = {str(k): str(v) for k, v in dict(meta["references"]).items()}
        name = str(meta["name"])
    except (KeyError, TypeError, IndexError, struct.error) as exc:
        raise ValueError(f"malformed cache payload: {exc!r}") from None
    return Graph(
        components,
        groups,
        name=name,
        files=tuple(display(p) for p in files),
        references=references,
        compact=Compact(columns, edges, nodes, position, group_names, sim, order),
    )


def check_arrays(
    arrays: Mapping[str, array[int]],
    n_components: int,
    n_groups: int,
    n_min_up: int,
    *,
    numpy: bool | None = None,
) -> None:
    """:meth:`Edges.check <blast.model.compact.Edges.check>` of an entry's edge arrays (as
    :data:`_ARRAYS` names them), on the arrays themselves: the same refusals, with C-level
    passes (``min``, ``max``, ``map`` over the arrays; kinds as bytes, checked with
    ``bytes.translate`` and ``count``) before any list is made. A test compares the two
    on damaged arrays. numpy does the order and range passes in a few milliseconds, but
    importing it costs 0.2 s, and ``blast simulate`` imports it nowhere else (0.05 s the
    builtin way at 100,000 components, service shape): so numpy does them when it is
    imported already (``numpy=None``, every analysing command imports it before reading
    the graph), the builtins otherwise; ``numpy=True``/``False`` picks (a test runs both).
    """
    if numpy is None:
        numpy = "numpy" in sys.modules
    n, e = n_components + n_groups, len(arrays["target"])
    if n_min_up != n_groups:
        raise ValueError("min_up does not match the groups")
    known = bytes(code & 0xFF for code in EDGE_TYPE)
    for offsets_name, values_name, kinds_name in _EDGE_ARRAYS:
        offsets, values = arrays[offsets_name], arrays[values_name]
        kinds = arrays[kinds_name]
        if len(offsets) != n + 1 or offsets[0] != 0 or offsets[-1] != e:
            raise ValueError("edge offsets do not match the nodes")
        if len(values) != e or len(kinds) != e:
            raise ValueError("edge arrays differ in length")
        decreasing, outside = (_order_and_range_numpy if numpy else _order_and_range)(
            offsets, values, n
        )
        if decreasing:
            raise ValueError("edge offsets decrease")
        if outside:
            raise ValueError("an edge points outside the graph")
        if kinds.tobytes().translate(None, known):
            raise ValueError("unknown edge kind")
    kind = arrays["kind"].tobytes()
    first = arrays["start"][n_components]
    member = bytes([compact.MEMBER_EDGE])
    if kind.count(member) != e - first or kind[first:].count(member) != e - first:
        raise ValueError("membership edges out of place")


_EDGE_ARRAYS = (("start", "target", "kind"), ("in_start", "source", "in_kind"))


def _order_and_range(offsets: array[int], values: array[int], n: int) -> tuple[bool, bool]:
    """Whether ``offsets`` ever decrease, and whether a value lies outside ``range(n)``:
    C-level builtins over the arrays (no numpy)."""
    decreasing = any(map(operator.gt, offsets, offsets[1:]))
    return decreasing, bool(values) and (min(values) < 0 or max(values) >= n)


def _order_and_range_numpy(offsets: array[int], values: array[int], n: int) -> tuple[bool, bool]:
    """:func:`_order_and_range` with numpy, on views of the arrays (no copy)."""
    import numpy as np

    at = np.frombuffer(offsets, dtype=np.dtype(offsets.typecode))
    seen = np.frombuffer(values, dtype=np.dtype(values.typecode))
    decreasing = bool(len(at) > 1 and (at[1:] < at[:-1]).any())
    return decreasing, bool(len(seen)) and bool(seen.min() < 0 or seen.max() >= n)


def _sim_params(graph: Graph) -> SimParams | None:
    """The graph's simulation parameters in compact form: kept by the loader's fast pass,
    else taken from the models when they are at hand (a graph the usual passes built)."""
    if graph.compact is not None:
        return graph.compact.sim
    edges = graph.edge_arrays
    return SimParams.of_models(
        len(graph.components), edges.start, enumerate(graph.components.values())
    )


def _models(models: Any) -> tuple[bytes, array[int]]:
    """The models as one JSON array, and where each one starts (plus the end)."""
    # Only the fields set when the graph was validated (what the files wrote, plus what a
    # validator filled in): re-validation gives the others their defaults again, so the
    # models come back equal, and the entry is about 6x smaller and 2x faster to read.
    return _joined([m.__pydantic_serializer__.to_json(m, exclude_unset=True) for m in models])


def _joined(parts: list[bytes]) -> tuple[bytes, array[int]]:
    """JSON texts as one JSON array, and where each one starts (plus the end)."""
    at, offsets = 1, array("q", [1])
    for part in parts:
        at += len(part) + 1
        offsets.append(at)
    return b"[" + b",".join(parts) + b"]", offsets


def _count(chunks: WrittenItems) -> int:
    return sum(len(lengths) for _, lengths in chunks)


def _chunks_joined(chunks: WrittenItems) -> tuple[bytes, array[int]]:
    """:func:`_joined` of texts already joined chunk by chunk."""
    blob = b"[" + b",".join(text for text, _ in chunks) + b"]"
    lengths = chain.from_iterable(lengths for _, lengths in chunks)
    return blob, array("q", accumulate(map((1).__add__, lengths), initial=1))


def _le(values: array[int]) -> bytes:
    if sys.byteorder == "little" or values.itemsize == 1:
        return values.tobytes()
    swapped = array(values.typecode, values)
    swapped.byteswap()
    return swapped.tobytes()


def _array(raw: bytes, code: str) -> array[int]:
    values = array(code)
    if values.itemsize != _SIZES[code] or len(raw) % values.itemsize:
        raise ValueError("array section of the wrong size")
    values.frombytes(raw)
    if sys.byteorder != "little" and values.itemsize > 1:
        values.byteswap()
    return values


@cache
def _adapter(kind: str) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    from blast.model.spec import Component, RedundancyGroup

    model = Component if kind == "components" else RedundancyGroup
    return TypeAdapter(tuple[model, ...])  # type: ignore[valid-type]


def _invalid(where: Path, exc: ValueError) -> CacheEntryError:
    if where.name.endswith(".graph"):
        where.unlink(missing_ok=True)
    first = str(exc).splitlines()[0]
    return CacheEntryError(
        f"{where}: a cached model does not validate ({first}); the entry was removed, "
        "run the command again (or with --no-cache)"
    )


def _validators(
    kind: str, where: Path
) -> tuple[Callable[[bytes], Any], Callable[[bytes], Sequence[Any]]]:
    """How :class:`LazyModels` validates one stored model of ``kind`` ("components" or
    "groups") and all of them at once, with the same pydantic models as the loader; a
    model that does not validate removes the entry (:func:`_invalid`)."""

    def one(raw: bytes) -> Any:
        from blast.model.spec import Component, RedundancyGroup

        model = Component if kind == "components" else RedundancyGroup
        try:
            return model.model_validate_json(raw)
        except ValueError as exc:
            raise _invalid(where, exc) from None

    def every(raw: bytes) -> Sequence[Any]:
        try:
            with gc_paused():
                return _adapter(kind).validate_json(raw)
        except ValueError as exc:
            raise _invalid(where, exc) from None

    return one, every
