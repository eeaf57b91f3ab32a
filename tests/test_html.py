"""HTML figures (lrplot.html) and the live preview (lrplot.cli.serve), without a browser:
the bytes, the data they carry, escaping, the stamp, and the server's protocol.
The page's behaviour in a real browser is tested in test_html_browser.py."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import html, output
from lrplot.cli import main
from lrplot.compute import compute, values as curve_values

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "lrplot" / "html" / "vendor"


def data_of(page: bytes) -> dict:
    found = re.search(rb'<script type="application/json" id="lrplot-data">(.*?)</script>',
                      page, re.S)
    assert found, "the page has no data element"
    return json.loads(found.group(1))


def f64(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def u32(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<u4")


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def test_same_config_gives_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    run("compare", "configs/article.yaml", "-o", str(a))
    run("compare", "configs/article.yaml", "-o", str(b))
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes().startswith(b"<!DOCTYPE html>")


def test_format_flag_and_standard_output(tmp_path):
    run("cosine", "--t-max", "50", "--steps", "60", "-o", str(tmp_path / "lr"), "--format", "html")
    assert (tmp_path / "lr").read_bytes().startswith(b"<!DOCTYPE html>")
    result = CliRunner().invoke(main, ["cosine", "--t-max", "50", "-o", "-", "--format", "html"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"<!DOCTYPE html>")


def test_page_is_self_contained():
    spec = lrplot.load({"curves": [{"type": "cosine", "T_max": 20, "steps": 30}]})
    page = html.page(html.figure_data(compute(spec)))
    text = page.decode("utf-8")
    # nothing to fetch: no external script, stylesheet, image or font
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert "<link" not in text
    assert (VENDOR / "uPlot.iife.min.js").read_text(encoding="utf-8") in text
    assert "Leon Sorokin" in text  # uPlot's licence notice travels with it
    assert "default-src 'none'" in text and "connect-src" not in text


def test_full_values_are_exact():
    spec = lrplot.load({"panels": [
        {"title": "a", "curves": [{"type": "exponential", "steps": 500,
                                   "sweep": {"gamma": [0.9, 0.99]}}]},
        {"curves": [{"type": "onecycle", "max_lr": 0.1, "total_steps": 100, "steps": 100,
                     "series": ["lr", "momentum"]}]}]})
    data = html.figure_data(compute(spec))
    first = data["panels"][0]["curves"]
    for curve, gamma in zip(first, (0.9, 0.99)):
        assert np.array_equal(f64(curve["full"]), lrplot.schedule("exponential", steps=500,
                                                                  gamma=gamma))
    [cycle] = data["panels"][1]["curves"]
    [momentum] = cycle["extras"]
    assert momentum["name"] == "momentum" and momentum["steps"] == 100
    expected = curve_values(spec.panels[1].curves[0], "momentum")
    assert np.array_equal(f64(momentum["full"]), expected)
    assert data["panels"][1]["extraAxis"] == "momentum (dashed)"


def test_long_run_carries_true_points_and_true_bucket_extremes():
    steps = html.FULL_STEPS + 50_001
    params = {"T_0": 7_919, "T_mult": 1}
    spec = lrplot.load({"curves": [{"type": "cosine-restarts", "steps": steps, **params}]})
    [curve] = html.figure_data(compute(spec))["panels"][0]["curves"]
    assert "full" not in curve and curve["steps"] == steps
    x, y = u32(curve["x"]), f64(curve["y"])
    assert np.all(np.diff(x.astype(np.int64)) > 0) and x[0] == 0 and x[-1] == steps - 1
    truth = lrplot.schedule("cosine-restarts", steps=steps, **params)
    assert np.array_equal(y, truth[x])  # every carried point is a true (step, lr)
    width = curve["width"]
    assert width == -(-steps // html.BUCKETS)
    for start in range(0, steps, width * 97):  # the readout's range: the finest bucket's
        inside = (x >= start) & (x < start + width)
        assert y[inside].min() == truth[start:start + width].min()
        assert y[inside].max() == truth[start:start + width].max()


def test_bucket_budget():
    assert html.buckets(1) == html.BUCKETS
    assert html.buckets(100) == html.MIN_BUCKETS  # never coarser than a panel's pixel columns
    assert html.buckets(8) * 8 <= html.TOTAL_BUCKETS


def test_long_sweep_matches_separate_curves():
    steps = html.FULL_STEPS + 1
    spec = lrplot.load({"curves": [{"type": "exponential", "steps": steps,
                                    "sweep": {"gamma": [0.99999, 0.999999]}}]})
    curves = html.figure_data(compute(spec))["panels"][0]["curves"]
    for curve, gamma in zip(curves, (0.99999, 0.999999)):
        truth = lrplot.schedule("exponential", steps=steps, gamma=gamma)
        assert np.array_equal(f64(curve["y"]), truth[u32(curve["x"])])


def test_a_long_run_makes_a_small_file_the_same_each_time(tmp_path):
    out, again = tmp_path / "long.html", tmp_path / "again.html"
    for path in (out, again):
        run("cosine", "--t-max", "3e6", "--steps", "1e7", "--annotate", "-o", str(path))
    assert out.stat().st_size < 3_000_000
    assert out.read_bytes() == again.read_bytes()


HOSTILE = "</script><script>window.pwned=1</script><!-- \u2028\u2029 & <img src=x onerror=alert(1)>"


def test_user_text_cannot_leave_the_data_element(tmp_path):
    spec = lrplot.load({"title": HOSTILE, "panels": [
        {"title": HOSTILE, "curves": [{"type": "cosine", "T_max": 10, "steps": 20,
                                       "label": HOSTILE}]}]})
    out = tmp_path / "x.html"
    lrplot.save(spec, out)
    page = out.read_bytes()
    assert page.count(b"<script") == 3  # data, uPlot, lrplot's page script: no more
    assert b"<img" not in page
    raw = re.search(rb'id="lrplot-data">(.*?)</script>', page, re.S).group(1)
    assert raw.isascii()  # U+2028/2029 escaped: they end a line in older JavaScript
    data = data_of(page)
    assert data["title"] == HOSTILE and data["panels"][0]["curves"][0]["label"] == HOSTILE
    assert "<title>&lt;/script&gt;" in page.decode()


def test_script_json_escapes():
    text = html.script_json({"a": "<>&\u2028\u2029é"})
    assert text == '{"a":"\\u003c\\u003e\\u0026\\u2028\\u2029\\u00e9"}'
    assert json.loads(text) == {"a": "<>&\u2028\u2029é"}


def test_page_carries_the_stamp_and_gallery_checks_it(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "article.html"
    run("compare", "configs/article.yaml", "-o", str(out))
    spec = lrplot.load("configs/article.yaml")
    found = output.read_stamp(str(out))
    stamp = output.stamp(spec, "html")
    assert found is not None and found.digest == stamp.digest and found.text == stamp.text
    gallery = tmp_path / "gallery"
    run("gallery", "configs", "-o", str(gallery), "--format", "png,html")
    assert (gallery / "article.html").is_file()
    assert "[HTML](article.html)" in (gallery / "README.md").read_text()
    run("gallery", "configs", "-o", str(gallery), "--format", "png,html", "--check")


def test_vendored_uplot_matches_its_source_record():
    record = (VENDOR / "SOURCE.txt").read_text()
    assert re.search(r"^package: uplot$", record, re.M)
    assert re.search(r"^version: 1\.6\.\d+$", record, re.M)
    assert re.search(r"^integrity: sha512-", record, re.M)
    for line in record.splitlines():
        if line.startswith("sha256: "):
            digest, name = line[len("sha256: "):].split()
            assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_annotate_marks_peak_minimum_and_final():
    spec = lrplot.load({"annotate": True, "curves": [
        {"type": "onecycle", "max_lr": 0.1, "total_steps": 1000, "steps": 1000}]})
    [curve] = html.figure_data(compute(spec))["panels"][0]["curves"]
    lr = lrplot.schedule("onecycle", steps=1000, max_lr=0.1, total_steps=1000)
    marks = {name: (step, value) for step, value, name in curve["marks"]}
    assert marks["peak"] == (int(np.argmax(lr)), lr.max())
    assert marks["minimum = final"] == (999, lr[-1])  # one point, both names
    unannotated = lrplot.load({"curves": [{"type": "cosine", "T_max": 10, "steps": 20}]})
    assert "marks" not in html.figure_data(compute(unannotated))["panels"][0]["curves"][0]


def test_events_follow_annotate(tmp_path):
    spec = lrplot.load({"annotate": True, "curves": [
        {"type": "multistep", "milestones": [30, 60, 60], "gamma": 0.5, "steps": 100}]})
    [panel] = html.figure_data(compute(spec))["panels"]
    steps = [e[0] for e in panel["events"]]
    assert steps == [30, 60] and "x2" in panel["events"][1][1]


# -- serve --------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    """Write and move the mtime on, so a change is seen even on a coarse file-system clock."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 10**9, before + 10**9))


