"""What a run leaves behind, handed to the cyclic collector's oldest generation unwalked.

:func:`blast.sim.simulate` runs with the collector paused (:mod:`blast.gcpause`): the
run allocates an event, a cause and small records per state change and frees what it
drops by reference counting. Everything that survives it (the journal: at 100,000
components half a million events, as many causes, their inputs and windows) is then in
the collector's youngest generation, and the first allocation after the collector is
switched back on starts a collection of that generation that walks every one of those
objects to find no cycle (none can form: frozen records of strings and numbers) and
moves them on to the middle generation, where the next middle collection walks them
again. At 100,000 components that first walk took 0.56 CPU s inside ``simulate`` (the
bench's ``faults`` run, 15.8 CPU s on a slow day; 0.21 s of the ``region`` run).

:func:`promote` moves every tracked object to the oldest generation at once
(``gc.freeze`` then ``gc.unfreeze``: two list splices, no object examined, and the
youngest generation's count back to 0), where only full collections look at them, as
they would have after two walks. The cost: cyclic garbage the caller made before the
run (unreachable, not yet collected) waits for the next full collection instead of the
next young one. Processes that froze objects of their own (``gc.get_freeze_count()``)
are left as they are: unfreezing would release their objects. The ``blast`` command
never collects (``gcpause.disable_for_process``); this is for library callers and
the bench.
"""

from __future__ import annotations

import gc


def promote() -> bool:
    """Move every object the collector tracks to its oldest generation, unwalked.

    Returns whether it did (not when the process holds frozen objects of its own).
    """
    if gc.get_freeze_count():
        return False
    gc.freeze()
    gc.unfreeze()
    return True
