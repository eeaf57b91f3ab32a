"""hf.* kinds against transformers stepped live (random valid parameters), and their refusals.

The live tests are skipped without transformers (``.ci/run`` installs the pinned version).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrplot
from lrplot import compute, schedules
from lrplot.cli import main
from lrplot.spec import SpecError
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close, hf_lrs

PINNED = "5.24.0"
"""The transformers version of .ci/run and tests/golden/transformers.json."""

HF_KINDS = sorted(k.name for k in schedules.all_kinds() if k.framework == "transformers")

steps_st = st.integers(1, 400)
count_st = st.one_of(st.integers(0, 5), st.integers(0, 300))
base_lr_st = st.one_of(st.sampled_from([0.1, 1.0, 3e-4, 5e-5]), st.floats(1e-6, 10.0))
cycles_st = st.one_of(st.sampled_from([0.5, 1.0, 2.0]), st.floats(0.0, 5.0))
shape_st = st.sampled_from(["linear", "cosine", "1-sqrt"])


@st.composite
def hf_params(draw: Any, kind: str, base_lr: float) -> dict[str, Any]:
    w, t = draw(count_st), draw(count_st)
    name = kind.split(".", 1)[1]
    if name == "constant":
        return {}
    if name == "constant_with_warmup":
        return {"num_warmup_steps": w}
    if name == "inverse_sqrt":
        return {"num_warmup_steps": w, "timescale": draw(st.none() | st.integers(1, 500))}
    if name == "warmup_stable_decay":
        d = draw(count_st)
        p = {"num_warmup_steps": w, "num_decay_steps": d, "warmup_type": draw(shape_st),
             "decay_type": draw(shape_st), "min_lr_ratio": draw(st.floats(0, 1)),
             "num_cycles": draw(cycles_st)}
        if draw(st.booleans()):
            p["num_stable_steps"] = draw(count_st)
        else:
            p["num_training_steps"] = w + d + draw(count_st)
        return p
    p: dict[str, Any] = {"num_warmup_steps": w, "num_training_steps": t}
    if name in ("cosine", "cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        p["num_cycles"] = draw(cycles_st)
    if name == "cosine_with_restarts":
        p["num_cycles"] = draw(st.one_of(st.integers(0, 6), cycles_st))
    if name == "polynomial":
        if t == w:
            p["num_training_steps"] = t + 1
        p["lr_end"] = draw(st.sampled_from([0.0, 1e-7]) | st.floats(0, base_lr * 0.999))
        p["power"] = draw(st.sampled_from([1.0, 2.0, 0.5]) | st.floats(0, 4))
    if name in ("cosine_with_min_lr", "cosine_warmup_with_min_lr"):
        if draw(st.booleans()):
            p["min_lr"] = draw(st.floats(0, base_lr))
        else:
            p["min_lr_rate"] = draw(st.floats(0, 1))
    if name == "cosine_warmup_with_min_lr":
        p["warmup_lr_rate"] = draw(st.none() | st.floats(0, 1))
    return p


def test_hf_kinds_are_all_there():
    names = {"constant", "constant_with_warmup", "linear", "cosine", "cosine_with_restarts",
             "polynomial", "inverse_sqrt", "cosine_with_min_lr", "cosine_warmup_with_min_lr",
             "warmup_stable_decay"}
    assert set(HF_KINDS) == {f"hf.{n}" for n in names}


@pytest.mark.parametrize("kind", HF_KINDS)
def test_live_matches_transformers(kind):
    pytest.importorskip("transformers")
    pytest.importorskip("torch")

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data(), steps=steps_st, base_lr=base_lr_st)
    def check(data, steps, base_lr):
        params = data.draw(hf_params(kind, base_lr))
        expected = hf_lrs(kind, steps, base_lr, params)
        given_params = {k: v for k, v in params.items() if v is not None}
        actual = lrplot.schedule(kind, steps=steps, base_lr=base_lr, **given_params)
        assert_lr_close(actual, expected, rtol=RTOL_FLOAT64, context=f"{kind} {params}")

    check()


def test_live_transformers_is_pinned_version():
    transformers = pytest.importorskip("transformers")
    assert transformers.__version__ == PINNED


def test_long_run_is_chunked_consistently():
    kind = schedules.get("hf.cosine")
    params = {"num_warmup_steps": 100, "num_training_steps": 5000, "num_cycles": 0.5}
    whole = compute.kernel_values(kind, 7000, 0.1, params)
    pieces = np.concatenate(list(compute.kernel_chunks(kind, 7000, 0.1, params, chunk=333)))
    np.testing.assert_array_equal(whole, pieces)


# -- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hf.cosine", "HF.Cosine", "transformers.cosine",
                                  "hf.get_cosine_schedule_with_warmup",
                                  "transformers.get_cosine_schedule_with_warmup"])
def test_names(name):
    assert schedules.get(name).name == "hf.cosine"


def test_torch_kinds_answer_to_torch_prefix():
    assert schedules.get("torch.cosine") is schedules.get("cosine")
    assert schedules.get("torch.CosineAnnealingLR") is schedules.get("cosine")
    with pytest.raises(schedules.UnknownKind):
        schedules.get("torch.hf.cosine")


def test_bare_name_stays_torch():
    assert schedules.get("cosine").framework == "torch"
    with pytest.raises(schedules.UnknownKind):
        schedules.get("get_cosine_schedule_with_warmup")


# -- refusals -----------------------------------------------------------------------------------

REFUSALS = [
    ("hf.linear", {"num_warmup_steps": -1, "num_training_steps": 10}, "num_warmup_steps"),
    ("hf.linear", {"num_warmup_steps": 1.5, "num_training_steps": 10}, "num_warmup_steps"),
    ("hf.cosine", {"num_warmup_steps": 1, "num_training_steps": 10, "num_cycles": float("nan")},
     "num_cycles"),
    ("hf.polynomial", {"num_warmup_steps": 10, "num_training_steps": 10}, "num_training_steps"),
    ("hf.polynomial", {"num_warmup_steps": 1, "num_training_steps": 10, "lr_end": 0.1},
     "lr_end"),
    ("hf.polynomial", {"num_warmup_steps": 1, "num_training_steps": 10, "power": -1.0},
     "power"),
    ("hf.inverse_sqrt", {"num_warmup_steps": 1, "timescale": 0}, "timescale"),
    ("hf.cosine_with_min_lr", {"num_warmup_steps": 1, "num_training_steps": 10}, "min_lr"),
    ("hf.cosine_with_min_lr", {"num_warmup_steps": 1, "num_training_steps": 10,
                               "min_lr": 0.01, "min_lr_rate": 0.1}, "min_lr_rate"),
    ("hf.warmup_stable_decay", {"num_warmup_steps": 1, "num_decay_steps": 10}, "num_training"),
    ("hf.warmup_stable_decay", {"num_warmup_steps": 5, "num_decay_steps": 10,
                                "num_training_steps": 12}, "num_training_steps"),
    ("hf.warmup_stable_decay", {"num_warmup_steps": 5, "num_decay_steps": 10,
                                "num_training_steps": 20, "decay_type": "sqrt"}, "decay_type"),
    ("hf.warmup_stable_decay", {"num_warmup_steps": 5, "num_decay_steps": 10,
                                "num_training_steps": 20, "min_lr_ratio": 1.5}, "min_lr_ratio"),
]


@pytest.mark.parametrize("kind,params,culprit", REFUSALS)
def test_refused(kind, params, culprit):
    with pytest.raises(SpecError) as info:
        lrplot.schedule(kind, steps=20, base_lr=0.1, **params)
    assert culprit in str(info.value)


def test_cli_refusal_exits_2_and_names_the_flag(tmp_path):
    out = tmp_path / "x.png"
    result = CliRunner().invoke(main, ["hf.polynomial", "--num-warmup-steps", "10",
                                       "--num-training-steps", "100", "--lr-end", "0.5",
                                       "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "--lr-end" in result.output and "base_lr" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_choice_suggests_near_miss(tmp_path):
    result = CliRunner().invoke(main, ["hf.warmup_stable_decay", "--num-warmup-steps", "10",
                                       "--num-training-steps", "100", "--num-decay-steps", "20",
                                       "--decay-type", "1-sqr", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "--decay-type" in result.output and "'1-sqrt'" in result.output


def test_cli_draws_and_writes_numbers(tmp_path):
    out = tmp_path / "lr.csv"
    result = CliRunner().invoke(main, ["hf.cosine", "--num-warmup-steps", "2",
                                       "--num-training-steps", "10", "--steps", "12",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert len(lines) == 13
    assert float(lines[1].split(",")[1]) == 0.0  # transformers' warmup starts at 0
