"""Read a small YAML or JSON input file (policy, baseline, figures) into a pydantic model.

The same located reading as graph files (:mod:`blast.loading.yamlsource`): JSON
is YAML, so both get ``file:line:column: key: message`` problems, every one of
them, and a :class:`~blast.errors.GraphFileError` (exit 2) instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from blast.errors import GraphFileError, Location, Problem
from blast.loading.messages import problems_from as _problems_from
from blast.loading.yamlsource import read_yaml

M = TypeVar("M", bound=BaseModel)


def load_located(path: str | Path, model: type[M], *, what: str = "file") -> M:
    """Parse ``path`` and validate it as ``model``; raise with every problem located.

    Raises
    ------
    GraphFileError
        When the file cannot be read, is not YAML/JSON, is not a mapping, or
        does not fit ``model``.
    """
    path = Path(path)
    doc = read_yaml(path, str(path))
    if not isinstance(doc.data, dict):
        raise GraphFileError(
            [Problem(Location(str(path), 1, 1), f"a {what} must be a mapping of keys to values")]
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        raise GraphFileError(_problems_from(err, doc, (), model)) from None
