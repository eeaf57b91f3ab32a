"""The torch kinds beyond the first four: refusals (what torch crashes on or silently misuses),
composites given in YAML and on the command line, errors found only when evaluating.

Values against torch are in test_parity_golden.py / test_parity_live.py (case tables).
"""

from __future__ import annotations

import csv
import json
import math
import re

import pytest
from click.testing import CliRunner

import lrplot
import lrplot.schedules
from lrplot import compute
from lrplot.cli import main
from lrplot.spec import SpecError

GOOD = {
    "constant": {"factor": 0.5, "total_iters": 5},
    "linear": {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 5},
    "polynomial": {"total_iters": 10, "power": 1.0},
    "cosine-restarts": {"T_0": 10, "T_mult": 2, "eta_min": 0.0},
    "lambda": {"lr_lambda": "0.95 ** epoch"},
    "multiplicative": {"lr_lambda": "0.95"},
    "cyclic": {"max_lr": 1.0, "step_size_up": 5},
    "onecycle": {"max_lr": 1.0, "total_steps": 100},
    "sequential": {"schedulers": [{"type": "linear", "total_iters": 5},
                                  {"type": "cosine", "T_max": 10}], "milestones": [5]},
    "plateau": {"metric": "1 / epoch ** 0.5"},
    "chained": {"schedulers": [{"type": "linear", "total_iters": 5},
                               {"type": "exponential", "gamma": 0.9}]},
}

REFUSALS = [
    # torch: factor 0 -> ZeroDivisionError at total_iters; > 1 ValueError
    ("constant", "factor", 0.0), ("constant", "factor", 1.5), ("constant", "factor", -0.1),
    # torch: total_iters <= 0 never restores / divides by zero in the closed form
    ("constant", "total_iters", 0), ("constant", "total_iters", -2), ("constant", "total_iters", 2.5),
    ("linear", "start_factor", 0.0), ("linear", "start_factor", 1.01),
    ("linear", "end_factor", -0.1), ("linear", "end_factor", 2.0),
    ("linear", "total_iters", 0), ("linear", "start_factor", math.nan),
    ("polynomial", "total_iters", 0), ("polynomial", "power", -1.0),
    # torch: T_0 must be a positive int, T_mult an int >= 1
    ("cosine-restarts", "T_0", 0), ("cosine-restarts", "T_0", 2.5),
    ("cosine-restarts", "T_mult", 0), ("cosine-restarts", "T_mult", 1.5),
    ("cosine-restarts", "eta_min", -1.0),
    ("lambda", "lr_lambda", "__import__('os')"), ("lambda", "lr_lambda", 0.5),
    ("multiplicative", "lr_lambda", "lambda e: 0.9"),
    ("cyclic", "max_lr", 0.0), ("cyclic", "step_size_up", 0), ("cyclic", "step_size_down", -1),
    ("cyclic", "mode", "triangle"), ("cyclic", "scale_mode", "cycles"),
    ("cyclic", "scale_fn", "open('x')"), ("cyclic", "gamma", 0.0),
    ("cyclic", "base_momentum", 1.5), ("cyclic", "cycle_momentum", "yes"),
    ("onecycle", "total_steps", 0), ("onecycle", "total_steps", 10.5),
    ("onecycle", "pct_start", 1.5), ("onecycle", "pct_start", -0.1),
    ("onecycle", "anneal_strategy", "cosine"), ("onecycle", "div_factor", 0.0),
    ("onecycle", "final_div_factor", 0.0), ("onecycle", "three_phase", 1),
    ("plateau", "factor", 1.0), ("plateau", "factor", 0.0), ("plateau", "patience", -1),
    ("plateau", "mode", "minimum"), ("plateau", "threshold_mode", "relative"),
    ("plateau", "cooldown", -1), ("plateau", "metric", "import os"),
    ("plateau", "metric_file", "no/such/file.csv"),
    ("sequential", "milestones", [0]), ("sequential", "milestones", [5, 3]),
    ("sequential", "schedulers", []), ("sequential", "schedulers", "linear"),
]


@pytest.mark.parametrize("kind, name, value", REFUSALS,
                         ids=[f"{k}-{n}={v!r}" for k, n, v in REFUSALS])
def test_refuses_with_the_parameter_named(kind, name, value):
    params = {**GOOD[kind], name: value}
    with pytest.raises(SpecError, match=name):
        lrplot.schedule(kind, steps=20, **params)


