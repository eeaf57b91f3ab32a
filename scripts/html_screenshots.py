"""Screenshots of lrplot's interactive HTML figures, for the docs (docs/img/html-*.png).

Writes each config's page, opens it in headless Chromium (Debian's chromium and chromedriver,
driven by selenium, offline), puts the pointer over the first panel so the readout shows, and
saves a screenshot next to where the PNG of the same config lives in the gallery.

    python scripts/html_screenshots.py                  # configs/onecycle.yaml -> docs/img/
    python scripts/html_screenshots.py configs/sgdr.yaml --at 0.3 -o /tmp/shots
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="*", default=[str(ROOT / "configs" / "onecycle.yaml")])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--at", type=float, default=0.6,
                        help="where the pointer goes, as a fraction of the first plot's width")
    parser.add_argument("--size", default="1300,720", help="browser window WIDTH,HEIGHT")
    args = parser.parse_args()

    import lrplot
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="lrplot-shots-"))
    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 f"--user-data-dir={work / 'profile'}", f"--window-size={args.size}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")
                                              or "/usr/bin/chromedriver"), options=options)
    try:
        for config in args.configs:
            name = Path(config).stem
            page = work / f"{name}.html"
            lrplot.save(lrplot.load(config), page)
            driver.execute_cdp_cmd("Network.enable", {})
            driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
                "offline": True, "latency": 0, "downloadThroughput": -1,
                "uploadThroughput": -1})
            driver.get(page.as_uri())
            over = driver.find_elements(By.CSS_SELECTOR, ".uplot .u-over")[0]
            width = over.size["width"]
            ActionChains(driver).move_to_element_with_offset(
                over, int(width * (args.at - 0.5)), 0).perform()
            shot = args.out / f"html-{name}.png"
            driver.save_screenshot(str(shot))
            print(shot)
    finally:
        driver.quit()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
