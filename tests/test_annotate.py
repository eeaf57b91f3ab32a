"""Annotations (``--annotate``, ``annotate: true``): events, and the peak, minimum and final lr."""

from __future__ import annotations

import shlex

import pytest
from click.testing import CliRunner

import lrplot
from lrplot import annotate, schedules
from lrplot.cli import main
from lrplot.spec import SpecError


def _events(schedule: dict, steps: int) -> list:
    return annotate.events_of(schedule, steps)


def test_milestones_once_each_with_repeats_named():
    events = _events({"type": "multistep", "milestones": [200, 300, 200, 500]}, 400)
    assert events == [(200, "milestone 200 (x2: gamma**2)"), (300, "milestone 300")]


def test_periodic_events_are_labelled_once():
    events = _events({"type": "step", "step_size": 50}, 200)
    assert events == [(50, "step_size 50"), (100, ""), (150, "")]
    assert _events({"type": "cosine", "T_max": 50}, 400) == [
        (50, "T_max 50"), (150, ""), (250, ""), (350, "")]


@pytest.mark.parametrize("schedule", [
    {"type": "step", "step_size": 1}, {"type": "cosine", "T_max": 1},
    {"type": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 1}], ids=lambda s: s["type"])
def test_periodic_events_of_a_huge_run_stop_past_what_is_drawn(schedule):
    """A period of one step over 10^9 steps: one more event than a figure draws (so none are),
    not 10^9 of them."""
    events = _events(schedule, 10**9)
    assert len(events) == schedules.MAX_EVENTS + 1


def test_restarts_warmups_and_phases():
    assert _events({"type": "cosine-restarts", "T_0": 10, "T_mult": 2}, 100) == [
        (10, "restart 10"), (30, "restart 30"), (70, "restart 70")]
    assert _events({"type": "linear", "start_factor": 0.1, "end_factor": 1.0,
                    "total_iters": 5}, 20) == [(5, "warm-up end 5")]
    onecycle = {"type": "onecycle", "total_steps": 100, "pct_start": 0.3, "three_phase": False}
    assert _events(onecycle, 101) == [(29, "warm-up end 29"), (99, "end of cycle 99")]
    hf = {"type": "hf.cosine", "num_warmup_steps": 10, "num_training_steps": 100}
    assert _events(hf, 120) == [(10, "warm-up end 10"), (100, "num_training_steps 100")]


def test_sequential_hand_overs_and_the_first_phase():
    schedule = {"type": "sequential", "milestones": [10, 60],
                "schedulers": [{"type": "linear", "start_factor": 0.1, "total_iters": 5},
                               {"type": "cosine", "T_max": 50},
                               {"type": "constant", "factor": 0.1, "total_iters": 1}]}
    assert _events(schedule, 100) == [(5, "warm-up end 5"), (10, "linear → cosine 10"),
                                      (60, "cosine → constant 60")]


def test_events_outside_the_run_and_unknown_shapes_are_dropped():
    assert _events({"type": "multistep", "milestones": [0, 400]}, 400) == []
    assert _events({"type": "cosine"}, 400) == []  # a shape the table does not know: no marks
    assert _events({"type": "exponential", "gamma": 0.9}, 400) == []


def test_a_curve_stepped_per_epoch_has_its_events_at_epoch_starts():
    """Milestones in epochs land where the lr changes: epoch x steps_per_epoch."""
    spec = lrplot.load({"curves": [{"type": "multistep", "milestones": [8, 11],
                                    "interval": "epoch", "steps_per_epoch": 100,
                                    "steps": 1300}]})
    [series] = lrplot.series(spec)[0].series
    lr = list(series.lr)
    assert _events(series.schedule, series.steps) == [(800, "milestone 8"),
                                                      (1100, "milestone 11")]
    assert [i for i in range(1, len(lr)) if lr[i] != lr[i - 1]] == [800, 1100]


