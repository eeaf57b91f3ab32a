"""The terminal preview (:mod:`lrplot.term`, ``--term``): braille plot, axes, legend, no matplotlib."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from click.testing import CliRunner

import lrplot
from lrplot import api, term
from lrplot.cli import main
from lrplot.compute import PanelSeries, Series

ROOT = Path(__file__).resolve().parent.parent
BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


def _render(mapping: dict, **options) -> str:
    spec = lrplot.load(mapping)
    options.setdefault("colored", False)
    return term.render(api.series(spec), title=spec.title, log_y=spec.log_y, **options)


def test_a_plot_with_axes_labels_and_legend_fits_the_width():
    text = _render({"curves": [{"type": "exponential", "sweep": {"gamma": [0.9, 0.95]},
                                "steps": 100}]}, width=70, height=20)
    lines = text.splitlines()
    assert all(len(line) <= 70 for line in lines)
    assert any(set(line) & BRAILLE for line in lines)
    assert any(line.strip().startswith("0.1 ┤") for line in lines)  # top: base_lr
    assert any(line.strip().startswith("0 ┤") for line in lines)  # bottom: 0
    axis = next(line for line in lines if "step" in line and "99" in line)
    assert axis.split() == ["0", "step", "99"]
    assert "1:gamma=0.9" in text and "2:gamma=0.95" in text


def test_height_follows_the_request():
    text = _render({"curves": [{"type": "cosine", "T_max": 10}]}, width=60, height=16)
    rows = [line for line in text.splitlines() if "┤" in line or "│" in line]
    assert len(rows) == 16 - 2 - 5  # a line to spare, and title, axis, labels, legend


def test_the_curve_goes_where_the_values_are():
    # a step down from 0.1 to 0.05 halfway: the top row is filled on the left only
    text = _render({"curves": [{"type": "step", "step_size": 50, "gamma": 0.5, "steps": 100}]},
                   width=60, height=14)
    rows = [line.split("┤", 1)[-1] if "┤" in line else line.split("│", 1)[-1]
            for line in text.splitlines() if "┤" in line or "│" in line]
    cells = 60 - 1 - 9 - 2  # width, less the margin, the labels and the axis
    assert set(rows[0]) & BRAILLE and len(rows[0]) <= cells * 0.6  # ends halfway
    assert len(rows[-4].rstrip()) > cells * 0.9  # the lower level runs to the end


def test_columns_keep_spikes_of_long_runs():
    lr = np.full(1_000_000, 0.1)
    lr[123_457] = 1.0
    lo, hi = term.columns(Series("spike", {}, lr), 100)
    assert hi.max() == 1.0 and lo.min() == 0.1
    assert int(np.argmax(hi)) == 123_457 * 100 // 1_000_000


def test_columns_of_a_short_series_interpolate():
    lo, hi = term.columns(Series("s", {}, np.array([0.0, 1.0])), 5)
    assert lo.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_nan_steps_are_left_blank():
    panel = PanelSeries("p", (Series("logged", {}, np.array([np.nan] * 50 + [0.1] * 50)),))
    lines = term.panel_lines(panel, 60, 8)
    plot = [line for line in lines if "┤" in line or "│" in line]
    assert all(not (set(line.split("┤")[-1].split("│")[-1][:20]) & BRAILLE) for line in plot)


def test_colors_only_when_asked():
    spec = lrplot.load({"curves": [{"type": "step", "step_size": 5}]})
    assert "\x1b[" in term.render(api.series(spec), width=60, height=10, colored=True)
    assert "\x1b[" not in term.render(api.series(spec), width=60, height=10, colored=False)


def test_log_axis():
    text = _render({"log_y": True, "curves": [{"type": "exponential", "gamma": 0.5,
                                               "steps": 30}]}, width=60, height=10)
    assert "0.1 ┤" in text and "1.86e-10 ┤" in text  # 0.1 * 0.5**29


def test_cli_term_prints_and_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["cosine", "--t-max", "50", "--term"])
    assert result.exit_code == 0, result.output
    assert set(result.stdout) & BRAILLE
    assert list(tmp_path.iterdir()) == []


def test_cli_term_with_output_does_both(tmp_path):
    out = tmp_path / "c.svg"
    result = CliRunner().invoke(main, ["compare", str(ROOT / "configs" / "all.yaml"), "--term",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert set(result.stdout) & BRAILLE and out.exists()


def test_the_preview_never_imports_matplotlib(tmp_path):
    code = ("import sys\nfrom lrplot.cli import main\n"
            "try:\n    main(['multistep', '--milestones', '30,60', '--term'])\n"
            "except SystemExit:\n    pass\n"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert "⡇" in result.stdout or set(result.stdout) & BRAILLE
    assert list(tmp_path.iterdir()) == []
