"""``blast.model`` re-exports the names of ``blast.model.spec`` lazily (PEP 562): the
plain ones (enums, region and id rules) come from modules that import no pydantic, so
that a module naming ``GLOBAL_REGION`` or ``Kind`` costs a warm command no 0.2 s."""

from __future__ import annotations

import subprocess
import sys

import blast.model
import blast.model.spec

PLAIN = sorted(blast.model._ENUMS | blast.model._RULES)


def test_every_name_is_specs_own_object():
    """Served from enums or rules, or from spec: the very objects spec has."""
    for name in blast.model.__all__:
        assert getattr(blast.model, name) is getattr(blast.model.spec, name), name


def test_the_plain_names_import_no_pydantic():
    """A fresh interpreter takes every plain name from ``blast.model`` without pydantic."""
    code = (
        "import sys\n"
        f"from blast.model import {', '.join(PLAIN)}\n"
        "print(sorted(m for m in ('pydantic', 'blast.model.spec') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
