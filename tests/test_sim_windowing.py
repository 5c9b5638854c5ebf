"""Impact windows (``Journal.windows``, its loops in :mod:`blast.sim.windowing`, compiled
with the engine: one pass in journal order, or a pass per component) against a direct
reading of the rule on random, seeded event lists:
for each component, the last event of each instant decides; a window opens at a bad
instant, with the cause of the instant's first event when that one is bad (else of its
last), and closes at the first instant that ends up. Windows sorted by start, the
component's place in the journal's list, then the opening event."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from blast.sim.journal import Journal, Window
from blast.sim.records import Cause, Event
from blast.sim.windowing import STATES, by_component, rows_in_order, window_rows


def _expected(events: list[Event], components: tuple[str, ...]) -> list[Window]:
    """The rule read directly: each component's instants in turn, no lookup tables."""
    out = []
    for c in dict.fromkeys(e.component for e in events):
        mine = [e for e in events if e.component == c]
        instants: list[list[Event]] = []
        for e in mine:  # runs of equal times
            if instants and instants[-1][-1].t == e.t:
                instants[-1].append(e)
            else:
                instants.append([e])
        opened, states, shares = None, [], []
        for run in instants:
            last = run[-1]
            if last.state != "up":
                if opened is None:  # the instant's first event: at its time, anywhere
                    first = next(e for e in mine if e.t == last.t)
                    opened = first if first.state != "up" else last
                states.append(STATES.index(last.state))
                shares.append(last.share_ok)
            elif opened is not None:
                severity = STATES[max(states)]
                out.append(
                    Window(c, opened.t, last.t, severity, min(shares), opened.cause, opened.index)
                )
                opened, states, shares = None, [], []
        if opened is not None:
            severity = STATES[max(states)]
            out.append(Window(c, opened.t, None, severity, min(shares), opened.cause, opened.index))
    rank = {c: i for i, c in enumerate(components)}
    return sorted(out, key=lambda w: (w.start, rank.get(w.component, -1), w.event))


def _events(rng: random.Random, n: int, names: list[str]) -> list[Event]:
    events, t = [], 0.0
    for i in range(n):
        t += rng.choice([0.0, 0.0, 1.0, 2.5, 60.0])
        state = rng.choice(STATES)
        share = 1.0 if state == "up" else rng.choice([0.0, 0.25, 0.5, 0.9])
        cause = Cause(rng.choice(["fault", "dependency", "recovered"]), upstream=i - 1 or None)
        events.append(Event(i, t, rng.choice(names), state, share, False, cause))
    return events


@pytest.mark.parametrize("seed", range(80))
def test_windows_follow_the_rule_on_random_events(seed):
    rng = random.Random(seed)
    names = [f"c{k}" for k in range(rng.randrange(1, 12))]
    events = _events(rng, rng.randrange(0, 200), names)
    if seed % 4 == 3:  # times out of order (a journal's never are): the table's way
        times = [e.t for e in events]
        rng.shuffle(times)
        events = [
            Event(e.index, t, e.component, e.state, e.share_ok, e.wrong, e.cause)
            for e, t in zip(events, times, strict=True)
        ]
    # some components missing from the journal's list (rank -1), the rest shuffled
    listed = tuple(rng.sample(names, rng.randrange(0, len(names) + 1)))
    journal = Journal(
        "g", "s", datetime(2025, 10, 20, tzinfo=UTC), 1e6, 0, listed, (), (), tuple(events)
    )
    expected = _expected(events, listed)
    assert list(journal.windows()) == expected
    rows = window_rows(by_component(tuple(events)), listed)
    assert [Window(*row) for row in rows] == expected
    in_order = rows_in_order(tuple(events), listed)  # the one pass, when times never decrease
    if all(a.t <= b.t for a, b in pairwise(events)):
        assert in_order is not None and [Window(*row) for row in in_order] == expected
    else:
        assert in_order is None
    assert by_component(tuple(events)) == {
        c: [e for e in events if e.component == c]
        for c in dict.fromkeys(e.component for e in events)
    }
