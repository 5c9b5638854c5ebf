"""The timeline page in a real browser (Debian chromium, gunicorn): scrub, explain, what-if."""

from __future__ import annotations

import time
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from dashboard import ids
from dashboard import timeline as tl
from dashboard import whatif as wi
from dashboard.store import Sources
from tests.test_dashboard_browser import (
    ARTIFACTS,
    DOWNLOADS,
    browser,
    local,
    server,
    severe,
    shot,
    until,
)

__all__ = ["browser", "local", "server"]  # fixtures shared with the graph page's tests

CY = f"document.getElementById('{ids.TL_CYTO}')._cyreg.cy"
SHOP = "graphs/examples/shop.yaml"


def states(browser: WebDriver) -> dict[str, list[str]]:
    return browser.execute_script(
        f"""const cy = {CY};
        return {{down: cy.nodes('.down').map(n => n.id()).sort(),
                degraded: cy.nodes('.degraded').map(n => n.id()).sort(),
                all: cy.nodes(':childless').map(n => n.id()).sort()}};"""
    )


def open_timeline(browser: WebDriver, url: str) -> None:
    browser.get(url)
    tab = until(
        browser,
        lambda: next(
            (e for e in browser.find_elements(By.CSS_SELECTOR, ".tab") if "Timeline" in e.text),
            None,
        ),
        "timeline tab",
    )
    tab.click()
    until(browser, lambda: browser.execute_script(f"return {CY}.nodes().length > 0"), "tl graph")


def tall_shot(browser: WebDriver, name: str, height: int) -> None:
    """A screenshot of the page ``height`` pixels tall, the graph fitted to its new size."""
    browser.set_window_size(1680, height)
    try:
        time.sleep(0.4)
        browser.execute_script(  # from the top of the page, the graph fitted to its size
            f"document.getElementById('shell-tabs-parent').scrollTop = 0;"
            f"{CY}.resize(); {CY}.fit(undefined, 24);"
        )
        shot(browser, name)
    finally:
        browser.set_window_size(1680, 1050)


def result_text(browser: WebDriver) -> str:
    return str(browser.find_element(By.ID, ids.TL_WI_RESULT).get_attribute("textContent"))


def expected(sim: tl.Simulated, nodes: list[str], minutes: int) -> dict[str, list[str]]:
    at = tl.states_at(sim.journal, nodes, 60.0 * minutes)
    return {s: sorted(n for n, v in at.items() if v == s) for s in ("down", "degraded")}


def test_slider_recolours_to_the_engines_states(
    server: str, browser: WebDriver, local: Sources
) -> None:
    """Moving the slider (here: following a link with ``t``) recolours to ``state_at(t)``."""
    analysed = local.analysed(local.default_key)
    sim = tl.simulated(analysed, tl.scenarios_for(local.path_of(local.default_key))[0])
    open_timeline(browser, server)
    nodes = [n for n in states(browser)["all"] if n in sim.graph]
    for minutes in (0, 30, 200, 60):
        want = expected(sim, nodes, minutes)
        browser.execute_script(
            # the slider's own handle: a keyboard move per minute would take hundreds of keys
            "window.dash_clientside.set_props(arguments[0], {value: arguments[1]});",
            ids.TL_SLIDER,
            minutes,
        )

        def matches(want: dict[str, Any] = want) -> bool:
            got = states(browser)
            return got["down"] == [n for n in want["down"] if n in got["all"]] and got[
                "degraded"
            ] == [n for n in want["degraded"] if n in got["all"]]

        until(browser, matches, f"states at +{minutes} min")
        assert f"t={minutes}" in browser.current_url or minutes == 0
    assert expected(sim, nodes, 30) != expected(sim, nodes, 600), "the test can fail"
    # a click on a coloured component shows its causal chain back to the trigger
    victim = expected(sim, nodes, 60)["down"][-1]
    browser.execute_script(f"{CY}.getElementById('{victim}').emit('tap');")
    trigger = sim.journal.triggers[0].id
    until(browser, lambda: trigger in browser.find_element(By.ID, ids.TL_PANEL).text, "chain")
    tall_shot(browser, "5-timeline", 1900)  # graph at +60 min with its chain, what-if, Gantt
    assert severe(browser) == []


