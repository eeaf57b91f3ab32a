"""A chained schedule whose children the training loop steps at their own intervals: separate
torch schedulers on one optimizer, a warm-up stepped every iteration and a MultiStepLR every
epoch (mmdetection's standard schedule). Checked against torch stepped that way
(tests/golden/torch_loop.json, from ``python scripts/make_goldens.py``; live when torch is
installed), and the ways a child's interval is refused, located in the config."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import compute, schema
from lrplot.cli import main
from lrplot.spec import SpecError
from torch_oracle import LOOP_GOLDEN_PATH, assert_lr_close, load_goldens

GOLDENS = load_goldens(LOOP_GOLDEN_PATH)


def curve_of(case: dict):
    figure = lrplot.load({"steps_per_epoch": case["steps_per_epoch"], "steps": case["steps"],
                          "base_lr": case["base_lr"],
                          "curves": [{"type": "chained", "schedulers": case["schedulers"]}]})
    (curve,) = figure.curves
    return curve


def test_goldens_come_from_torch_2_13_and_a_real_config():
    assert GOLDENS["torch_version"].startswith("2.13.")
    sources = [c["source"] for c in GOLDENS["cases"] if c["source"]]
    assert sources and "mmdetection" in sources[0] and "schedule_1x.py" in sources[0]


@pytest.mark.parametrize("case", GOLDENS["cases"], ids=lambda c: f"{c['schedulers'][0]['type']}"
                         f"+{c['schedulers'][1]['type']}/{c['steps_per_epoch']}")
def test_matches_torch_stepped_by_the_training_loop(case):
    lr = compute.values(curve_of(case))
    assert len(lr) == case["steps"]
    indices = case["indices"]
    actual = lr if indices is None else lr[indices]
    assert_lr_close(actual, case["lr"], indices=indices)
    assert actual.tolist() == case["lr"]  # bit for bit: the same multiplications, in order


def test_mmdetection_1x_warms_up_by_iteration_and_decays_by_epoch():
    case = next(c for c in GOLDENS["cases"] if c["source"])
    lr = compute.values(curve_of(case))
    epoch = case["steps_per_epoch"]
    assert lr[0] == pytest.approx(0.02 * 0.001)
    assert lr[500] == pytest.approx(0.02) and lr[8 * epoch - 1] == pytest.approx(0.02)
    assert lr[8 * epoch] == pytest.approx(0.002) and lr[11 * epoch] == pytest.approx(0.0002)


LIVE_CASES = [
    (5, 90, [{"type": "step", "step_size": 2, "gamma": 0.5, "interval": "epoch"},
             {"type": "exponential", "gamma": 0.99}]),
    (1, 40, [{"type": "constant", "factor": 0.5, "total_iters": 7, "interval": "epoch"},
             {"type": "linear", "start_factor": 0.2, "total_iters": 9, "interval": "step"}]),
    (11, 400, [{"type": "onecycle", "max_lr": 0.5, "total_steps": 400, "interval": "step"},
               {"type": "multistep", "milestones": [10, 20, 30], "gamma": 0.7,
                "interval": "epoch"}]),
    (6, 200, [{"type": "lambda", "lr_lambda": "0.9 ** epoch", "interval": "epoch"},
              {"type": "polynomial", "total_iters": 150, "power": 2.0, "interval": "step"},
              {"type": "cosine-restarts", "T_0": 4, "interval": "epoch"}]),
]


@pytest.mark.parametrize("steps_per_epoch,steps,children", LIVE_CASES)
def test_matches_live_torch(steps_per_epoch, steps, children):
    pytest.importorskip("torch")
    from torch_oracle import torch_loop_lrs

    curve = curve_of({"steps_per_epoch": steps_per_epoch, "steps": steps, "base_lr": 0.1,
                      "schedulers": children})
    expected = torch_loop_lrs(children, steps, steps_per_epoch)
    assert_lr_close(compute.values(curve), expected)


def test_all_children_per_iteration_is_the_plain_chained_schedule():
    children = [{"type": "linear", "start_factor": 0.1, "total_iters": 10},
                {"type": "exponential", "gamma": 0.97}]
    plain = lrplot.schedule("chained", steps=60, schedulers=children)
    looped = lrplot.schedule("chained", steps=60, schedulers=[
        {**c, "interval": "step"} for c in children])
    np.testing.assert_array_equal(looped, plain)


def test_children_per_epoch_are_the_schedule_stepped_per_epoch():
    children = [{"type": "step", "step_size": 2, "gamma": 0.5},
                {"type": "exponential", "gamma": 0.9}]
    per_epoch = lrplot.load({"steps_per_epoch": 4, "steps": 30, "interval": "epoch", "curves": [
        {"type": "chained", "schedulers": children}]})
    looped = lrplot.load({"steps_per_epoch": 4, "steps": 30, "curves": [
        {"type": "chained", "schedulers": [{**c, "interval": "epoch"} for c in children]}]})
    np.testing.assert_array_equal(compute.values(looped.curves[0]),
                                  compute.values(per_epoch.curves[0]))


def test_the_default_horizon_counts_epochs_of_a_child_stepped_per_epoch():
    figure = lrplot.load({"steps_per_epoch": 10, "curves": [{"type": "chained", "schedulers": [
        {"type": "linear", "start_factor": 0.1, "total_iters": 5, "interval": "step"},
        {"type": "cosine", "T_max": 30, "interval": "epoch"}]}]})
    (curve,) = figure.curves
    assert curve.steps >= 300 and curve.auto_steps


def test_the_child_interval_is_written_out_and_read_back(tmp_path):
    case = GOLDENS["cases"][1]
    curve = curve_of(case)
    schedule = curve.schedule
    assert [c["interval"] for c in schedule["schedulers"]] == ["epoch", "step"]
    again = lrplot.load({"steps": curve.steps, "curves": [schedule]})
    np.testing.assert_array_equal(compute.values(again.curves[0]), compute.values(curve))
    assert "interval=" in curve.label


def test_the_schema_accepts_a_child_interval():
    definitions = schema.generate()["definitions"]
    assert definitions["child.interval"]["enum"] == ["step", "epoch"]
    branch = definitions["child"]["allOf"][0]["then"]
    assert branch["properties"]["interval"] == {"$ref": "#/definitions/child.interval"}


# -- refused, located ---------------------------------------------------------------------------

LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\S+): (?P<message>.+)$")


def problem(tmp_path, text: str) -> tuple[int, int, str, str]:
    """(line, column, key path, message) of the one problem of a config, as ``lrplot
    validate`` reports it (exit 2); the column is checked to point into that line's
    ``interval`` entry."""
    path = tmp_path / "c.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)], prog_name="lrplot")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    located = [m for m in map(LOCATED.match, result.stderr.splitlines()) if m]
    assert len(located) == 1, result.stderr
    (match,) = located
    assert match["file"] == str(path)
    line, col = int(match["line"]), int(match["col"])
    written = text.splitlines()[line - 1]
    assert written.index("interval") <= col - 1 < len(written), (written, col)
    return line, col, match["path"], match["message"]


def test_interval_epoch_on_a_child_needs_steps_per_epoch(tmp_path):
    line, col, where, message = problem(tmp_path, """\
