"""A column of per-component values, packed for a cache entry: few distinct values become
a table and each component's index in it (see :meth:`blast.model.compact.Columns.as_data`).

Read back, each distinct value is made (and its type checked) once, and shared by every
component that has it: the columns of a 100,000-component entry parse in a fraction of
the time their plain JSON lists took (docs/benchmarks.md, r-base).
"""

from __future__ import annotations

import base64
import sys
from array import array
from collections.abc import Callable
from typing import Any


def factored(values: list[Any]) -> Any:
    """``values`` as ``{"values": the distinct values, "codes": each one's index (an
    unsigned little-endian array of ``type``, base64)}`` when at most half are distinct,
    else as they are (a column of names, mostly distinct)."""
    table: dict[Any, int] = {}
    codes = [table.setdefault(v, len(table)) for v in values]
    if len(table) * 2 > len(values):
        return [list(v) if isinstance(v, tuple) else v for v in values]
    code = "B" if len(table) <= 1 << 8 else "H" if len(table) <= 1 << 16 else "I"
    packed = array(code, codes)
    if sys.byteorder != "little":
        packed.byteswap()
    return {
        "values": [list(v) if isinstance(v, tuple) else v for v in table],
        "codes": base64.b64encode(packed.tobytes()).decode("ascii"),
        "type": code,
    }


def tags_of(values: list[str]) -> tuple[str, ...]:
    """A component's tags back from the JSON list (TypeError unless they are strings)."""
    tags = tuple(values)
    if not set(map(type, tags)) <= {str}:
        raise TypeError("a tag is not a string")
    return tags


def unfactored(data: Any, make: Callable[[Any], Any]) -> tuple[Any, ...]:
    """A column back from :func:`factored`. ``make`` turns a stored value into the
    column's, once per distinct value: ``str`` and ``bool`` check its type, ``tags_of``
    makes tags, an enum's table looks its member up. TypeError, KeyError or IndexError
    if the data does not fit, ValueError if its codes are not an array of their type."""
    values = data["values"] if isinstance(data, dict) else data
    if make is str or make is bool:
        if not set(map(type, values)) <= {make}:
            raise TypeError(f"a column of {make.__name__} holds something else")
        made = values
    else:
        made = list(map(make, values))
    if not isinstance(data, dict):
        return tuple(made)
    if data["type"] not in ("B", "H", "I"):
        raise TypeError("codes of an unknown type")
    codes = array(data["type"])
    codes.frombytes(base64.b64decode(data["codes"], validate=True))
    if sys.byteorder != "little":
        codes.byteswap()
    return tuple(map(made.__getitem__, codes))
