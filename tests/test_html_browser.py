"""HTML figures in a real browser: headless Chromium driven by selenium.

The page is opened from a file:// URL with the network switched off (and its content security
policy forbids requests anyway); the tests read the browser's console log, hover, drag, click
and double-click like a user, and compare what the page shows with what lrplot computes.
They skip where Chromium or its driver is missing; CI installs both (.ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import lrplot
from lrplot.compute import compute, values as curve_values

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip("headless Chromium and chromedriver are not installed (CI installs them)",
                allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="lrplot-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver: selenium never looks for (or downloads) one of its own.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def offline(driver, on: bool) -> None:
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})


def open_page(driver, path: Path) -> list[dict]:
    """Open a page offline from file://; its console messages."""
    driver.get_log("browser")  # drop what earlier pages logged
    offline(driver, True)
    try:
        driver.get(path.as_uri())
        driver.find_element(By.CSS_SELECTOR, ".uplot canvas")
    finally:
        offline(driver, False)
    return driver.get_log("browser")


def save(tmp_path: Path, config: dict, name: str = "figure.html") -> Path:
    out = tmp_path / name
    lrplot.save(lrplot.load(config), out)
    return out


def hover(driver, panel: int, step: float) -> str:
    """Put the pointer over ``step`` in a panel's plot; the step the readout shows."""
    over = driver.find_elements(By.CSS_SELECTOR, ".uplot .u-over")[panel]
    left = driver.execute_script(
        "var u = lrplot.charts()[arguments[0]].u; return u.valToPos(arguments[1], 'x');",
        panel, step)
    width = over.size["width"]
    ActionChains(driver).move_to_element_with_offset(over, int(round(left - width / 2)), 5) \
        .perform()
    return readout(driver, panel)[0]


def readout(driver, panel: int) -> tuple[str, list[tuple[str, str]]]:
    box = driver.find_elements(By.CSS_SELECTOR, ".lr-panel")[panel]
    step = box.find_element(By.CSS_SELECTOR, ".lr-step").text
    rows = [(r.find_element(By.CSS_SELECTOR, ".lr-label").text,
             r.find_element(By.CSS_SELECTOR, ".lr-value").text)
            for r in box.find_elements(By.CSS_SELECTOR, ".lr-row")]
    return step, rows


def step_of(text: str) -> int:
    assert text.startswith("step "), text
    return int(text.split()[1])


ARTICLE = {"title": "decay", "steps": 400, "panels": [
    {"title": "ExponentialLR", "curves": [{"type": "exponential",
                                            "sweep": {"gamma": [0.9, 0.95, 0.98]}}]},
    {"title": "OneCycleLR", "curves": [{"type": "onecycle", "max_lr": 0.1, "total_steps": 400,
                                         "series": ["lr", "momentum"]}]}]}