curves:
  - type: chained
    schedulers:
      - {type: linear, total_iters: 5}
      - {type: multistep, milestones: [8, 11], interval: epoch}
""")
    assert (line, where) == (5, "curves[0].schedulers[1].interval")
    assert col == 48 and "needs steps_per_epoch" in message  # at the value: epoch


def test_a_child_interval_with_the_curve_stepped_per_epoch(tmp_path):
    line, _, where, message = problem(tmp_path, """\
steps_per_epoch: 10
interval: epoch
curves:
  - type: chained
    schedulers:
      - {type: linear, total_iters: 5, interval: step}
      - {type: exponential, gamma: 0.9}
""")
    assert (line, where) == (6, "curves[0].schedulers[0].interval")
    assert "needs the curve stepped every iteration" in message


def test_a_child_interval_in_a_sequential(tmp_path):
    line, _, where, message = problem(tmp_path, """\
steps_per_epoch: 10
curves:
  - type: sequential
    milestones: [5]
    schedulers:
      - {type: linear, total_iters: 5}
      - {type: exponential, gamma: 0.9, interval: epoch}
""")
    assert (line, where) == (7, "curves[0].schedulers[1].interval")
    assert "SequentialLR steps its children itself" in message and "use chained" in message


def test_a_child_interval_in_a_nested_composite(tmp_path):
    line, _, where, message = problem(tmp_path, """\
