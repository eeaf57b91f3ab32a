"""Planned vs logged: curves of ``type: data`` read a logged lr series from CSV; ``lrplot stats``
reports where it diverges from the planned schedule."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import compute, logged, stats
from lrplot.cli import main
from lrplot.spec import SpecError


def _write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def _log_of(lr: np.ndarray, every: int = 1, header: str = "step,lr") -> str:
    rows = [header] + [f"{i},{float(lr[i])!r}" for i in range(0, len(lr), every)]
    return "\n".join(rows) + "\n"


def _config(tmp_path: Path, data: dict, planned: dict | None = None) -> Path:
    curves = ([planned] if planned else []) + [{"type": "data", **data}]
    config = tmp_path / "cfg" / "run.yaml"
    config.parent.mkdir(exist_ok=True)
    config.write_text(json.dumps({"curves": curves}))
    return config


def test_a_logged_series_is_read_relative_to_the_config(tmp_path):
    lr = lrplot.schedule("cosine", steps=100, T_max=99)
    (tmp_path / "cfg").mkdir()
    _write(tmp_path / "cfg" / "log.csv", _log_of(lr))
    spec = lrplot.load(str(_config(tmp_path, {"path": "log.csv"})))
    (curve,) = spec.curves
    assert curve.label == "log.csv" and curve.steps == 100
    assert np.array_equal(compute.values(curve), lr)


def test_sparse_logs_are_joined_by_straight_lines_and_start_blank(tmp_path):
    _write(tmp_path / "log.csv", """
        Wall time,Step,Value
        1.0,10,0.1
        2.0,20,0.05
        3.0,40,0.05
        """)
    spec = lrplot.load({"curves": [{"type": "data", "path": str(tmp_path / "log.csv")}]})
    lr = compute.values(spec.curves[0])
    assert len(lr) == 41
    assert np.isnan(lr[:10]).all()
    assert lr[10] == 0.1 and lr[15] == pytest.approx(0.075) and lr[40] == 0.05
    steps, values = logged.points(spec.curves[0].params)
    assert steps.tolist() == [10, 20, 40] and values.tolist() == [0.1, 0.05, 0.05]


def test_columns_chosen_by_name_or_default(tmp_path):
    _write(tmp_path / "wandb.csv", """
        Step,run-1 - lr,run-1 - lr__MIN,run-1 - lr__MAX,loss
        0,0.1,0.1,0.1,3.0
        1,0.09,0.09,0.09,2.5
        """)
    path = str(tmp_path / "wandb.csv")
    with pytest.raises(SpecError, match="which column .* holds the lr"):
        lrplot.load({"curves": [{"type": "data", "path": path}]})
    spec = lrplot.load({"curves": [{"type": "data", "path": path, "column": "run-1 - lr"}]})
    assert compute.values(spec.curves[0]).tolist() == [0.1, 0.09]
    with pytest.raises(SpecError, match="no column 'run-1 - LR'; did you mean 'run-1 - lr'"):
        lrplot.load({"curves": [{"type": "data", "path": path, "column": "run-1 - LR"}]})


def test_rows_without_a_step_column_are_steps(tmp_path):
    _write(tmp_path / "plain.csv", "learning_rate\n0.1\n0.2\n\n0.3\n")
    spec = lrplot.load({"curves": [{"type": "data", "path": str(tmp_path / "plain.csv")}]})
    assert compute.values(spec.curves[0]).tolist() == [0.1, 0.2, 0.3]


def test_a_resumed_run_keeps_the_last_value_of_a_step(tmp_path):
    _write(tmp_path / "r.csv", "step,lr\n0,0.1\n1,0.2\n2,0.3\n1,0.25\n2,0.35\n")
    spec = lrplot.load({"curves": [{"type": "data", "path": str(tmp_path / "r.csv")}]})
    assert compute.values(spec.curves[0]).tolist() == [0.1, 0.25, 0.35]


@pytest.mark.parametrize("text, key, message", [
    ("step,lr\n0,abc\n", "column", "r.csv:2: 'lr' is 'abc', not a number"),
    ("step,lr\n0.5,0.1\n", "step_column", "not a step number"),
    ("step,lr\n", "column", "has no lr values"),
    ("", "path", "is empty"),
])
def test_bad_logs_are_errors_at_the_key(tmp_path, text, key, message):
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "r.csv").write_text(text)
    config = _config(tmp_path, {"path": "r.csv", "column": "lr"} if text else {"path": "r.csv"})
    result = CliRunner().invoke(main, ["stats", str(config)])
    assert result.exit_code == 2
    assert message in result.output
    assert f"curves[0].{key}" in result.output or (key == "path" and "curves[0].path" in
                                                    result.output)


def test_missing_file_and_unknown_keys(tmp_path):
    config = _config(tmp_path, {"path": "nope.csv", "colum": "lr"})
    result = CliRunner().invoke(main, ["stats", str(config)])
    assert result.exit_code == 2
    assert "unknown key 'colum'" in result.output
    result = CliRunner().invoke(main, ["stats", str(_config(tmp_path, {"path": "nope.csv"}))])
    assert "no such file" in result.output and "curves[0].path" in result.output


def test_stats_reports_where_logged_and_planned_diverge(tmp_path):
    planned = lrplot.schedule("multistep", steps=100, milestones=[30, 60], gamma=0.1)
    logged = planned.copy()
    logged[60:] = planned[59]  # the second decay never happened in the real run
    (tmp_path / "cfg").mkdir()
    _write(tmp_path / "cfg" / "log.csv", _log_of(logged.astype(np.float32).astype(float), 5))
    config = _config(tmp_path, {"path": "log.csv", "label": "logged"},
                     {"type": "multistep", "milestones": [30, 60], "gamma": 0.1,
                      "label": "planned", "steps": 100})
    result = CliRunner().invoke(main, ["stats", str(config), "--format", "json"])
    assert result.exit_code == 0, result.output
    planned_row, logged_row = json.loads(result.stdout)["curves"]
    assert "divergence" not in planned_row
    d = logged_row["divergence"]
    assert d["planned"] == "planned"
    assert d["compared"] == 20  # every 5th step of 100
    assert d["diverges_at"] == 60  # float32 rounding (6e-8) is within rtol
    assert d["max_rel_diff"] == pytest.approx(0.9, rel=1e-6)
    assert d["max_rel_diff_step"] == 60
    table = CliRunner().invoke(main, ["stats", str(config)]).stdout
    assert "diverges at" in table.splitlines()[0]
    assert table.splitlines()[2].split()[-3:] == ["60", "0.9", "60"]


def test_a_matching_log_never_diverges(tmp_path):
    planned = lrplot.schedule("cosine", steps=50, T_max=49)
    (tmp_path / "cfg").mkdir()
    _write(tmp_path / "cfg" / "log.csv", _log_of(planned))
    config = _config(tmp_path, {"path": "log.csv"}, {"type": "cosine", "T_max": 49})
    (row,) = [s for s in lrplot_stats(config) if s.divergence]
    assert row.divergence.diverges_at is None and row.divergence.max_rel_diff == 0.0


def lrplot_stats(config: Path) -> list[stats.CurveStats]:
    return stats.figure_stats(lrplot.load(str(config)))


def test_data_is_drawn_with_the_plan_and_exported(tmp_path):
    planned = lrplot.schedule("step", steps=40, step_size=10, gamma=0.5)
    (tmp_path / "cfg").mkdir()
    _write(tmp_path / "cfg" / "log.csv", _log_of(planned, 2))
    config = _config(tmp_path, {"path": "log.csv"}, {"type": "step", "step_size": 10,
                                                     "gamma": 0.5})
    out = tmp_path / "fig.png"
    result = CliRunner().invoke(main, ["compare", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    out = tmp_path / "fig.json"
    CliRunner().invoke(main, ["compare", str(config), "-o", str(out)])
    curves = json.loads(out.read_text())["panels"][0]["curves"]
    assert curves[1]["schedule"]["type"] == "data"
    assert len(curves[1]["lr"]) == 39  # logged up to step 38
    assert curves[1]["lr"][1] == pytest.approx(0.1)
    assert not any(isinstance(v, float) and math.isnan(v) for v in curves[1]["lr"])
