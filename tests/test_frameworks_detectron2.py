"""The detectron2 / fvcore kinds against the real fvcore and detectron2's own code (ported in
tests/detectron2_port.py, named by repository, path and commit), live: random cases over every
kind's parameters, and the cases where fvcore's 1e-6 epsilon moves a step. Tolerance 1e-12
relative (both compute in Python floats; lrplot is bit for bit in practice). The golden file
tests/golden/detectron2.json covers the same kinds without fvcore."""

from __future__ import annotations

import random

import numpy as np
import pytest

import lrplot
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close
from lrplot.problems import SpecError

pytest.importorskip("fvcore")
pytest.importorskip("torch")
port = pytest.importorskip("detectron2_port")


def _same(kind: str, steps: int, base_lr: float, params: dict) -> np.ndarray:
    expected = port.detectron2_lrs(kind, steps, base_lr, params)
    actual = lrplot.schedule(kind, steps=steps, base_lr=base_lr, **params)
    assert_lr_close(actual, expected, rtol=RTOL_FLOAT64, context=f"{kind} {params}")
    return actual


def _leaf(rng: random.Random) -> dict:
    """A random fvcore param scheduler that is defined on where in [0, 1]."""
    name = rng.choice(["cosine", "exponential", "linear", "multistep", "polynomial",
                       "step_fixed_gamma", "constant", "step"])
    v = lambda: rng.choice([1.0, 0.5, 0.1, rng.random(), 2.0])  # noqa: E731
    if name in ("cosine", "linear"):
        return {"type": f"detectron2.{name}", "start_value": v(), "end_value": v()}
    if name == "exponential":
        return {"type": "detectron2.exponential", "start_value": v(), "decay": v()}
    if name == "polynomial":
        return {"type": "detectron2.polynomial", "base_value": v(),
                "power": rng.choice([0.9, 1.0, 2.0, 3.5])}
    if name == "multistep":
        count = rng.randint(1, 4)
        updates = rng.randint(count + 1, 200)
        marks = sorted(rng.sample(range(1, updates), count))
        return {"type": "detectron2.multistep", "values": [v() for _ in range(count + 1)],
                "milestones": marks, "num_updates": updates}
    if name == "step_fixed_gamma":
        return {"type": "detectron2.step_fixed_gamma", "base_value": v(),
                "num_decays": rng.randint(1, 4), "gamma": rng.choice([0.1, 0.5]),
                "num_updates": rng.randint(1, 100)}
    if name == "step":
        return {"type": "detectron2.step", "num_updates": 10,
                "values": [v() for _ in range(rng.randint(1, 5))]}
    return {"type": "detectron2.constant", "value": v()}


def _params(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k != "type"}


@pytest.mark.parametrize("seed", range(40))
def test_param_schedulers_alone(seed):
    rng = random.Random(seed)
    spec = _leaf(rng)
    _same(spec["type"], rng.randint(1, 300), rng.choice([0.1, 0.02, 3e-4]), _params(spec))


@pytest.mark.parametrize("seed", range(30))
def test_warmup_in_lr_multiplier(seed):
    rng = random.Random(100 + seed)
    inner = _leaf(rng)
    while inner["type"] in ("detectron2.constant", "detectron2.step",
                            "detectron2.step_fixed_gamma"):
        inner = _leaf(rng)  # these raise at where = 1, the lr after the last iteration
    max_iter = rng.randint(2, 400)
    warmup = {"type": "detectron2.warmup", "scheduler": [inner],
              "warmup_factor": rng.choice([0.001, 0.1, 1.0 / 3]),
              "warmup_length": rng.choice([0.0, 0.01, 0.1, rng.random(), 1.0]),
              "warmup_method": rng.choice(["linear", "constant"]),
              "rescale_interval": rng.random() < 0.5}
    if warmup["warmup_length"] == 1.0 and warmup["rescale_interval"]:
        warmup["warmup_length"] = 0.5  # the rescaled last child then divides by zero
    _same("detectron2.lr_multiplier", max_iter + 1, rng.choice([0.02, 0.1]),
          {"multiplier": [warmup], "max_iter": max_iter})


