"""The Rust fast parse gives exactly the builder's data, or declines; never anything else."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blast.errors import GraphFileError
from blast.loading import fastyaml, loader, yamlsource
from blast.loading.fastyaml import DECLINED, fast_load
from blast.loading.yamlsource import parse_yaml
from blast.model.shapes import generate
from blast.model.synthetic import service_graph, to_yaml

ROOT = Path(__file__).resolve().parent.parent


def _utf8_files() -> list[Path]:
    """Every readable UTF-8 YAML file of the repository (others are refused before parsing)."""
    out = []
    for pattern in ("graphs/**/*.yaml", "blast/catalogs/**/*.yaml", "tests/data/**/*.yaml"):
        for path in sorted(ROOT.glob(pattern)):
            try:
                path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # a symbolic-link loop, a file that is not UTF-8
            out.append(path)
    return out


YAML_FILES = _utf8_files()


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (``1 == 1.0 == True`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def builder_data(text: str) -> Any:
    """What libyaml and the event builder read (the located pass), or the exception."""
    try:
        return parse_yaml(text.encode("utf-8", errors="surrogateescape"), "g.yaml").data
    except GraphFileError as exc:
        return exc


def agrees(text: str) -> bool:
    fast = fast_load(text)
    if fast is DECLINED:
        return True
    expected = builder_data(text)
    return not isinstance(expected, GraphFileError) and same(fast, expected)


def test_the_repository_has_yaml_files_to_compare():
    assert len(YAML_FILES) > 100


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_of_the_repository(path):
    assert agrees(path.read_bytes().decode("utf-8"))


@pytest.mark.parametrize("shape", ["service", "trace", "hubs"])
def test_generated_graphs_take_the_fast_path_and_agree(shape):
    graph = service_graph(600, seed=3) if shape == "service" else generate(shape, 600, seed=3)
    text = to_yaml(graph)
    fast = fast_load(text)
    assert fast is not DECLINED  # what the generator writes is plain YAML: no reason to decline
    assert same(fast, builder_data(text))


TRICKY = [
    "a: yes\n",
    "a: 'yes'\n",
    "a: 012\n",
    "a: 0o12\n",
    "a: 0x1F\n",
    "a: 0b11\n",
    "a: 1e3\n",
    "a: 1.5e3\n",
    "a: 1.5e+3\n",
    "a: 1_000\n",
    "a: -.5\n",
    "a: 1:30\n",
    "a: 2025-01-01\n",
    "a: 2025-01-01 10:00:00\n",
    "a: .inf\n",
    "a: .NaN\n",
    "a: =\n",
    "a: ~\nb: null\nc:\nd: Null\n",
    "a: True\nb: FALSE\nc: on\nd: Off\n",
    "1: a\n",
    "1.5: a\n",
    "true: a\n",
    "null: a\n",
    "? [a]\n: b\n",
    "a: &x {p: 1}\nb: *x\n",
    "a: {p: 1}\n<<: {q: 2}\n",
    "a: !!str 1\n",
    "a: !custom 1\n",
    "a: 1\na: 2\n",
    "--- 1\n--- 2\n",
    "---\na: 1\n...\n",
    "%YAML 1.1\n---\na: 1\n",
    'a: "t\\u00e9 \\/ \\N \\_"\n',
    "a:\tb\n",
    "a: b\x85c\n",
    "a: b\u2028c\n",
    "\ufeffa: 1\n",
    "a: \x01\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "- a\nb: 1\n",
    "a: 99999999999999999999999999999\n",
    "a: " + "9" * 5000 + "\n",
    "a: |\n  l1\n  l2\n\n",
    "a: |-\n  l1\n",
    "a: |+\n  l1\n\n",
    "a: >\n  f1\n  f2\n\n  f3\n",
    "a: >2\n   x\n",
    "a: plain\n  continued\n  012 on\n",
    "a:\n  012\n",
    "a: 'it''s'\nb: \"q\"\n",
    "a: [x, 'y', \"z\", 1, 1.5, -2, +3]\n",
    "{a: 1, b: [2, 3]}\n",
    "a: 1\r\nb: [x]\r\n",
    "a: b # comment\n# c\n",
    "a: ' lead and trail '\n",
    "a: x:y\nb: x #y\nc: x#y\n",
    "a: 1.\nb: +12\nc: -0\nd: 0\n",
    "- - - deep\n",
    "[" * 150 + "]" * 150 + "\n",
    "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(120)),
    "yes\n",
    "012\n",
    "plain text\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_yaml_agrees_or_declines(text):
    assert agrees(text)


@pytest.mark.parametrize(
    "text", ["a: yes\n", "a: 012\n", "a: 1e3\n", "a: &x 1\nb: *x\n", "1: a\n", "a: 1\na: 2\n"]
)
def test_where_yaml_versions_differ_the_fast_parse_declines(text):
    assert fast_load(text) is DECLINED


@pytest.mark.parametrize(
    "text",
    ["a: [1, 0o17]\n", "a: {b: -.5}\n", "a: x\nb: 0x1F\n", "a: [é, 012]\n", "a: 1_000\n"],
)
def test_numbers_written_the_yaml_1_1_way_decline_anywhere(text):
    assert fast_load(text) is DECLINED


def test_letters_that_name_byte_classes_are_plain_text():
    text = "a: USD\nb: [SPD, S.D, P.D, xD]\nc: 1.5\nd: -2\n"
    assert fast_load(text) == {"a": "USD", "b": ["SPD", "S.D", "P.D", "xD"], "c": 1.5, "d": -2}


TOKENS = [
    "components:", "include:", "version: 1", "- ", "  ", "    ", "id: a", "id: b", "kind: app",
    "depends_on: [a]", "depends_on:", "target: b", "type: soft", "min_up: 3", "scope: zonal",
    "user_facing: yes", "user_facing: true", "cache_ttl: 5m", "&x ", "*x", "<<: *x", "{", "}",
    "[", "]", ":", ": ", ",", "'", '"', "#", " #", "!!str ", "\t", "\n", "\r\n", "2025-10-20",
    "~", "null", "on", "012", "1.5", "1e3", "-", "?", "|", ">", "|-", "x", "\\", "---", "...",
    "é", "\u2028", "%", "timeout: 2s", "backoff: 200ms", "1h30m", "notes: >\n  one\n",
    "notes: |-\n    two\n", "  - notes: >\n      three\n",
]  # fmt: skip


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_random_documents_agree_or_decline(text):
    assert agrees(text)


def test_the_loader_gives_the_same_graph_through_either_parser(monkeypatch):
    """The whole graph (every model) from the fast parse equals the one from libyaml."""
    files = [ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"]
    files += sorted((ROOT / "graphs" / "examples").glob("*.yaml"))
    files.append(ROOT / "tests" / "data" / "valid" / "stack" / "main.yaml")  # with includes
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 0)  # every file, however small
    fast = [loader.load_graph(f) for f in files]
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 1 << 40)  # libyaml only
    slow = [loader.load_graph(f) for f in files]
    for a, b in zip(fast, slow, strict=True):
        assert a.components == b.components and a.groups == b.groups
        assert (a.name, a.files, dict(a.references)) == (b.name, b.files, dict(b.references))


@pytest.mark.parametrize(
    "text",
    ["- " * 30_000 + "x\n", "? " * 20_000 + "x\n", "- ? " * 20_000 + "x\n", "[" * 300 + "]" * 300],
)
def test_nesting_that_would_crash_the_rust_parser_is_left_to_libyaml(text):
    """yaml-rs recurses per level of compact nesting (30,000 levels: a segfault)."""
    assert fast_load(text) is DECLINED
    assert isinstance(builder_data(text), GraphFileError)  # libyaml's builder stops at 100


def test_deep_block_nesting_declines():
    text = "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(150))
    assert fast_load(text) is DECLINED


def test_generated_graph_loads_the_same_through_either_parser(monkeypatch, tmp_path):
    """At the size where the fast parse is used by default, the whole graph is the same."""
    path = tmp_path / "g.yaml"
    path.write_text(to_yaml(generate("trace", 400, seed=5)))
    assert path.stat().st_size >= yamlsource.FAST_PARSE_MIN_BYTES
    fast = loader.load_graph(path)
    monkeypatch.setattr(yamlsource, "FAST_PARSE_MIN_BYTES", 1 << 40)
    slow = loader.load_graph(path)
    assert fast.components == slow.components and fast.groups == slow.groups


SIMPLE_BLOCKS_AND_DURATIONS = [
    "description: >\n  A small stack.\n  Invented.\ncomponents: []\n",
    "a: |\n  l1\n  l2\nb: 1\n",
    "a: >-\n  f1 # not a comment\n  f2: x\n",
    "a: |-\n    x\n",
    "- notes: >\n    n1\n  id: a\n- {id: b, timeout: 2s}\n",
    "a: {timeout: 2s, retry: {attempts: 3, backoff: 200ms}, cache_ttl: 1h30m}\n",
    "a: [1.5s, 0.25h, 2d, 10ms]\n",
]


@pytest.mark.parametrize("text", SIMPLE_BLOCKS_AND_DURATIONS)
def test_simple_block_scalars_and_durations_take_the_fast_path_and_agree(text):
    """What small graph files write (shop.yaml: a folded description, ``2s``) is read by
    yaml-rs, so that a small valid file needs no PyYAML; the data is libyaml's."""
    fast = fast_load(text)
    assert fast is not DECLINED
    assert same(fast, builder_data(text))


