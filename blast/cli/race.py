"""``blast race``: the DynamoDB DNS race, checked exhaustively or estimated by Monte Carlo."""

from __future__ import annotations

import argparse

from blast.cli.common import add_command, emit_json, positive_int, table

DESCRIPTION = (
    "The DNS Planner/Enactor race of 2025-10-20. With --exhaustive: every interleaving of a "
    "small configuration (default: the public TLA+ model's 2 Enactors, plans up to 5, clean-up "
    "threshold 2), checked for safety (the plan in effect is never deleted, the record never "
    "empty) and progress (the automation can always still apply the newest plan), with the "
    "shortest counterexample. Otherwise: a Monte Carlo of the timed model estimating P(empty "
    "record) per window and per day over latency-tail and lock-contention settings (Wilson "
    "intervals), the cost of each fix, and one losing interleaving as a sequence diagram."
)
ENDPOINTS = ("regional", "ipv6", "fips", "fips-ipv6")


def _floats(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a comma-separated list of numbers"
        ) from None
    if not all(0 <= v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"'{text}': every value must be in [0, 1)")
    return values


def run_race(args: argparse.Namespace) -> int:
    from blast.race.protocol import Fix

    fix = Fix.parse(args.fix)
    if args.exhaustive:
        return _exhaustive(args, fix)
    return _montecarlo(args, fix)


def _exhaustive(args: argparse.Namespace, fix: object) -> int:
    from blast.race import diagram, serialize
    from blast.race.explore import explore
    from blast.race.protocol import Config, Fix

    assert fix is None or isinstance(fix, Fix)
    config = Config(
        enactors=args.enactors or 2,
        max_plan=args.max_plan,
        threshold=args.threshold or 2,
        endpoints=ENDPOINTS[: args.endpoints or 1],
        atomic=args.atomic,
        fix=fix,
    )
    result = explore(config)
    messages = (
        diagram.from_counterexample(result.counterexample, config) if result.counterexample else []
    )
    if args.json:
        data = serialize.exploration(result)
        data["diagram"] = serialize.messages(messages)
        emit_json(data)
        return 0
    steps = "atomic Enactor runs" if config.atomic else "pick / lock / write / clean-up steps"
    print(
        f"Exhaustive search: {config.enactors} Enactors, plans up to {config.max_plan}, "
        f"clean-up threshold {config.threshold}, endpoints {', '.join(config.endpoints)}; "
        f"{steps}; fix: {config.fix.value if config.fix else 'none'}"
    )
    print(
        f"{result.states} states, {result.transitions} transitions, depth {result.depth}, "
        f"{result.terminal_states} terminal"
    )
    print(f"safety violations (record empty):   {result.safety_violations}")
    print(f"progress violations (stuck for ever): {result.progress_violations}")
    p = result.probability_empty
    print(
        f"P(record ever empty), uniform scheduler: {p.numerator}/{p.denominator} = {float(p):.6f}"
    )
    if result.counterexample is None:
        print("\nNo counterexample: every interleaving keeps the record and can still progress.")
        return 0
    print(f"\nShortest counterexample ({len(result.counterexample.steps)} steps):")
    print("\n".join(result.counterexample.lines()))
    print("\nAs a sequence diagram:")
    print(diagram.text(messages, unit="", endpoints=config.endpoints))
    return 0