@pytest.mark.parametrize("seed", range(20))
def test_composite(seed):
    rng = random.Random(200 + seed)
    count = rng.randint(1, 4)
    cuts = sorted(rng.random() for _ in range(count - 1))
    lengths = [b - a for a, b in zip([0.0, *cuts], [*cuts, 1.0])]
    children = []
    for _ in range(count):
        child = _leaf(rng)
        while child["type"] in ("detectron2.constant", "detectron2.step",
                                "detectron2.step_fixed_gamma"):
            child = _leaf(rng)
        children.append(child)
    _same("detectron2.composite", rng.randint(1, 300), 0.1,
          {"schedulers": children, "lengths": lengths,
           "interval_scaling": [rng.choice(["rescaled", "fixed"]) for _ in range(count)]})


def _solver_case(rng: random.Random) -> dict:
    max_iter = rng.randint(1, 3000)
    name = rng.choice(["WarmupMultiStepLR", "WarmupCosineLR", "WarmupStepWithFixedGammaLR"])
    params: dict = {"lr_scheduler_name": name, "max_iter": max_iter,
                    "warmup_iters": rng.choice([0, 10, 100, 1000, rng.randint(0, max_iter)]),
                    "warmup_factor": rng.choice([0.001, 1.0 / 3, 0.1]),
                    "warmup_method": rng.choice(["linear", "constant"]),
                    "rescale_interval": rng.random() < 0.3}
    if name == "WarmupMultiStepLR" and max_iter > 3:
        count = rng.randint(0, min(3, max_iter - 2))
        params["solver_steps"] = sorted(rng.sample(range(1, max_iter), count)) + \
            ([max_iter + rng.randint(1, 100)] if rng.random() < 0.2 else [])
        params["gamma"] = rng.choice([0.1, 0.5])
    elif name == "WarmupCosineLR":
        params["base_lr_end"] = rng.choice([0.0, 1e-4, 0.001])
    else:
        params["num_decays"] = rng.randint(1, 4)
        params["gamma"] = rng.choice([0.1, 0.5])
        params["max_iter"] = max(max_iter, params["num_decays"] + 1)
        # a warm-up as long as the run asks StepParamScheduler for where = 1: it raises
        params["warmup_iters"] = min(params["warmup_iters"], params["max_iter"] - 1)
    if name == "WarmupMultiStepLR" and "solver_steps" not in params:
        params["solver_steps"] = []
    return params


@pytest.mark.parametrize("seed", range(40))
def test_solver_against_build_lr_scheduler(seed):
    params = _solver_case(random.Random(300 + seed))
    _same("detectron2.solver", params["max_iter"], 0.02, params)


@pytest.mark.parametrize("seed", range(20))
def test_legacy_classes(seed):
    rng = random.Random(400 + seed)
    warm = {"warmup_factor": rng.choice([0.001, 0.1]), "warmup_iters": rng.randint(0, 50),
            "warmup_method": rng.choice(["linear", "constant"])}
    if seed % 2:
        _same("detectron2.warmup_cosine", rng.randint(1, 300), 0.02,
              {"max_iters": rng.randint(1, 250), **warm})
    else:
        marks = sorted(rng.choices(range(0, 200), k=rng.randint(0, 4)))  # repeats compound
        _same("detectron2.warmup_multistep", rng.randint(1, 300), 0.02,
              {"milestones": marks, "gamma": rng.choice([0.1, 0.5]), **warm})


