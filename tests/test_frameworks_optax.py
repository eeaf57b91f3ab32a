"""optax.* kinds: names, defaults and refusals. Their parity is golden-only
(tests/test_frameworks_golden.py against tests/golden/optax.json): Optax needs jax (~600 MB),
so its goldens come from a throwaway virtualenv (see scripts/make_goldens_frameworks.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import lrplot
from lrplot import compute, schedules
from lrplot.cli import main
from lrplot.spec import SpecError
from frameworks_oracle import load_goldens

OPTAX_KINDS = sorted(k.name for k in schedules.all_kinds() if k.framework == "optax")


def test_optax_kinds_are_all_there():
    functions = {"constant_schedule", "linear_schedule", "polynomial_schedule",
                 "exponential_decay", "cosine_decay_schedule", "warmup_cosine_decay_schedule",
                 "warmup_exponential_decay_schedule", "piecewise_constant_schedule",
                 "piecewise_interpolate_schedule", "linear_onecycle_schedule",
                 "cosine_onecycle_schedule"}
    assert functions <= {schedules.get(k).framework_class for k in OPTAX_KINDS}
    for function in functions:
        assert schedules.get(f"optax.{function}").framework == "optax"


def test_goldens_come_from_jax_float32_defaults():
    versions = load_goldens("optax")["versions"]
    assert versions["optax"] and versions["jax"]


def test_main_value_defaults_to_base_lr():
    a = lrplot.schedule("optax.warmup_cosine_decay", steps=50, base_lr=0.3, init_value=0.0,
                        warmup_steps=5, decay_steps=40)
    b = lrplot.schedule("optax.warmup_cosine_decay", steps=50, base_lr=0.1, init_value=0.0,
                        warmup_steps=5, decay_steps=40, peak_value=0.3)
    np.testing.assert_array_equal(a, b)
    assert a[5] == float(np.float32(0.3))


def test_warmup_counts_inside_decay_steps():
    lr = lrplot.schedule("optax.warmup_cosine_decay", steps=1001, init_value=0.0,
                         warmup_steps=100, decay_steps=1000)
    assert lr[100] == float(np.float32(0.1)) and lr[1000] == 0.0 and lr[999] > 0


def test_linear_ends_where_xla_puts_it():
    """Under jit XLA divides by multiplying with a float32 reciprocal and fuses the multiply-add:
    100 steps from 0.1 to 0 end at float32(0.1) * 2**-24 * ... > 0, not at 0."""
    lr = lrplot.schedule("optax.linear", steps=101, end_value=0.0, transition_steps=100)
    golden = [c for c in load_goldens("optax")["cases"] if c["kind"] == "optax.linear"]
    assert golden and lr[100] > 0


def test_constant_is_the_python_number():
    assert lrplot.schedule("optax.constant", steps=3, value=0.1).tolist() == [0.1, 0.1, 0.1]


def test_boundaries_and_scales_from_yaml_and_flags(tmp_path):
    spec = lrplot.load({"curves": [{"type": "optax.piecewise_constant", "steps": 30,
                                    "boundaries_and_scales": {10: 0.5, 20: 0.5}}]})
    lr = compute.values(spec.panels[0].curves[0])
    assert lr[9] == float(np.float32(0.1)) and lr[10] == float(np.float32(0.1) * np.float32(0.5))
    out = tmp_path / "lr.csv"
    result = CliRunner().invoke(main, ["optax.piecewise_constant", "--boundaries-and-scales",
                                       "10:0.5,20:0.5", "--steps", "30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    values = [float(line.split(",")[1]) for line in out.read_text().splitlines()[1:]]
    np.testing.assert_array_equal(values, lr)


REFUSALS = [
    ("optax.linear", {"end_value": 0.0, "transition_steps": 0}, "transition_steps"),
    ("optax.linear", {"end_value": 0.0, "transition_steps": 10, "transition_begin": -1},
     "transition_begin"),
    ("optax.cosine_decay", {"decay_steps": 0}, "decay_steps"),
    ("optax.warmup_cosine_decay", {"init_value": 0.0, "warmup_steps": 100, "decay_steps": 100},
     "decay_steps"),
    ("optax.exponential_decay", {"transition_steps": 10, "decay_rate": 0.0}, "decay_rate"),
    ("optax.piecewise_constant", {"boundaries_and_scales": {10: -0.5}}, "boundaries_and_scales"),
    ("optax.piecewise_constant", {"boundaries_and_scales": {-10: 0.5}}, "boundaries_and_scales"),
    ("optax.piecewise_interpolate", {"interpolate_type": "quadratic"}, "interpolate_type"),
    ("optax.linear_onecycle", {"transition_steps": 100, "pct_start": 0.9, "pct_final": 0.5},
     "pct_final"),
    ("optax.cosine_onecycle", {"transition_steps": 100, "div_factor": 0.0}, "div_factor"),
]


@pytest.mark.parametrize("kind,params,culprit", REFUSALS)
def test_refused(kind, params, culprit):
    with pytest.raises(SpecError) as info:
        lrplot.schedule(kind, steps=20, **params)
    assert culprit in str(info.value)


def test_cli_refusal_names_flag(tmp_path):
    result = CliRunner().invoke(main, ["optax.warmup_cosine_decay", "--init-value", "0",
                                       "--warmup-steps", "100", "--decay-steps", "50",
                                       "-o", str(tmp_path / "x.png")])
    assert result.exit_code == 2
    assert "--decay-steps" in result.output and "warmup_steps" in result.output


@pytest.mark.parametrize("transition_steps,nan", [(7, True), (300, True), (1000, True),
                                                  (999, False), (1001, False), (100, False)])
def test_polynomial_nan_under_jit_is_refused_where_optax_computes_it(transition_steps, nan):
    """Recorded from optax 0.2.8 / jax 0.10.2: jax.jit(polynomial_schedule(0.1, 0.001, 0.5, T))
    at count T is NaN exactly for these T (XLA's reciprocal and fused multiply-add make
    1 - T / T slightly negative); lrplot refuses those and says why."""
    params = {"end_value": 0.001, "power": 0.5, "transition_steps": transition_steps}
    if nan:
        with pytest.raises(SpecError, match="NaN"):
            lrplot.schedule("optax.polynomial", steps=transition_steps + 1, **params)
    else:
        lr = lrplot.schedule("optax.polynomial", steps=transition_steps + 1, **params)
        assert not np.isnan(lr).any()


# -- composites -----------------------------------------------------------------------------------

WARMUP_THEN_COSINE = [
    {"type": "optax.linear", "init_value": 0.0, "end_value": 0.1, "transition_steps": 10},
    {"type": "optax.cosine_decay", "decay_steps": 90}]


def test_join_schedules_hands_over_at_the_boundary():
    lr = lrplot.schedule("optax.join_schedules", steps=101, schedules=WARMUP_THEN_COSINE,
                         boundaries=[10])
    cosine = lrplot.schedule("optax.cosine_decay", steps=91, decay_steps=90)
    np.testing.assert_array_equal(lr[10:], cosine)


def test_sgdr_children_need_no_type_and_default_their_peak_to_base_lr():
    lr = lrplot.schedule("optax.sgdr", steps=40, base_lr=0.2, cosine_kwargs=[
        {"init_value": 0.0, "warmup_steps": 2, "decay_steps": 20},
        {"init_value": 0.0, "warmup_steps": 2, "decay_steps": 20}])
    assert lr[2] == lr[22] == float(np.float32(0.2))


@pytest.mark.parametrize("params,culprit", [
    ({"schedules": [{"type": "cosine", "T_max": 10}], "boundaries": []}, "optax"),
    ({"schedules": WARMUP_THEN_COSINE, "boundaries": []}, "boundaries"),
    ({"schedules": WARMUP_THEN_COSINE, "boundaries": [10, 20]}, "boundaries"),
])
def test_join_refusals(params, culprit):
    with pytest.raises(SpecError, match=culprit):
        lrplot.schedule("optax.join_schedules", steps=20, **params)


def test_sgdr_refuses_a_cycle_with_its_warmup_as_long_as_its_decay():
    with pytest.raises(SpecError, match=r"cosine_kwargs\[1\]"):
        lrplot.schedule("optax.sgdr", steps=20, cosine_kwargs=[
            {"init_value": 0.0, "warmup_steps": 2, "decay_steps": 20},
            {"init_value": 0.0, "warmup_steps": 20, "decay_steps": 20}])


def test_torch_composites_still_refuse_optax_children():
    with pytest.raises(SpecError, match="cannot be a child"):
        lrplot.schedule("sequential", steps=20, milestones=[10], schedulers=[
            {"type": "optax.constant"}, {"type": "cosine", "T_max": 10}])


def test_join_from_the_command_line(tmp_path):
    out = tmp_path / "lr.csv"
    result = CliRunner().invoke(main, [
        "optax.join_schedules", "--schedules",
        "[{type: optax.linear, init_value: 0, end_value: 0.1, transition_steps: 10}, "
        "{type: optax.cosine_decay, decay_steps: 90}]", "--boundaries", "10", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) > 100
