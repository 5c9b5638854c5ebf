"""One exception tree for everything Blast reports to a user.

The CLI catches :class:`BlastError` and prints its message; nothing else should
leak out of the library as a traceback for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a user's file: 1-based line and column, as editors count."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    location: Location
    message: str
    key: str = ""

    def __str__(self) -> str:
        where = f"{self.key}: " if self.key else ""
        return f"{self.location}: {where}{self.message}"


class BlastError(Exception):
    """Base of every error Blast raises on purpose; the CLI shows its message."""

    exit_code = 1


class BadInputError(BlastError):
    """Raised when the user's input (a file, an option, a name) is unusable."""

    exit_code = 2


class GraphFileError(BadInputError):
    """Raised when one or more graph files cannot be read or do not validate.

    Carries every problem found, not only the first, so a user can fix them all
    in one go.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.location, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownComponentError(BadInputError):
    """Raised when a command names a component or region the graph does not have."""


class ScenarioError(BadInputError):
    """Raised when a scenario does not fit its graph or cannot be simulated as written.

    A scenario *file* that does not validate raises :class:`GraphFileError` with
    located problems, like a graph file; this is for what only shows once the
    scenario meets a graph (an override naming a missing dependency, ...).
    """
