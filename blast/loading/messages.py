"""Problems in the user's words: pydantic errors mapped to file positions, did-you-mean.

pydantic reports every field error of an item with a path into the data; this
module turns each into a :class:`~blast.errors.Problem` at the line of that key
or value, with a message that says what to write ("write a list:
``include: [path]``", "quote it") rather than pydantic's vocabulary ("tuple
should have at least 2 items after validation").
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from blast.errors import Problem
from blast.loading.yamlsource import DataPath, SourceDocument, key_path

MAX_SUGGESTED = 200
"""Distinct unknown words that get a did-you-mean; past that, only the problem is named."""
_SHORTLIST = 40


class Suggester:
    """Did-you-mean over a set of ids, in time that does not grow with the square of it.

    ``difflib`` compares a word with every candidate; for 8,000 references to
    8,000 ids that is 64 million comparisons. Instead the candidates are indexed
    by their character trigrams, and only the ``_SHORTLIST`` sharing the most
    trigrams with the word are compared (a close match shares most of them).
    Answers are memoised per word, and at most ``MAX_SUGGESTED`` distinct words
    are looked up at all.
    """

    def __init__(self, choices: Iterable[str]):
        self._given = choices  # listed on the first hint: a valid graph asks for none
        self._listed: list[str] | None = None
        self._index: dict[str, list[int]] | None = None
        self._memo: dict[str, str] = {}

    @property
    def _choices(self) -> list[str]:
        if self._listed is None:
            self._listed = list(dict.fromkeys(self._given))
        return self._listed

    @staticmethod
    def _grams(word: str) -> set[str]:
        padded = f"  {word.lower()} "
        return {padded[i : i + 3] for i in range(len(padded) - 2)}

    def _shortlist(self, word: str) -> list[str]:
        if len(self._choices) <= _SHORTLIST:
            return self._choices
        if self._index is None:
            self._index = {}
            for i, choice in enumerate(self._choices):
                for gram in self._grams(choice):
                    self._index.setdefault(gram, []).append(i)
        # Grams that most ids share ("ser" in a graph of services) say nothing and cost
        # a count per id: only the rarer ones vote (the three rarest if none is rare).
        common = max(200, len(self._choices) // 20)
        postings = sorted((self._index[g] for g in self._grams(word) if g in self._index), key=len)
        voters = [p for p in postings if len(p) <= common] or postings[:3]
        shared: Counter[int] = Counter()
        for posting in voters:
            shared.update(posting)
        return [self._choices[i] for i, _ in shared.most_common(_SHORTLIST)]

    def hint(self, word: str) -> str:
        """`` (did you mean 'x'?)`` or an empty string."""
        if word in self._memo:
            return self._memo[word]
        if len(self._memo) >= MAX_SUGGESTED:
            return ""
        close = difflib.get_close_matches(word, self._shortlist(word), n=1, cutoff=0.6)
        self._memo[word] = f" (did you mean '{close[0]}'?)" if close else ""
        return self._memo[word]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a small vocabulary (enum values, field names)."""
    return Suggester(choices).hint(word)


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` inside ``model``."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return current if part == loc[-1] else None
        current = _nested_model(info.annotation)
    return current


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _nested_model(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        return _nested_model(origin)
    return None


_VALIDATOR_STEP = re.compile(r"^[\w-]+\[.*\]$")


def _at(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_loc(loc: tuple[int | str, ...], data: Any) -> tuple[int | str, ...]:
    """A pydantic error location as a path into the user's data.

    pydantic inserts steps such as ``function-before[...]`` for validators; they
    are dropped unless the data really has a key of that name.
    """
    out: list[int | str] = []
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_dict or in_list:
            data = data[part]
        elif isinstance(part, str) and _VALIDATOR_STEP.match(part):
            continue
        else:
            data = None
        out.append(part)
    return tuple(out)


def _read_as(value: Any) -> str:
    """How YAML read an unquoted scalar, in words."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, datetime.date):
        return "a date"
    if value is None:
        return "null (nothing)"
    return f"a {type(value).__name__}"


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
    "dict_type": "a mapping (key: value lines, or {key: value})",
    "model_type": "a mapping (key: value lines, or {key: value})",
    "model_attributes_type": "a mapping (key: value lines, or {key: value})",
}


def _type_message(kind: str, value: Any, written: str | None, field: str) -> str:
    expected = _EXPECTED[kind]
    if isinstance(value, dict | list):
        got = "a mapping" if isinstance(value, dict) else "a list"
        return f"expected {expected}, got {got}"
    if written is not None and kind == "string_type":
        return (
            f"expected text, but YAML reads `{written}` as {_read_as(value)}; "
            f"quote it: {field}: '{written}'"
        )
    shown = written if written is not None else repr(value)
    if isinstance(value, str):
        text = value.strip().lower()
        readable = {
            "int_type": text.isascii() and text.lstrip("-+").isdigit(),
            "bool_type": text in ("true", "false", "yes", "no", "on", "off"),
            "float_type": _is_number(text),
        }.get(kind, False)
        advice = "; write it without quotes" if readable else ""
        return f"expected {expected}, got the text {value!r}{advice}"
    return f"expected {expected}, got {shown}"


def _is_number(text: str) -> bool:
    if not text.isascii():
        return False
    try:
        float(text)
    except ValueError:
        return False
    return text not in ("inf", "-inf", "+inf", "nan", "infinity", "-infinity")


def _message(
    e: Any, loc: tuple[int | str, ...], model: type[BaseModel], written: str | None
) -> str:
    kind = e["type"]
    value = e.get("input")
    ctx = e.get("ctx", {})
    field = str(loc[-1]) if loc and isinstance(loc[-1], str) else "value"
    if kind == "extra_forbidden":
        owner = _model_at(model, loc[:-1])
        allowed = ", ".join(owner.model_fields) if owner else ""
        name = str(loc[-1]) if loc else "?"
        hint = did_you_mean(name, owner.model_fields) if owner else ""
        return f"unknown field '{name}'{hint}; allowed: {allowed}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "enum":
        allowed = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        hint = did_you_mean(str(value), [a.strip() for a in allowed.split(",")])
        return f"bad value '{value}'{hint}; allowed: {allowed}"
    if kind == "literal_error":
        return f"bad value {value!r}; allowed: {ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        if written is not None:
            return _type_message("string_type", value, written, field)
        return (
            f"'{value}' is not a valid id: use letters, digits and _ . : / - "
            "starting with a letter or digit"
        )
    if kind == "value_error":
        return str(ctx["error"]) if "error" in ctx else str(e["msg"])
    if kind in ("tuple_type", "list_type"):
        if isinstance(value, str | int | float | bool):
            return f"write a list: `{field}: [{written if written is not None else value}]`"
        return f"expected a list (`{field}: [a, b]` or one `- item` per line)"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} items, has {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"allows at most {ctx.get('max_length')} items, has {ctx.get('actual_length')}"
    if kind == "finite_number":
        shown = written if written is not None else repr(value)
        return f"must be a finite number, not {shown}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("more than", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("less than", "lt"),
        }[kind]
        return f"must be {words[0]} {ctx.get(words[1])}, not {value!r}"
    if kind in _EXPECTED:
        return _type_message(kind, value, written, field)
    shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
    return f"{e['msg'][0].lower()}{e['msg'][1:]}{shown}"


def problems_from(
    err: ValidationError, doc: SourceDocument, base: DataPath, model: type[BaseModel]
) -> list[Problem]:
    """pydantic's errors for the item at ``base`` of ``doc``, located and in plain words."""
    problems = []
    for e in err.errors():
        loc = _data_loc(e["loc"], _at(doc.data, base))
        path = (*base, *loc)
        at_key = e["type"] in ("extra_forbidden", "missing")
        message = _message(e, loc, model, doc.scalar_text.get(path))
        problems.append(Problem(doc.locate(path, prefer_key=at_key), message, key=key_path(path)))
    return problems
