"""The policy: which rules ``blast check`` enforces, from a small YAML file and/or options.

A policy file (validated like graph files, every problem located)::

    version: 1
    max_spofs: 0
    forbid_region_hard: [us-east-1]
    forbid_global_control_plane: true
    require_redundancy: [database, dns]
    forbid_blind_spots: true

Command-line options add to the file: a number replaces the file's, lists are
merged, flags switch a rule on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from blast.model import Kind
from blast.reports.located import load_located


class Policy(BaseModel):
    """The rules to enforce; an empty policy enforces nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = Field(default=1, description="Policy format version; 1.")
    max_spofs: int | None = Field(
        default=None, ge=0, description="BLAST001: most SPOFs of user-facing components allowed."
    )
    forbid_region_hard: tuple[str, ...] = Field(
        default=(),
        description="BLAST002: regions no user-facing component may need without redundancy.",
    )
    forbid_global_control_plane: bool = Field(
        default=False,
        description="BLAST003: no global control plane on a user-facing recovery path.",
    )
    require_redundancy: tuple[Kind, ...] = Field(
        default=(), description="BLAST004: kinds of component that must never be a SPOF."
    )
    forbid_blind_spots: bool = Field(
        default=False,
        description="BLAST005: no monitor or status page failing with what it watches.",
    )

    def empty(self) -> bool:
        """True when no rule is switched on."""
        return (
            self.max_spofs is None
            and not self.forbid_region_hard
            and not self.forbid_global_control_plane
            and not self.require_redundancy
            and not self.forbid_blind_spots
        )

    def merged(
        self,
        *,
        max_spofs: int | None = None,
        forbid_region_hard: tuple[str, ...] = (),
        forbid_global_control_plane: bool = False,
        require_redundancy: tuple[Kind, ...] = (),
        forbid_blind_spots: bool = False,
    ) -> Policy:
        """This policy with command-line options added."""

        def union(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(dict.fromkeys((*a, *b)))

        return Policy(
            max_spofs=self.max_spofs if max_spofs is None else max_spofs,
            forbid_region_hard=union(self.forbid_region_hard, forbid_region_hard),
            forbid_global_control_plane=self.forbid_global_control_plane
            or forbid_global_control_plane,
            require_redundancy=union(self.require_redundancy, require_redundancy),
            forbid_blind_spots=self.forbid_blind_spots or forbid_blind_spots,
        )


def load_policy(path: str | Path) -> Policy:
    """Read a policy file; raise :class:`~blast.errors.GraphFileError` with located problems."""
    return load_located(path, Policy, what="policy file")
