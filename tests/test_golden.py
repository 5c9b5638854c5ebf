"""Golden outputs of the reference graph: any change in what Blast concludes shows up as a diff.

The outputs are the complete ones (``--json --full``), so that every answer is pinned.

After an intended change, regenerate with ``BLAST_UPDATE_GOLDEN=1 .venv/bin/pytest
tests/test_golden.py`` and review the diff of ``tests/golden/`` before committing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "aws-2025-10-20-spof.json": ["spof", "graphs/aws-us-east-1-2025-10-20.yaml"],
    "aws-2025-10-20-exposure-us-east-1.json": [
        "exposure",
        "graphs/aws-us-east-1-2025-10-20.yaml",
        "--region",
        "us-east-1",
    ],
    "aws-2025-10-20-radius-dns-record.json": [
        "radius",
        "graphs/aws-us-east-1-2025-10-20.yaml",
        "aws.use1.dynamodb.dns-record",
    ],
    "shop-spof.json": ["spof", "graphs/examples/shop.yaml"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden(name):
    cmd = [sys.executable, "-m", "blast", *CASES[name], "--json", "--full"]
    run = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    produced = json.loads(run.stdout)
    path = GOLDEN / name
    if os.environ.get("BLAST_UPDATE_GOLDEN"):
        path.write_text(json.dumps(produced, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert produced == expected, f"{name} changed; see the module docstring to regenerate"
