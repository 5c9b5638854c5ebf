"""Test-wide settings: property tests are derandomized, so every run draws the same cases."""

import pytest
from hypothesis import settings

settings.register_profile("blast", derandomize=True, deadline=None, database=None)
settings.load_profile("blast")


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory, monkeypatch):
    """Every test (and every CLI it runs) caches graphs in a fresh directory of its own."""
    monkeypatch.setenv("BLAST_CACHE_DIR", str(tmp_path_factory.mktemp("blast-cache")))