CONFIG = "title: first\nsteps: 100\ncurves:\n  - {type: cosine, T_max: 100}\n"


def test_preview_rebuilds_on_change_and_reports_problems(tmp_path):
    from lrplot.cli.serve import Preview

    config = tmp_path / "c.yaml"
    write(config, CONFIG)
    preview = Preview(str(config))
    assert preview.refresh(force=True)
    assert preview.state["figure"]["title"] == "first"
    assert not preview.refresh()  # nothing changed
    write(config, CONFIG.replace("first", "second"))
    assert preview.refresh()
    assert json.loads(preview.payload())["figure"]["title"] == "second"
    write(config, "steps: 100\ncurves:\n  - {type: cosine, T_maxx: 100}\n")
    assert preview.refresh()
    state = json.loads(preview.payload())
    assert "figure" not in state
    assert any("c.yaml:3" in p and "T_max" in p for p in state["problems"]), state["problems"]
    write(config, "steps: 400\ncurves:\n  - {type: cosine, T_max: 150}\n")  # a lint warning
    assert preview.refresh()
    assert any("cosine-past-t-max" in w for w in preview.state["warnings"])


def test_preview_watches_the_csv_a_config_reads(tmp_path):
    from lrplot.cli.serve import Preview

    csv = tmp_path / "lr.csv"
    write(csv, "step,lr\n0,0.1\n1,0.05\n2,0.025\n")
    config = tmp_path / "c.yaml"
    write(config, f"curves:\n  - {{type: data, path: {csv}}}\n")
    preview = Preview(str(config))
    preview.refresh(force=True)
    assert "figure" in preview.state, preview.state
    write(csv, "step,lr\n0,0.1\n1,0.07\n2,0.025\n3,0.01\n")
    assert preview.refresh()
    [curve] = preview.state["figure"]["panels"][0]["curves"]
    assert f64(curve["full"]).tolist() == [0.1, 0.07, 0.025, 0.01]