def _montecarlo(args: argparse.Namespace, fix: object) -> int:
    from dataclasses import asdict, replace

    from blast.race import diagram, serialize
    from blast.race.des import RaceParams
    from blast.race.montecarlo import CONTENTIONS, TAILS, race_table
    from blast.race.protocol import Fix
    from blast.race.trigger import find_trigger

    assert fix is None or isinstance(fix, Fix)
    base = RaceParams(fix=fix)
    base = replace(
        base,
        enactors=args.enactors or base.enactors,
        threshold=args.threshold or base.threshold,
        endpoints=ENDPOINTS[: args.endpoints] if args.endpoints else base.endpoints,
        horizon=args.horizon or base.horizon,
    )
    tails, contentions = args.tails or TAILS, args.contentions or CONTENTIONS
    result = race_table(
        base,
        args.runs,
        args.seed,
        tails=tails,
        contentions=contentions,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    worst = replace(base, tail_probability=max(tails), contention=max(contentions))
    try:
        trigger, run = find_trigger(worst, args.seed, max_runs=max(args.runs, 2000))
    except Exception as exc:  # a fixed protocol never loses: say so, no trigger
        from blast.errors import BadInputError

        if not isinstance(exc, BadInputError):
            raise
        trigger, run = None, None
    messages = diagram.from_run(run) if run else []
    if args.json:
        data = serialize.table(result)
        data["trigger"] = serialize.trigger(trigger)
        data["final"] = [asdict(state) for state in run.final] if run else []
        data["diagram"] = serialize.messages(messages)
        emit_json(data)
        return 0
    _print_table(result, args)
    if trigger is None or run is None:
        print(f"\nNo losing window in {max(args.runs, 2000)} at the worst setting.")
        return 0
    print(
        f"\nOne losing window (seed {trigger.seed}, run {trigger.run}, tail "
        f"{worst.tail_probability}, contention {worst.contention}): {trigger.stale_writer} "
        f"wrote stale plan {trigger.stale_plan}, {trigger.deleter}'s clean-up deleted it; "
        f"{', '.join(trigger.endpoints)} empty at {trigger.empty_after:.2f}s; "
        f"stuck afterwards: {', '.join(trigger.stuck) or 'none'}"
    )
    print(diagram.text(messages, endpoints=worst.endpoints))
    ends = [
        f"{s.name} plan {s.plan}{' (EMPTY)' if s.empty else ''} by {s.last_writer}"
        for s in run.final
    ]
    print(f"At {run.end:g}s: {'; '.join(ends)}")
    return 0


def _print_table(result: object, args: argparse.Namespace) -> None:
    from blast.race.montecarlo import RaceTable

    assert isinstance(result, RaceTable)
    b = result.base
    pct = f"{result.confidence:.0%}"
    fix = b.fix.value if b.fix else "none"
    print(
        f"Monte Carlo: {result.runs} windows of {b.horizon:g}s ({result.windows_per_day:g} a day), "
        f"seed {result.seed}; {b.enactors} Enactors, {len(b.endpoints)} endpoints, plan every "
        f"{b.plan_interval:g}s, clean-up threshold {b.threshold}; fix: {fix}"
    )
    rows = [
        {
            "tail": c.tail_probability,
            "contention": c.contention,
            "runs": c.window.runs,
            "empty": c.window.successes,
            f"P(window) [{pct}]": f"{c.window.p:.5f} [{c.window.low:.5f}, {c.window.high:.5f}]",
            f"P(day) [{pct}]": f"{c.day.p:.3f} [{c.day.low:.3f}, {c.day.high:.3f}]",
            "per day": f"{c.window.p * result.windows_per_day:.2f}",
        }
        for c in result.cells
    ]
    print(table(rows, list(rows[0])))
    print("\nFixes at the base setting (costs per applied plan, against no fix):")
    fix_rows = [
        {
            "fix": f.fix,
            "runs": f.runs,
            "empty": f.empties,
            "writes": f"{f.writes_per_plan:.2f}",
            "extra ops": f"{f.extra_ops_per_plan:.2f}",
            "extra writes+ops": f"{f.extra_writes_per_plan:+.2f}",
            "s per plan": f"{f.seconds_per_plan:.2f}",
            "added s": f"{f.added_seconds_per_plan:+.2f}",
        }
        for f in result.fixes
    ]
    print(table(fix_rows, list(fix_rows[0])))


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``race`` to the ``blast`` command."""
    p = add_command(
        sub,
        "race",
        help="the DNS Planner/Enactor race: exhaustive or Monte Carlo",
        description=DESCRIPTION,
        run=run_race,
    )
    p.add_argument(
        "--exhaustive",
        action="store_true",
        help="check every interleaving of a small configuration",
    )
    p.add_argument(
        "--fix",
        choices=["a", "b", "c", "none"],
        default=None,
        help="a: compare-and-set per write; b: guarded clean-up; c: fencing token",
    )
    p.add_argument(
        "--runs",
        type=positive_int,
        default=2000,
        help="Monte Carlo windows in all, split over the table's cells (default 2000)",
    )
    p.add_argument("--seed", type=int, default=1, help="the one seed of every run (default 1)")
    p.add_argument(
        "--workers", type=positive_int, default=1, help="local worker processes (default 1)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on a dask.distributed cluster, e.g. tcp://127.0.0.1:8786",
    )
    p.add_argument(
        "--enactors",
        type=positive_int,
        default=None,
        help="Enactors (default 2 exhaustive, 3 Monte Carlo)",
    )
    p.add_argument(
        "--endpoints",
        type=positive_int,
        choices=range(1, 5),
        default=None,
        metavar="N",
        help="endpoints per plan, 1-4 (default 1 exhaustive, 3 Monte Carlo)",
    )
    p.add_argument(
        "--threshold",
        type=positive_int,
        default=None,
        help="clean-up threshold in generations (default 2 exhaustive, 10 Monte Carlo)",
    )
    p.add_argument(
        "--max-plan",
        type=positive_int,
        default=5,
        help="exhaustive: plans the Planner makes (default 5)",
    )
    p.add_argument(
        "--atomic", action="store_true", help="exhaustive: each Enactor run is one atomic step"
    )
    p.add_argument(
        "--horizon",
        type=float,
        default=None,
        help="Monte Carlo: seconds per simulated window (default 60)",
    )
    p.add_argument(
        "--tails",
        type=_floats,
        default=None,
        metavar="P,P,...",
        help="Monte Carlo rows: shares of writes in the latency tail",
    )
    p.add_argument(
        "--contentions",
        type=_floats,
        default=None,
        metavar="P,P,...",
        help="Monte Carlo columns: chances a lock attempt meets another client",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
