"""Killer sets solved when first read: a list whose slots fill in on demand.

``blast report``, ``check``, ``radius`` and ``export`` read the killer sets of a few
nodes (the user-facing components, the watchers of blind spots, the members of the
sets they print): at 100,000 components 12,500 of 102,000 on the generated shapes,
which need, with everything below them, 37-38% of the elements of all the sets. A
node's set depends only on what lies below it (:mod:`blast.analysis.killers`), so
reading a slot solves the unsolved part below it, strongly connected components in
dependency order, with the same :func:`~blast.analysis.killers.solve_killers`: the
sets are those of the full pass. Reading a slice, or iterating (``blast spof``'s
counts of every blast radius), solves everything left first, in one pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, SupportsIndex, overload

from pyroaring import FrozenBitMap

from blast.analysis.killers import KillerTable, solve_killers
from blast.gcpause import gc_paused

_SOLVING = threading.RLock()
"""Held while slots are solved. The dashboard's threads share one index: without it two
readers could solve the same slots and miscount those left. Re-entrant, as a solve reads
its targets through the table. Module-wide, so the table itself stays picklable."""


class LazyKillers(list[FrozenBitMap]):
    """Killer sets by position, each solved when first read (see the module docstring).

    A ``list`` (so that callers copy it, slice it and type it as one) whose unsolved
    slots hold ``None`` until :meth:`__getitem__` or :meth:`__iter__` fills them.
    """

    def __init__(
        self,
        order: Sequence[Sequence[int]],
        hard_targets: Sequence[Sequence[int]],
        n_components: int,
        bit_of_pos: Sequence[int],
        need: dict[int, int],
    ) -> None:
        super().__init__([None] * len(hard_targets))  # type: ignore[list-item]
        self._order = order
        self._hard_targets = hard_targets
        self._n_components = n_components
        self._bit_of_pos = bit_of_pos
        self._need = need
        self._rank: list[int] | None = None
        self._left = len(hard_targets)  # slots not solved yet

    def _solve(self, order: Sequence[Sequence[int]], table: KillerTable | None = None) -> None:
        with gc_paused():
            solve_killers(
                order,
                self._hard_targets,
                self._n_components,
                self._bit_of_pos,
                self._need,
                self if table is None else table,
            )
        self._left -= sum(map(len, order))

    def solve_all(self) -> None:
        """Solve every slot not solved yet, in one pass over the dependency order."""
        if self._left:
            with _SOLVING:
                get = super().__getitem__
                left = [scc for scc in self._order if get(scc[0]) is None]
                # into a plain list: the solve's reads of this table's slots were a Python
                # call each (``blast spof``: 0.1-0.4 s more CPU than the full pass at 100,000)
                table = list.copy(self)
                self._solve(left, table)
                list.__setitem__(self, slice(None), table)

    def _solve_below(self, node: int) -> None:
        """Solve ``node`` and everything unsolved below it, in dependency order."""
        get = super().__getitem__
        if self._rank is None:
            rank = [0] * len(self)
            for i, scc in enumerate(self._order):
                for v in scc:
                    rank[v] = i
            self._rank = rank
        hard_targets, rank = self._hard_targets, self._rank
        found = {node}
        stack = [node]
        while stack:  # unsolved nodes below (a solved node's own targets are solved)
            for t in hard_targets[stack.pop()]:
                if t not in found and get(t) is None:
                    found.add(t)
                    stack.append(t)
        by_rank: dict[int, list[int]] = {}
        for v in sorted(found, key=lambda v: (rank[v], v)):
            by_rank.setdefault(rank[v], []).append(v)
        self._solve(list(by_rank.values()))

    @overload
    def __getitem__(self, i: SupportsIndex) -> FrozenBitMap: ...
    @overload
    def __getitem__(self, i: slice) -> list[FrozenBitMap]: ...
    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            self.solve_all()
            return super().__getitem__(i)
        found = super().__getitem__(i)
        if found is None:
            with _SOLVING:  # another thread may have solved it meanwhile: look again
                if super().__getitem__(i) is None:
                    self._solve_below(i if i >= 0 else i + len(self))
                found = super().__getitem__(i)
        return found

    def __iter__(self) -> Iterator[FrozenBitMap]:
        self.solve_all()
        return super().__iter__()


def _solving_first(name: str) -> Any:
    """``list``'s method ``name``, after every slot is solved: list's own C methods (compare,
    ``in``, ``index``, ``copy``, ``repr``...) read the slots directly, ``None`` included."""
    method = getattr(list, name)

    def read(self: LazyKillers, *args: Any) -> Any:
        self.solve_all()
        return method(self, *args)

    read.__name__ = read.__qualname__ = name
    read.__doc__ = method.__doc__
    return read


_READS_EVERY_SLOT = (
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__contains__", "__repr__",
    "__reversed__", "__add__", "__mul__", "__rmul__", "copy", "index", "count",
)  # fmt: skip
for _name in _READS_EVERY_SLOT:  # on the class, so that ``full == lazy`` tries it first
    setattr(LazyKillers, _name, _solving_first(_name))


class KillersByName(Mapping[str, FrozenBitMap]):
    """The sets of a :class:`LazyKillers` by node id: reading one solves it (and what it needs)."""

    def __init__(self, table: LazyKillers, nodes: Sequence[str], position: dict[str, int]):
        self._table, self._nodes, self._position = table, nodes, position

    def __getitem__(self, node: str) -> FrozenBitMap:
        return self._table[self._position[node]]

    def __contains__(self, node: object) -> bool:
        return node in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


__all__ = ["KillersByName", "LazyKillers"]