def requests(driver) -> list[str]:
    """The URLs the page asked for since the last call (the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_renders_offline_without_console_errors(browser, tmp_path):
    requests(browser)
    logs = open_page(browser, save(tmp_path, ARTICLE))
    asked = requests(browser)
    assert any(url.startswith("file://") for url in asked), asked
    network = [url for url in asked if url.split(":", 1)[0] in ("http", "https", "ws", "wss")]
    assert not network  # (chrome:// pages are the browser's own tab)
    problems = [e for e in logs if e["level"] in ("SEVERE", "WARNING")]
    assert not problems, problems
    assert len(browser.find_elements(By.CSS_SELECTOR, ".uplot")) == 2
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".lr-panel-title")]
    assert titles == ["ExponentialLR", "OneCycleLR"]
    assert browser.find_element(By.CSS_SELECTOR, ".lr-title").text == "decay"


def test_hover_reads_out_exact_values(browser, tmp_path):
    open_page(browser, save(tmp_path, ARTICLE))
    for target in (0.6, 37, 123.4, 250, 398.4):
        step = step_of(hover(browser, 0, target))
        assert abs(step - target) <= 1
        _, rows = readout(browser, 0)
        for (label, shown), gamma in zip(rows, (0.9, 0.95, 0.98)):
            assert label == f"gamma={gamma}"
            assert shown == repr(float(lrplot.schedule("exponential", steps=400,
                                                       gamma=gamma)[step]))
        # the panels are linked: the other panel reads out the same step, momentum included
        other_step, rows = readout(browser, 1)
        assert step_of(other_step) == step
        spec = lrplot.load(ARTICLE).panels[1].curves[0]
        assert [v for _, v in rows] == [repr(float(curve_values(spec, "lr")[step])),
                                        repr(float(curve_values(spec, "momentum")[step]))]


def test_readout_formats_floats_as_python_repr(browser, tmp_path):
    open_page(browser, save(tmp_path, ARTICLE))
    values = [0.1, 1e-05, 1.5e-07, 0.0001, 123456789012345.6, 1e16, 1.2345678901234567e+16,
              2.5e-300, 5e-324, 1.7976931348623157e+308, -0.0, 0.0, 1.0, 100.0, 3.0e21,
              0.30000000000000004, -2.5e-05, float(np.nextafter(0.1, 1))]
    rng = np.random.default_rng(7)
    values += (10.0 ** rng.uniform(-12, 20, 200)).tolist()
    shown = browser.execute_script(
        "return arguments[0].map(function (v) { return lrplot.pyRepr(v); });", values)
    assert shown == [repr(v) for v in values]


SCALES = ("return lrplot.charts().map(function (c) "
          "{ return [c.u.scales.x.min, c.u.scales.x.max]; });")
X_SCALE = "var s = lrplot.charts()[0].u.scales.x; return [s.min, s.max];"


def test_drag_zooms_every_panel_and_double_click_resets(browser, tmp_path):
    open_page(browser, save(tmp_path, ARTICLE))
    over = browser.find_elements(By.CSS_SELECTOR, ".uplot .u-over")[0]
    width = over.size["width"]
    ActionChains(browser).move_to_element_with_offset(over, -width // 4, 0).click_and_hold() \
        .move_by_offset(width // 4, 0).release().perform()
    scales = browser.execute_script(SCALES)
    (lo, hi), other = scales
    assert 50 < lo < 150 and 150 < hi < 250, scales
    assert other == [lo, hi]  # linked
    ActionChains(browser).double_click(over).perform()
    scales = browser.execute_script(SCALES)
    assert scales == [[0, 399], [0, 399]]


def test_wheel_zooms_and_shift_drag_pans(browser, tmp_path):
    open_page(browser, save(tmp_path, ARTICLE))
    over = browser.find_elements(By.CSS_SELECTOR, ".uplot .u-over")[0]
    browser.execute_script(
        "var o = arguments[0], r = o.getBoundingClientRect();"
        "o.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: r.left + r.width / 2,"
        " clientY: r.top + 10, bubbles: true, cancelable: true}));", over)
    lo, hi = browser.execute_script(X_SCALE)
    assert hi - lo < 399 * 0.9
    width = over.size["width"]
    ActionChains(browser).key_down("\ue008").move_to_element(over).click_and_hold() \
        .move_by_offset(-width // 5, 0).release().key_up("\ue008").perform()
    lo2, hi2 = browser.execute_script(X_SCALE)
    assert lo2 > lo and abs((hi2 - lo2) - (hi - lo)) < 1e-6  # moved right, same width


def test_legend_toggles_a_curve(browser, tmp_path):
    open_page(browser, save(tmp_path, ARTICLE))
    row = browser.find_elements(By.CSS_SELECTOR, ".lr-panel")[0].find_elements(
        By.CSS_SELECTOR, ".lr-row")[1]
    shown = "return lrplot.charts()[0].u.series.slice(1).map(function (s) { return s.show; });"
    assert browser.execute_script(shown) == [True, True, True]
    row.click()
    assert browser.execute_script(shown) == [True, False, True]
    assert "lr-off" in row.get_attribute("class")
    row.click()
    assert browser.execute_script(shown) == [True, True, True]
    row.send_keys("\ue007")  # Enter, on the focused entry
    assert browser.execute_script(shown) == [True, False, True]


def test_long_run_reads_out_values_or_true_ranges(browser, tmp_path):
    steps = 2_000_003
    config = {"curves": [{"type": "cosine-restarts", "T_0": 333_331, "steps": steps}]}
    logs = open_page(browser, save(tmp_path, config))
    assert not [e for e in logs if e["level"] == "SEVERE"], logs
    truth = lrplot.schedule("cosine-restarts", steps=steps, T_0=333_331)
    ranges = 0
    for target in (1000, 333_331, 700_000, 1_500_000):
        step = step_of(hover(browser, 0, target))
        text = readout(browser, 0)
        [(_, value)] = text[1]
        if " .. " in value:  # an envelope: the true min and max of the bucket around the step
            ranges += 1
            assert "envelope" in text[0]
            lo, hi = (float(v) for v in value.split(" .. "))
            first, last = (int(v) for v in text[0].split("steps ")[1].split(":")[0].split("-"))
            assert first <= step <= last
            assert lo == truth[first:last + 1].min() and hi == truth[first:last + 1].max()
        else:
            assert value == repr(float(truth[step]))
    assert ranges  # most steps of a long run fall between carried points


def test_hostile_label_does_not_run_script(browser, tmp_path):
    hostile = ("</script><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">"
               "\u2028<b onmouseover=window.pwned=3>x</b>")
    config = {"title": hostile, "panels": [{"title": hostile, "curves": [
        {"type": "cosine", "T_max": 10, "steps": 20, "label": hostile},
        {"type": "cosine", "T_max": 5, "steps": 20, "label": "plain"}]}]}
    logs = open_page(browser, save(tmp_path, config))
    assert browser.execute_script("return window.pwned === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, "#lrplot img, #lrplot b")
    assert browser.execute_script("return document.querySelector('.lr-title').textContent") \
        == hostile
    label = browser.execute_script("return document.querySelector('.lr-label').textContent")
    assert label == hostile
    hover(browser, 0, 3)
    assert browser.execute_script("return window.pwned === undefined")
    assert not [e for e in logs if e["level"] == "SEVERE"], logs


def test_serve_redraws_after_the_config_changes(browser, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("title: before\nsteps: 100\ncurves:\n  - {type: cosine, T_max: 100}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "lrplot", "serve", str(config), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        browser.get_log("browser")
        browser.get(url)

        def title() -> str:  # read in one script: the page may be redrawing meanwhile
            return browser.execute_script(
                "var t = document.querySelector('.lr-title'); return t ? t.textContent : '';")

        wait(lambda: title() == "before")
        stat = config.stat()
        config.write_text("title: after\nsteps: 100\ncurves:\n  - {type: step, step_size: 10}\n")
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        wait(lambda: title() == "after")
        step = step_of(hover(browser, 0, 42))
        [(_, value)] = readout(browser, 0)[1]
        assert value == repr(float(lrplot.schedule("step", steps=100, step_size=10)[step]))
        # a config that no longer validates: its problem, and no stale figure
        config.write_text("steps: 100\ncurves:\n  - {type: step, step_sise: 10}\n")
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
        wait(lambda: "step_sise" in browser.execute_script(
            "var p = document.getElementById('lrplot-problems'); return p ? p.textContent : '';"))
        problems = browser.find_element(By.ID, "lrplot-problems").text
        assert "step_sise" in problems and "step_size" in problems
        assert not browser.find_elements(By.CSS_SELECTOR, ".uplot")
        assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Traceback" not in err, err


def wait(condition, seconds: float = 15.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the page")
