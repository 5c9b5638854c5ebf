"""Huge pages for the engine's large arrays (blast.sim.pages): advice only, never a change."""

from __future__ import annotations

import platform
import sys

from librt.vecs import vec
from mypy_extensions import i64

from blast.sim import pages


def test_advice_covers_only_whole_huge_pages_inside_each_buffer():
    big = vec[i64]([7] * (3 * pages.HUGE_PAGE // 8))  # 6 MB: two or three whole 2 MB pages
    small = vec[float]([1.0] * 1000)  # 8 KB: none
    advised = pages.advise([big, small, "not an array", 42])
    assert advised % pages.HUGE_PAGE == 0
    if sys.platform == "linux" and platform.machine() in pages.MACHINES:  # 0: a kernel without THP
        assert advised in (0, 2 * pages.HUGE_PAGE, 3 * pages.HUGE_PAGE)
    else:
        assert advised == 0
    assert list(big[:3]) == [7, 7, 7] and len(big) == 3 * pages.HUGE_PAGE // 8  # unchanged


def test_nothing_to_advise_is_no_error():
    assert pages.advise([]) == 0
    assert pages.advise([vec[i64]()]) == 0