def test_good_parameters_are_accepted():
    for kind, params in GOOD.items():
        assert len(lrplot.schedule(kind, steps=20, **params)) == 20


CROSS = [
    ("onecycle", {"max_lr": 1.0}, "total_steps, or epochs and steps_per_epoch"),
    ("onecycle", {"max_lr": 1.0, "epochs": 10}, "steps_per_epoch"),
    ("onecycle", {"max_lr": 1.0, "total_steps": 100, "epochs": 3, "steps_per_epoch": 7},
     "torch ignores epochs and steps_per_epoch"),
    # pct_start * total_steps = 1: torch divides 0 by 0 at construction
    ("onecycle", {"max_lr": 1.0, "total_steps": 10, "pct_start": 0.1}, "pct_start"),
    ("sequential", {"schedulers": GOOD["sequential"]["schedulers"], "milestones": [5, 8]},
     "2 schedulers need 1 milestone, got 2"),
    ("sequential", {"schedulers": [{"type": "plateau", "metric": "1 / epoch"},
                                   {"type": "linear"}], "milestones": [5]}, "cannot be a child"),
    ("sequential", {"schedulers": [{"type": "hf.constant"}, {"type": "linear"}],
                    "milestones": [5]}, "cannot be a child"),
    ("chained", {"schedulers": [{"type": "linear", "steps": 4}]}, "belongs to the whole curve"),
    ("chained", {"schedulers": [{"type": "linear", "total_iter": 4}]}, "did you mean 'total_iters'"),
    ("chained", {"schedulers": [{"type": "cosine"}]}, "cosine needs T_max"),
    ("chained", {"schedulers": [{"type": "cosine", "T_max": 0}]}, r"schedulers\[0\]\.T_max"),
    ("chained", {"schedulers": [{"total_iters": 3}]}, "needs 'type'"),
    ("chained", {"schedulers": [{"type": "linera"}]}, "did you mean 'linear'"),
    ("chained", {"schedulers": [{"type": "linear", "base_lr": 0.5}]}, "accepted"),
]


@pytest.mark.parametrize("kind, params, message", CROSS, ids=[m for _, _, m in CROSS])
def test_refuses_combinations(kind, params, message):
    with pytest.raises(SpecError, match=message):
        lrplot.schedule(kind, steps=20, **params)


STEP_LIMITS = [  # kind, params, steps refused, steps accepted, message
    ("onecycle", {"max_lr": 1.0, "total_steps": 1000}, 1200, 1001,
     "1200 exceeds total_steps + 1 = 1001"),
    # the last phase is zero steps long: torch divides by zero at index total_steps
    ("onecycle", {"max_lr": 1.0, "total_steps": 100, "pct_start": 1.0}, 101, 100,
     "divides by zero"),
    ("cyclic", {"max_lr": 1.0, "step_size_up": 1, "step_size_down": 0, "mode": "triangular2"},
     1025, 1024, "overflows"),
    ("cyclic", {"max_lr": 1.0, "step_size_up": 5, "mode": "exp_range", "gamma": 2.0}, 1100,
     1024, "overflows"),
    ("sequential", {"schedulers": [{"type": "linear"}, {"type": "chained", "schedulers": [
        {"type": "linear"}]}], "milestones": [5]}, 10, 5, "cannot hand over"),
    ("sequential", {"schedulers": [{"type": "linear"}, {"type": "onecycle", "max_lr": 1.0,
                                                        "total_steps": 10}],
                    "milestones": [5]}, 30, 16, "exceeds total_steps"),
    ("chained", {"schedulers": [{"type": "onecycle", "max_lr": 1.0, "total_steps": 10}]}, 30,
     11, "exceeds total_steps"),
]


@pytest.mark.parametrize("kind, params, refused, accepted, message", STEP_LIMITS,
                         ids=[m for *_, m in STEP_LIMITS])
def test_refuses_steps_torch_cannot_take(kind, params, refused, accepted, message):
    with pytest.raises(SpecError, match=re.escape(message)):
        lrplot.schedule(kind, steps=refused, **params)
    assert len(lrplot.schedule(kind, steps=accepted, **params)) == accepted


