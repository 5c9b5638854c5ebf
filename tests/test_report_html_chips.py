"""The HTML report's chips (a recovery order is a million of them at 100,000 components)
are the escaped, marked spans one f-string per id used to write."""

from __future__ import annotations

from html import escape

import pytest

from blast.reports.html import _chips


def _one_by_one(ids: tuple[str, ...], strong: set[str]) -> str:
    return " ".join(
        f'<span class="chip{" uf" if c in strong else ""}">{escape(c)}</span>' for c in ids
    )


@pytest.mark.parametrize(
    ("ids", "strong"),
    [
        ((), set()),
        (("a",), set()),
        (("a", "b", "c"), {"b"}),
        (("api", "db"), {"api", "db", "web"}),
        (("a&b", "c<d", 'e"f', "g'h", "i>j"), set()),
        (("a&b", "plain", "x<y"), {"x<y"}),
        (("plain", "other"), {"a&b"}),
    ],
)
def test_chips_equal_escaping_each_id(ids, strong):
    assert _chips(ids, strong) == _one_by_one(ids, strong)
