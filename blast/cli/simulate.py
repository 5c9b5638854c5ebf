"""``blast simulate`` and ``blast explain``: play a scenario out in time, explain a state.

Both take a graph and a scenario file (``--scenario``) or a one-line fault
(``--fail ID --at TIME --for DURATION``). They only render the journal that
:func:`blast.sim.simulate` returns.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from blast.cli.common import (
    add_graph_argument,
    emit_bytes,
    emit_json,
    header,
    load_graph_arg,
    table,
)
from blast.model.durations import format_duration, parse_duration

if TYPE_CHECKING:
    from blast.model.graph import Graph
    from blast.sim import Event, Journal, Window

DESCRIPTIONS = {
    "simulate": "Play a scenario out in time: faults, propagation with delays, caches, leases, "
    "queues, health checks and operator actions. Prints the impact windows (start, end, "
    "severity, cause) of user-facing components first, then of the rest, in the scenario's "
    "local time and UTC.",
    "explain": "Why a component is in its state at a time of a scenario: the chain of causes "
    "back to the trigger, each step with its mechanism.",
}
DEFAULT_HORIZON = 86400.0


def _time(text: str) -> datetime:
    from blast.sim.scenario import _aware

    try:
        value = _aware(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    assert isinstance(value, datetime)
    return value


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scenario(args: argparse.Namespace, graph: Graph, fail_at: datetime | None) -> Any:
    from blast.errors import BadInputError
    from blast.sim import ScenarioDocument
    from blast.sim.loader import load_scenario

    if args.scenario and args.fail:
        raise BadInputError("give --scenario or --fail, not both")
    if args.scenario:
        return load_scenario(args.scenario, graph)
    if not args.fail:
        raise BadInputError("give a scenario (--scenario FILE) or a fault (--fail ID --at TIME)")
    if fail_at is None:
        raise BadInputError("--fail needs the time it starts (--at 2025-10-19T23:48-07:00)")
    fault: dict[str, Any] = {"id": "failure", "target": args.fail, "at": fail_at}
    if args.duration is not None:
        fault["for"] = args.duration
    horizon = args.horizon or (
        args.duration + 43200.0 if args.duration is not None else DEFAULT_HORIZON
    )
    from blast.sim.plan import resolve_target
    from blast.sim.scenario import Target

    resolve_target(graph, Target.model_validate({"component": args.fail}))
    name = f"{args.fail} down" + (f" for {format_duration(args.duration)}" if args.duration else "")
    return ScenarioDocument.model_validate(
        {"name": name, "start": fail_at, "horizon": horizon, "faults": [fault]}
    )


def _clock(journal: Journal, t: float) -> tuple[str, str]:
    """``t`` as local and UTC wall-clock times (seconds shown only when not zero)."""
    local = journal.time(t)
    fmt = "%Y-%m-%d %H:%M" + (":%S" if local.second else "")
    return local.strftime(fmt), local.astimezone(UTC).strftime(fmt + "Z")


def _cause_text(journal: Journal, cause: Any) -> str:
    if cause.trigger:
        return f"{cause.mechanism} {cause.trigger}" + (f": {cause.detail}" if cause.detail else "")
    text = cause.mechanism + (f" via {cause.dependency}" if cause.dependency else "")
    return text + (f" ({cause.detail})" if cause.detail else "")


def _window_rows(journal: Journal, windows: list[Window]) -> list[dict[str, Any]]:
    rows = []
    for w in windows:
        start, start_utc = _clock(journal, w.start)
        end, end_utc = _clock(journal, w.end) if w.end is not None else ("(open)", "")
        lasting = format_duration(w.duration) if w.duration is not None else "past horizon"
        rows.append(
            {
                "component": w.component,
                "severity": w.severity
                + ("" if w.min_share in (0.0, 1.0) else f" {w.min_share:.0%}"),
                "start": start,
                "end": end,
                "duration": lasting,
                "start UTC": start_utc,
                "end UTC": end_utc,
                "cause": _cause_text(journal, w.cause),
            }
        )
    return rows


COLUMNS = ["component", "severity", "start", "end", "duration", "start UTC", "end UTC", "cause"]


def _print_journal(journal: Journal, graph: Graph) -> None:
    print(header(graph))
    start, start_utc = _clock(journal, 0.0)
    offset = journal.start.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    print(f"\nScenario: {journal.scenario}")
    print(
        f"From {start} ({offset}, {start_utc}) for {format_duration(journal.horizon)}; "
        f"{len(journal.events)} state changes"
    )
    for trig in journal.triggers:
        when = _clock(journal, trig.t)[0]
        end = f" until {_clock(journal, trig.t_end)[0]}" if trig.t_end is not None else ""
        targets = ", ".join(trig.targets[:4]) + (" ..." if len(trig.targets) > 4 else "")
        print(f"  {when}  {trig.kind} {trig.id} on {targets}{end}")
    windows = list(journal.windows())
    facing = set(journal.user_facing)
    print("\nUser-facing impact windows")
    print(table(_window_rows(journal, [w for w in windows if w.component in facing]), COLUMNS))
    print("\nOther components")
    print(table(_window_rows(journal, [w for w in windows if w.component not in facing]), COLUMNS))


def _write_csv(journal: Journal, folder: str) -> None:
    import csv
    from pathlib import Path

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "windows.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "component",
                "user_facing",
                "start",
                "end",
                "start_utc",
                "end_utc",
                "severity",
                "min_share",
                "mechanism",
                "dependency",
                "trigger",
            ]
        )
        facing = set(journal.user_facing)
        for w in journal.windows():
            writer.writerow(
                [
                    w.component,
                    w.component in facing,
                    w.start,
                    w.end,
                    journal.time(w.start).astimezone(UTC).isoformat(),
                    journal.time(w.end).astimezone(UTC).isoformat() if w.end is not None else "",
                    w.severity,
                    w.min_share,
                    w.cause.mechanism,
                    w.cause.dependency or "",
                    w.cause.trigger or "",
                ]
            )
    with (out / "series.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "component",
                "t",
                "time_utc",
                "state",
                "share_ok",
                "backlog",
                "arrival",
                "capacity",
                "goodput",
                "delay",
            ]
        )
        for e in journal.events:
            writer.writerow(
                [e.component, e.t, _utc(journal, e.t), e.state, e.share_ok, "", "", "", "", ""]
            )
        for component, points in journal.queues.items():
            for p in points:
                writer.writerow(
                    [
                        component,
                        p.t,
                        _utc(journal, p.t),
                        "",
                        "",
                        p.backlog,
                        p.arrival,
                        p.capacity,
                        p.goodput,
                        p.delay,
                    ]
                )
    print(f"wrote {out / 'windows.csv'} and {out / 'series.csv'}")


def _utc(journal: Journal, t: float) -> str:
    return journal.time(t).astimezone(UTC).isoformat()


def _cmd_simulate(args: argparse.Namespace) -> int:
    from blast.cli.compare import run_compare
    from blast.sim import simulate

    graph = load_graph_arg(args)
    scenario = _scenario(args, graph, args.at)
    journal = simulate(graph, scenario, seed=args.seed)
    if args.compare:
        if not args.json:
            _print_journal(journal, graph)
        return run_compare(args, journal, scenario, args.scenario or scenario.name, graph)
    if args.json:
        emit_bytes(journal.to_json_bytes())
    elif args.csv:
        _write_csv(journal, args.csv)
    else:
        _print_journal(journal, graph)
    return 0


def _event_dict(journal: Journal, e: Event) -> dict[str, Any]:
    return {**e.to_dict(), "time": journal.time(e.t).isoformat(), "time_utc": _utc(journal, e.t)}


def _cmd_explain(args: argparse.Namespace) -> int:
    from blast.sim import simulate

    graph = load_graph_arg(args)
    if args.component not in graph:
        from blast.errors import BadInputError
        from blast.loading.messages import did_you_mean as _did_you_mean

        raise BadInputError(
            f"no component named '{args.component}'{_did_you_mean(args.component, graph)}"
        )
    journal = simulate(graph, _scenario(args, graph, args.fail_at), seed=args.seed)
    t = journal.seconds(args.at)
    chain = journal.explain(args.component, t)
    state = journal.state_at(args.component, t)
    share = chain[0].share_ok if chain else 1.0
    if args.json:
        emit_json(
            {
                "component": args.component,
                "at": args.at.isoformat(),
                "t": t,
                "state": state,
                "share_ok": share,
                "chain": [_event_dict(journal, e) for e in chain],
            }
        )
        return 0
    local, utc = _clock(journal, t)
    print(f"{args.component} at {local} ({utc}): {state}, {share:.0%} of work succeeds")
    if not chain:
        print("  nothing in the scenario reached it by then")
        return 0
    rows = [
        {
            "component": e.component,
            "state": e.state + ("" if e.share_ok in (0.0, 1.0) else f" {e.share_ok:.0%}"),
            "since": _clock(journal, e.t)[0],
            "since UTC": _clock(journal, e.t)[1],
            "because": _cause_text(journal, e.cause),
        }
        for e in chain
    ]
    print(table(rows, ["component", "state", "since", "since UTC", "because"]))
    return 0


def _common(p: argparse.ArgumentParser, *, fail_at: str) -> None:
    p.add_argument("--scenario", metavar="FILE", help="scenario file (graphs/scenarios/)")
    p.add_argument("--fail", metavar="ID", help="one-line scenario: the component that fails")
    p.add_argument(
        fail_at,
        type=_time,
        metavar="TIME",
        dest=fail_at.strip("-").replace("-", "_"),
        help="with --fail: when it fails, ISO 8601 with an offset",
    )
    p.add_argument(
        "--for",
        dest="duration",
        type=_duration,
        metavar="DURATION",
        help="with --fail: how long (e.g. 2h37m); for good when omitted",
    )
    p.add_argument(
        "--horizon",
        type=_duration,
        metavar="DURATION",
        help="with --fail: how long to simulate (default: --for + 12h, or 24h)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of anything random (0)")
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``simulate`` and ``explain`` to the ``blast`` command."""
    from blast.cli.compare import add_compare_option

    p = sub.add_parser(
        "simulate", help="play a scenario out in time", description=DESCRIPTIONS["simulate"]
    )
    add_graph_argument(p, metavar="GRAPH", text="graph file")
    _common(p, fail_at="--at")
    p.add_argument("--csv", metavar="DIR", help="write windows.csv and series.csv into DIR")
    add_compare_option(p)
    p.set_defaults(run=_cmd_simulate)

    p = sub.add_parser(
        "explain",
        help="why a component is in its state at a time",
        description=DESCRIPTIONS["explain"],
    )
    add_graph_argument(p, metavar="GRAPH", text="graph file")
    p.add_argument("component", metavar="COMPONENT", help="id of the component to explain")
    _common(p, fail_at="--fail-at")
    p.add_argument(
        "--at",
        type=_time,
        required=True,
        metavar="TIME",
        help="the time to explain, ISO 8601 with an offset",
    )
    p.set_defaults(run=_cmd_explain)
