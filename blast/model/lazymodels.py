"""A read-only mapping of pydantic models, each validated from its stored JSON on demand.

What a graph read back from Blast's cache holds as its components and groups
(:mod:`blast.loading.cachepayload`): reading an entry builds no model, and an
analysis that needs only the columns and edges of :mod:`blast.model.compact`
never builds one (nor imports pydantic); whoever asks for a model gets one the
same pydantic models validated, as from a YAML file.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
from typing import Any


class LazyModels(Mapping[str, Any]):
    """Id -> validated pydantic model, each validated from its stored JSON on first access.

    ``blob`` holds, from ``origin`` on, a JSON array of the models (as written from a
    validated graph; the blob may be a whole cache entry, which is then not copied);
    model ``i`` is ``blob[origin + offsets[i]:origin + offsets[i + 1] - 1]`` (what follows
    each one is a comma, or the closing bracket).
    ``one`` validates one model's bytes, ``many`` the whole array (in one bulk
    call: a loop that wants every model pays ~40 µs each instead of ~70; a loop that
    asks for them one by one switches to it once it has asked for a quarter). Models
    already built are kept, so a model is the same object however it was reached.
    """

    __slots__ = (
        "_all",
        "_base",
        "_blob",
        "_made",
        "_many",
        "_mentions",
        "_offsets",
        "_one",
        "_origin",
        "_position",
        "ids",
    )

    def __init__(
        self,
        ids: tuple[str, ...],
        blob: bytes,
        offsets: array[int],
        one: Callable[[bytes], Any],
        many: Callable[[bytes], Sequence[Any]],
        position: Mapping[str, int] | None = None,
        base: int = 0,
        origin: int = 0,
    ):
        """``position`` (optional) maps each id to ``base`` plus its index in ``ids``, and may
        hold other keys too (a graph's one map of every node, shared)."""
        if len(offsets) != len(ids) + 1:
            raise ValueError("model offsets do not match the ids")
        if offsets[0] < 1 or origin < 0 or origin + offsets[-1] > len(blob):
            raise ValueError("model offsets outside the stored array")
        if position is None:
            position, base = dict(zip(ids, range(len(ids)), strict=True)), 0
            if len(position) != len(ids):
                raise ValueError("duplicate ids")
        self.ids = ids
        self._position, self._base = position, base
        self._blob, self._offsets, self._one, self._many = blob, offsets, one, many
        self._origin = origin
        self._made: dict[int, Any] = {}
        self._all: dict[str, Any] | None = None
        self._mentions: dict[bytes, frozenset[str]] = {}

    def _index(self, key: object) -> int | None:
        i = self._position.get(key, -1) - self._base  # type: ignore[call-overload]
        return i if 0 <= i < len(self.ids) else None

    def __getitem__(self, key: str) -> Any:
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        model = self._made.get(i)
        if model is None:
            if len(self._made) >= max(64, len(self.ids) // 4):  # a walk over them all:
                return self._everything()[key]  # the rest in one bulk call
            model = self._one(self.stored(key))
            if model.id != key:
                raise ValueError(f"stored model {i} is '{model.id}', not '{key}'")
            self._made[i] = model
        return model

    def __contains__(self, key: object) -> bool:
        return self._index(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def stored(self, key: str) -> bytes:
        """The JSON ``key``'s model is (or would be) validated from, without validating it:
        for a cheap look at what the file wrote (a key absent there is at its default)."""
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        at = self._origin
        return self._blob[at + self._offsets[i] : at + self._offsets[i + 1] - 1]

    def mentioning(self, text: bytes) -> frozenset[str]:
        """The ids whose stored JSON (:meth:`stored`) holds ``text``: the same answer as
        ``{k for k in self if text in self.stored(k)}``, from one scan of the stored array
        (a few milliseconds where 140,000 calls of :meth:`stored` took 0.25 s at 100,000
        components, hubs shape). Kept per ``text``.

        >>> models = LazyModels(("a", "b"), b'[{"id":"a"},{"id":"b","x":1}]',
        ...                     array("q", [1, 12, 29]), print, print)
        >>> sorted(models.mentioning(b'"x"')), sorted(models.mentioning(b'"id"'))
        (['b'], ['a', 'b'])
        """
        found = self._mentions.get(text)
        if found is None:
            found = frozenset(map(self.ids.__getitem__, self._holding(text)))
            self._mentions[text] = found
        return found

    def _holding(self, text: bytes) -> list[int]:
        """The indices of the models whose stored JSON holds ``text``, in order."""
        blob, at, held, origin = self._blob, self._offsets, [], self._origin
        first, end = origin + at[0], origin + (at[-1] - 1 if len(self.ids) else at[0])
        hit = blob.find(text, first, end) if text else -1
        while hit >= 0:
            i = bisect_right(at, hit - origin) - 1
            if hit + len(text) <= origin + at[i + 1] - 1:  # within model i, not past its end
                held.append(i)
                hit = blob.find(text, origin + at[i + 1], end)
            else:
                hit = blob.find(text, hit + 1, end)
        if not text:
            held = list(range(len(self.ids)))
        return held

    @property
    def built(self) -> int:
        """How many models have been validated so far."""
        return len(self._made)

    def _everything(self) -> dict[str, Any]:
        """Every model: those not built yet in one bulk call (of the whole array, or of an
        array of the rest when some are built already)."""
        if self._all is None:
            rest = [i for i in range(len(self.ids)) if i not in self._made]
            if rest:
                at, origin = self._offsets, self._origin
                if len(rest) == len(self.ids):  # the whole array, brackets included
                    blob = self._blob[origin + at[0] - 1 : origin + at[-1]]
                else:
                    stored = map(self.stored, map(self.ids.__getitem__, rest))
                    blob = b"[" + b",".join(stored) + b"]"
                models = self._many(blob)
                if [m.id for m in models] != [self.ids[i] for i in rest]:
                    raise ValueError("stored models do not match their ids")
                self._made.update(zip(rest, models, strict=True))
            self._all = {key: self._made[i] for i, key in enumerate(self.ids)}
        return self._all

    def values(self) -> ValuesView[Any]:
        return self._everything().values()

    def items(self) -> ItemsView[str, Any]:
        return self._everything().items()
