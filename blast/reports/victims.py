"""The dependency paths of many nodes at once, from one down wave's causes.

Each detailed SPOF of a report explains every user-facing component it takes down
with a path: the chain of causes from the victim to the SPOF that
:meth:`~blast.analysis.downwave.DownWave.causes` recorded. At 100,000 components a
SPOF takes down about 950 user-facing components; following each chain in Python,
one numpy scalar per hop, took about as long as the SPOF's recovery order. Here the
chains advance together, one numpy step per hop (the chains are a few hops long),
and the ids are looked up once, in one list.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np


def paths_of(cause: np.ndarray, nodes: np.ndarray, targets: Sequence[int]) -> list[tuple[str, ...]]:
    """For each position of ``targets``, the chain of ids along ``cause`` (the position that
    took each one down, -1 for a failed one) to a failed component: what
    :func:`~blast.analysis.downwave.path_of` gives for each, in the same order.

    ``nodes`` holds the ids by position (an object array).

    >>> cause = np.array([-1, 0, 1, 0])
    >>> paths_of(cause, np.array(["db", "api", "web", "cron"], dtype=object), [2, 3])
    [('web', 'api', 'db'), ('cron', 'db')]
    """
    at = np.asarray(targets, dtype=np.int64)
    who = np.arange(len(at), dtype=np.int64)
    hops, owners = [at], [who]
    while len(at):  # every chain one hop further, those that end dropped
        at = cause[at]
        going = at >= 0
        at, who = at[going], who[going]
        hops.append(at)
        owners.append(who)
    owner = np.concatenate(owners)
    by_chain = np.argsort(owner, kind="stable")  # each chain's hops, in order
    names = nodes[np.concatenate(hops)[by_chain]].tolist()
    ends = np.cumsum(np.bincount(owner, minlength=len(targets))).tolist()
    return [tuple(names[a:b]) for a, b in pairwise([0, *ends])]
