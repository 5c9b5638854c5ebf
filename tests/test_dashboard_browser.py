"""The dashboard in a real browser: Debian's chromium under chromedriver, against gunicorn.

``make test`` installs ``chromium`` and ``chromium-driver`` with apt when they are
missing. Screenshots of each view land in ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from blast.analysis import blast_radius
from blast.model.synthetic import service_graph, to_yaml
from dashboard import ids
from dashboard.screen import screen
from dashboard.state import initial_state, parse_query
from dashboard.store import Sources
from tests.dashboard_server import ROOT, gunicorn

CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1680,1050",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
REFERENCE = ROOT / "graphs" / "aws-us-east-1-2025-10-20.yaml"
WAIT = 60.0
DOWNLOADS = ARTIFACTS / "downloads"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with gunicorn(tmp_path_factory.mktemp("uploads"), workers=2) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    assert Path(CHROMEDRIVER).exists(), "install chromium-driver (make test does it with apt)"
    options = webdriver.ChromeOptions()
    for flag in FLAGS:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(DOWNLOADS), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def local() -> Sources:
    return Sources(default=REFERENCE)


def until(browser: WebDriver, check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # element not there yet, page still rendering
            value = None
        if value:
            return value
        time.sleep(0.25)
    shot(browser, f"timeout-{what}")
    raise AssertionError(f"timed out waiting for {what}")


def shot(browser: WebDriver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    time.sleep(0.6)  # let cytoscape finish its frame
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))


CY = f"document.getElementById('{ids.GRAPH_CYTO}')._cyreg.cy"


def drawn(browser: WebDriver) -> dict[str, Any]:
    return browser.execute_script(
        f"""const cy = {CY};
        return {{nodes: cy.nodes(':childless').length, edges: cy.edges().length,
                spofs: cy.nodes('.spof').map(n => n.id()).sort(),
                down: cy.nodes('.component.down').map(n => n.id()).sort(),
                degraded: cy.nodes('.component.degraded').map(n => n.id()).sort()}};"""
    )


def open_page(browser: WebDriver, url: str) -> None:
    browser.get(url)
    until(browser, lambda: browser.execute_script(f"return {CY}.nodes().length > 0"), "graph")


def severe(browser: WebDriver) -> list[dict[str, Any]]:
    return [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def expected(local: Sources, query: str) -> Any:
    state = parse_query(query, local.default_key)
    return screen(local.analysed(state["graph"]), state)


def test_page_loads_without_console_errors_and_marks_spofs(
    server: str, browser: WebDriver, local: Sources
) -> None:
    open_page(browser, server)
    want = expected(local, "")
    n_nodes = len(want.view.nodes) + len(want.view.aggregates)
    got = until(browser, lambda: (d := drawn(browser))["nodes"] == n_nodes and d, "elements")
    assert got["edges"] == want.drawn.edges
    assert got["spofs"] == sorted(s.component for s in local.analysed(local.default_key).spofs)
    summary = browser.find_element(By.ID, ids.SHELL_SUMMARY).text
    analysed = local.analysed(local.default_key)
    assert f"{len(analysed.graph.components)} components" in summary
    assert f"{len(analysed.spofs)} SPOFs" in summary
    shot(browser, "1-graph")
    assert severe(browser) == []
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert fetched and all(u.startswith(server) for u in fetched), "only local assets"


def test_click_shows_radius_and_panel(server: str, browser: WebDriver, local: Sources) -> None:
    open_page(browser, server)
    target = "aws.use1.dynamodb.dns-record"
    browser.execute_script(f"{CY}.getElementById('{target}').emit('tap');")
    until(browser, lambda: target in drawn(browser)["down"], "radius")
    radius = blast_radius(local.analysed(local.default_key).index, target)
    got = drawn(browser)
    assert set(got["down"]) == {target, *radius.down}
    assert set(got["degraded"]) == set(radius.degraded)
    panel = browser.find_element(By.ID, ids.GRAPH_PANEL).text.lower()
    assert "spof" in panel and "single point of failure for 13" in panel
    assert f"focus={target}" in browser.current_url
    shot(browser, "2-blast-radius")
    assert severe(browser) == []


def upload(browser: WebDriver, path: Path) -> None:
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.SHELL_UPLOAD} input[type=file]")
    field.send_keys(str(path))


def test_broken_upload_shows_its_line_and_the_app_keeps_working(
    server: str, browser: WebDriver, tmp_path: Path
) -> None:
    target = "aws.use1.dynamodb.dns-record"
    open_page(browser, server)
    first = browser.current_window_handle
    browser.switch_to.new_window("tab")  # another visitor's session, opened before the uploads
    open_page(browser, server + f"?focus={target}")
    other = browser.current_window_handle
    browser.switch_to.window(first)
    broken = tmp_path / "my-stack.yaml"
    broken.write_text("version: 1\ncomponents:\n  - id: web\n    kind: app\n    depends_on: [db\n")
    upload(browser, broken)
    errors = until(browser, lambda: browser.find_element(By.ID, ids.SHELL_UPLOAD_ERRORS).text,
                   "upload errors")  # fmt: skip
    assert re.search(r"my-stack\.yaml:\d+:\d+", errors), errors
    assert "YAML syntax error" in errors
    shot(browser, "3-upload-error")
    upload(browser, ROOT / "tests" / "data" / "invalid" / "alias-bomb.yaml")
    errors = browser.find_element(By.ID, ids.SHELL_UPLOAD_ERRORS)
    until(browser, lambda: re.search(r"alias-bomb\.yaml:\d+:\d+", errors.text), "bomb refused")
    too_big = tmp_path / "huge.yaml"
    too_big.write_bytes(b"#" * (60 * 1024 * 1024))
    upload(browser, too_big)
    until(
        browser,
        lambda: (
            "the dashboard takes files up to"
            in browser.find_element(By.ID, ids.SHELL_UPLOAD_ERRORS).text
        ),
        "size error",
    )
    browser.execute_script(f"{CY}.getElementById('{target}').emit('tap');")
    until(browser, lambda: target in drawn(browser)["down"], "app still answers")
    assert severe(browser) == []
    browser.switch_to.window(other)  # the other session saw none of it and still answers
    assert browser.find_element(By.ID, ids.SHELL_UPLOAD_ERRORS).text == ""
    assert f"focus={target}" in browser.current_url and target in drawn(browser)["down"]
    browser.execute_script(f"{CY}.getElementById('aws.use1.ec2.dwfm').emit('tap');")
    until(browser, lambda: "aws.use1.ec2.dwfm" in drawn(browser)["down"], "other session")
    assert severe(browser) == []
    browser.close()
    browser.switch_to.window(first)


def test_valid_upload_renders(server: str, browser: WebDriver, tmp_path: Path) -> None:
    open_page(browser, server)
    mine = tmp_path / "generated.yaml"
    graph = service_graph(600, seed=3)
    mine.write_text(to_yaml(graph))
    upload(browser, mine)
    until(browser, lambda: "upload:" in browser.current_url, "upload in URL")
    until(browser, lambda: "600 components" in
          browser.find_element(By.ID, ids.SHELL_SUMMARY).text, "summary")  # fmt: skip
    local = Sources(default=mine, upload_dir=tmp_path / "u")
    want = screen(local.analysed(local.default_key), initial_state(local.default_key))
    n = len(want.view.nodes) + len(want.view.aggregates)
    until(browser, lambda: drawn(browser)["nodes"] == n, "re-rendered graph")
    shot(browser, "4-uploaded-overview")
    # explored the same way: a click on one of its SPOFs lights its radius up, and the
    # click's requests no longer carry the uploaded file (they did, every one of them)
    analysed = local.analysed(local.default_key)
    target = next(s.component for s in analysed.spofs if s.component in want.view.nodes)
    browser.execute_script(
        """window.__posted = [];
        const send = window.fetch;
        window.fetch = function (url, init) {
            if (String(url).includes('_dash-update-component') && init && init.body) {
                window.__posted.push(init.body.length);
            }
            return send.apply(this, arguments);
        };"""
    )
    browser.execute_script(f"{CY}.getElementById('{target}').emit('tap');")
    until(browser, lambda: target in drawn(browser)["down"], "uploaded graph's radius")
    radius = blast_radius(analysed.index, target)
    focused = screen(analysed, {**initial_state(local.default_key), "focus": target})
    down = {target, *radius.down} & set(focused.view.nodes)
    until(browser, lambda: set(drawn(browser)["down"]) == down, "radius as the engine's")
    assert "single point of failure" in browser.find_element(By.ID, ids.GRAPH_PANEL).text.lower()
    posted = browser.execute_script("return window.__posted")
    assert posted and max(posted) < mine.stat().st_size / 4, (posted, mine.stat().st_size)
    assert severe(browser) == []


def test_shared_url_restores_the_view(server: str, browser: WebDriver, local: Sources) -> None:
    focus = "aws.use1.ec2.dwfm"
    query = f"?graph={quote('graphs/aws-us-east-1-2025-10-20.yaml')}&focus={focus}&hops=1&show=near"
    open_page(browser, server + query)
    want = expected(local, query)
    until(browser, lambda: drawn(browser)["nodes"] == len(want.view.nodes), "near view")
    assert focus in drawn(browser)["down"]
    panel = browser.find_element(By.ID, ids.GRAPH_PANEL).text
    assert local.analysed(local.default_key).graph.label(focus) in panel
    shot(browser, "5-shared-url")
    assert severe(browser) == []


def test_downloads_the_spof_report(server: str, browser: WebDriver, local: Sources) -> None:
    open_page(browser, server)
    target = DOWNLOADS / "aws-us-east-1-outage-2025-10-20-spofs.csv"
    target.unlink(missing_ok=True)
    browser.find_element(By.ID, ids.GRAPH_DL_SPOF_CSV).click()
    until(browser, lambda: target.exists() and target.stat().st_size > 0, "download")
    rows = target.read_text().splitlines()
    assert rows[0].startswith("component,name,kind")
    assert len(rows) == 1 + len(local.analysed(local.default_key).spofs)
