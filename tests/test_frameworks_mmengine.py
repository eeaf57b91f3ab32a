"""mmengine's schedulers against the real mmengine (live, when it is importable: mmengine 0.10.7
installed with --no-deps, as .ci/run does), stepped as its runner steps them (mmengine_oracle).
The golden file tests/golden/mmengine.json covers every kind without mmengine; these add the
momentum of whole lists, random lists, and the errors mmengine would raise."""

from __future__ import annotations

import random

import numpy as np
import pytest

import lrplot
from lrplot.problems import SpecError
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close, load_goldens

mmengine_oracle = pytest.importorskip("mmengine_oracle")

LIST = "mmengine.param_scheduler"


def _live(kind: str, steps: int, base_lr: float, params: dict, series: str = "lr") -> None:
    pytest.importorskip("mmengine")
    expected = mmengine_oracle.series(kind, steps, base_lr, params)[series]
    actual = lrplot.schedule(kind, steps=steps, base_lr=base_lr, series=series, **params)
    assert_lr_close(actual, expected, rtol=RTOL_FLOAT64, context=f"{kind} {params}")


@pytest.mark.parametrize("case", load_goldens("mmengine")["cases"][::4],
                         ids=lambda c: c["id"][:60])
def test_golden_cases_still_match_live_mmengine(case):
    """Every fourth golden case, recomputed by the installed mmengine (the file is not stale)."""
    pytest.importorskip("mmengine")
    expected = mmengine_oracle.lrs(case["kind"], case["steps"], case["base_lr"], case["params"])
    indices = case["indices"]
    np.testing.assert_array_equal(expected if indices is None else expected[indices],
                                  case["lr"])


def test_momentum_of_a_list_matches_mmengine():
    """The momentum schedulers of a list act on the momentum, the lr ones on the lr."""
    schedulers = [
        {"type": "mmengine.LinearLR", "start_factor": 0.1, "by_epoch": False, "end": 12},
        {"type": "mmengine.CosineAnnealingMomentum", "eta_min": 0.8, "end": 10},
        {"type": "mmengine.StepMomentum", "step_size": 3, "gamma": 0.99, "by_epoch": False},
    ]
    for series in ("lr", "momentum"):
        _live(LIST, 100, 0.1, {"steps_per_epoch": 5, "initial_momentum": 0.95,
                               "schedulers": schedulers}, series)


