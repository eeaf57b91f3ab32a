"""How a figure is built and evaluated: one resolver for every way of writing a curve, the
cascading keys read from lrplot.configkeys, evaluation in lrplot.compute (the frozen model holds
no numbers) and the linter computing values only through the evaluator it is given."""

from __future__ import annotations

import numpy as np
import pytest

from lrplot import compute, configkeys, lint, yamlio
from lrplot.figspec import Curve
from lrplot.spec import SpecError, from_document, from_flags, from_mapping


def problems(build) -> list[tuple[str, str]]:
    """(where, message) of every problem ``build()`` raises."""
    with pytest.raises(SpecError) as caught:
        build()
    return [(p.where, p.message) for p in caught.value.problems]


def test_a_missing_parameter_reads_the_same_from_flags_a_config_and_a_child():
    (flag, message), = problems(lambda: from_flags("step", {"gamma": ["0.5"]}, steps=10))
    assert (flag, message) == ("--step-size", "step needs step_size (an integer >= 1)")
    from_config = problems(lambda: from_mapping({"curves": [{"type": "step", "gamma": 0.5}]}))
    assert from_config == [("curves[0].step_size", message)]
    child = {"type": "sequential", "milestones": [5],
             "schedulers": [{"type": "linear", "total_iters": 5}, {"type": "step"}]}
    (where, said), = problems(lambda: from_mapping({"steps": 20, "curves": [child]}))
    assert said == message and where.endswith("schedulers[1]")


def test_a_contradiction_reads_the_same_from_flags_a_config_and_a_child():
    bad = {"schedulers": "[{type: linear, total_iters: 5}, {type: cosine, T_max: 5}]",
           "milestones": "5,6"}
    (flag, message), = problems(lambda: from_flags("sequential", {k: [v] for k, v in
                                                                bad.items()}, steps=20))
    assert flag == "--milestones" and "one milestone fewer than schedulers" in message
    sequential = {"type": "sequential", "milestones": [5, 6], "schedulers": [
        {"type": "linear", "total_iters": 5}, {"type": "cosine", "T_max": 5}]}
    (where, said), = problems(lambda: from_mapping({"steps": 20, "curves": [sequential]}))
    assert said == message and where.endswith("curves[0].milestones")
    nested = {"type": "chained", "schedulers": [sequential]}
    (where, said), = problems(lambda: from_mapping({"steps": 20, "curves": [nested]}))
    assert said == message and where.endswith("schedulers[0].milestones")


def test_every_key_accepted_at_every_level_cascades_to_the_curves():
    assert configkeys.CASCADING_KEYS == ("steps", "base_lr", "series", "steps_per_epoch",
                                         "interval")
    figure = from_mapping({"steps": 12, "base_lr": 0.5, "series": ["lr", "momentum"],
                           "steps_per_epoch": 4, "interval": "epoch", "panels": [{"curves": [
                               {"type": "onecycle", "max_lr": 1.0, "total_steps": 3}]}]})
    (curve,) = figure.curves
    assert (curve.steps, curve.base_lr, curve.extras, curve.steps_per_epoch, curve.interval) \
        == (12, 0.5, ("momentum",), 4, "epoch")
    assert len(compute.values(curve)) == 12
    assert compute.values(curve).tolist()[::4] == compute.kernel_values(
        curve.kind, 3, 0.5, curve.params).tolist()


def test_structure_keys_are_declared_not_described():
    assert set(configkeys.STRUCTURE_KEYS) == {"type", "sweep", "panels", "curves"}
    assert all(configkeys.BY_NAME[k].schema is None for k in configkeys.STRUCTURE_KEYS)


def test_the_model_holds_no_numbers():
    curve = from_flags("exponential", {"gamma": ["0.5"]}, steps=5).curves[0]
    assert isinstance(curve, Curve)
    assert not any(hasattr(curve, name) for name in ("lr", "values", "chunks"))
    assert compute.values(curve).tolist() == [0.1 * 0.5 ** i for i in range(5)]
    pieces = list(compute.chunks(curve, chunk=2))
    assert [len(p) for p in pieces] == [2, 2, 1]
    assert np.concatenate(pieces).tolist() == compute.values(curve).tolist()


def test_finite_problem_names_the_first_bad_step():
    assert compute.finite_problem(np.array([1.0, 2.0])) is None
    assert compute.finite_problem(np.empty(0)) is None
    message = compute.finite_problem(np.array([1.0, np.inf, np.nan]), start=10)
    assert message.startswith("the lr becomes inf (beyond float64) at step 11:")
    assert "use at most 11 steps" in message
    block = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, np.nan]])  # a sweep's rows: columns are steps
    assert "not a number at step 2" in compute.finite_problem(block, series="momentum")


def test_an_overflow_is_located_at_the_curve_alone_and_in_a_sweep(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("steps: 2000\ncurves:\n  - type: exponential\n    sweep: {gamma: [0.5, 2]}\n")
    doc = yamlio.load(str(path))
    figure = from_document(doc)
    low, high = figure.curves
    assert compute.values(low)[-1] == 0.0
    (where, message), = problems(lambda: compute.values(high))
    assert where.startswith(f"{path}:3:") and "gamma=2" in message
    assert "becomes inf (beyond float64) at step" in message
    [panel] = compute.compute(figure)
    assert panel.series[0].sweep is not None  # one broadcast; it fails and falls back
    (where, message), = problems(lambda: panel.series[1].lr)
    assert where.startswith(f"{path}:3:") and "gamma=2" in message


def test_lint_computes_values_only_through_the_evaluator_it_is_given(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("steps: 80\ncurves:\n  - type: cosine\n    T_max: 100\n")
    doc = yamlio.load(str(path))
    figure = from_document(doc)
    asked = []

    def evaluate(curve):
        asked.append(curve.label)
        return compute.chunks(curve)

    warnings = lint.check(figure, doc, evaluate=evaluate)
    assert [w.rule for w in warnings] == ["floor-not-reached"]
    assert asked == [figure.curves[0].label]
    final = compute.values(figure.curves[0])[-1]
    assert f"stops at {final:.4g}" in warnings[0].message
    assert lint.check(figure, doc, evaluate=compute.chunks) == warnings
