"""A scenario file uploaded on the timeline page: stored by content, validated, bounded.

A visitor brings their own stack *and optionally a scenario* (issue 15, item 7). An
uploaded scenario gets what an uploaded graph gets
(:meth:`dashboard.store.Sources.save_upload`): the size limit before anything parses
it, storage by content hash in the shared upload folder (every worker of a server
finds it), and the scenario loader's own validation against the graph on screen
(:func:`blast.sim.loader.load_scenario`), with each problem located in the name the
visitor gave the file. Its key in the URL is ``upload:<sha256>``; only stored
uploads resolve, so a link cannot name another file on the server.

A shared server also bounds what an upload may ask the engine to do, because the
engine runs every event of a scenario: a horizon of at most :data:`MAX_HORIZON`
and at most :data:`MAX_SPELLS` bad spells of flapping faults in all. The command
line has no such bound: there the user pays for their own scenario.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

from blast.errors import BadInputError, GraphFileError, Location, Problem
from blast.sim import ScenarioDocument
from blast.sim.loader import load_scenario
from blast.sim.scenario import FaultMode
from dashboard.store import UPLOAD_PREFIX, Sources, located_as, max_upload_bytes, safe_name

FOLDER = ".scenarios"
"""Below the upload folder; a leading dot keeps it out of the graph uploads' eviction."""
MAX_HORIZON = 14 * 86400.0
"""Longest horizon an uploaded scenario may ask for (seconds): two weeks."""
MAX_SPELLS = 5000
"""Most bad spells all flapping faults of an uploaded scenario may have together."""
MAX_STORED = 64
"""Uploaded scenarios kept on disk; the least recently written are removed beyond this."""


def is_uploaded(key: object) -> bool:
    """Whether a scenario key names an uploaded file (rather than a shipped one)."""
    return isinstance(key, str) and key.startswith(UPLOAD_PREFIX)


def path_of(sources: Sources, key: str) -> Path:
    """The stored file behind an uploaded scenario's key.

    Raises
    ------
    BadInputError
        When the key is malformed or the file is no longer stored.
    """
    digest = key.removeprefix(UPLOAD_PREFIX)
    if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
        folder = sources.upload_dir / FOLDER / digest
        found = sorted(p for p in folder.glob("*.yaml") if not p.is_symlink())
        if found:
            return found[0]
    raise BadInputError("that uploaded scenario is no longer stored here: upload it again")


def save(sources: Sources, graph_key: str, filename: str, raw: bytes) -> str:
    """Store an uploaded scenario, validate it against the graph ``graph_key``; its key.

    Raises
    ------
    GraphFileError
        With every problem, located in ``filename``: too big, invalid YAML, unknown
        components (with did-you-mean), or more than a shared server simulates.
    """
    name = safe_name(filename)
    limit = max_upload_bytes()
    if len(raw) > limit:
        message = f"file is {len(raw):,} bytes; the dashboard takes files up to {limit:,} bytes"
        raise GraphFileError([Problem(Location(name, 1, 1), message)])
    digest = hashlib.sha256(raw).hexdigest()
    folder = sources.upload_dir / FOLDER / digest
    path = folder / name
    if not path.exists():
        _write(folder, name, raw)
    graph = sources.analysed(graph_key).graph
    try:
        scenario = load_scenario(path, graph)
    except GraphFileError as exc:
        raise GraphFileError([located_as(p, path, name) for p in exc.problems]) from None
    too_much = bound_problems(scenario)
    if too_much:
        raise GraphFileError([Problem(Location(name, 1, 1), m) for m in too_much])
    return UPLOAD_PREFIX + digest


def bound_problems(scenario: ScenarioDocument) -> list[str]:
    """What in ``scenario`` is more than a shared server simulates for a visitor."""
    out = []
    if scenario.horizon > MAX_HORIZON:
        out.append(
            f"horizon: {scenario.horizon / 86400:g} days; the dashboard simulates up to "
            f"{MAX_HORIZON / 86400:g} days (use `blast simulate` for longer ones)"
        )
    spells = 0.0
    for fault in scenario.faults:
        if fault.mode is FaultMode.FLAPPING and fault.bad:
            lasts = min(fault.duration or scenario.horizon, scenario.horizon)
            spells += lasts / (fault.bad + (fault.good or 0.0))
    if spells > MAX_SPELLS:
        out.append(
            f"faults: about {spells:,.0f} flapping spells; the dashboard simulates up to "
            f"{MAX_SPELLS:,} (use `blast simulate` for more)"
        )
    return out


def _write(folder: Path, name: str, raw: bytes) -> None:
    """Write the file under ``folder`` atomically (another worker may store it too)."""
    root = folder.parent
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    (staging / name).write_bytes(raw)
    try:
        staging.rename(folder)
    except OSError:  # another worker stored the same content first
        shutil.rmtree(staging, ignore_errors=True)
    stored = [p for p in root.iterdir() if not p.name.startswith(".")]
    if len(stored) > MAX_STORED:
        stored.sort(key=lambda p: p.stat().st_mtime)
        for old in stored[: len(stored) - MAX_STORED]:
            shutil.rmtree(old, ignore_errors=True)
