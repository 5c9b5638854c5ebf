"""Test-wide settings: property tests are derandomized, so every run draws the same cases."""

from hypothesis import settings

settings.register_profile("blast", derandomize=True, deadline=None, database=None)
settings.load_profile("blast")
