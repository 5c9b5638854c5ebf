"""Odd and hostile inputs through the real CLI: devices, pipes, standard input, long include
chains, many unknown ids. Each ends in exit 0 or a located exit 2, never a crash or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from blast.loading import loader as loader_module
from blast.loading.loader import MAX_INCLUDE_DEPTH, validate_files
from blast.loading.messages import Suggester

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "graphs" / "examples" / "shop.yaml"


def blast(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("timeout", 120)
    return subprocess.run(
        [sys.executable, "-m", "blast", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=kwargs.pop("cwd", ROOT),
        **kwargs,
    )


def test_dev_zero_is_refused_unread():
    run = blast("validate", "/dev/zero")
    assert run.returncode == 2, run.stderr
    assert "/dev/zero: is a character device, not a graph file" in run.stderr


def test_a_device_or_a_fifo_as_an_include_is_refused_at_the_include(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)  # nobody writes: opening it would block forever
    main = tmp_path / "main.yaml"
    main.write_text("include:\n  - /dev/zero\n  - pipe.yaml\ncomponents: []\n")
    run = blast("validate", str(main))
    assert run.returncode == 2, run.stderr
    assert f"{main}:2:5: include: cannot include /dev/zero: it is a character device" in run.stderr
    assert f"{main}:3:5: include: cannot include {fifo}: it is a pipe" in run.stderr


def test_an_endless_pipe_is_read_only_up_to_the_limit():
    env = {**os.environ, "BLAST_MAX_FILE_BYTES": "100000"}
    run = subprocess.run(
        ["bash", "-c", f"head -c 10000000 /dev/zero | {sys.executable} -m blast validate -"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "<stdin>:1:1: more than 100,000 bytes; the limit is 100,000" in run.stderr


@pytest.mark.parametrize("name", ["-", "/dev/stdin"])
def test_a_graph_on_standard_input(name):
    run = blast("validate", name, input=SHOP.read_text())
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok: 9 components, 1 group, 2 user-facing")
    run = blast("radius", name, "route53", "--json", input=SHOP.read_text())
    assert run.returncode == 0, run.stderr


def test_process_substitution_is_read_as_a_pipe():
    command = f"{sys.executable} -m blast spof <(cat {SHOP}) --json"
    run = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, check=False, cwd=ROOT, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert '"user_facing"' in run.stdout


def test_errors_on_standard_input_are_located_in_stdin():
    run = blast("validate", "-", input="components:\n  - {id: web, kind: ap}\n")
    assert run.returncode == 2
    assert "<stdin>:2:21: components[0].kind: bad value 'ap' (did you mean 'app'?)" in run.stderr


def test_a_long_include_chain_is_a_located_error(tmp_path):
    count = 1000
    for i in range(count):
        body = f"include: [f{i + 1}.yaml]\n" if i + 1 < count else ""
        (tmp_path / f"f{i}.yaml").write_text(body + f"components: [{{id: c{i}, kind: app}}]\n")
    run = blast("validate", str(tmp_path / "f0.yaml"))
    assert run.returncode == 2, run.stderr[-2000:]
    deepest = tmp_path / f"f{MAX_INCLUDE_DEPTH - 1}.yaml"
    assert f"{deepest}:1:11: include: includes nest more than {MAX_INCLUDE_DEPTH}" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_symlink_loop_named_on_the_command_line(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    run = blast("validate", str(loop))
    assert run.returncode == 2
    assert "is a symbolic link that loops back on itself" in run.stderr


def test_validate_parses_each_file_once(monkeypatch):
    from blast.cli import main

    calls: list[str] = []
    real = loader_module.parse_yaml

    def counting(raw, file, *, located=True):
        calls.append(file)
        return real(raw, file, located=located)

    monkeypatch.setattr(loader_module, "parse_yaml", counting)
    assert main(["validate", "--no-cache", str(ROOT / "tests/data/valid/stack/main.yaml")]) == 0
    assert len(calls) == len(set(calls)) == 4


def test_many_references_to_a_missing_id_get_one_answer_each(tmp_path):
    lines = ["components:"]
    lines += [
        f"  - {{id: service-{i:05d}, kind: api, depends_on: [servce-00042]}}" for i in range(3000)
    ]
    path = tmp_path / "g.yaml"
    path.write_text("\n".join(lines) + "\n")
    problems = validate_files([path])
    assert len(problems) == 3000
    assert all("(did you mean 'service-00042'?)" in p.message for p in problems)


def test_the_suggester_agrees_with_difflib_on_small_vocabularies():
    import difflib

    words = ["payments", "orders", "checkout", "dns", "route53", "dynamodb", "lambda", "sts"]
    big = words + [f"filler-{i}-{w}" for i in range(200) for w in ("x", "yy")]
    suggest = Suggester(big)
    for typo in ("paymnts", "ordrs", "chekout", "route35", "dynamo", "lamda"):
        best = difflib.get_close_matches(typo, big, n=1, cutoff=0.6)
        assert suggest.hint(typo) == f" (did you mean '{best[0]}'?)"