def test_what_if_changes_the_downtime_figure(server: str, browser: WebDriver) -> None:
    open_timeline(browser, server + "?t=60")  # 00:48 PDT: the graph coloured, a chain shown
    until(browser, lambda: "baseline down" in result_text(browser), "table")
    until(browser, lambda: browser.execute_script(f"return {CY}.nodes('.down').length > 0"),
          "coloured graph")  # fmt: skip
    browser.execute_script(f"{CY}.getElementById('zoom').emit('tap');")
    until(browser, lambda: "Zoom" in browser.find_element(By.ID, ids.TL_PANEL).text, "chain")
    box = browser.find_element(By.ID, ids.TL_WI_EARLIER)
    box.clear()
    box.send_keys("60")

    def changed() -> str | None:
        text = result_text(browser)
        return text if "-60" in text else None

    until(browser, changed, "what-if downtime")
    assert "whatif=" in browser.current_url and "earlier" in browser.current_url
    spec = wi.parse(wi.dump({"earlier": 60}))
    assert not wi.is_baseline(spec)
    tall_shot(browser, "6-timeline-what-if", 2300)  # graph, what-if, Gantt, queues
    assert severe(browser) == []


def total(browser: WebDriver) -> str:
    return str(browser.find_element(By.ID, ids.TL_WI_TOTAL).get_attribute("textContent"))


def test_a_mitigation_changes_the_downtime_figure_and_downloads_follow(
    server: str, browser: WebDriver, local: Sources
) -> None:
    """Longer DNS caches: the summed what-if downtime drops; CSV and JSON hold the what-if."""
    open_timeline(browser, server)
    until(browser, lambda: "baseline down" in result_text(browser), "table")
    before = until(browser, lambda: total(browser), "total")
    option = browser.find_element(
        By.CSS_SELECTOR, f"#{ids.TL_WI_MITIGATIONS} input[value='long-dns-cache']"
    )
    option.click()
    until(browser, lambda: total(browser) != before, "what-if downtime figure")
    assert float(total(browser).split()[0]) < float(before.split()[0])
    assert "long-dns-cache" in browser.current_url
    spans = str(browser.find_element(By.ID, ids.TL_SPANS).get_attribute("textContent"))
    assert all(v in spans for v in ("14h32m", "15h12m", "15h32m"))
    errors = str(browser.find_element(By.ID, ids.TL_ERRORS).get_attribute("textContent"))
    assert "median" in errors and "emergent" in errors
    for button, name in ((ids.TL_DL_CSV, "csv"), (ids.TL_DL_JSON, "json")):
        target = DOWNLOADS / f"timeline-aws-2025-10-20-dns-race.{name}"
        target.unlink(missing_ok=True)
        browser.find_element(By.ID, button).click()
        until(browser, lambda t=target: t.exists() and t.stat().st_size > 0, f"{name} download")
        text = target.read_text()
        assert "what-if" in text and "post-mortem" in text
    browser.set_window_size(1680, 4400)  # the whole page, tables included
    try:
        browser.execute_script("document.getElementById('shell-tabs-parent').scrollTop = 0;")
        shot(browser, "7-timeline-full")
        for part in (ids.TL_GANTT, ids.TL_QUEUES, ids.TL_SPANS, ids.TL_ERRORS):
            browser.find_element(By.ID, part).screenshot(str(ARTIFACTS / f"7-{part}.png"))
    finally:
        browser.set_window_size(1680, 1050)
    assert severe(browser) == []


def test_a_shared_link_restores_time_and_what_if(server: str, browser: WebDriver) -> None:
    query = f"?graph={SHOP}&t=90&whatif=" + wi.dump({"earlier": 30, "mitigations": []})
    browser.get(server + query)  # no tab click: a link with a time opens on the timeline
    until(browser, lambda: browser.execute_script(f"return {CY}.nodes().length > 0"), "tl graph")
    until(browser, lambda: "-30" in result_text(browser), "what-if")
    label = browser.find_element(By.ID, ids.TL_TIME).text
    assert "01:30" in label, label
    assert severe(browser) == []


def test_play_moves_time_forward_and_pauses(server: str, browser: WebDriver) -> None:
    browser.get(server + f"?graph={SHOP}&t=1")
    until(browser, lambda: browser.execute_script(f"return {CY}.nodes().length > 0"), "tl graph")
    before = until(browser, lambda: browser.find_element(By.ID, ids.TL_TIME).text, "time label")
    browser.find_element(By.ID, ids.TL_PLAY).click()
    until(browser, lambda: browser.find_element(By.ID, ids.TL_TIME).text != before, "playing")
    browser.find_element(By.ID, ids.TL_PLAY).click()
    until(browser, lambda: "Play" in browser.find_element(By.ID, ids.TL_PLAY).text, "paused")
    assert "t=" in browser.current_url and "t=1&" not in browser.current_url + "&"
    assert severe(browser) == []