steps_per_epoch: 10
curves:
  - type: chained
    schedulers:
      - type: chained
        schedulers:
          - {type: exponential, gamma: 0.9, interval: epoch}
""")
    assert (line, where) == (7, "curves[0].schedulers[0].schedulers[0].interval")
    assert "nested composite steps its children itself" in message


def test_a_child_interval_that_is_not_step_or_epoch(tmp_path):
    line, _, where, message = problem(tmp_path, """\
steps_per_epoch: 10
curves:
  - type: chained
    schedulers:
      - {type: exponential, gamma: 0.9, interval: iteration}
""")
    assert (line, where) == (5, "curves[0].schedulers[0].interval")
    assert message.startswith("expected step or epoch")


def test_a_child_interval_epoch_from_flags_names_the_flag():
    with pytest.raises(SpecError) as caught:
        lrplot.spec.from_flags("chained", {"schedulers": [
            "[{type: exponential, gamma: 0.9, interval: epoch}]"]}, steps=20)
    (p,) = caught.value.problems
    assert p.where == "--schedulers" and p.message.startswith("[0].interval: interval: epoch "
                                                              "needs steps_per_epoch")


def test_other_frameworks_children_take_no_interval():
    with pytest.raises(SpecError) as caught:
        lrplot.load({"steps": 10, "curves": [{"type": "optax.join_schedules",
                                              "schedules": [{"type": "optax.constant_schedule",
                                                             "value": 0.1, "interval": "step"}],
                                              "boundaries": []}]})
    assert any("belongs to the whole curve" in p.message for p in caught.value.problems)


@pytest.mark.parametrize("index", range(len(LIVE_CASES)))
def test_lrplot_code_writes_the_training_loop_that_reproduces_the_series(index):
    pytest.importorskip("torch")
    import warnings

    from lrplot import codegen

    steps_per_epoch, steps, children = LIVE_CASES[index]
    curve = curve_of({"steps_per_epoch": steps_per_epoch, "steps": steps, "base_lr": 0.1,
                      "schedulers": children})
    code = codegen.curve_code(curve)
    assert "lr_scheduler.ChainedScheduler(" not in code
    assert ("if step % steps_per_epoch == 0:" in code) == any(
        c.get("interval") == "epoch" for c in children)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
    assert_lr_close(np.array(namespace["lrs"]), compute.values(curve), context=code)


@pytest.mark.parametrize("steps_per_epoch", [1, 3, 7])
def test_plain_products_as_one_running_product_equal_the_step_by_step_loop(steps_per_epoch):
    """Children that only multiply the lr take the vectorized path; it makes the loop's very
    multiplications in its order (construction in child order, then per-iteration children
    before per-epoch ones), so it equals the step-by-step replay bit for bit."""
    from lrplot.frameworks.pytorch import stepping

    curve = curve_of({"steps_per_epoch": steps_per_epoch, "steps": 700, "base_lr": 0.3,
                      "schedulers": [
                          {"type": "multiplicative", "lr_lambda": "0.97 + 0.001 * (epoch % 5)",
                           "interval": "epoch"},
                          {"type": "linear", "start_factor": 0.37, "total_iters": 90,
                           "interval": "step"},
                          {"type": "exponential", "gamma": 0.9993},
                          {"type": "step", "step_size": 3, "gamma": 0.71, "interval": "epoch"}]})
    children = curve.params["schedulers"]
    fast = np.concatenate(list(stepping.chained(700, 0.3, children, chunk=64)))
    replay = np.concatenate(list(stepping.run(700, 0.3, "chained", {"schedulers": children},
                                              64)))
    assert stepping._product_factors(children) is not None
    assert fast.tolist() == replay.tolist()
    assert compute.values(curve).tolist() == fast.tolist()
