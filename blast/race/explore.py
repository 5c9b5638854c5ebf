"""Exhaustive breadth-first exploration of the protocol, its verdicts and exact odds.

Every interleaving of a small :class:`~blast.race.protocol.Config` is enumerated
breadth-first, so the first state found that breaks a property is reached by a
shortest sequence of steps (BFS, as TLC does). Two properties:

* **safety**: no endpoint's plan in effect is ever deleted; equivalently its DNS
  record is never empty (the record is an alias to the plan's records);
* **progress**: from every reachable state, some sequence of steps still brings
  every endpoint to the newest plan; a state where the automation is stuck for
  ever (the rollback record points at a deleted plan) breaks it. Checked as
  "AG EF converged" by a backward search from the converged states.

Under a stated scheduler, *uniform*: in each state every enabled step is equally
likely, the state graph is a Markov chain; it has no cycles (each step advances
a plan counter or an Enactor's program counter), so the exact probability of
ever reaching an empty record is a sum over the graph in reverse topological
order, in exact rational arithmetic. :func:`random_walk` samples the same chain,
which is what the Monte Carlo agreement test compares against.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from fractions import Fraction

from blast.race.protocol import (
    Config,
    State,
    Step,
    converged,
    describe,
    empty_endpoints,
    initial,
    successors,
)


@dataclass(frozen=True)
class TraceStep:
    """Step ``number`` of a counterexample, with the fields it changed (before, after)."""

    number: int
    actor: str
    kind: str
    text: str
    diff: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Counterexample:
    """A shortest path from the initial state to a state breaking ``property``."""

    property: str
    steps: tuple[TraceStep, ...]
    final: tuple[tuple[str, str], ...]

    def lines(self) -> list[str]:
        """Numbered steps, each followed by its state diff."""
        out = []
        for step in self.steps:
            out.append(f"{step.number:>3}. {step.text}")
            out += [f"       {key}: {before} -> {after}" for key, before, after in step.diff]
        return out


@dataclass(frozen=True)
class Exploration:
    """What the search found: sizes, verdicts, shortest counterexamples, exact odds."""

    config: Config
    states: int
    transitions: int
    depth: int
    terminal_states: int
    safety_violations: int
    progress_violations: int
    counterexample: Counterexample | None
    progress_counterexample: Counterexample | None
    probability_empty: Fraction

    @property
    def ok(self) -> bool:
        return self.safety_violations == 0 and self.progress_violations == 0


def _path(parents: list[tuple[int, Step | None]], index: int) -> list[tuple[int, Step]]:
    path = []
    while True:
        parent, step = parents[index]
        if step is None:
            break
        path.append((index, step))
        index = parent
    return path[::-1]


def _counterexample(
    config: Config, states: list[State], parents: list[tuple[int, Step | None]], end: int, prop: str
) -> Counterexample:
    steps = []
    before = describe(config, states[0])
    for number, (index, step) in enumerate(_path(parents, end), start=1):
        after = describe(config, states[index])
        diff = tuple((k, before[k], after[k]) for k in after if before.get(k) != after[k])
        actor = "Planner" if step.actor < 0 else f"Enactor {config.enactor_name(step.actor)}"
        steps.append(TraceStep(number, actor, step.kind, step.text, diff))
        before = after
    return Counterexample(prop, tuple(steps), tuple(describe(config, states[end]).items()))


def explore(config: Config, max_states: int = 2_000_000) -> Exploration:
    """Every reachable state of ``config``, breadth-first; safety, progress, exact odds.

    Raises ``BadInputError`` (from :class:`Config`) for configurations too big to
    enumerate, and ``RuntimeError`` past ``max_states``.
    """
    start = initial(config)
    states = [start]
    index = {start: 0}
    parents: list[tuple[int, Step | None]] = [(0, None)]
    levels = [0]
    edges: list[list[int]] = []
    first_empty = -1
    queue = deque([0])
    while queue:
        i = queue.popleft()
        out: list[int] = []
        for step, nxt in successors(config, states[i]):
            j = index.get(nxt)
            if j is None:
                j = len(states)
                if j >= max_states:
                    raise RuntimeError(
                        f"more than {max_states} states; use a smaller configuration"
                    )
                index[nxt] = j
                states.append(nxt)
                parents.append((i, step))
                levels.append(levels[i] + 1)
                queue.append(j)
                if first_empty < 0 and empty_endpoints(nxt):
                    first_empty = j
            out.append(j)
        edges.append(out)
    bad = [bool(empty_endpoints(s)) for s in states]
    can_converge = _backward(edges, [converged(config, s) for s in states])
    stuck = [i for i in range(len(states)) if not can_converge[i]]  # in BFS order
    return Exploration(
        config=config,
        states=len(states),
        transitions=sum(len(o) for o in edges),
        depth=max(levels),
        terminal_states=sum(1 for o in edges if not o),
        safety_violations=sum(bad),
        progress_violations=len(stuck),
        counterexample=(
            _counterexample(config, states, parents, first_empty, "safety")
            if first_empty >= 0
            else None
        ),
        progress_counterexample=(
            _counterexample(config, states, parents, stuck[0], "progress") if stuck else None
        ),
        probability_empty=_probability(edges, bad),
    )


def _backward(edges: list[list[int]], goal: list[bool]) -> list[bool]:
    """Which states can reach a goal state (EF goal), by a backward search."""
    reverse: list[list[int]] = [[] for _ in edges]
    for i, out in enumerate(edges):
        for j in out:
            reverse[j].append(i)
    reach = list(goal)
    queue = deque(i for i, g in enumerate(goal) if g)
    while queue:
        j = queue.popleft()
        for i in reverse[j]:
            if not reach[i]:
                reach[i] = True
                queue.append(i)
    return reach


def _probability(edges: list[list[int]], bad: list[bool]) -> Fraction:
    """P(reach a bad state from state 0) when each enabled step is equally likely.

    Bad states absorb. Solved in reverse topological order (the graph is acyclic;
    a cycle would raise, since the uniform chain would then need a linear solve).
    """
    n = len(edges)
    order: list[int] = []
    mark = [0] * n  # 0 new, 1 on stack, 2 done
    stack = [(0, 0)]
    while stack:
        i, k = stack.pop()
        if k == 0:
            if mark[i]:
                continue
            mark[i] = 1
        succ = [] if bad[i] else edges[i]
        if k < len(succ):
            stack.append((i, k + 1))
            j = succ[k]
            if mark[j] == 1:
                raise RuntimeError("the state graph has a cycle; exact probability needs a solve")
            if mark[j] == 0:
                stack.append((j, 0))
        else:
            mark[i] = 2
            order.append(i)
    value: dict[int, Fraction] = {}
    for i in order:  # successors first
        if bad[i]:
            value[i] = Fraction(1)
        elif not edges[i]:
            value[i] = Fraction(0)
        else:
            value[i] = sum((value[j] for j in edges[i]), Fraction(0)) / len(edges[i])
    return value[0]


def random_walk(config: Config, rng: random.Random) -> bool:
    """One run of the uniform scheduler: True when a record goes empty before the end.

    A pure function of ``(config, rng)``: the Monte Carlo estimate of
    :attr:`Exploration.probability_empty`.
    """
    state = initial(config)
    while True:
        options = list(successors(config, state))
        if not options:
            return False
        state = options[rng.randrange(len(options))][1]
        if empty_endpoints(state):
            return True