def _random_child(rng: random.Random, spe: int) -> dict:
    by_epoch = rng.random() < 0.5
    convert = by_epoch and rng.random() < 0.3
    unit = 12 if by_epoch else 12 * spe
    begin = rng.randrange(0, unit // 2)
    end = rng.choice([begin + rng.randrange(2, unit), 10 ** 9])
    child = {"by_epoch": by_epoch, "begin": begin, "end": end}
    if convert:
        child["convert_to_iter_based"] = True
    kind = rng.choice(["LinearLR", "ConstantLR", "StepLR", "MultiStepLR", "ExponentialLR",
                       "CosineAnnealingLR", "PolyLR", "CosineRestartLR"])
    finite = end if end < 10 ** 9 else begin + unit
    if kind == "LinearLR":
        child.update(start_factor=rng.choice([0.001, 0.1, 0.5]), end_factor=rng.choice([1.0,
                                                                                         0.2]))
    elif kind == "ConstantLR":
        child.update(factor=rng.choice([0.1, 0.5, 1.0]))
    elif kind == "StepLR":
        child.update(step_size=rng.randrange(1, 6), gamma=rng.choice([0.5, 0.9]))
    elif kind == "MultiStepLR":
        child.update(milestones=sorted(rng.sample(range(1, unit), 3)), gamma=0.3)
    elif kind == "ExponentialLR":
        child.update(gamma=rng.choice([0.95, 0.99]))
    elif kind == "CosineAnnealingLR":
        child.update(eta_min=rng.choice([0.0, 1e-4, 0.003]))
        if end == 10 ** 9:
            child["T_max"] = unit
    elif kind == "PolyLR":
        child.update(eta_min=rng.choice([0.0, 1e-4]), power=rng.choice([1.0, 0.9, 2.0]))
        child["end"] = finite
    else:
        child.update(periods=[max(1, (finite - begin) // 2), max(1, (finite - begin) // 3)],
                     restart_weights=[1.0, 0.5], eta_min=rng.choice([0.0, 0.001]))
    return {"type": f"mmengine.{kind}", **child}


@pytest.mark.parametrize("seed", range(12))
def test_random_lists_match_mmengine(seed):
    """Lists of one to three schedulers, by epoch and by iteration, windows overlapping."""
    rng = random.Random(seed)
    spe = rng.randrange(1, 9)
    schedulers = [_random_child(rng, spe) for _ in range(rng.randrange(1, 4))]
    _live(LIST, 14 * spe, rng.choice([0.1, 0.02]), {"steps_per_epoch": spe,
                                                     "schedulers": schedulers})


def test_a_long_overlapping_run_matches_mmengine():
    """Warm-up and poly both by iteration over 20 000 iterations: the vectorized runs."""
    schedulers = [
        {"type": "mmengine.LinearLR", "start_factor": 1e-3, "by_epoch": False, "end": 3000},
        {"type": "mmengine.PolyLR", "eta_min": 1e-4, "power": 0.9, "by_epoch": False,
         "end": 20_000},
        {"type": "mmengine.CosineAnnealingLR", "eta_min": 1e-5, "end": 40}]
    _live(LIST, 20_000, 0.01, {"steps_per_epoch": 500, "schedulers": schedulers})


OVERLAPPING = {
    "warm-up and poly, each over the whole run": [
        {"type": "mmengine.LinearLR", "start_factor": 1e-3, "by_epoch": False, "end": 5000},
        {"type": "mmengine.PolyLR", "eta_min": 1e-4, "power": 0.9, "by_epoch": False,
         "end": 5000}],
    "quadratic warm-up under a cosine, then the cosine alone": [
        {"type": "mmengine.QuadraticWarmupLR", "by_epoch": False, "end": 2000},
        {"type": "mmengine.CosineAnnealingLR", "eta_min": 1e-5, "T_max": 5000,
         "by_epoch": False, "end": 5000}],
    "three over the same iterations, one stopping early": [
        {"type": "mmengine.ExponentialLR", "gamma": 0.9999, "by_epoch": False, "end": 4000},
        {"type": "mmengine.CosineAnnealingLR", "eta_min": 1e-5, "T_max": 5000,
         "by_epoch": False, "end": 5000},
        {"type": "mmengine.ConstantLR", "factor": 0.5, "by_epoch": False, "end": 3000}],
}


@pytest.mark.parametrize("name", sorted(OVERLAPPING))
def test_schedulers_over_the_same_iterations_are_mmengine_bit_for_bit(name):
    """A position's operations applied together (the fused loops) change no bit."""
    pytest.importorskip("mmengine")
    params = {"schedulers": OVERLAPPING[name]}
    expected = mmengine_oracle.lrs(LIST, 5000, 0.01, params)
    np.testing.assert_array_equal(lrplot.schedule(LIST, steps=5000, base_lr=0.01, **params),
                                  expected)


def _refused(match: str, kind: str, steps: int | None = 20, **params) -> None:
    with pytest.raises(SpecError, match=match):
        lrplot.schedule(kind, steps=steps, **params)


def test_end_not_after_begin_is_refused():
    _refused("end.*larger than begin", "mmengine.linear", begin=5, end=5)


def test_mixed_units_need_steps_per_epoch():
    _refused("steps_per_epoch", LIST, schedulers=[
        {"type": "mmengine.linear", "by_epoch": False, "end": 5},
        {"type": "mmengine.multistep", "milestones": [3]}])


def test_convert_to_iter_based_needs_a_by_epoch_scheduler_and_steps_per_epoch():
    _refused("only a by_epoch scheduler", "mmengine.linear", by_epoch=False,
             convert_to_iter_based=True)
    _refused("steps_per_epoch", "mmengine.linear", convert_to_iter_based=True)


def test_onecycle_past_total_steps_is_refused_like_mmengine():
    _refused("past its total_steps = 100", "mmengine.onecycle", steps=102, eta_max=0.1,
             total_steps=100)
    assert len(lrplot.schedule("mmengine.onecycle", steps=101, eta_max=0.1,
                               total_steps=100)) == 101


def test_quadratic_warmup_needs_a_finite_end_and_restarts_a_minimum():
    _refused("finite end", "mmengine.quadratic_warmup")
    _refused("eta_min or eta_min_ratio", "mmengine.cosine_restart", periods=[10])
    _refused("one weight per period", "mmengine.cosine_restart", periods=[10, 10],
             eta_min=0.0)


def test_plateau_needs_its_metric_and_epochs():
    _refused("metric", "mmengine.plateau")
    _refused("by_epoch", "mmengine.plateau", metric="1 / epoch", by_epoch=False)


def test_end_is_exclusive():
    """end=500 ramps 499 times: the lr reaches the optimizer's lr at iteration 499."""
    lr = lrplot.schedule("mmengine.linear", steps=502, base_lr=0.1, start_factor=0.001,
                         by_epoch=False, end=500)
    assert lr[498] < 0.1 and lr[499] == pytest.approx(0.1, rel=1e-12) and lr[501] == lr[499]


def test_by_epoch_steps_hold_for_an_epoch_of_iterations():
    lr = lrplot.schedule("mmengine.multistep", steps=40, base_lr=0.1, milestones=[2],
                         steps_per_epoch=10)
    assert (lr[:20] == 0.1).all() and np.allclose(lr[20:], 0.01, rtol=1e-12)


def test_a_list_names_its_schedulers_by_class_as_configs_do():
    """In a param_scheduler list, LinearLR is mmengine's (torch's is `linear` elsewhere)."""
    bare = lrplot.schedule(LIST, steps=60, steps_per_epoch=5, schedulers=[
        {"type": "LinearLR", "start_factor": 0.1, "by_epoch": False, "end": 12},
        {"type": "MultiStepLR", "milestones": [4, 8]}])
    named = lrplot.schedule(LIST, steps=60, steps_per_epoch=5, schedulers=[
        {"type": "mmengine.linear", "start_factor": 0.1, "by_epoch": False, "end": 12},
        {"type": "mmengine.multistep", "milestones": [4, 8]}])
    np.testing.assert_array_equal(bare, named)
    _refused("only mmengine schedules", LIST, schedulers=[{"type": "cosine", "T_max": 5}])


CODE_CASES = [
    {"type": "mmengine.cosine", "end": 30, "eta_min": 0.01, "steps": 40},
    {"type": "mmengine.onecycle", "eta_max": 0.1, "total_steps": 50, "steps": 51},
    {"type": "mmengine.plateau", "metric": "1 / epoch + 0.1 * (epoch > 5)", "patience": 1,
     "steps": 30},
    {"type": LIST, "steps_per_epoch": 7, "steps": 100, "schedulers": [
        {"type": "LinearLR", "start_factor": 0.001, "by_epoch": False, "end": 20},
        {"type": "CosineAnnealingLR", "eta_min": 1e-4, "begin": 1, "end": 12,
         "convert_to_iter_based": True},
        {"type": "MultiStepLR", "milestones": [10], "end": 14}]},
    {"type": LIST, "steps_per_epoch": 4, "steps": 60, "schedulers": [
        {"type": "LinearLR", "start_factor": 0.1, "by_epoch": False, "end": 6},
        {"type": "ReduceOnPlateauLR", "metric": "2.0", "patience": 1}]},
]


@pytest.mark.parametrize("mapping", CODE_CASES, ids=lambda m: m["type"])
def test_emitted_code_steps_the_real_mmengine_to_the_same_series(mapping):
    pytest.importorskip("mmengine")
    import warnings

    from lrplot import codegen, compute

    curve = lrplot.load({"curves": [mapping]}).panels[0].curves[0]
    code = codegen.curve_code(curve)
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<lrplot code>", "exec"), namespace)
    np.testing.assert_allclose(namespace["lrs"], compute.values(curve), rtol=1e-12, atol=0,
                               err_msg=code)


def test_interval_epoch_is_refused_where_by_epoch_says_it():
    with pytest.raises(SpecError, match="interval: epoch does not apply to mmengine.multistep"):
        lrplot.load({"curves": [{"type": "mmengine.multistep", "milestones": [2],
                                 "steps_per_epoch": 10, "interval": "epoch", "steps": 40}]})
