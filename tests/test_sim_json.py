"""The journal's JSON writer: orjson's speed, ``json.dumps(indent=2)``'s bytes.

``Journal.to_json`` promises the same bytes for the same run whatever writes them;
``blast.sim.journal.dumps_indented`` must therefore write exactly what the standard
library writes, on any document a journal can hold (and more: tiny, huge and
non-finite floats, 128-bit integers, tuples, control characters, any Unicode).
"""

from __future__ import annotations

import copy
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from blast.sim.journal import dumps_indented
from tests.simkit import comp, fault, run

leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(min_value=-1e-3, max_value=1e-3)
    | st.text()
)
documents = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


def _standard(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=8), documents, max_size=5))
def test_the_same_bytes_as_the_standard_library_on_any_document(data):
    expected = _standard(data)
    assert dumps_indented(copy.deepcopy(data)) == expected


def test_the_values_orjson_writes_differently_are_written_as_json_does():
    data = {
        "tiny": [1e-05, -2.5e-300, 5e-324, 9.99e-05, 1e-4, 0.0, -0.0],
        "odd": [math.nan, math.inf, -math.inf, 2**64, -(2**63) - 1, 2**63],
        "text": "".join(chr(i) for i in range(0x300)) + "\u2028\u2029\U0001f600",
        "empty": [[], {}, [{}], ()],
        "nested": ({"t": (1e-7, "x")},),
    }
    text = dumps_indented(copy.deepcopy(data))
    assert text == _standard(data)
    assert "1e-05" in text and "NaN" in text and "Infinity" in text and "1e-07" in text


def test_a_journal_with_queue_series_writes_as_before():
    """A real run (queues, causes, windows): to_json equals the standard library's text."""
    from blast.model import Queue

    queue = Queue(arrival_rate=7.0, drain_rate=10.0, timeout=30.0, retry_attempts=3)
    graph_run = run(
        [comp("db"), comp("api", "db", queue=queue), comp("web", "api")],
        [fault("db-down", "db", 0, 30)],
        horizon="4h",
    )
    assert graph_run.queues
    assert graph_run.to_json() == _standard(graph_run.to_dict()) + "\n"


def test_a_journal_with_numbers_orjson_writes_differently_takes_the_walk():
    """Tiny and non-finite floats, a seed beyond 64 bits: ``to_json`` (whose quick path
    checks the numbers column by column) still writes the standard library's text."""
    from datetime import UTC, datetime

    from blast.sim.journal import Cause, Event, Journal, QueuePoint, Trigger

    def journal(t: float, share: float, backlog: float, seed: int) -> Journal:
        cause = Cause("fault", trigger="f")
        return Journal(
            graph="g",
            scenario="s",
            start=datetime(2025, 10, 20, tzinfo=UTC),
            horizon=3600.0,
            seed=seed,
            components=("db",),
            user_facing=("db",),
            triggers=(Trigger("f", "fault:down", t, None, ("db",)),),
            events=(Event(0, t, "db", "down", share, False, cause),),
            queues={"db": (QueuePoint(t, backlog, 1.0, 2.0, 2.0, 0.0),)},
        )

    plain = journal(60.0, 0.5, 3.0, 0)
    assert plain.to_json() == _standard(plain.to_dict()) + "\n"
    for odd in (
        journal(1e-05, 0.5, 3.0, 0),
        journal(60.0, 5e-324, 3.0, 0),
        journal(60.0, 0.5, math.inf, 0),
        journal(60.0, 0.5, math.nan, 0),
        journal(60.0, 0.5, 3.0, 2**70),
    ):
        assert odd.to_json() == _standard(odd.to_dict()) + "\n"
        assert odd.to_json_bytes() == odd.to_json().encode()
