"""A scenario uploaded on the timeline page: validated with located errors, bounded, simulated.

Pure functions on real files (:mod:`dashboard.scenario_upload`) and, in a real browser
against gunicorn, the upload itself: the timeline shows the engine's states of the
uploaded scenario, and a broken one shows its line without breaking the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from blast.errors import BadInputError, GraphFileError
from blast.sim import simulate
from blast.sim.loader import load_scenario
from dashboard import ids
from dashboard import scenario_upload as scu
from dashboard import timeline as tl
from dashboard.pages import timeline as page
from dashboard.store import Sources
from tests.test_dashboard_browser import browser, server, severe, shot, until
from tests.test_dashboard_timeline_browser import CY, SHOP, open_timeline, states

__all__ = ["browser", "server"]

ROOT = Path(__file__).resolve().parent.parent
PAYMENTS_DOWN = """\
version: 1
kind: scenario
name: Payments provider out for 40 minutes
start: 2025-10-20T00:00:00-07:00
horizon: 3h
faults:
  - id: psp-out
    target: payments
    at: 2025-10-20T00:10:00-07:00
    for: 40m
"""


@pytest.fixture
def sources(tmp_path: Path) -> Sources:
    return Sources(default=ROOT / SHOP, upload_dir=tmp_path / "uploads")


def test_an_uploaded_scenario_is_simulated_like_the_same_file(
    sources: Sources, tmp_path: Path
) -> None:
    key = scu.save(sources, sources.default_key, "psp.yaml", PAYMENTS_DOWN.encode())
    assert scu.is_uploaded(key) and scu.path_of(sources, key).read_text() == PAYMENTS_DOWN
    state = {"graph": sources.default_key, "extra": {"scenario": key}}
    assert page.choices(sources, state)[0] == (key, scu.path_of(sources, key))
    sim = page._sim(sources, state)
    assert sim is not None and sim.key == key
    mine = tmp_path / "psp.yaml"
    mine.write_text(PAYMENTS_DOWN)
    graph = sources.analysed(sources.default_key).graph
    alone = simulate(graph, load_scenario(mine, graph), seed=0)
    assert sim.journal.to_json() == alone.to_json()
    assert {w.component for w in sim.journal.windows()} >= {"payments"}
    # without the upload in the state, the graph's shipped scenario is shown
    shipped = page._sim(sources, {"graph": sources.default_key, "extra": {}})
    assert shipped is not None and not scu.is_uploaded(shipped.key)


def test_problems_are_located_in_the_uploaded_name(sources: Sources) -> None:
    wrong = PAYMENTS_DOWN.replace("target: payments", "target: paymnets")
    with pytest.raises(GraphFileError) as caught:
        scu.save(sources, sources.default_key, "mine.yaml", wrong.encode())
    text = str(caught.value)
    assert "mine.yaml:8:13:" in text and "payments" in text  # line of the target, did-you-mean
    with pytest.raises(GraphFileError) as caught:
        scu.save(sources, sources.default_key, "bad.yaml", b"faults: [\n  - id: x\n")
    assert "bad.yaml:" in str(caught.value)


def test_what_a_shared_server_does_not_simulate_is_refused(
    sources: Sources, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = PAYMENTS_DOWN.replace("horizon: 3h", "horizon: 400d")
    with pytest.raises(GraphFileError, match="horizon: 400 days"):
        scu.save(sources, sources.default_key, "long.yaml", long.encode())
    flaps = PAYMENTS_DOWN.replace(
        "    for: 40m\n", "    mode: flapping\n    bad: 1s\n    good: 1s\n"
    )
    flaps = flaps.replace("horizon: 3h", "horizon: 13d")
    with pytest.raises(GraphFileError, match="flapping spells"):
        scu.save(sources, sources.default_key, "flaps.yaml", flaps.encode())
    monkeypatch.setenv("BLAST_DASH_MAX_UPLOAD_BYTES", "100")
    with pytest.raises(GraphFileError, match="bytes; the dashboard takes files up to 100"):
        scu.save(sources, sources.default_key, "big.yaml", PAYMENTS_DOWN.encode())


def test_only_stored_uploads_resolve(sources: Sources) -> None:
    for key in ("upload:../../etc/passwd", "upload:" + "0" * 64, "upload:XYZ"):
        with pytest.raises(BadInputError):
            scu.path_of(sources, key)


def test_uploading_a_scenario_in_the_browser(
    server: str, browser: WebDriver, tmp_path: Path
) -> None:
    open_timeline(browser, f"{server}?graph={SHOP}")
    broken = tmp_path / "broken-scenario.yaml"
    broken.write_text(PAYMENTS_DOWN.replace("target: payments", "target: paymnets"))
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.TL_SC_UPLOAD} input[type=file]")
    field.send_keys(str(broken))
    errors = lambda: str(  # noqa: E731
        browser.find_element(By.ID, ids.TL_SC_ERRORS).get_attribute("textContent")
    )
    until(browser, lambda: "broken-scenario.yaml:8:13" in errors(), "located scenario error")
    mine = tmp_path / "psp-scenario.yaml"
    mine.write_text(PAYMENTS_DOWN)
    field = browser.find_element(By.CSS_SELECTOR, f"#{ids.TL_SC_UPLOAD} input[type=file]")
    field.send_keys(str(mine))
    until(browser, lambda: "scenario=upload:" in browser.current_url, "uploaded scenario in URL")
    until(browser, lambda: errors() == "", "errors cleared")
    chooser = lambda: browser.find_element(By.ID, ids.TL_SCENARIO).text  # noqa: E731
    # the chooser re-renders after the URL (a later callback): wait for it, not a snapshot
    until(browser, lambda: "uploaded: psp-scenario.yaml" in chooser(), "uploaded scenario chosen")
    browser.execute_script(  # +30 min: the payments provider is down in the engine's journal
        "window.dash_clientside.set_props(arguments[0], {value: 30});", ids.TL_SLIDER
    )
    local = Sources(default=ROOT / SHOP, upload_dir=tmp_path / "local")
    key = scu.save(local, local.default_key, "psp-scenario.yaml", PAYMENTS_DOWN.encode())
    sim = tl.simulated(local.analysed(local.default_key), scu.path_of(local, key), key)
    assert sim.journal.state_at("payments", 1800.0) == "down"
    until(browser, lambda: "payments" in states(browser)["down"], "payments down at +30 min")
    assert browser.execute_script(f"return {CY}.nodes('.down').length") >= 1
    shot(browser, "8-timeline-uploaded-scenario")
    assert severe(browser) == []
