"""``lrplot stats`` and :mod:`lrplot.stats`: the summary numbers of each curve."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import compute, schedules, stats
from lrplot.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = str(ROOT / "configs" / "article.yaml")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_summarize_a_step_schedule():
    lr = lrplot.schedule("step", steps=6, step_size=2, gamma=0.5)  # .1 .1 .05 .05 .025 .025
    s = stats.summarize([lr], below=0.06)
    assert s["steps"] == 6
    assert (s["initial"], s["final"]) == (0.1, 0.025)
    assert (s["peak"], s["peak_step"]) == (0.1, 0)
    assert (s["minimum"], s["minimum_step"]) == (0.025, 4)
    assert s["sum"] == pytest.approx(0.35)
    assert s["mean"] == pytest.approx(0.35 / 6)
    assert s["first_below"] == 2


def test_first_below_is_strict_and_none_when_never_reached():
    lr = lrplot.schedule("step", steps=6, step_size=2, gamma=0.5)
    assert stats.summarize([lr], below=0.05)["first_below"] == 4  # 0.05 is not below 0.05
    assert stats.summarize([lr], below=0.001)["first_below"] is None
    assert stats.summarize([lr])["first_below"] is None


def test_chunked_summary_equals_whole_series():
    kind = schedules.get("cosine")
    params = {"T_max": 37, "eta_min": 0.001}
    whole = compute.kernel_values(kind, 500, 0.1, params)
    chunked = stats.summarize(compute.kernel_chunks(kind, 500, 0.1, params, chunk=17), below=0.01)
    direct = stats.summarize([whole], below=0.01)
    tie = stats.TIE_RTOL
    assert chunked["peak_step"] == direct["peak_step"] == \
        int(np.argmax(whole >= whole.max() * (1 - tie)))
    assert chunked["minimum_step"] == direct["minimum_step"] == \
        int(np.argmax(whole <= whole.min() * (1 + tie)))
    assert chunked["peak"] == whole.max() and chunked["minimum"] == whole.min()
    assert chunked["first_below"] == direct["first_below"] == int(np.argmax(whole < 0.01))
    assert chunked["sum"] == pytest.approx(math.fsum(whole.tolist()), rel=1e-14)
    assert chunked["final"] == whole[-1]


def test_nan_steps_are_skipped():
    s = stats.summarize([np.array([np.nan, np.nan]), np.array([0.2, 0.1, np.nan, 0.3])])
    assert s["steps"] == 6
    assert (s["initial"], s["final"]) == (0.2, 0.3)
    assert (s["minimum"], s["minimum_step"]) == (0.1, 3)
    assert (s["peak"], s["peak_step"]) == (0.3, 5)
    assert s["mean"] == pytest.approx(0.2)


def test_divergence_reports_first_step_and_worst_difference():
    planned = np.array([0.1, 0.1, 0.05, 0.05, 0.025])
    steps = np.array([0, 2, 3, 4, 9])  # step 9 is beyond the plan: not compared
    logged = np.array([0.1, 0.05, 0.04, 0.025, 1.0])
    d = stats.divergence(steps, logged, planned, "plan", rtol=1e-4)
    assert d.compared == 4
    assert d.diverges_at == 3
    assert d.max_rel_diff == pytest.approx(0.2)
    assert d.max_rel_diff_step == 3


def test_divergence_none_when_within_tolerance():
    planned = np.array([0.1, 0.05])
    d = stats.divergence(np.array([0, 1]), np.array([0.1, 0.05 * (1 + 1e-7)]), planned, "p")
    assert d.diverges_at is None
    assert d.max_rel_diff == pytest.approx(1e-7, rel=1e-3)


def test_cli_table_from_flags():
    result = run("stats", "cosine", "--t-max", "150", "--steps", "400", "--below", "0.01")
    assert result.exit_code == 0, result.output
    header, row = result.stdout.strip().splitlines()
    assert header.split()[:3] == ["curve", "steps", "initial"]
    assert "<0.01 at" in header
    cells = row.split()
    assert cells[-1] == "120" and "400" in cells


def test_cli_sweep_gives_one_row_per_curve_in_csv():
    result = run("stats", "exponential", "--gamma", "0.9,0.95", "--steps", "50",
                 "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["label"] for r in rows] == ["gamma=0.9", "gamma=0.95"]
    lr = lrplot.schedule("exponential", steps=50, gamma=0.9)
    assert float(rows[0]["final"]) == lr[-1]  # exact: repr round-trips
    assert float(rows[0]["sum"]) == pytest.approx(lr.sum(), rel=1e-15)
    assert rows[0]["first_below"] == ""


def test_cli_json_from_config_has_every_curve():
    result = run("stats", ARTICLE, "--format", "json", "--below", "0.05")
    assert result.exit_code == 0, result.output
    curves = json.loads(result.stdout)["curves"]
    assert len(curves) == 4 + 3 + 1 + 3
    multistep = next(c for c in curves if c["panel"] == "MultiStepLR")
    assert multistep["steps"] == 400
    assert multistep["minimum"] == pytest.approx(0.1 * 0.8 ** 5)
    assert multistep["first_below"] == 320  # x0.64 at 200: 0.064, then 0.0512, 0.04096 at 320
    assert multistep["below"] == 0.05
    assert "divergence" not in multistep


def test_cli_config_overrides_steps():
    result = run("stats", ARTICLE, "--steps", "100", "--format", "json")
    assert {c["steps"] for c in json.loads(result.stdout)["curves"]} == {100}


def test_cli_errors_exit_2_with_a_message():
    result = run("stats", "cosin", "--t-max", "3")
    assert result.exit_code == 2
    assert "did you mean 'cosine'" in result.output.lower()
    result = run("stats", "cosine", "--t-max", "0")
    assert result.exit_code == 2
    assert "--t-max" in result.output
    result = run("stats", "missing.yaml")
    assert result.exit_code == 2
    assert "missing.yaml: no such config file" in result.output
    assert "Traceback" not in result.output


def test_cli_help_lists_options_and_kinds():
    result = run("stats", "-h")
    assert result.exit_code == 0
    assert "--below" in result.output and "cosine" in result.output
    result = run("stats", "cosine", "-h")
    assert "--t-max" in result.output and "--below" in result.output
    assert "--output" not in result.output


def test_a_peak_one_ulp_higher_later_ties_with_the_first():
    lr = lrplot.schedule("cosine", steps=400, T_max=50)
    assert lr.max() > lr[0]  # torch's recursion returns to base_lr a hair high
    s = stats.summarize([lr])
    assert s["peak"] == lr.max() and s["peak_step"] == 0
