"""Dashboard speed: in-process render times, then a bounded load test against gunicorn.

Usage::

    .venv/bin/python bench/dashboard_bench.py                 # 50 users x 20 rounds, 4 workers
    .venv/bin/python bench/dashboard_bench.py --users 10 --clicks 5
    .venv/bin/python bench/dashboard_bench.py --no-load-test  # in-process figures only
    .venv/bin/python bench/dashboard_bench.py --served-graph 10000 --workers 1

In process: first render of the reference graph (load, index, view, elements),
a click (a focused component's view and side panel), and a generated graph of
10,000 components opening collapsed. Over HTTP: each simulated user opens the
page (HTML, layout, the initial state and draw callbacks), opens the timeline
(its set-up callback), then does rounds of a click on a component (the two
callback round trips the browser makes: state update, then redraw) and a move of
the timeline slider (the recoloured graph with the Gantt's marker, and the side
panel), and runs what-ifs (an earlier repair, re-simulated). Before the crowd,
one user alone measures each round trip unloaded. The bench starts gunicorn
itself on loopback and stops it. Bounded: a fixed number of rounds and what-ifs
per user and a wall-clock limit. Prints a Markdown report (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from blast.model.synthetic import service_graph, to_yaml  # noqa: E402
from dashboard.panel import panel  # noqa: E402
from dashboard.screen import screen  # noqa: E402
from dashboard.state import initial_state  # noqa: E402
from dashboard.store import Sources  # noqa: E402
from tests.dashboard_server import gunicorn  # noqa: E402


def in_process() -> list[tuple[str, float, str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = Sources(upload_dir=Path(tmp))
        t = time.perf_counter()
        a = sources.analysed(sources.default_key)
        scr = screen(a, initial_state(sources.default_key))
        payload = len(json.dumps(scr.drawn.elements))
        note = f"{len(scr.drawn.elements)} elements, {payload:,} B"
        rows.append(("first render, reference graph (load + index + view)",
                     time.perf_counter() - t, note))  # fmt: skip
        comps = list(a.graph.components)
        times = []
        for cid in comps:
            t = time.perf_counter()
            screen(a, {**initial_state(sources.default_key), "focus": cid})
            panel(a, cid)
            times.append(time.perf_counter() - t)
        rows.append(("click, reference graph (view + panel), median", statistics.median(times),
                     f"max {max(times) * 1000:.1f} ms over {len(times)} components"))  # fmt: skip
        text = to_yaml(service_graph(10_000, seed=0)).encode()
        t = time.perf_counter()
        key = sources.save_upload("generated-10000.yaml", text)
        big = sources.analysed(key)
        rows.append(("10,000 components: upload (validate, load, index, SPOFs)",
                     time.perf_counter() - t, f"{len(text):,} B of YAML"))  # fmt: skip
        t = time.perf_counter()
        scr = screen(big, initial_state(key))
        rows.append(("10,000 components: collapsed overview once analysed",
                     time.perf_counter() - t, f"{len(scr.drawn.elements)} elements, "
                     f"{len(scr.view.aggregates)} collapsed groups"))  # fmt: skip
        times = []
        for s in big.spofs[:50]:
            t = time.perf_counter()
            screen(big, {**initial_state(key), "focus": s.component})
            panel(big, s.component)
            times.append(time.perf_counter() - t)
        rows.append(("click, 10,000 components (view + panel), median", statistics.median(times),
                     f"max {max(times) * 1000:.1f} ms over {len(times)} SPOFs"))  # fmt: skip
        rows += race_rows(Path(tmp))
    return rows


def race_rows(cache: Path) -> list[tuple[str, float, str]]:
    """The race page: its result computed cold, read from the cache entry, then drawn."""
    from dashboard import race
    from dashboard.pages.race import body

    os.environ["BLAST_CACHE_DIR"] = str(cache / "race-cache")
    race._memory.clear()
    t = time.perf_counter()
    view = race.race_view()
    cold = time.perf_counter() - t
    race._memory.clear()
    t = time.perf_counter()
    race.race_view()
    disk = time.perf_counter() - t
    t = time.perf_counter()
    body(view)
    first = time.perf_counter() - t
    t = time.perf_counter()
    body(view)
    again = time.perf_counter() - t
    note = f"4 explorations ({sum(f.states for f in view.fixes):,} states) + Monte Carlo"
    return [
        ("race page: result computed (no cache entry)", cold, note),
        ("race page: result read from its cache entry", disk, "JSON, another worker or restart"),
        ("race page: diagram and tables, first time", first, f"{len(view.steps)} steps"),
        ("race page: diagram and tables, a later tab open", again, "figure built once"),
    ]


class Client:
    """The callback requests a browser makes, built from the app's own dependency list."""

    def __init__(self, url: str):
        self.url = url
        deps = json.loads(self._get("_dash-dependencies"))

        def dep(output: str, with_state: bool = False) -> dict[str, Any]:
            return next(d for d in deps if output in d["output"] and (d["state"] or not with_state))

        self.update = dep("shell-state.data", with_state=True)
        self.draw = dep("graph-cyto.elements")
        self.tl_setup = dep("tl-slider.max")
        self.tl_draw = dep("tl-cyto.elements")
        self.tl_explain = dep("tl-panel.children")
        self.tl_whatif = dep("tl-wi-result.children")

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=60) as r:
            return bytes(r.read())

    def _post(self, dep: dict[str, Any], values: dict[str, Any], changed: str) -> Any:
        outs = [
            {"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1].split("@")[0]}
            for o in dep["output"].strip(".").split("...")
        ]
        body = {
            "output": dep["output"],
            "outputs": outs if dep["output"].startswith("..") else outs[0],
            "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")}
                       for i in dep["inputs"]],
            "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")}
                      for s in dep["state"]],
            "changedPropIds": [changed],
        }  # fmt: skip
        req = urllib.request.Request(
            self.url + "_dash-update-component",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())

    def open_page(self) -> dict[str, Any]:
        self._get("")
        self._get("_dash-layout")
        out = self._post(self.update, {"shell-url.search": ""}, "shell-url.search")
        state = out["response"]["shell-state"]["data"]
        self._post(self.draw, {"shell-state.data": state}, "shell-state.data")
        return dict(state)

    def click(self, state: dict[str, Any], node: str) -> dict[str, Any]:
        values = {"graph-cyto.tapNodeData": {"id": node}, "shell-state.data": state}
        out = self._post(self.update, values, "graph-cyto.tapNodeData")
        new = out["response"]["shell-state"]["data"]
        self._post(self.draw, {"shell-state.data": new}, "shell-state.data")
        return dict(new)

    def open_timeline(self, state: dict[str, Any]) -> tuple[str, int]:
        """The timeline tab's set-up: its scenario and the slider's end, in minutes."""
        out = self._post(self.tl_setup, {"shell-state.data": state}, "shell-state.data")
        got = out["response"]
        return str(got["tl-scenario"]["value"]), int(got["tl-slider"]["max"])

    def scrub(self, state: dict[str, Any], scenario: str, minutes: int) -> None:
        """A slider move: the graph recoloured with the Gantt's marker, and the side panel."""
        values = {"tl-slider.value": minutes, "tl-scenario.value": scenario,
                  "shell-state.data": state}  # fmt: skip
        self._post(self.tl_draw, values, "tl-slider.value")
        self._post(self.tl_explain, values, "tl-slider.value")

    def whatif(self, state: dict[str, Any], scenario: str, earlier: int) -> str:
        """An earlier repair by ``earlier`` minutes, re-simulated; the result's text."""
        values = {"tl-wi-fault.value": "", "tl-wi-at.value": 0, "tl-wi-for.value": 60,
                  "tl-wi-earlier.value": earlier, "tl-wi-mitigations.value": [],
                  "tl-scenario.value": scenario, "shell-state.data": state}  # fmt: skip
        out = self._post(self.tl_whatif, values, "tl-wi-earlier.value")
        return json.dumps(out["response"])


