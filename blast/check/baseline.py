"""Baselines: today's violations, recorded so that CI fails only on new ones (a ratchet).

A baseline is a JSON file listing fingerprints (``code:subject``) with the
message each had when recorded, for people reading it in review::

    {"version": 1, "violations": [{"fingerprint": "BLAST002:admin@us-east-1",
                                   "code": "BLAST002", "message": "..."}]}

A violation whose fingerprint is in the baseline is *accepted*; one that is not
is *new* and fails the check. Fixed violations simply stop appearing; writing
the baseline again (``--update-baseline``) drops them, so it only shrinks
unless someone accepts new ones on purpose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from blast.check.rules import RULES, Violation
from blast.errors import BadInputError
from blast.reports.located import load_located


class Entry(BaseModel):
    """One recorded violation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fingerprint: str
    code: str
    message: str = ""

    @field_validator("fingerprint")
    @classmethod
    def _fingerprint(cls, value: str) -> str:
        if not re.fullmatch(r"BLAST\d{3}:.+", value):
            raise ValueError(f"'{value}' is not a fingerprint (CODE:subject, e.g. BLAST001:dns)")
        return value

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if value not in RULES:
            raise ValueError(f"unknown rule code '{value}'; codes: {', '.join(RULES)}")
        return value


class Baseline(BaseModel):
    """The file: a version and the recorded violations."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    violations: tuple[Entry, ...] = ()

    def fingerprints(self) -> frozenset[str]:
        """The accepted fingerprints."""
        return frozenset(e.fingerprint for e in self.violations)


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline; a missing file is bad input that says how to make one."""
    if not Path(path).exists():
        raise BadInputError(f"baseline '{path}' does not exist; record one with --update-baseline")
    return load_located(path, Baseline, what="baseline")


def write_baseline(path: str | Path, violations: Iterable[Violation]) -> int:
    """Record ``violations`` (sorted, one entry per fingerprint); returns how many."""
    entries = {
        v.fingerprint: {"fingerprint": v.fingerprint, "code": v.code, "message": v.message}
        for v in violations
    }
    data = {"version": 1, "violations": [entries[k] for k in sorted(entries)]}
    try:
        Path(path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except OSError as exc:
        raise BadInputError(f"cannot write baseline '{path}': {exc.strerror}") from None
    return len(entries)