def start_server(config: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-m", "lrplot", "serve", str(config), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), (url, proc.stderr.read() if proc.poll() else "")
    return proc, url


def get_state(url: str) -> dict:
    with urllib.request.urlopen(url + "state", timeout=10) as response:
        return json.loads(response.read())


def test_serve_process_redraws_and_stops_cleanly(tmp_path):
    config = tmp_path / "c.yaml"
    write(config, CONFIG)
    proc, url = start_server(config)
    try:
        first = get_state(url)
        assert first["figure"]["title"] == "first"
        with urllib.request.urlopen(url, timeout=10) as response:
            page = response.read()
        assert b"connect-src 'self'" in page and b"/state" in page
        write(config, CONFIG.replace("first", "second"))
        for _ in range(100):
            state = get_state(url)
            if state["version"] > first["version"]:
                break
            time.sleep(0.1)
        assert state["figure"]["title"] == "second"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped" in err


def test_serve_answers_only_its_own_host_name(tmp_path):
    config = tmp_path / "c.yaml"
    write(config, CONFIG)
    proc, url = start_server(config)
    try:
        request = urllib.request.Request(url + "state", headers={"Host": "evil.example:80"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
        local = url.replace("127.0.0.1", "localhost")
        request = urllib.request.Request(url + "state", headers={"Host": local.split("/")[2]})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["figure"]["title"] == "first"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert proc.returncode == 0


def test_serve_refuses_a_missing_config(tmp_path):
    result = CliRunner().invoke(main, ["serve", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_a_changed_page_makes_gallery_pages_stale(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    gallery = tmp_path / "gallery"
    run("gallery", "configs", "-o", str(gallery), "--format", "html")
    assert "page-style: " in output.read_stamp(str(gallery / "article.html")).text
    monkeypatch.setattr(html, "style_digest", lambda: "0" * 16)
    result = CliRunner().invoke(main, ["gallery", "configs", "-o", str(gallery), "--format",
                                       "html", "--check"])
    assert result.exit_code == 1 and "page-style" in result.output, result.output
