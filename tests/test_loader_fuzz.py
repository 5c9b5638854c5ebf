"""Whatever bytes a graph file holds, validation answers with located problems, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blast.loading.loader import validate_files

TOKENS = [
    "components:", "redundancy_groups:", "include:", "references:", "version: 1", "- ", "  ",
    "id: a", "id: b", "kind: app", "kind: dns", "depends_on: [a]", "depends_on:", "target: b",
    "type: soft", "members: [a, b]", "min_up: 3", "region: us-east-1", "scope: zonal",
    "provider: aws", "az: use1-az1", "user_facing: yes", "cache_ttl: 5m", "&x ", "*x", "<<: *x",
    "{", "}", "[", "]", ":", ",", "'", '"', "#", "!!python/object:os.system", "\t", "\n",
    "\xff", "2025-10-20", "~", "null", "on: 1",
]  # fmt: skip

documents = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_validation_never_crashes(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.yaml"
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
        problems = validate_files([path])
    for problem in problems:
        assert problem.location.file.endswith("g.yaml")
        assert problem.location.line >= 1 and problem.location.column >= 1, problem
        assert problem.message


def test_keys_that_look_like_validator_steps_are_still_named(tmp_path):
    """Found by the fuzz above: a key with brackets in it once crashed the error report."""
    path = tmp_path / "g.yaml"
    path.write_text("components:[components:\n")
    (problem,) = validate_files([path])
    assert "unknown field 'components:[components'" in problem.message
    path.write_text('components:\n  - {id: a, kind: app, "x[1]": 2}\n')
    (problem,) = validate_files([path])
    assert problem.key == "components[0].x[1]"
    assert str(problem.location).endswith(":2:24")