def test_chained_children_mark_their_own_events_on_their_own_intervals():
    """mmdetection's warm-up by iteration under MultiStepLR by epoch, as a chained curve."""
    spec = lrplot.load({"curves": [{"type": "chained", "steps": 3000, "steps_per_epoch": 250,
                                    "schedulers": [
                                        {"type": "linear", "start_factor": 0.001,
                                         "total_iters": 500},
                                        {"type": "multistep", "milestones": [8, 11],
                                         "interval": "epoch"}]}]})
    [series] = lrplot.series(spec)[0].series
    lr = list(series.lr)
    events = _events(series.schedule, series.steps)
    assert events == [(500, "warm-up end 500"), (2000, "milestone 8"), (2750, "milestone 11")]
    # the ramp's last change reaches the peak; then a drop at each milestone's first iteration
    changes = [i for i in range(1, len(lr)) if lr[i] != lr[i - 1]]
    assert [max(i for i in changes if i < 1000), *(i for i in changes if i >= 1000)] == \
        [step for step, _ in events]


def _axes(mapping: dict):
    spec = lrplot.load({**mapping, "annotate": True})
    return lrplot.plot(spec).axes[0]


def test_a_lone_curve_gets_its_extremes_as_text():
    ax = _axes({"curves": [{"type": "cosine", "T_max": 150, "steps": 400}]})
    texts = [t.get_text() for t in ax.texts]
    assert "T_max 150" in texts
    assert "peak 0.1\nstep 0" in texts  # the return to base_lr one ulp high is a tie
    assert "minimum 0\nstep 150" in texts
    assert any(t.startswith("final 0.0259") for t in texts)


def test_a_sweep_gets_markers_and_one_legend_entry_each():
    ax = _axes({"curves": [{"type": "exponential", "sweep": {"gamma": [0.9, 0.95, 0.99]},
                            "steps": 100}]})
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-3:] == ["peak", "minimum", "final"]
    assert not any(t.get_text().startswith("peak") for t in ax.texts)
    markers = [line for line in ax.get_lines() if line.get_marker() in ("^", "v", "o")
               and len(line.get_xdata()) == 1]
    # three curves share their peak (0.1 at step 0): one marker; each has min = final
    assert len(markers) == 1 + 3


def test_crowded_events_lose_labels_then_lines():
    ax = _axes({"curves": [{"type": "step", "step_size": 10, "steps": 200}]})
    assert sum(1 for line in ax.get_lines() if line.get_linestyle() == ":") == 19
    ax = _axes({"curves": [{"type": "step", "step_size": 2, "steps": 200}]})
    assert not any(line.get_linestyle() == ":" for line in ax.get_lines())
    ax = _axes({"curves": [{"type": "multistep", "milestones": list(range(5, 100, 5)),
                            "steps": 100}]})
    assert not any(t.get_text().startswith("milestone") for t in ax.texts)


def test_without_annotate_nothing_is_added():
    spec = lrplot.load({"curves": [{"type": "multistep", "milestones": [5], "steps": 10}]})
    ax = lrplot.plot(spec).axes[0]
    assert not ax.texts and len(ax.get_lines()) == 1


def test_yaml_key_is_a_boolean():
    assert lrplot.load({"annotate": True, "curves": [{"type": "step", "step_size": 5}]}).annotate
    with pytest.raises(SpecError, match="annotate: expected true or false"):
        lrplot.load({"annotate": "yes", "curves": [{"type": "step", "step_size": 5}]})


def test_log_axis_skips_zero_markers():
    spec = lrplot.load({"annotate": True, "log_y": True,
                        "curves": [{"type": "cosine", "T_max": 10, "steps": 30}]})
    ax = lrplot.plot(spec).axes[0]
    assert not any(t.get_text().startswith("minimum 0") for t in ax.texts)


@pytest.mark.parametrize("kind", [k.name for k in schedules.all_kinds()])
def test_every_kind_draws_annotated(kind, tmp_path):
    example = schedules.get(kind).example
    out = tmp_path / "a.svg"
    plain = CliRunner().invoke(main, [kind, *shlex.split(example), "-o", str(out)])
    if plain.exit_code != 0:
        pytest.skip(f"the example of {kind} fails without annotations too: {plain.output}")
    result = CliRunner().invoke(main, [kind, *shlex.split(example), "--annotate", "-o",
                                       str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