OPS = ("open", "click", "scrub", "what-if")


def single_user(
    url: str, components: list[str], rounds: int, workers: int
) -> dict[str, list[float]]:
    """Round trips of one user alone, per operation, after a warm-up that reaches every worker
    (a worker's first timeline request simulates the reference scenario)."""
    client = Client(url)
    state = client.open_page()
    scenario, end = client.open_timeline(state)
    for minute in range(3 * workers):  # each worker simulates the reference once, first
        client.scrub(state, scenario, minute)
        client.whatif(state, scenario, 5)
    rng = random.Random(0)
    times: dict[str, list[float]] = {op: [] for op in OPS}
    for i in range(rounds):
        for op in OPS:
            t = time.perf_counter()
            if op == "open":
                client.open_page()
            elif op == "click":
                client.click(state, rng.choice(components))
            elif op == "scrub":
                client.scrub(state, scenario, rng.randrange(end + 1))
            else:
                text = client.whatif(state, scenario, 10 + 10 * (i % 6))
                assert "min" in text, "the what-if answers with minutes"
            times[op].append(time.perf_counter() - t)
    return times


def served_graph(size: int, workers: int) -> dict[str, Any]:
    """A generated graph of ``size`` components as the server's default graph (``--preload``):
    server start-up (load and index before forking), then one user opening the page (its
    collapsed overview) and clicking SPOFs, each a full HTTP round trip."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"generated-{size}.yaml"
        path.write_text(to_yaml(service_graph(size, seed=0)))
        sources = Sources(default=path, upload_dir=Path(tmp) / "u")
        spofs = [s.component for s in sources.analysed(sources.default_key).spofs[:20]]
        t = time.perf_counter()
        with gunicorn(Path(tmp) / "u", workers=workers, graph=path, preload=True) as url:
            started = time.perf_counter() - t
            client = Client(url)
            opens, clicks = [], []
            for _ in range(5):
                t = time.perf_counter()
                state = client.open_page()
                opens.append(time.perf_counter() - t)
            for node in spofs:
                t = time.perf_counter()
                client.click(state, node)
                clicks.append(time.perf_counter() - t)
    return {"size": size, "start": started, "open": opens, "click": clicks}


def load_test(
    users: int, clicks: int, workers: int, limit: float, whatifs: int, preload: bool
) -> dict[str, Any]:
    components = list(Sources().analysed(Sources().default_key).graph.components)
    times: dict[str, list[float]] = {op: [] for op in OPS}
    errors: list[str] = []
    lock = threading.Lock()
    with (
        tempfile.TemporaryDirectory() as tmp,
        gunicorn(Path(tmp), workers=workers, preload=preload) as url,
    ):
        server = psutil.Process(_gunicorn_pid(url))
        peak = [0.0]

        def rss() -> float:
            procs = [server, *server.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs if p.is_running()) / 1e6

        alone = single_user(url, components, rounds=10, workers=workers)
        deadline = time.monotonic() + limit

        def timed(op: str, call: Any, *args: Any) -> Any:
            t = time.perf_counter()
            out = call(*args)
            with lock:
                times[op].append(time.perf_counter() - t)
            return out

        def user(seed: int) -> None:
            rng = random.Random(seed)
            try:
                client = Client(url)
                state = timed("open", client.open_page)
                scenario, end = client.open_timeline(state)
                for i in range(clicks):
                    if time.monotonic() > deadline:
                        return
                    state = timed("click", client.click, state, rng.choice(components))
                    timed("scrub", client.scrub, state, scenario, rng.randrange(end + 1))
                    if i < whatifs:
                        timed("what-if", client.whatif, state, scenario, rng.choice(EARLIER))
            except Exception as exc:  # counted, not raised: the figure is the error count
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        started = time.perf_counter()
        for th in threads:
            th.start()
        while any(th.is_alive() for th in threads):
            peak[0] = max(peak[0], rss())
            time.sleep(0.2)
        wall = time.perf_counter() - started
    return {"users": users, "workers": workers, "wall": wall, "times": times, "alone": alone,
            "errors": errors, "rss_peak_mb": peak[0]}  # fmt: skip


EARLIER = (15, 30, 45, 60, 90, 120)
"""What-if: the repair this many minutes earlier (a few values, so results repeat like a
crowd's would, and the server's caches are exercised as well as its simulations)."""


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return 0.0, 0.0, 0.0
    if len(values) == 1:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], max(values)


def _gunicorn_pid(url: str) -> int:
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN:
            proc = psutil.Process(conn.pid)
            parent = proc.parent()
            is_master = parent is not None and "gunicorn" in " ".join(parent.cmdline())
            return parent.pid if is_master and parent else proc.pid
    raise RuntimeError("gunicorn not found")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--clicks", type=int, default=20, help="rounds of click + scrub per user")
    p.add_argument("--whatifs", type=int, default=1, help="what-ifs per user")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--preload", action="store_true", help="gunicorn --preload")
    p.add_argument("--limit", type=float, default=180.0, help="wall-clock bound, seconds")
    p.add_argument("--no-load-test", action="store_true", help="in-process figures only")
    p.add_argument(
        "--served-graph",
        type=int,
        metavar="N",
        help="instead of the load test: a generated "
        "graph of N components as the server's graph, opened and clicked by one user",
    )
    args = p.parse_args()
    print(f"Machine: {platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}, "
          f"load average {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    if not args.served_graph:
        print("| in process | time | notes |\n|---|---:|---|")
        for name, secs, note in in_process():
            print(f"| {name} | {secs * 1000:.1f} ms | {note} |")
    if args.no_load_test:
        return
    if args.served_graph:
        g = served_graph(args.served_graph, args.workers)
        print(f"\nA generated graph of {g['size']:,} components served by gunicorn "
              f"({args.workers} workers, --preload), one user, HTTP round trips:\n")  # fmt: skip
        print("| step | p50 | max |\n|---|---:|---:|")
        print(f"| server start (load, index, fork) | {g['start'] * 1000:.0f} ms | |")
        for name in ("open", "click"):
            p50, _, top = _quantiles(g[name])
            print(f"| {name} ({len(g[name])}) | {p50 * 1000:.0f} ms | {top * 1000:.0f} ms |")
        return
    r = load_test(args.users, args.clicks, args.workers, args.limit, args.whatifs, args.preload)
    print("\nOne user alone (10 of each after a warm-up), round trips over HTTP:\n")
    print("| operation | p50 | p95 | max |\n|---|---:|---:|---:|")
    for op in OPS:
        p50, p95, top = _quantiles(r["alone"][op])
        print(f"| {op} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | {top * 1000:.0f} ms |")
    preload = " --preload" if args.preload else ""
    print(f"\nLoad test: {r['users']} users, each opening the page then {args.clicks} rounds of "
          f"click + slider move and {args.whatifs} what-if(s); gunicorn {r['workers']} workers"
          f"{preload} on loopback, {r['wall']:.1f} s wall\n")  # fmt: skip
    print("| operation | count | p50 | p95 | max |\n|---|---:|---:|---:|---:|")
    for op in OPS:
        p50, p95, top = _quantiles(r["times"][op])
        print(f"| {op} | {len(r['times'][op])} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms | "
              f"{top * 1000:.0f} ms |")  # fmt: skip
    print(f"\nErrors: {len(r['errors'])}; peak RSS of gunicorn and its workers: "
          f"{r['rss_peak_mb']:.0f} MB")  # fmt: skip
    for e in r["errors"][:5]:
        print("error:", e)


if __name__ == "__main__":
    main()