def test_the_shipped_small_examples_take_the_fast_path():
    text = (ROOT / "graphs" / "examples" / "shop.yaml").read_text()
    assert fast_load(text) is not DECLINED


@pytest.mark.parametrize(
    "text",
    [
        "a: >\n\nb: 1\n",  # empty: yaml-rs reads a line break
        "a: >\n  x\n\n  y\n",  # a blank line inside
        "a: >\n  x\n    more\n",  # a more-indented line
        "a: >+\n  x\n",  # keep
        "a: >2\n   x\n",  # an indentation indicator
        "a: > # c\n  x\n",  # a comment after the indicator
        "a: >\n  x \nb: 1\n",  # a trailing space
        "a: >\n  x\n\nb: 1\n",  # a blank line after
        "a: {b: [1,\n  2], c: >\n  x\n",  # inside a flow collection
        "- >\n  x\n",  # not a mapping value
        "a: >\r\n  x\r\n",
        "a: 1e3s\n",
        "a: .5s\n",
        "a: 2sec\n",
    ],
)
def test_other_block_scalars_and_unit_numbers_decline(text):
    assert fast_load(text) is DECLINED
    assert agrees(text)


def _pyyaml_reads_as_text(text: str) -> bool:
    from yaml.resolver import Resolver

    for _, pattern in Resolver.yaml_implicit_resolvers.get(text[:1], ()):
        if pattern.match(text):
            return False
    return True


