"""The second pass's shortcut over list items without problems: their ``id`` alone.

A file with a few problems is parsed a second time only to locate them (file,
line, column). The items the first pass found nothing wrong with serve that
pass's checks across items (duplicate ids, references, did-you-mean) by their
ids alone, and building each of them in full cost most of the pass (a 41 MB
file: about two thirds of 37 s; docs/benchmarks.md, the cold path, second
session). :func:`read_id_only` reads one such item's events and keeps its
``id``. It reports the stub unfaithful whenever it could differ from what the
full build would give: an anchor (a listed item may alias it), an alias, an id
that is not plain text, or a stream that ends inside the item. The caller then
builds the whole document again, so errors stay exactly as good.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml


def read_id_only(
    get: Callable[[], Any], start: yaml.MappingStartEvent, plain_text: Callable[[str], bool]
) -> tuple[dict[str, Any], bool]:
    """Consume the events of the mapping opened by ``start``; return ``({"id": …}, faithful)``.

    ``get`` is the parser's ``get_event``; ``plain_text(value)`` says whether an
    untagged plain scalar resolves to a string under YAML 1.1's implicit rules.
    """
    faithful = start.anchor is None
    item: dict[str, Any] = {}
    depth, key = 1, None
    scalar_cls, alias_cls = yaml.ScalarEvent, yaml.AliasEvent
    map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    while depth:
        ev = get()
        if ev is None:
            break
        cls = type(ev)
        if cls is scalar_cls:
            if ev.anchor is not None:
                faithful = False
            if depth == 1:
                if key is None:
                    key = ev.value
                else:
                    if key == "id":
                        plain = ev.tag is None and ev.implicit[0]
                        if ev.tag is not None or (plain and not plain_text(ev.value)):
                            faithful = False
                        item["id"] = ev.value
                    key = None
        elif cls is map_start or cls is seq_start:
            if ev.anchor is not None:
                faithful = False
            depth += 1
        elif cls is map_end or cls is seq_end:
            depth -= 1
            if depth == 1:
                key = None  # a collection value (or key) ended
        elif cls is alias_cls:
            faithful = False
            if depth == 1:
                key = None if key is not None else "\0alias"
        else:  # the stream ended inside the item: libyaml reports it
            faithful = False
            break
    return item, faithful
