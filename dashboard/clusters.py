"""What to draw: components one by one, or aggregated into collapsible clusters.

Components are filed in a tree by provider, region, availability zone and kind
(``aws|us-east-1|database``). A *view* shows the children of every open cluster
and one aggregate node for every closed one, plus, pulled out of their clusters,
the components around the focused one and the largest SPOFs. A level with a
single child is skipped, so a graph whose components all share a provider opens
on its regions. Nothing is cut silently: the view lists what each aggregate holds
and what the budget left out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from dashboard.store import Analysed

SEP = "|"
NO_PROVIDER = "(no provider)"
MAX_ELEMENTS = 1500
"""Most Cytoscape elements (nodes, edges, boxes) drawn at once."""
MAX_NODES = 450
"""Most nodes of a view; the edges between them take the rest of ``MAX_ELEMENTS``."""
OVERVIEW_SPOFS = 40
"""SPOFs drawn on their own in a collapsed overview, largest first."""
MAX_GROUPS = 200
"""Most collapsed groups drawn; smaller ones beyond it are folded into one box."""
FOLDED = "(smaller groups)"
"""Id of the box that holds the groups beyond ``MAX_GROUPS``; it cannot be expanded."""


def node_path(analysed: Analysed, node: str) -> tuple[str, ...]:
    """The cluster path of a component, or of a redundancy group (that of its first member)."""
    graph = analysed.graph
    seen: set[str] = set()
    while node in graph.groups and node not in seen:
        seen.add(node)
        node = graph.groups[node].members[0]
    c = graph.components[node]
    path = [c.provider or NO_PROVIDER, c.region]
    if c.az:
        path.append(c.az)
    path.append(c.kind.value)
    return tuple(path)


@dataclass(frozen=True, eq=False)
class ClusterTree:
    """Nodes (components and groups) filed by cluster path."""

    children: dict[str, tuple[str, ...]]
    members: dict[str, tuple[str, ...]]
    parent_of_node: dict[str, str]

    @cached_property
    def size(self) -> dict[str, int]:
        """How many nodes each cluster holds, at any depth."""
        sizes: dict[str, int] = {}

        def count(cid: str) -> int:
            n = len(self.members.get(cid, ())) + sum(count(c) for c in self.children.get(cid, ()))
            sizes[cid] = n
            return n

        count("")
        return sizes

    def shown(self, cluster: str) -> str:
        """``cluster``, or its only child (repeatedly) when it has nothing else."""
        while not self.members.get(cluster) and len(self.children.get(cluster, ())) == 1:
            cluster = self.children[cluster][0]
        return cluster

    def ancestors(self, node: str) -> tuple[str, ...]:
        """Clusters holding ``node``, innermost first (the root ``""`` excluded)."""
        return self._ancestry[self.parent_of_node[node]]

    def leaf_ancestors(self, leaf: str) -> tuple[str, ...]:
        """Clusters holding the nodes filed directly in ``leaf``, innermost first."""
        return self._ancestry[leaf]

    @cached_property
    def _ancestry(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for leaf in set(self.parent_of_node.values()):
            chain, cid = [], leaf
            while cid:
                chain.append(cid)
                cid = cid.rpartition(SEP)[0]
            out[leaf] = tuple(chain)
        return out

    @cached_property
    def all_clusters(self) -> tuple[str, ...]:
        """Every cluster id but the root, sorted."""
        return tuple(sorted(c for c in self.size if c))


def cluster_tree(analysed: Analysed) -> ClusterTree:
    """File every component and group of the graph (see :func:`node_path`)."""
    children: dict[str, list[str]] = {}
    members: dict[str, list[str]] = {}
    parent: dict[str, str] = {}
    for node in analysed.graph.topology.nodes:
        path = node_path(analysed, node)
        prefix = ""
        for part in path:
            cid = f"{prefix}{SEP}{part}" if prefix else part
            kids = children.setdefault(prefix, [])
            if cid not in kids:
                kids.append(cid)
            prefix = cid
        members.setdefault(prefix, []).append(node)
        parent[node] = prefix
    return ClusterTree(
        children={k: tuple(sorted(v)) for k, v in children.items()},
        members={k: tuple(v) for k, v in members.items()},
        parent_of_node=parent,
    )


def cluster_label(cluster: str) -> str:
    """A cluster id as people read it: ``aws · us-east-1 · database``."""
    return cluster.replace(SEP, " · ")


@dataclass(frozen=True)
class View:
    """What one screen draws.

    ``nodes`` are the ids drawn one by one; ``aggregates`` maps each closed
    cluster drawn as one node to the ids it stands for; ``notes`` say in words
    what is hidden and how to show it.
    """

    nodes: tuple[str, ...]
    aggregates: dict[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()
    open_clusters: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def unit_of(self) -> dict[str, str]:
        """The drawn unit (itself, or an aggregate's cluster id) of every node in the view."""
        unit = {n: n for n in self.nodes}
        for cid, held in self.aggregates.items():
            for n in held:
                unit[n] = cid
        return unit


def fits_whole(analysed: Analysed) -> bool:
    """Whether the whole graph, every node and edge, fits in ``MAX_ELEMENTS``."""
    topo = analysed.graph.topology
    edges = sum(len(t) for t in topo.targets)
    return len(topo.nodes) <= MAX_NODES and len(topo.nodes) + edges <= MAX_ELEMENTS


OVERVIEW_CLUSTERS = 60
"""Most collapsed groups an overview opens on."""


@lru_cache(maxsize=16)
def default_open(analysed: Analysed, tree: ClusterTree) -> frozenset[str]:
    """Everything open when the whole graph fits the budget, else the overview: the
    levels of the tree (providers, then regions, ...) opened while the groups they show
    stay at most ``OVERVIEW_CLUSTERS``."""
    if fits_whole(analysed):
        return frozenset(tree.all_clusters)
    opened: set[str] = set()
    level = [tree.shown(c) for c in tree.children.get(tree.shown(""), ())]
    while True:
        below = [tree.shown(c) for cid in level for c in tree.children.get(cid, ())]
        if not below or len(below) > OVERVIEW_CLUSTERS:
            return frozenset(opened)
        opened.update(level)
        level = below


def neighbourhood(analysed: Analysed, focus: str, hops: int) -> list[str]:
    """Nodes within ``hops`` edges of ``focus`` in either direction, nearest first."""
    topo = analysed.graph.topology
    start = topo.position[focus]
    dist = {start: 0}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        if dist[v] >= hops:
            continue
        nxt = [*topo.targets[v], *(d for d, _ in topo.dependents[v])]
        for t in nxt:
            if t not in dist:
                dist[t] = dist[v] + 1
                queue.append(t)
    return [topo.nodes[v] for v in dist]


def make_view(
    analysed: Analysed,
    tree: ClusterTree,
    open_clusters: Iterable[str],
    focus: str | None = None,
    hops: int = 2,
    near_only: bool = False,
) -> View:
    """Choose what to draw (see the module docstring).

    With ``near_only`` only the ``hops`` neighbourhood of ``focus`` is drawn.
    Otherwise open clusters are walked from the root; the focus neighbourhood and
    the largest SPOFs are drawn individually even inside closed clusters. When
    more than ``MAX_NODES`` would be drawn, the least important go back into an
    aggregate of their cluster (priority: focus neighbourhood by distance, SPOFs
    by severity, then open clusters in order), and a note says so.
    """
    opened = frozenset(open_clusters)
    notes: list[str] = []
    near = neighbourhood(analysed, focus, hops) if focus else []
    total = len(tree.parent_of_node)
    if near_only and focus:
        kept = near[:MAX_NODES]
        hidden = total - len(kept)
        notes.append(
            f"Showing {len(kept)} of {total} nodes within {hops} hop{'s' if hops > 1 else ''} "
            f"of {focus}; "
            f"{hidden} hidden (choose 'whole graph' to see them)."
        )
        if len(near) > len(kept):
            notes.append(f"{len(near) - len(kept)} nodes of the neighbourhood left out (budget).")
        return View(tuple(kept), {}, tuple(notes), opened)

    walked: list[str] = []  # individually drawn because their cluster is open
    closed: list[str] = []  # clusters drawn as one node

    def walk(cluster: str) -> None:
        for node in tree.members.get(cluster, ()):
            walked.append(node)
        for child in tree.children.get(cluster, ()):
            shown = tree.shown(child)
            if shown in opened or (not tree.members.get(shown) and not tree.children.get(shown)):
                walk(shown)
            else:
                closed.append(shown)

    walk(tree.shown(""))
    spof_nodes = [s.component for s in analysed.spofs[:OVERVIEW_SPOFS]] if closed else []
    priority: list[str] = []
    seen: set[str] = set()
    for node in (*near, *spof_nodes, *walked):
        if node not in seen:
            seen.add(node)
            priority.append(node)
    kept = (
        priority[: MAX_NODES - len(closed)] if len(priority) + len(closed) > MAX_NODES else priority
    )
    left_out = len(priority) - len(kept)
    kept_set = set(kept)
    aggregates: dict[str, list[str]] = {c: [] for c in closed}
    closed_holder: dict[str, str | None] = {}  # per leaf cluster: its closed ancestor, if any
    for node, leaf in tree.parent_of_node.items():
        if node in kept_set:
            continue
        if leaf not in closed_holder:
            closed_holder[leaf] = next(
                (c for c in tree.leaf_ancestors(leaf) if c in aggregates), None
            )
        holder = closed_holder[leaf]
        if holder is None:  # an open cluster's member that the budget left out
            holder = leaf
            aggregates.setdefault(holder, [])
        aggregates[holder].append(node)
    aggregates = {c: held for c, held in aggregates.items() if held}
    if len(aggregates) > MAX_GROUPS:  # e.g. thousands of providers: fold the smallest
        order = sorted(aggregates, key=lambda c: (-len(aggregates[c]), c))
        fold = order[MAX_GROUPS - 1 :]
        folded = [n for c in fold for n in aggregates[c]]
        aggregates = {c: aggregates[c] for c in order[: MAX_GROUPS - 1]}
        aggregates[FOLDED] = folded
        notes.append(
            f"{len(fold)} smaller groups ({len(folded)} nodes) are folded into one box: "
            "search a component to see it and its neighbours."
        )
    if aggregates:
        hidden = sum(len(h) for h in aggregates.values())
        notes.append(
            f"{hidden} of {total} nodes are inside {len(aggregates)} collapsed groups "
            "(the boxes with counts): click one to expand it."
        )
    if left_out:
        notes.append(
            f"{left_out} nodes of open groups stay collapsed to keep the view under "
            f"{MAX_ELEMENTS} elements; focus a component or collapse a group to see them."
        )
    return View(
        tuple(kept),
        {c: tuple(h) for c, h in sorted(aggregates.items())},
        tuple(notes),
        opened,
    )