@pytest.mark.parametrize("kind, params, message", [
    ("lambda", {"lr_lambda": "1 / (epoch - 5)"}, "fails at epoch = 5: division by zero"),
    ("multiplicative", {"lr_lambda": "log(epoch - 3)"}, "fails at epoch = 1"),
    # MultiplicativeLR never calls f(0) alone, but a hand-over at a milestone does
    ("sequential", {"schedulers": [{"type": "linear"}, {"type": "multiplicative",
                                                        "lr_lambda": "1 / epoch"}],
                    "milestones": [5]}, "schedulers\\[1\\].lr_lambda"),
])
def test_failures_found_when_evaluating_are_spec_errors(kind, params, message):
    with pytest.raises(SpecError, match=message):
        lrplot.schedule(kind, steps=20, **params)


def test_multiplicative_never_calls_f_at_zero_on_its_own():
    lr = lrplot.schedule("multiplicative", steps=4, lr_lambda="1 / epoch")
    assert lr.tolist() == [0.1, 0.1, 0.05, 0.05 / 3]


# -- the command line -----------------------------------------------------------------------


def run(args, tmp_path):
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("args, flag", [
    (["constant", "--factor", "0"], "--factor"),
    (["linear", "--total-iters", "0"], "--total-iters"),
    (["cosine-restarts", "--t-0", "2.5"], "--t-0"),
    (["cyclic", "--max-lr", "1", "--mode", "triangle"], "--mode"),
    (["onecycle", "--max-lr", "1", "--total-steps", "1000", "--steps", "1200"], "--steps"),
    (["lambda", "--lr-lambda", "__import__('os').system('echo pwned')"], "--lr-lambda"),
    (["sequential", "--schedulers", "[{type: linear}, {type: cosine, T_max: 5}]",
      "--milestones", "3,4"], "--milestones"),
    (["sequential", "--schedulers", "[{type: linear, total_iters: 0}]"], "--schedulers"),
    (["sequential", "--schedulers", "[{type: linear"], "--schedulers"),
])
def test_cli_refusals_exit_2_naming_the_flag(args, flag, tmp_path):
    out = tmp_path / "lr.csv"
    result = CliRunner().invoke(main, args + ["-o", str(out)])
    assert result.exit_code == 2, result.output
    assert flag in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_onecycle_steps_message_reads_as_the_issue_asks(tmp_path):
    result = CliRunner().invoke(main, ["onecycle", "--max-lr", "0.1", "--total-steps", "1000",
                                       "--steps", "1200", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--steps 1200 exceeds total_steps + 1 = 1001" in result.output


def test_cli_evaluation_failure_exits_2_and_writes_nothing(tmp_path):
    for suffix in ("csv", "png"):
        out = tmp_path / f"lr.{suffix}"
        result = CliRunner().invoke(main, ["lambda", "--lr-lambda", "1/epoch", "--steps", "10",
                                           "-o", str(out)])
        assert result.exit_code == 2, result.output
        assert "division by zero" in result.output
        assert not out.exists()


def test_cli_expression_with_commas_is_one_value_and_repeats_sweep(tmp_path):
    out = tmp_path / "lr.csv"
    result = CliRunner().invoke(main, ["lambda", "--lr-lambda", "min(1.0, (epoch + 1) / 10)",
                                       "--lr-lambda", "0.9 ** epoch", "--steps", "3",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    header = out.read_text().splitlines()[0]
    assert header == 'step,"lr_lambda=min(1.0, (epoch + 1) / 10)",lr_lambda=0.9 ** epoch'


def test_cli_sequential_from_yaml_flag_equals_the_api(tmp_path):
    out = tmp_path / "lr.json"
    result = CliRunner().invoke(main, [
        "sequential", "--schedulers",
        "[{type: linear, start_factor: 0.1, total_iters: 5}, {type: CosineAnnealingLR, T_max: 15}]",
        "--milestones", "5", "--steps", "30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    curve = json.loads(out.read_text())["panels"][0]["curves"][0]
    expected = lrplot.schedule("sequential", steps=30, schedulers=[
        {"type": "linear", "start_factor": 0.1, "total_iters": 5},
        {"type": "cosine", "T_max": 15}], milestones=[5])
    assert curve["lr"] == expected.tolist()
    children = curve["schedule"]["schedulers"]
    assert children[1] == {"type": "cosine", "T_max": 15, "eta_min": 0.0}
    assert children[0]["type"] == "linear"


def test_cli_bool_and_choice_values_sweep(tmp_path):
    out = tmp_path / "lr.csv"
    result = CliRunner().invoke(main, ["onecycle", "--max-lr", "1", "--total-steps", "20",
                                       "--three-phase", "false,true", "--anneal-strategy",
                                       "cos,linear", "-o", str(out)])
    assert result.exit_code == 0, result.output
    header = next(csv.reader(out.read_text().splitlines()))
    assert header[1:] == [f"anneal_strategy={a}, three_phase={t}"
                          for a in ("cos", "linear") for t in ("false", "true")]


def test_list_shows_every_new_kind():
    result = CliRunner().invoke(main, ["list"])
    for name in GOOD:
        assert name in result.output
    assert "one of triangular, triangular2, exp_range" in result.output


# -- ReduceLROnPlateau's metric ---------------------------------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "configs" / "sample-val-loss.csv"


def test_plateau_needs_exactly_one_metric():
    with pytest.raises(SpecError, match="metric"):
        lrplot.schedule("plateau", steps=10)
    with pytest.raises(SpecError, match="not both"):
        lrplot.schedule("plateau", steps=10, metric="1", metric_file=str(SAMPLE))


def test_plateau_metric_file_problems_are_named(tmp_path):
    two = tmp_path / "two.csv"
    two.write_text("epoch,loss,acc\n1,0.5,0.1\n2,0.4,oops\n")
    with pytest.raises(SpecError, match="name the metric with metric_column"):
        lrplot.schedule("plateau", steps=3, metric_file=str(two))
    with pytest.raises(SpecError, match="did you mean 'loss'"):
        lrplot.schedule("plateau", steps=3, metric_file=str(two), metric_column="los")
    with pytest.raises(SpecError, match=r"two.csv:3: column 'acc' holds 'oops'"):
        lrplot.schedule("plateau", steps=3, metric_file=str(two), metric_column="acc")
    lr = lrplot.schedule("plateau", steps=3, metric_file=str(two), metric_column="loss")
    assert lr.tolist() == [0.1, 0.1, 0.1]
    with pytest.raises(SpecError, match=re.escape("4 exceeds the 2 metric values + 1")):
        lrplot.schedule("plateau", steps=4, metric_file=str(two), metric_column="loss")


def test_plateau_metric_file_is_relative_to_the_config(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loss.csv").write_text("step,loss\n" + "".join(
        f"{i},{1.0 if i < 20 else 0.5}\n" for i in range(1, 40)))
    config = tmp_path / "sub" / "plateau.yaml"
    config.write_text("curves:\n  - {type: plateau, metric_file: loss.csv, patience: 3}\n")
    out = tmp_path / "lr.json"
    result = CliRunner().invoke(main, ["compare", str(config), "-o", str(out)])
    assert result.exit_code == 0, result.output
    curve = json.loads(out.read_text())["panels"][0]["curves"][0]
    assert len(curve["lr"]) == 40  # the default horizon: one step per metric value, + 1
    assert curve["lr"][5] == pytest.approx(0.01)  # 1.0 never improves: reduced after 4 bad steps


def test_plateau_on_the_sample_metric_matches_torch():
    torch_oracle = pytest.importorskip("torch_oracle")
    pytest.importorskip("torch")
    for params in ({"patience": 10}, {"patience": 3, "cooldown": 4, "factor": 0.5,
                                       "min_lr": 1e-3},
                   {"patience": 2, "threshold": 0.01, "threshold_mode": "abs", "eps": 0.02}):
        lr = lrplot.schedule("plateau", steps=121, metric_file=str(SAMPLE), **params)
        expected = torch_oracle.torch_lrs("plateau", 121, 0.1, metric_file=str(SAMPLE), **params)
        assert lr.tolist() == expected.tolist()


# -- momentum and other extra series ----------------------------------------------------------


def test_cli_momentum_goes_to_csv_and_json(tmp_path):
    out = tmp_path / "lr.json"
    result = CliRunner().invoke(main, ["onecycle", "--max-lr", "1", "--total-steps", "10",
                                       "--momentum", "-o", str(out)])
    assert result.exit_code == 0, result.output
    curve = json.loads(out.read_text())["panels"][0]["curves"][0]
    assert curve["momentum"][0] == 0.95 and curve["momentum"][2] == 0.85
    assert len(curve["momentum"]) == len(curve["lr"]) == 10
    csv_out = tmp_path / "lr.csv"
    CliRunner().invoke(main, ["onecycle", "--max-lr", "1", "--total-steps", "10", "--momentum",
                              "-o", str(csv_out)])
    header = next(csv.reader(csv_out.read_text().splitlines()))
    assert header[2] == header[1] + ": momentum"


def test_cli_momentum_for_a_kind_without_it_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["cyclic", "--max-lr", "1", "--cycle-momentum", "false",
                                       "--momentum", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--momentum" in result.output and "does not compute the momentum" in result.output
    assert "--momentum" not in CliRunner().invoke(main, ["cosine", "-h"]).output


def test_yaml_series_cascades_and_skips_curves_without_momentum(tmp_path):
    spec = lrplot.load({"series": ["lr", "momentum"], "steps": 30, "curves": [
        {"type": "cyclic", "max_lr": 1.0, "step_size_up": 5},
        {"type": "cosine", "T_max": 10},
        {"type": "sequential", "schedulers": [{"type": "linear"}, {"type": "onecycle",
                                                                   "max_lr": 1.0,
                                                                   "total_steps": 40}],
         "milestones": [5]}]})
    assert [c.extras for c in spec.curves] == [("momentum",), (), ("momentum",)]
    with pytest.raises(SpecError, match="no curve here computes the momentum"):
        lrplot.load({"series": ["lr", "momentum"], "curves": [{"type": "cosine", "T_max": 5}]})
    with pytest.raises(SpecError, match=r"curves\[0\]\.series: cosine does not compute"):
        lrplot.load({"curves": [{"type": "cosine", "T_max": 5, "series": ["lr", "momentum"]}]})
    with pytest.raises(SpecError, match="series: expected a list of lr, momentum, metric"):
        lrplot.load({"series": ["lr", "beta"], "curves": [{"type": "cosine", "T_max": 5}]})


def test_plateau_metric_series_is_null_before_the_first_step(tmp_path):
    out = tmp_path / "p.json"
    result = CliRunner().invoke(main, ["plateau", "--metric", "1 / epoch", "--show-metric",
                                       "--steps", "4", "-o", str(out)])
    assert result.exit_code == 0, result.output
    curve = json.loads(out.read_text())["panels"][0]["curves"][0]
    assert curve["metric"] == [None, 1.0, 0.5, 1 / 3]


def test_momentum_figure_draws_a_second_axis(tmp_path):
    from lrplot import render
    from lrplot.compute import compute

    spec = lrplot.load({"series": ["lr", "momentum"], "steps": 50, "curves": [
        {"type": "onecycle", "max_lr": 1.0, "total_steps": 50}]})
    fig = render.figure(compute(spec))
    axes = fig.get_axes()
    assert len(axes) == 2 and "momentum" in axes[1].get_ylabel()


# -- how often the training loop steps the scheduler ------------------------------------------


def test_interval_epoch_holds_each_value_for_an_epoch():
    spec = lrplot.load({"steps_per_epoch": 4, "steps": 22, "curves": [
        {"type": "step", "step_size": 2, "gamma": 0.5, "interval": "epoch"},
        {"type": "step", "step_size": 2, "gamma": 0.5}]})
    per_epoch, per_step = (compute.values(c) for c in spec.curves)
    expected = lrplot.schedule("step", steps=6, step_size=2, gamma=0.5)
    assert per_epoch.tolist() == [v for v in expected.tolist() for _ in range(4)][:22]
    assert per_step.tolist() == lrplot.schedule("step", steps=22, step_size=2,
                                                gamma=0.5).tolist()
    assert spec.curves[0].schedule["interval"] == "epoch"
    assert spec.curves[0].scheduler_steps == 6


def test_interval_epoch_needs_steps_per_epoch_and_limits_count_scheduler_steps():
    with pytest.raises(SpecError, match="interval: epoch needs steps_per_epoch"):
        lrplot.load({"interval": "epoch", "curves": [{"type": "cosine", "T_max": 5}]})
    with pytest.raises(SpecError, match="expected step or epoch"):
        lrplot.load({"interval": "batch", "curves": [{"type": "cosine", "T_max": 5}]})
    # 100 epochs of 10 iterations: a OneCycleLR of 100 scheduler steps fits
    spec = lrplot.load({"steps_per_epoch": 10, "interval": "epoch", "steps": 1000, "curves": [
        {"type": "onecycle", "max_lr": 1.0, "total_steps": 100}]})
    assert len(compute.values(spec.curves[0])) == 1000


def test_steps_per_epoch_is_onecycle_s_own_parameter_too():
    spec = lrplot.load({"steps_per_epoch": 50, "curves": [
        {"type": "onecycle", "max_lr": 1.0, "epochs": 4}]})
    assert spec.curves[0].params["steps_per_epoch"] == 50
    assert spec.curves[0].steps == 200


def test_shipped_configs_load_and_evaluate():
    for config in sorted((ROOT / "configs").glob("*.yaml")):
        spec = lrplot.load(config)
        for curve in spec.curves:
            assert len(compute.values(curve)) == curve.steps
            for extra in curve.extras:
                assert len(compute.values(curve, extra)) == curve.steps


# -- parameter groups and momentum against torch (tests/golden/torch_series.json) -------------

SERIES_GOLDENS = json.loads((ROOT / "tests" / "golden" / "torch_series.json").read_text())


@pytest.mark.parametrize("case", SERIES_GOLDENS["cases"],
                         ids=[f"{c['kind']}-{c['optimizer']}-{len(c['base_lr'])}groups"
                              for c in SERIES_GOLDENS["cases"]])
def test_groups_and_momentum_match_torch(case):
    from torch_oracle import assert_lr_close

    kind = lrplot.schedules.get(case["kind"])
    full = lrplot.load({"curves": [{"type": case["kind"], **case["params"]}]}).curves[0].params
    momentum = "momentum" in kind.extras(full)
    spec = lrplot.load({"base_lr": case["base_lr"], "steps": case["steps"],
                        "series": ["lr", "momentum"] if momentum else ["lr"],
                        "curves": [{"type": case["kind"], **case["params"]}]})
    assert len(spec.curves) == len(case["base_lr"])
    for g, curve in enumerate(spec.curves):
        assert curve.base_lr == case["base_lr"][g]
        assert compute.values(curve).tolist() == case["lr"][g]  # bit for bit
        if momentum:
            assert_lr_close(compute.values(curve, "momentum"), case["momentum"][g],
                            context=f"{case['kind']} momentum, group {g}")
            assert compute.values(curve, "momentum").tolist() == case["momentum"][g]
    if len(case["base_lr"]) > 1:
        assert "[group 1: base_lr=" in spec.curves[1].label


def test_cli_base_lr_list_is_one_group_each(tmp_path):
    out = tmp_path / "g.csv"
    result = CliRunner().invoke(main, ["cyclic", "--max-lr", "0.5", "--step-size-up", "2",
                                       "--base-lr", "0.1,0.01", "--steps", "5", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0][1].endswith("[group 0: base_lr=0.1]")
    assert [float(r[2]) for r in rows[1:]] == lrplot.schedule(
        "cyclic", steps=5, base_lr=0.01, max_lr=0.5, step_size_up=2).tolist()
    bad = CliRunner().invoke(main, ["cosine", "--t-max", "5", "--base-lr", "0.1,-1",
                                    "-o", str(tmp_path / "x.csv")])
    assert bad.exit_code == 2 and "--base-lr" in bad.output


# -- live: momentum and parameter groups for random parameters (when torch is importable) ------

try:
    import torch as _torch  # noqa: F401
    from hypothesis import given, settings
    from hypothesis import strategies as st
    HAVE_TORCH = True
except ImportError:  # pragma: no cover - the live parity needs torch (and hypothesis)
    HAVE_TORCH = False


if HAVE_TORCH:
    from test_parity_live import PARAMS

    @pytest.mark.parametrize("kind", ["cyclic", "onecycle", "sequential", "chained"])
    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_live_momentum_and_groups_match_torch(kind, data):
        from torch_oracle import torch_series

        steps = data.draw(st.integers(1, 400), label="steps")
        groups = data.draw(st.lists(st.floats(1e-4, 1.0), min_size=1, max_size=3), label="lrs")
        params = data.draw(PARAMS[kind](steps, groups[0]), label="params")
        optimizer = data.draw(st.sampled_from(["sgd", "adam"]), label="optimizer")
        try:
            spec = lrplot.load({"base_lr": groups, "steps": steps, "series": ["lr", "momentum"],
                                "curves": [{"type": kind, **params}]})
            lrs = [compute.values(c) for c in spec.curves]
            momenta = [compute.values(c, "momentum") for c in spec.curves]
        except SpecError:  # no momentum here, or refused (tested elsewhere)
            return
        expected = torch_series(kind, steps, groups, optimizer, **params)
        for g in range(len(groups)):
            assert lrs[g].tolist() == expected["lr"][g].tolist()
            assert momenta[g].tolist() == expected["momentum"][g].tolist()
