"""The race page in a real browser (Debian chromium, gunicorn): the diagram and the fixes."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from blast.race.explore import explore
from dashboard import ids
from dashboard.race import CONFIG
from tests.test_dashboard_browser import browser, server, severe, shot, until

__all__ = ["browser", "server"]  # fixtures shared with the graph page's tests

PLOT = f"document.querySelector('#{ids.RACE_DIAGRAM} .js-plotly-plot')"


def test_race_tab_draws_the_shortest_counterexample(server: str, browser: WebDriver) -> None:
    cex = explore(CONFIG).counterexample
    assert cex is not None
    browser.set_window_size(1680, 1400)
    browser.get(server)
    tab = until(
        browser,
        lambda: next(
            (e for e in browser.find_elements(By.CSS_SELECTOR, ".tab") if "DNS race" in e.text),
            None,
        ),
        "race tab",
    )
    tab.click()
    arrows = until(
        browser,
        lambda: browser.execute_script(
            f"return {PLOT}._fullLayout.annotations.filter(a => a.showarrow).length"
        ),
        "sequence diagram",
    )
    assert arrows == len(cex.steps)
    drawn = browser.execute_script(f"return {PLOT}.querySelectorAll('.annotation').length")
    assert drawn == 2 * len(cex.steps)  # an arrow and a label per step, on screen
    lanes = browser.execute_script(f"return {PLOT}._fullLayout.xaxis.ticktext")
    assert lanes[:2] == ["Planner", "plan store"] and "regional" in lanes
    fixes = browser.find_element(By.ID, ids.RACE_FIXES).text
    unfixed = browser.find_element(By.CSS_SELECTOR, f"#{ids.RACE_FIXES} tr.fix-none").text
    assert f"{explore(CONFIG).safety_violations:,}" in unfixed
    for fix in "abc":
        row = browser.find_element(By.CSS_SELECTOR, f"#{ids.RACE_FIXES} tr.fix-{fix}").text
        assert " 0 0 none " in f" {row} ", row
    assert "compare-and-set" in fixes
    shot(browser, "6-race")
    assert severe(browser) == []
    browser.set_window_size(1680, 1050)
