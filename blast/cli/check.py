"""``blast check``: enforce a policy in CI; exit 0 when every rule holds, 1 when one is broken."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from blast.cli.common import add_command, add_graph_argument, count, graph_files, whole_number

if TYPE_CHECKING:
    from collections.abc import Callable

    from blast.model import Kind
    from blast.model.graph import Graph

DESCRIPTION = (
    "Check a graph against rules, for CI: at most N SPOFs (BLAST001), no user-facing component "
    "that needs a region without redundancy (BLAST002), no global control plane on a "
    "user-facing recovery path (BLAST003), redundancy for given kinds (BLAST004), no blind "
    "spots (BLAST005). Rules come from --policy and/or the options. Exit 0 when all hold, 1 "
    "when one is broken (new violations only, with --baseline), 2 on bad input."
)


def _kind(text: str) -> Kind:
    from blast.model import Kind

    try:
        return Kind(text)
    except ValueError:
        allowed = ", ".join(k.value for k in Kind)
        raise argparse.ArgumentTypeError(f"'{text}' is not a kind; allowed: {allowed}") from None


def _non_negative(text: str) -> int:
    return whole_number(text, 0)


def run_check_command(args: argparse.Namespace) -> int:
    """``blast check``, or its stored answer (:mod:`blast.cli.answers`: keyed by the bytes of
    ``--policy`` and ``--baseline`` too; a run with ``--junit`` or ``--update-baseline``
    writes a file, and is always computed)."""
    from blast.cli.answers import answered

    inputs = [path for path in (args.policy, args.baseline) if path]
    writes = bool(args.junit) or args.update_baseline
    return answered(
        args, graph_files(args), lambda load: _check(args, load), inputs=inputs, writes=writes
    )


def _check(args: argparse.Namespace, load: Callable[[], Graph]) -> int:
    from blast.check import Policy, load_baseline, load_policy, run_check, write_baseline
    from blast.check.output import render_github, render_junit, render_text, to_dict
    from blast.errors import BadInputError

    if args.update_baseline and not args.baseline:
        raise BadInputError("--update-baseline needs --baseline FILE")
    policy = load_policy(args.policy) if args.policy else Policy()
    policy = policy.merged(
        max_spofs=args.max_spofs,
        forbid_region_hard=tuple(args.forbid_region_hard or ()),
        forbid_global_control_plane=args.forbid_global_control_plane,
        require_redundancy=tuple(args.require_redundancy or ()),
        forbid_blind_spots=args.forbid_blind_spots,
    )
    if policy.empty():
        raise BadInputError(
            "no rule to check: give --policy FILE or a rule option (--max-spofs, "
            "--forbid-region-hard, --forbid-global-control-plane, --require-redundancy, "
            "--forbid-blind-spots)"
        )
    graph = load()
    if args.update_baseline:
        result = run_check(graph, policy)
        n = write_baseline(args.baseline, result.violations())
        print(f"wrote {args.baseline}: {count(n, 'violation')} accepted")
        return 0
    accepted = load_baseline(args.baseline).fingerprints() if args.baseline else frozenset()
    result = run_check(graph, policy, accepted=accepted, baseline=args.baseline)
    if args.junit:
        from pathlib import Path

        try:
            Path(args.junit).write_text(render_junit(result), encoding="utf-8")
        except OSError as exc:
            raise BadInputError(f"cannot write '{args.junit}': {exc.strerror}") from None
    if args.format == "github":
        print(render_github(result))
    elif args.format == "json":
        import json

        json.dump(to_dict(result), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(render_text(result))
    return 0 if result.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``check`` to the ``blast`` command."""
    p = add_command(
        sub,
        "check",
        help="enforce rules in CI (exit 1 when broken)",
        description=DESCRIPTION,
        run=run_check_command,
    )
    add_graph_argument(p, text="graph file")
    p.add_argument("--policy", metavar="FILE", help="policy file (YAML) with the rules")
    p.add_argument("--max-spofs", type=_non_negative, metavar="N", help="BLAST001: at most N SPOFs")
    p.add_argument(
        "--forbid-region-hard",
        action="append",
        metavar="REGION",
        help="BLAST002: no user-facing component down when REGION fails (repeatable)",
    )
    p.add_argument(
        "--forbid-global-control-plane",
        action="store_true",
        help="BLAST003: no global control plane on a user-facing recovery path",
    )
    p.add_argument(
        "--require-redundancy",
        action="append",
        type=_kind,
        metavar="KIND",
        help="BLAST004: no component of KIND may be a SPOF (repeatable)",
    )
    p.add_argument(
        "--forbid-blind-spots",
        action="store_true",
        help="BLAST005: no monitor or status page failing with what it watches",
    )
    p.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="text",
        help="text (default), github (workflow annotations) or json",
    )
    p.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    p.add_argument(
        "--baseline", metavar="FILE", help="accept the violations recorded in FILE (JSON)"
    )
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="record today's violations in --baseline FILE and exit 0",
    )
