"""Order-2 cut sets grouped by shared reason: "any us-east-1 failure × any us-west-2 failure".

Behind a redundancy group of two cells, every component that takes down the
first cell pairs with every component that takes down the second: the pairs form
a product ``A × B`` that a flat list spells out ``|A|·|B|`` times. Components with
the *same set of partners* share their reason, so the pairs are grouped as
*class × partners*: each group is a true product (every pair in it is a cut
set), and together the groups hold every pair. A class whose every partner's
group was already listed adds nothing and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairGroup:
    """Pairs ``(a, b)`` for every ``a`` in ``left`` and ``b`` in ``right``."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    left_region: str | None
    right_region: str | None

    @property
    def size(self) -> int:
        """How many pairs the group stands for."""
        return len(self.left) * len(self.right)


def group_pairs(
    pairs: Iterable[tuple[str, str]], regions: Mapping[str, str] | None = None
) -> tuple[PairGroup, ...]:
    """Group ``pairs`` into products; largest groups first, then by their first ids.

    ``regions`` (id to region) names a side's region when all its members share one.
    """
    partners: dict[str, set[str]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    classes: dict[frozenset[str], list[str]] = {}
    for node, ps in partners.items():
        classes.setdefault(frozenset(ps), []).append(node)
    class_of = {node: key for key, nodes in classes.items() for node in nodes}
    ranked = sorted(classes.items(), key=lambda kv: (-len(kv[0]) * len(kv[1]), min(kv[1])))
    listed: set[frozenset[str]] = set()
    groups = []
    for key, members in ranked:
        if all(class_of[p] in listed for p in key):
            listed.add(key)
            continue
        listed.add(key)
        left, right = tuple(sorted(members)), tuple(sorted(key))
        if left[0] > right[0]:
            left, right = right, left
        groups.append(PairGroup(left, right, _region(left, regions), _region(right, regions)))
    groups.sort(key=lambda g: (-g.size, g.left[0], g.right[0]))
    return tuple(groups)


def _region(ids: tuple[str, ...], regions: Mapping[str, str] | None) -> str | None:
    if not regions:
        return None
    found = {regions.get(i) for i in ids}
    return found.pop() if len(found) == 1 else None
