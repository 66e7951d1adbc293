"""The HTML report in a real browser: Debian's chromium, headless, opens the file with the network cut off; the page
renders without script errors, every chart is drawn with its data points, and a screenshot is saved.

.ci/run installs chromium; without it the test fails in CI (env CI set) and is skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import pytest

from ccperf.config import Settings
from ccperf.report import write_report

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# per chart: its div, whether plotly drew its SVG, how many traces it has and how many data points (bars, markers)
CHARTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(div => ({
    id: div.id, svg: div.querySelectorAll('.main-svg').length, traces: (div.data || []).length,
    points: div.querySelectorAll('.point').length}))"""


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        reason = "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    return struct.unpack(">II", header[16:24])


def test_the_report_renders_in_headless_chromium(pipeline_run, data_copy: Path, tmp_path: Path) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    report = write_report(Settings.load(data_copy))
    page_text = report.read_text(encoding="utf-8")
    start = page_text.index('id="report-data">') + len('id="report-data">')
    expected = json.loads(page_text[start:page_text.index("</script>", start)])["figures"]
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
                    if msg.type == "error" else None)
            page.on("request", lambda request: requests.append(request.url))
            page.route("http*://**", lambda route: route.abort())  # offline: nothing may be fetched
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= "
                                   f"{len(expected)}", timeout=30_000)
            charts = page.evaluate(CHARTS)
            title = page.title()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert [r for r in requests if not r.startswith(("file:", "data:", "blob:"))] == []
    assert title.startswith("ccperf report")
    assert [c["id"] for c in charts] == [f["id"] for f in expected] and len(charts) == 6
    for chart, figure in zip(charts, expected, strict=True):
        assert chart["svg"] >= 1, chart
        assert chart["traces"] == figure["traces"], chart
        assert chart["points"] > 0, chart  # bars and markers drawn, not an empty frame
    screenshot = tmp_path / "report.png"
    width, height = png_size(screenshot)
    assert width == 1280 and height > 4000  # the whole page, every section
    assert screenshot.stat().st_size > 100_000
