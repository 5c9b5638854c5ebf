"""Hostile uploads straight over HTTP, as a script (not a browser) would send them.

The browser refuses a file over the limit before sending it (``SIZE_CHECK`` in
:mod:`dashboard.server`); a client that skips the browser meets the server's own
limits: a request body over Flask's ``MAX_CONTENT_LENGTH`` is refused with 413
before any parsing, an upload under it but over the dashboard's limit is refused
with a message, and an alias bomb is refused located in its file. Meanwhile
another session, on the same gunicorn workers, keeps getting its clicks answered.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from blast.analysis import blast_radius
from dashboard import ids
from dashboard.store import Sources
from tests.dashboard_server import ROOT, gunicorn

INVALID = ROOT / "tests" / "data" / "invalid"
TARGET = "aws.use1.dynamodb.dns-record"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with gunicorn(tmp_path_factory.mktemp("uploads"), workers=2) as served:
        yield served


class Session:
    """One visitor's callback round trips, from the app's own dependency list."""

    def __init__(self, url: str) -> None:
        self.url = url
        with urllib.request.urlopen(url + "_dash-dependencies", timeout=60) as r:
            deps = json.loads(r.read())
        self.update = next(d for d in deps if f"{ids.SHELL_STATE}.data" in d["output"])
        self.draw = next(d for d in deps if f"{ids.GRAPH_CYTO}.elements" in d["output"])
        self.state = self.call(self.update, {f"{ids.SHELL_URL}.search": ""}, ids.SHELL_URL)[
            ids.SHELL_STATE
        ]["data"]

    def post(self, body: bytes) -> tuple[int, bytes]:
        req = urllib.request.Request(
            self.url + "_dash-update-component",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def call(self, dep: dict[str, Any], values: dict[str, Any], changed: str) -> Any:
        def spec(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in items]

        outs = [o.rsplit(".", 1) for o in dep["output"].strip(".").split("...")]
        body = {
            "output": dep["output"],
            "outputs": [{"id": i, "property": p.split("@")[0]} for i, p in outs],
            "inputs": spec(dep["inputs"]),
            "state": spec(dep["state"]),
            "changedPropIds": [f"{changed}.{dep_prop(dep, changed)}"],
        }
        status, raw = self.post(json.dumps(body).encode())
        assert status == 200, raw[:500]
        return json.loads(raw)["response"]

    def click(self, node: str) -> list[str]:
        values = {
            f"{ids.GRAPH_CYTO}.tapNodeData": {"id": node},
            f"{ids.SHELL_STATE}.data": self.state,
        }
        self.state = self.call(self.update, values, ids.GRAPH_CYTO)[ids.SHELL_STATE]["data"]
        out = self.call(self.draw, {f"{ids.SHELL_STATE}.data": self.state}, ids.SHELL_STATE)
        elements = out[ids.GRAPH_CYTO]["elements"]
        return sorted(
            e["data"]["id"] for e in elements if " down" in f" {e.get('classes', '')}"
            and "component" in e.get("classes", "")
        )  # fmt: skip

    def upload(self, name: str, raw: bytes) -> str:
        data = {"filename": name, "contents": "data:;base64," + base64.b64encode(raw).decode()}
        values = {f"{ids.SHELL_UPLOAD_ACCEPTED}.data": data, f"{ids.SHELL_STATE}.data": self.state}
        out = self.call(self.update, values, ids.SHELL_UPLOAD_ACCEPTED)
        return json.dumps(out[ids.SHELL_UPLOAD_ERRORS]["children"])


def oversized(url: str, size: int) -> int:
    """POST ``size`` bytes of body; the status the server answers (it may stop reading)."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.putrequest("POST", "/_dash-update-component")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    chunk = b" " * (1024 * 1024)
    try:
        for _ in range(size // len(chunk)):
            conn.send(chunk)
    except OSError:  # the server answered and closed without reading the rest
        pass
    status = conn.getresponse().status
    conn.close()
    return status


def dep_prop(dep: dict[str, Any], component: str) -> str:
    return next(i["property"] for i in dep["inputs"] if i["id"] == component)


def test_hostile_uploads_are_refused_and_another_session_keeps_working(url: str) -> None:
    local = Sources()
    analysed = local.analysed(local.default_key)
    want = sorted({TARGET, *blast_radius(analysed.index, TARGET).down})
    other = Session(url)
    assert other.click(TARGET) == want
    answered: list[list[str]] = []
    stop = threading.Event()

    def keep_clicking() -> None:  # another visitor, clicking while the uploads arrive
        while not stop.is_set():
            answered.append(other.click(TARGET))

    clicker = threading.Thread(target=keep_clicking)
    clicker.start()
    try:
        hostile = Session(url)
        assert oversized(url, 60 * 1024 * 1024) == 413, "refused before it is even read"
        big = hostile.upload("big.yaml", b"#" * (9 * 1024 * 1024))
        assert "the dashboard takes files up to" in big
        bomb = hostile.upload("bomb.yaml", (INVALID / "alias-bomb.yaml").read_bytes())
        assert re.search(r"bomb\.yaml:\d+:\d+", bomb), bomb
        broken = hostile.upload("mine.yaml", b"version: 1\ncomponents:\n  - id: [a\n")
        assert re.search(r"mine\.yaml:\d+:\d+", broken) and "YAML syntax error" in broken
        assert hostile.click(TARGET) == want, "the hostile session itself still works"
    finally:
        stop.set()
        clicker.join(timeout=120)
    assert answered and all(a == want for a in answered)
    assert other.click(TARGET) == want
