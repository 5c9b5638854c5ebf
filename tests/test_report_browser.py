"""The HTML report in a real browser: Debian's chromium under chromedriver, offline.

Each report is written by the real CLI, opened from disk with networking off
(it must be self-contained), screenshotted full-page into ``tests/artifacts/``
(git-ignored; ``docs/report-*.png`` are copies of these), and printed to PDF
through the DevTools protocol to check that it prints: A4, every section there.
``BLAST_REPORT_SCREENSHOTS=docs`` writes the screenshots into ``docs/`` instead.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parent.parent
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "tests" / "artifacts"
SHOTS = ROOT / "docs" if os.environ.get("BLAST_REPORT_SCREENSHOTS") == "docs" else ARTIFACTS
CASES = {
    "report-aws-us-east-1": (
        "graphs/aws-us-east-1-2025-10-20.yaml",
        "--scenario",
        "graphs/scenarios/aws-2025-10-20-dns-race.yaml",
    ),
    "report-shop": ("graphs/examples/shop.yaml",),
}
"""Screenshot name -> ``blast report`` arguments (the incident with its simulation)."""


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    assert Path(CHROMEDRIVER).exists(), "install chromium-driver (make test does it with apt)"
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run", "--window-size=1200,900",
                 "--proxy-server=127.0.0.1:9", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("name", sorted(CASES))
def test_report_renders_offline_and_prints(browser, name, tmp_path):
    html = tmp_path / f"{name}.html"
    run = subprocess.run(
        [sys.executable, "-m", "blast", "report", *CASES[name], "-o", str(html)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    browser.get(html.as_uri())
    assert browser.title.startswith("Blast report:")
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert headings[0] == "Summary" and "Single points of failure" in headings
    assert headings[-1] == "Blind spots"
    assert len(browser.find_elements(By.CSS_SELECTOR, ".kpi")) >= 3
    assert browser.find_elements(By.CSS_SELECTOR, "svg")  # the inline figures drew
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors  # nothing failed to load, offline
    # Every card fits the page width: nothing overflows sideways.
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1200, min(int(height) + 40, 16000))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(1200, 900)
    pdf = browser.execute_cdp_cmd(
        "Page.printToPDF",
        {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True},
    )
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert 1 <= pages <= 40
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