@pytest.mark.parametrize("max_iter", [1_080_000, 1_000_000, 1_000_001, 270_000, 3_000_000])
def test_epsilon_moves_warmup_end_and_decay_at_a_million_iterations(max_iter):
    """At 1.08M iterations ``where + 1e-6`` is 1.08 iterations ahead: the warm-up ends and
    each decay comes one iteration early (compare only the steps around them: stepping the
    real scheduler 10^6 times is slow)."""
    params = {"max_iter": max_iter, "solver_steps": [max_iter * 2 // 3, max_iter * 8 // 9],
              "warmup_iters": 1000}
    lr = lrplot.schedule("detectron2.solver", steps=max_iter, base_lr=0.02, **params)
    cfg = port.solver_cfg(0.02, params)
    optimizer = port._optimizer(0.02)
    scheduler = port.classes()["build_lr_scheduler"](cfg, optimizer)
    for edge in (1000, *params["solver_steps"], max_iter - 1):
        for i in range(edge - 3, min(edge + 3, max_iter)):
            scheduler.last_epoch = i  # get_lr is a closed form of last_epoch
            assert lr[i] == scheduler.get_lr()[0], (max_iter, i)
    if max_iter == 1_080_000:  # the iteration before the milestone already decayed
        first = params["solver_steps"][0]
        assert lr[first - 1] == lr[first] < lr[first - 2]
        assert lr[999] == 0.02 > lr[998]  # the warm-up ended one iteration early


def test_step_with_fixed_gamma_raises_where_fvcore_does():
    """StepParamScheduler indexes past its values once where + 1e-6 reaches 1: detectron2
    stops with an IndexError at the scheduler step after the last iteration (and during the
    run past 10^6 iterations); lrplot names the step."""
    params = {"lr_scheduler_name": "WarmupStepWithFixedGammaLR", "max_iter": 100,
              "warmup_iters": 10}
    _same("detectron2.solver", 100, 0.02, params)  # the iterations that train: fine
    with pytest.raises(IndexError):
        port.detectron2_lrs("detectron2.solver", 101, 0.02, params)
    with pytest.raises(SpecError, match="step 100 .*IndexError"):
        lrplot.schedule("detectron2.solver", steps=101, base_lr=0.02, **params)


def test_warmup_as_long_as_the_run_over_fixed_gamma_is_refused_as_detectron2_raises():
    params = {"lr_scheduler_name": "WarmupStepWithFixedGammaLR", "max_iter": 100,
              "warmup_iters": 100}
    with pytest.raises(IndexError):
        port.detectron2_lrs("detectron2.solver", 10, 0.02, params)
    with pytest.raises(SpecError, match="where = 1.0, which the warm-up asks for when built"):
        lrplot.schedule("detectron2.solver", steps=10, base_lr=0.02, **params)


def test_fully_qualified_and_aliased_names():
    for name in ("fvcore.common.param_scheduler.CosineParamScheduler", "fvcore.cosine",
                 "d2.CosineParamScheduler", "detectron2.cosine"):
        lr = lrplot.schedule(name, steps=10, base_lr=0.1, start_value=1.0, end_value=0.0)
        assert lr[0] == 0.1 and lr[5] == pytest.approx(0.05)
    assert lrplot.schedule("detectron2.solver.lr_scheduler.WarmupCosineLR", steps=3,
                           max_iters=10).shape == (3,)


def test_composite_lengths_fvcore_adjusts():
    """fvcore sets the last length to 1 - sum(the others) when they do not sum to 1.0 (within
    1e-3): a last length that becomes negative leaves the running totals out of order, and the
    scheduler is picked by fvcore's loop as written."""
    cos = {"type": "detectron2.cosine", "start_value": 1.0, "end_value": 0.0}
    lin = {"type": "detectron2.linear", "start_value": 0.0, "end_value": 1.0}
    for lengths in ([0.6, 0.4005], [0.3, 0.7004, 0.0], [0.9995, 0.0006, 0.0]):
        _same("detectron2.composite", 200, 0.1,
              {"schedulers": [lin, cos, cos][:len(lengths)], "lengths": lengths,
               "interval_scaling": ["rescaled", "fixed", "fixed"][:len(lengths)]})


# -- lrplot code: the emitted program, run against fvcore and the ported detectron2.solver ------

COSINE = {"type": "detectron2.cosine", "start_value": 1.0, "end_value": 0.0}
CODE_CASES = [
    {"type": "detectron2.solver", "max_iter": 300, "solver_steps": [200, 250, 400],
     "warmup_iters": 20, "steps": 300},
    {"type": "detectron2.solver", "lr_scheduler_name": "WarmupCosineLR", "max_iter": 200,
     "base_lr_end": 1e-4, "warmup_iters": 30, "warmup_method": "constant",
     "rescale_interval": True, "base_lr": 0.02, "steps": 200},
    {"type": "detectron2.solver", "lr_scheduler_name": "WarmupStepWithFixedGammaLR",
     "max_iter": 120, "num_decays": 2, "gamma": 0.5, "warmup_factor": 1.0 / 3,
     "warmup_iters": 7, "steps": 120},
    {"type": "detectron2.lr_multiplier", "max_iter": 150, "steps": 151, "multiplier": [
        {"type": "detectron2.warmup", "warmup_factor": 0.001, "warmup_length": 0.1,
         "rescale_interval": True, "scheduler": [
             {"type": "detectron2.composite", "lengths": [0.5, 0.5],
              "interval_scaling": ["rescaled", "fixed"],
              "schedulers": [{"type": "detectron2.linear", "start_value": 1.0,
                              "end_value": 0.3}, COSINE]}]}]},
    {"type": "detectron2.multistep", "values": [1, 0.1, 0.01], "milestones": [60, 80, 90],
     "steps": 120},
    {"type": "detectron2.multistep", "values": [1, 0.5, 0.25], "num_updates": 9, "steps": 50},
    {"type": "detectron2.step", "num_updates": 90, "values": [1, 0.1, 0.01], "steps": 77},
    {"type": "detectron2.step_fixed_gamma", "base_value": 2.0, "num_decays": 3,
     "gamma": 0.30000000000000004, "num_updates": 40, "steps": 64},
    {"type": "detectron2.exponential", "start_value": 1.0, "decay": 0.02, "steps": 90},
    {"type": "detectron2.polynomial", "base_value": 1.0, "power": 0.9, "steps": 90},
    {"type": "detectron2.constant", "value": 1e-300, "steps": 10},
    {"type": "detectron2.composite", "lengths": [0.2, 0.8], "steps": 100,
     "interval_scaling": ["rescaled", "rescaled"],
     "schedulers": [{"type": "detectron2.linear", "start_value": 0.01, "end_value": 1.0},
                    COSINE]},
    {"type": "detectron2.cosine", "start_value": 1.0, "end_value": 0.0, "steps": 40,
     "steps_per_epoch": 4, "interval": "epoch"},
    {"type": "detectron2.warmup_multistep", "milestones": [30, 60, 60], "gamma": 0.5,
     "warmup_iters": 10, "steps": 100},
    {"type": "detectron2.warmup_cosine", "max_iters": 80, "warmup_iters": 15,
     "warmup_method": "constant", "warmup_factor": 0.1, "steps": 100},
]


@pytest.fixture
def detectron2_modules(monkeypatch):
    """``detectron2.solver`` and ``detectron2.config.get_cfg`` as the port provides them (the
    real package needs a compiled build): the modules the emitted program imports."""
    import sys
    import types

    solver = types.ModuleType("detectron2.solver")
    for name, value in port.classes().items():
        setattr(solver, name, value)
    config = types.ModuleType("detectron2.config")
    config.get_cfg = port.solver_defaults
    package = types.ModuleType("detectron2")
    package.solver, package.config = solver, config
    for name, module in (("detectron2", package), ("detectron2.solver", solver),
                         ("detectron2.config", config)):
        monkeypatch.setitem(sys.modules, name, module)


def _run(code: str) -> np.ndarray:
    import warnings

    namespace: dict = {"__name__": "__main__"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
    return np.array(namespace["lrs"], dtype=float)


@pytest.mark.parametrize("mapping", CODE_CASES, ids=lambda m: m["type"].split(".")[1])
def test_emitted_code_reproduces_the_series(mapping, detectron2_modules):
    from lrplot import codegen, compute

    (curve,) = lrplot.load({"curves": [mapping]}).curves
    code = codegen.curve_code(curve)
    assert "import fvcore" not in code and "lrplot" not in code
    np.testing.assert_array_equal(_run(code), compute.values(curve), err_msg=code)


def test_the_solver_script_sets_every_solver_key(detectron2_modules):
    """Each SOLVER key build_lr_scheduler reads is set, so the program does not depend on
    which detectron2 defaults it runs with."""
    from lrplot import codegen

    (curve,) = lrplot.load({"curves": [CODE_CASES[0]]}).curves
    code = codegen.curve_code(curve)
    for key in ("BASE_LR", "LR_SCHEDULER_NAME", "MAX_ITER", "BASE_LR_END", "STEPS", "GAMMA",
                "NUM_DECAYS", "WARMUP_FACTOR", "WARMUP_ITERS", "WARMUP_METHOD",
                "RESCALE_INTERVAL"):
        assert f"cfg.SOLVER.{key} = " in code
    assert "cfg.SOLVER.STEPS = (200, 250, 400)" in code


def test_a_figure_of_detectron2_curves_is_one_script(detectron2_modules):
    from lrplot import codegen, compute

    spec = lrplot.load({"curves": CODE_CASES[:4]})
    code = codegen.figure_code(spec)
    namespace: dict = {"__name__": "lrplot_code"}
    exec(compile(code, "<lrplot code>", "exec"), namespace)  # noqa: S102
    for build, curve in zip(namespace["SCHEDULES"].values(), spec.curves):
        np.testing.assert_array_equal(np.array(build()), compute.values(curve))


HOSTILE = "x')\nimport os; os.system('touch pwned')  #"


def test_hostile_values_cannot_inject_code(tmp_path, detectron2_modules, monkeypatch):
    """A label reaches only a comment; strings a parameter accepts are its declared choices
    (anything else is refused before any code is written); numbers are written by repr."""
    from click.testing import CliRunner

    from lrplot.cli import main

    monkeypatch.chdir(tmp_path)
    escaped = HOSTILE.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
    (tmp_path / "label.yaml").write_text(
        f'curves: [{{type: detectron2.solver, max_iter: 50, warmup_iters: 5, '
        f'solver_steps: [40], label: "{escaped}"}}]\n')
    result = CliRunner().invoke(main, ["code", "label.yaml"])
    assert result.exit_code == 0, result.output
    scope: dict = {"__name__": "__main__"}  # as `python emitted.py` runs it
    exec(compile(result.stdout, "emitted.py", "exec"), scope)  # noqa: S102
    [build] = scope["SCHEDULES"].values()
    assert len(build()) == 50
    assert not (tmp_path / "pwned").exists()
    for key in ("warmup_method", "lr_scheduler_name"):
        (tmp_path / "choice.yaml").write_text(
            f'curves: [{{type: detectron2.solver, max_iter: 50, {key}: "{escaped}"}}]\n')
        result = CliRunner().invoke(main, ["code", "choice.yaml"])
        assert result.exit_code == 2 and key in result.output and "Traceback" not in \
            result.output, result.output
    (tmp_path / "child.yaml").write_text(
        'curves: [{type: detectron2.lr_multiplier, max_iter: 10, multiplier: [{type: '
        f'detectron2.warmup, warmup_factor: 0.1, warmup_length: 0.1, warmup_method: '
        f'"{escaped}", scheduler: [{{type: detectron2.cosine, start_value: 1, '
        'end_value: 0}]}]}]\n')
    result = CliRunner().invoke(main, ["code", "child.yaml"])
    assert result.exit_code == 2 and "warmup_method" in result.output, result.output
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("config", [
    "configs/COCO-Detection/faster_rcnn_R_50_FPN_3x.yaml",
    "configs/COCO-InstanceSegmentation/mask_rcnn_R_50_FPN_1x.py",
])
def test_code_of_a_real_config_reproduces_its_series(config, tmp_path, detectron2_modules):
    """``lrplot code FILE`` on a yacs YAML and a LazyConfig: the program, run, gives the lrs
    lrplot draws for the file (the first 3000 iterations of the run; MAX_ITER unchanged), and
    for the YAML the lrs of build_lr_scheduler over the file as fvcore's CfgNode merges it."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from lrplot.cli import main

    path = str(Path(__file__).parent / "data" / "detectron2" / config)
    code = CliRunner().invoke(main, ["code", path, "--steps", "3000"])
    assert code.exit_code == 0, code.output
    drawn = CliRunner().invoke(main, ["compare", path, "--steps", "3000", "-q", "-o",
                                      str(tmp_path / "out.json")])
    assert drawn.exit_code == 0, drawn.output
    curves = json.loads((tmp_path / "out.json").read_text())["panels"][0]["curves"]
    scope: dict = {"__name__": "lrplot_code"}
    exec(compile(code.stdout, "emitted.py", "exec"), scope)  # noqa: S102
    built = list(scope["SCHEDULES"].values())
    assert len(built) == len(curves)
    for build, curve in zip(built, curves):
        np.testing.assert_array_equal(np.array(build()), np.array(curve["lr"]))
    if config.endswith(".yaml"):
        expected = port.lrs_at(port.load_yacs(path), range(3000))
        np.testing.assert_array_equal(np.array(built[0]()), expected)