def test_the_yaml_1_1_types_classify_scalars_as_pyyaml_does():
    """fastyaml's own table of YAML 1.1's implicit types (so that it imports no PyYAML)
    answers as PyYAML's resolver on every scalar of the repository's YAML files and on
    200,000 strings made of the characters the types are built from."""
    import random

    from blast.loading.fastyaml import _SPECIAL_STRING, reads_as_text

    texts = {"", "yes", "~", "<<", "=", "._5", "0b1", "0x_", "1:30", "2025-1-1 1:02:03 Z"}
    for path in YAML_FILES[:60]:
        texts.update(path.read_text().replace(",", " ").replace(":", " ").split())
    alphabet = "0123456789-+._:eExXbBoOaAfFiInNtTyYuUlLsS~<=!&* Z\n"
    rng = random.Random(14)
    texts.update("".join(rng.choices(alphabet, k=rng.randint(1, 9))) for _ in range(200_000))
    for text in texts:
        assert reads_as_text(text) == _pyyaml_reads_as_text(text), repr(text)
        if text and not set(text) & set('\n"\\'):  # escaped in JSON: a false alarm at worst
            found = _SPECIAL_STRING.search(orjson.dumps([text])) is not None
            assert found == (not _pyyaml_reads_as_text(text)), repr(text)


def test_fastyaml_imports_no_pyyaml():
    code = (
        "import sys, blast.loading.yamlsource, blast.loading.fastyaml\nprint('yaml' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


NUMBER_TOKENS = [
    "a: 30.0", "b: -2", "c: 012", "d: 1e3", "e: 2s", "f: 1:30", "g: [1, 2.5]", "h: {x: 3}",
    "i: 1 2", "j: 5 012", "- 7", "  ", "\n", "\n", ",", " #", "k: .5", "l: +1.5", "m: 1_000",
]  # fmt: skip


@settings(max_examples=800)
@given(st.lists(st.sampled_from(NUMBER_TOKENS), max_size=40).map("".join))
def test_many_numbers_are_judged_on_distinct_lines_alike(text):
    """Past ``_MANY_NUMBERS`` scalars starting like numbers, ``_odd_number`` reads each
    distinct line once: the same answer as reading them all."""
    raw = text.encode("utf-8")
    assert fastyaml._odd_scalar(raw, 0) in (None, fastyaml._odd_scalar(raw, None))
    assert fastyaml._odd_number(raw) is fastyaml._odd_scalar(raw, None)
    lines = raw.split(b"\n")
    distinct = b"\n".join([lines[0], *set(lines[1:])])
    assert fastyaml._odd_scalar(distinct, None) is fastyaml._odd_scalar(raw, None)


def test_a_graph_with_millions_of_numbers_reads_its_distinct_lines(monkeypatch):
    text = "components:\n" + "".join(
        f"- id: c{i}\n  kind: app\n  depends_on:\n  - target: c{i - 1}\n    timeout: 30.0\n"
        for i in range(1, 400)
    )
    monkeypatch.setattr(fastyaml, "_MANY_NUMBERS", 10)
    assert fast_load(text) is not DECLINED
    assert fast_load(text + "- id: odd\n  kind: app\n  notes: 012\n") is DECLINED
