"""Impact windows from a journal's events, compiled with the engine (``make native``).

:meth:`blast.sim.journal.Journal.windows` is the only caller: this module holds its
loops, which touch every event of a run (513,000 at 100,000 components, service shape),
so that mypyc compiles them (:mod:`blast.sim.native`); the journal module itself, the
journal's reading and writing, stays pure Python. The rules are the journal's (see
``Journal.windows``); the pure and compiled modules give the same windows (the engine's
tests run both), and ``tests/test_sim_windowing.py`` checks them against a direct
reading of the rule on random event lists.
"""

from __future__ import annotations

import math
from typing import Final

from librt.vecs import append, vec
from mypy_extensions import i64

from blast.sim.records import Cause, Event

STATES: Final = ("up", "degraded", "down")
"""Component states, from best to worst (their index is their severity)."""
_SEVERITY: Final = {state: i for i, state in enumerate(STATES)}

WindowRow = tuple[str, float, float | None, str, float, Cause, int]
"""A window's fields in :class:`blast.sim.journal.Window` order: component, start, end
(None: open at the horizon), severity, min_share, cause, event."""


def by_component(events: tuple[Event, ...]) -> dict[str, list[Event]]:
    """Each component's events, in journal order; components in order of first event."""
    out: dict[str, list[Event]] = {}
    for event in events:
        mine = out.get(event.component)
        if mine is None:
            out[event.component] = [event]
        else:
            mine.append(event)
    return out


def window_rows(by: dict[str, list[Event]], components: tuple[str, ...]) -> list[WindowRow]:
    """Every component's windows as :data:`WindowRow` s, sorted by start, then the
    component's position in ``components`` (-1 when not there), then opening event.

    Of each instant only its last event counts, and a window opens at the instant's
    first event when that one is bad (its cause explains the window), else at the last.
    """
    found: list[WindowRow] = []
    for component, all_events in by.items():
        last = len(all_events) - 1
        firsts: dict[float, Event] | None = None
        opened: Event | None = None
        worst, low = 0, 1.0
        ordered = True  # whether the times of all_events[: i + 1] never decrease
        nt = 0.0
        for i in range(last + 1):
            e = all_events[i]
            t = e.t
            if i < last:
                nt = all_events[i + 1].t
                if nt == t:
                    continue  # not the last change of its instant
            severity = _SEVERITY[e.state]
            if severity:
                if opened is None:
                    first = _first_at(all_events, i, t) if ordered else None
                    if first is None:  # times out of order: the first event at t anywhere
                        if firsts is None:
                            firsts = {}
                            for x in all_events:
                                if x.t not in firsts:
                                    firsts[x.t] = x
                        first = firsts[t]  # the instant's first cause
                    opened = first if _SEVERITY[first.state] else e
                    worst, low = severity, e.share_ok
                else:
                    worst, low = max(worst, severity), min(low, e.share_ok)
            elif opened is not None:
                found.append(
                    (component, opened.t, t, STATES[worst], low, opened.cause, opened.index)
                )
                opened = None
            if i < last and nt < t:
                ordered = False
        if opened is not None:
            found.append(
                (component, opened.t, None, STATES[worst], low, opened.cause, opened.index)
            )
    return _sorted(found, components)


def rows_in_order(events: tuple[Event, ...], components: tuple[str, ...]) -> list[WindowRow] | None:
    """:func:`window_rows` in one pass over ``events`` in journal order, or None when
    their times decrease somewhere (never in a journal; :func:`window_rows` then).

    Events in time order make each component's instants runs of its events, whose
    first and last are known when its next instant begins: per component, the pending
    instant's first and last event and the open window are kept by its number (one
    dictionary look-up an event). The journal's events lie in memory in that order, so
    the pass reads them in turn; a pass per component (:func:`window_rows`) read them
    at random (0.7 s at 100,000 components, service shape, against 0.05 s for reading
    them in turn).
    """
    number: dict[str, int] = {}
    names: list[str] = []
    # per component: its pending instant's time, first and last event (position in
    # ``events`` and severity; the last's share), its open window's opening event (-1:
    # none), worst severity and lowest share: numbers, so that no old event is touched
    pending_t, low, last_share = vec[float](), vec[float](), vec[float]()
    first, first_sev, last, last_sev = vec[i64](), vec[i64](), vec[i64](), vec[i64]()
    opened, worst = vec[i64](), vec[i64]()
    found: list[WindowRow] = []
    previous = -math.inf
    for k in range(len(events)):
        e = events[k]
        t = e.t
        if t < previous:
            return None
        previous = t
        severity = _SEVERITY[e.state]
        c = number.get(e.component, -1)
        if c < 0:
            number[e.component] = len(names)
            names.append(e.component)
            pending_t, low = append(pending_t, t), append(low, 1.0)
            last_share = append(last_share, e.share_ok)
            first, first_sev = append(first, k), append(first_sev, severity)
            last, last_sev = append(last, k), append(last_sev, severity)
            opened, worst = append(opened, -1), append(worst, 0)
            continue
        if pending_t[c] != t:  # the end of c's pending instant: its last event decides
            end = last_sev[c]
            w = opened[c]
            if end:
                if w < 0:
                    opened[c] = first[c] if first_sev[c] else last[c]
                    worst[c], low[c] = end, last_share[c]
                else:
                    worst[c], low[c] = max(worst[c], end), min(low[c], last_share[c])
            elif w >= 0:
                o = events[w]
                found.append(
                    (names[c], o.t, pending_t[c], STATES[worst[c]], low[c], o.cause, o.index)
                )
                opened[c] = -1
            pending_t[c], first[c], first_sev[c] = t, k, severity
        last[c], last_sev[c], last_share[c] = k, severity, e.share_ok
    for c in range(len(names)):  # the last instants, and the windows still open
        end = last_sev[c]
        w = opened[c]
        if end:
            if w < 0:
                w = first[c] if first_sev[c] else last[c]
                worst[c], low[c] = end, last_share[c]
            else:
                worst[c], low[c] = max(worst[c], end), min(low[c], last_share[c])
            o = events[w]
            found.append((names[c], o.t, None, STATES[worst[c]], low[c], o.cause, o.index))
        elif w >= 0:
            o = events[w]
            found.append((names[c], o.t, pending_t[c], STATES[worst[c]], low[c], o.cause, o.index))
    return _sorted(found, components)


def _sorted(found: list[WindowRow], components: tuple[str, ...]) -> list[WindowRow]:
    """``found`` by start, then the component's position in ``components`` (-1 when not
    there), then opening event."""
    order: dict[str, int] = {}
    for rank, name in enumerate(components):
        order[name] = rank
    keys: list[tuple[float, int, int, int]] = []
    for k, row in enumerate(found):
        keys.append((row[1], order.get(row[0], -1), row[6], k))
    keys.sort()
    return [found[key[3]] for key in keys]


def _first_at(events: list[Event], i: int, t: float) -> Event:
    """The first event at ``t`` when the times of ``events[: i + 1]`` never decrease and
    ``events[i]`` is at ``t``: the start of the run of equal times ending at ``i`` (no
    table of every instant, which cost an allocation per event)."""
    j = i
    while j > 0 and events[j - 1].t == t:
        j -= 1
    return events[j]
