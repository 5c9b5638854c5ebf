"""Uploaded files, graph or scenario: decoded, size-checked, stored, problems shown inline.

The browser checks the size first (:data:`SIZE_CHECK`: a file over the limit never
leaves it); the server decodes what arrives and hands the bytes to a store function
(:meth:`dashboard.store.Sources.save_upload` for graphs,
:func:`dashboard.scenario_upload.save` for scenarios), whose located problems are
shown as a list of ``file:line:column key message``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, dcc, html

from blast.errors import BlastError, GraphFileError
from dashboard import ids
from dashboard.store import Sources, max_upload_bytes

SIZE_CHECK = """
function(contents, filename, limit) {
    if (!contents) { return window.dash_clientside.no_update; }
    var comma = contents.indexOf(',');
    var b64 = comma >= 0 ? contents.length - comma - 1 : contents.length;
    var size = Math.floor(b64 * 3 / 4);
    if (size > limit) { return {filename: filename, too_big: size}; }
    return {filename: filename, contents: contents};
}
"""
"""Runs in the browser: a file over the limit never leaves it (only its name and size do)."""


def upload_box(upload_id: str, what: str) -> dcc.Upload:
    """The drop-or-choose box for one YAML file (``what``: "a graph YAML", "a scenario")."""
    return dcc.Upload(
        id=upload_id,
        children=html.Div([f"Upload {what} (drop or ", html.A("choose"), ")"]),
        className="upload",
        accept=".yaml,.yml",
        multiple=False,
    )


def check_size_in_browser(app: Dash, upload_id: str, accepted_id: str) -> None:
    """Register :data:`SIZE_CHECK`: what the box ``upload_id`` read goes to ``accepted_id``."""
    app.clientside_callback(
        SIZE_CHECK,
        Output(accepted_id, "data"),
        Input(upload_id, "contents"),
        State(upload_id, "filename"),
        State(ids.SHELL_UPLOAD_LIMIT, "data"),  # the limit, in the shell
        prevent_initial_call=True,
    )


def upload_problems(exc: BlastError) -> list[Any]:
    """Validation problems as an inline list: file:line:column, key, message."""
    problems = exc.problems if isinstance(exc, GraphFileError) else []
    if not problems:
        return [html.Div(str(exc), className="problem")]
    rows = [
        html.Li(
            [html.Code(str(p.location)), " ", html.B(p.key) if p.key else "", " ", p.message],
            className="problem",
        )
        for p in problems[:50]
    ]
    if len(problems) > 50:
        rows.append(html.Li(f"… and {len(problems) - 50} more problems"))
    title = f"Not loaded: {len(problems)} problem{'s' if len(problems) != 1 else ''}"
    return [html.B(title), html.Ul(rows)]


def accept_upload(
    sources: Sources,
    upload: dict[str, Any],
    save: Callable[[str, bytes], str] | None = None,
) -> tuple[str | None, list[Any]]:
    """Store and validate an upload; its key, or ``None`` and the problems to show.

    ``save`` stores and validates the decoded bytes (default: as a graph,
    :meth:`Sources.save_upload`); the timeline page passes one for scenarios.
    """
    name = str(upload.get("filename") or "upload.yaml")
    if "too_big" in upload:
        limit = max_upload_bytes()
        return None, [
            html.B("Not loaded"),
            html.Div(
                f"{name}: file is {int(upload['too_big']):,} bytes; the dashboard takes files "
                f"up to {limit:,} bytes (use the `blast` command for bigger ones)",
                className="problem",
            ),
        ]
    contents = str(upload.get("contents") or "")
    try:
        raw = base64.b64decode(contents.partition(",")[2], validate=True)
    except (binascii.Error, ValueError):
        return None, [html.Div(f"{name}: the upload could not be decoded", className="problem")]
    try:
        return (save or sources.save_upload)(name, raw), []
    except BlastError as exc:
        return None, upload_problems(exc)
