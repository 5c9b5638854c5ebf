"""Dashboard speed: in-process render times, then a bounded load test against gunicorn.

Usage::

    .venv/bin/python bench/dashboard_bench.py                 # 50 users x 20 clicks, 4 workers
    .venv/bin/python bench/dashboard_bench.py --users 10 --clicks 5

In process: first render of the reference graph (load, index, view, elements),
a click (a focused component's view and side panel), and a generated graph of
10,000 components opening collapsed. Over HTTP: each simulated user opens the
page (HTML, layout, the initial state and draw callbacks) and then clicks
components one after another, each click being the two callback round trips the
browser makes (state update, then redraw). Bounded: a fixed number of clicks per
user and a wall-clock limit. Prints a Markdown report (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
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
    return rows


class Client:
    """The callback requests a browser makes, built from the app's own dependency list."""

    def __init__(self, url: str):
        self.url = url
        deps = json.loads(self._get("_dash-dependencies"))
        self.update = next(d for d in deps if "shell-state.data" in d["output"] and d["state"])
        self.draw = next(d for d in deps if "graph-cyto.elements" in d["output"])

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return bytes(r.read())

    def _post(self, dep: dict[str, Any], values: dict[str, Any], changed: str) -> Any:
        outs = dep["output"].strip(".").split("...")
        body = {
            "output": dep["output"],
            "outputs": [
                {"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in outs
            ],
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
        with urllib.request.urlopen(req, timeout=30) as r:
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


def load_test(users: int, clicks: int, workers: int, limit: float) -> dict[str, Any]:
    components = list(Sources().analysed(Sources().default_key).graph.components)
    latencies: list[float] = []
    opens: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with tempfile.TemporaryDirectory() as tmp, gunicorn(Path(tmp), workers=workers) as url:
        Client(url).open_page()  # warm every worker's cache a little
        server = psutil.Process(_gunicorn_pid(url))
        peak = [0.0]
        deadline = time.monotonic() + limit

        def rss() -> float:
            procs = [server, *server.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20

        def user(seed: int) -> None:
            rng = random.Random(seed)
            try:
                client = Client(url)
                t = time.perf_counter()
                state = client.open_page()
                with lock:
                    opens.append(time.perf_counter() - t)
                for _ in range(clicks):
                    if time.monotonic() > deadline:
                        return
                    t = time.perf_counter()
                    state = client.click(state, rng.choice(components))
                    with lock:
                        latencies.append(time.perf_counter() - t)
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
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "users": users, "workers": workers, "clicks": len(latencies), "wall": wall,
        "p50": q[49], "p95": q[94], "max": max(latencies, default=0.0),
        "open_p95": statistics.quantiles(opens, n=100)[94] if len(opens) > 1 else 0.0,
        "errors": errors, "rss_peak_mb": peak[0],
    }  # fmt: skip


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
    p.add_argument("--clicks", type=int, default=20)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--limit", type=float, default=180.0, help="wall-clock bound, seconds")
    p.add_argument("--no-load-test", action="store_true", help="in-process figures only")
    args = p.parse_args()
    print(f"Machine: {platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}\n")  # fmt: skip
    print("| in process | time | notes |\n|---|---:|---|")
    for name, secs, note in in_process():
        print(f"| {name} | {secs * 1000:.1f} ms | {note} |")
    if args.no_load_test:
        return
    r = load_test(args.users, args.clicks, args.workers, args.limit)
    print(f"\nLoad test: {r['users']} users x {args.clicks} clicks, gunicorn {r['workers']} "
          f"workers on loopback, {r['wall']:.1f} s wall\n")  # fmt: skip
    print("| clicks | p50 | p95 | max | page open p95 | errors | peak RSS (all workers) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {r['clicks']} | {r['p50'] * 1000:.0f} ms | {r['p95'] * 1000:.0f} ms | "
          f"{r['max'] * 1000:.0f} ms | {r['open_p95'] * 1000:.0f} ms | {len(r['errors'])} | "
          f"{r['rss_peak_mb']:.0f} MiB |")  # fmt: skip
    for e in r["errors"][:5]:
        print("error:", e)


if __name__ == "__main__":
    main()
