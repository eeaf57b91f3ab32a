"""NeMo's other ways of giving a scheduler in ``optim.sched``: ``args:`` (a registered params
dataclass by ``name``, or the arguments themselves), a params dataclass by ``_target_`` (or the
Hydra 0.x ``cls``, with ``params``), read by lrplot.readers.nemo_sched. Public configs from
NVIDIA/NeMo (tests/data/foreign/nemo/SOURCES.md) and written cases against NeMo's own
prepare_lr_scheduler (with its real config conversion and safe_instantiate); the dataclass table
against nemo.core.config.schedulers; refused targets and bad inputs exit 2, located."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from click.testing import CliRunner

from frameworks_oracle import RTOL_FLOAT64, assert_lr_close
from lrplot import readers
from lrplot.cli import main
from lrplot.readers import nemo_params
from lrplot.readers.run import RunFacts
from test_readers_lint import lint

DATA = Path(__file__).resolve().parent / "data" / "foreign" / "nemo"
SPEAKERNET = DATA / "SpeakerNet_recognition_3x2x512.yaml"
INTENT = DATA / "intent_slot_classification_config.yaml"


def _oracle():
    pytest.importorskip("omegaconf")
    pytest.importorskip("torch")
    pytest.importorskip("hydra")
    from frameworks_oracle import nemo_lr_scheduler

    try:
        return nemo_lr_scheduler()
    except ImportError as exc:
        pytest.skip(f"NeMo's lr_scheduler module cannot be loaded: {exc}")


def _read(path: Path, **facts) -> dict:
    doc, fmt = readers.load(str(path))
    figure, _ = readers.convert(doc, RunFacts(**facts), fmt)
    return figure.data


def _lrs(data: dict):
    import lrplot
    from lrplot import compute

    return compute.values(lrplot.load(data).curves[0])


def _against_nemo(path: Path, **facts) -> dict:
    """The reader's series equal to NeMo building the scheduler from the file."""
    _oracle()
    from frameworks_oracle import nemo_config_lrs

    data = _read(path, **facts)
    expected = nemo_config_lrs(str(path), data["steps"], steps_per_epoch=data.get(
        "steps_per_epoch"), **facts)
    assert_lr_close(_lrs(data), expected, rtol=RTOL_FLOAT64, context=path.name)
    return data


def test_the_dataclass_table_is_nemos():
    """Every params dataclass of nemo.core.config.schedulers, its fields and defaults in
    order, and the names AVAILABLE_SCHEDULER_PARAMS registers."""
    _oracle()
    import sys

    module = sys.modules[nemo_params.MODULE]
    real = {name: cls for name, cls in vars(module).items()
            if dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__}
    assert set(real) == set(nemo_params.DATACLASSES)
    for name, cls in real.items():
        assert list(vars(cls()).items()) == list(nemo_params.fields(name).items()), name
    assert {k: v.__name__ for k, v in module.AVAILABLE_SCHEDULER_PARAMS.items()} == \
        nemo_params.REGISTERED


def test_a_scheduler_class_as_target_fails_in_nemo():
    """Why lrplot refuses it: Hydra builds the target without the optimizer."""
    _oracle()
    import hydra

    with pytest.raises(hydra.errors.InstantiationException, match="optimizer"):
        hydra.utils.instantiate({"_target_": "nemo.core.optim.lr_scheduler.CosineAnnealing",
                                 "max_steps": 10, "warmup_steps": 2})


@pytest.mark.parametrize("path,max_steps", [(SPEAKERNET, 2000), (INTENT, 1500)],
                         ids=["speakernet", "intent_slot"])
def test_public_args_auto_configs_get_the_dataclass_defaults(path, max_steps):
    """``args: {name: auto, warmup_ratio: 0.1}`` (and under ``params:``): NeMo builds the
    params dataclass without the overrides, so neither warms up."""
    data = _against_nemo(path, max_steps=max_steps)
    assert data["curves"][0]["warmup_ratio"] is None
    assert data["curves"][0]["max_steps"] == max_steps


def test_the_explanation_names_the_params_dataclass():
    doc, fmt = readers.load(str(INTENT))
    _, ex = readers.convert(doc, RunFacts(max_steps=100), fmt)
    assert "arguments = 'WarmupAnnealingParams()'" in ex.text()
    assert f"{INTENT.name}:83:7 model.optim.sched.name" in ex.text()


def test_public_args_configs_without_trainer_max_steps_build_no_scheduler():
    data = _read(SPEAKERNET, dataset_size=1000)  # sched.max_steps -1, trainer.max_steps -1
    assert data["curves"][0]["type"] == "nemo.warmup_policy"


TRAINER = "trainer:\n  max_steps: 40\n  devices: 1\n"
EPOCHS = "trainer:\n  max_steps: -1\n  max_epochs: 4\n  devices: 1\n"
FORMS = [
    ("cls_params", TRAINER, "name: CosineAnnealing\n  args:\n    cls: nemo.core.config."
     "schedulers.CosineAnnealingParams\n    params: {warmup_steps: 5, min_lr: 0.01}",
     "nemo.cosine_annealing"),
    ("args_target", TRAINER, "args:\n    _target_: nemo.core.config.schedulers."
     "NoamHoldAnnealingParams\n    warmup_steps: 4\n    hold_steps: 10\n    decay_rate: 1.0",
     "nemo.noam_hold_annealing"),
    ("sched_target", TRAINER, "_target_: nemo.core.config.schedulers."
     "PolynomialDecayAnnealingParams\n  warmup_ratio: 0.1\n  power: 2.0\n  cycle: true",
     "nemo.polynomial_decay_annealing"),
    ("target_names_over_name", TRAINER, "name: WarmupAnnealing\n  _target_: nemo.core.config."
     "schedulers.SquareAnnealingParams\n  warmup_steps: 3", "nemo.square_annealing"),
    ("args_as_arguments", TRAINER, "name: WarmupHoldPolicy\n  args: {warmup_steps: 3, "
     "hold_steps: 5, min_lr: 0.02}", "nemo.warmup_hold_policy"),
    ("args_auto", TRAINER, "name: InverseSquareRootAnnealing\n  args: {name: auto}",
     "nemo.inverse_square_root_annealing"),
    ("args_named_policy", TRAINER, "name: WarmupPolicy\n  args: {name: WarmupPolicyParams}",
     "nemo.warmup_policy"),
    ("sched_params", TRAINER, "name: CosineAnnealing\n  params: {warmup_steps: 2, "
     "constant_steps: 10, min_lr: 0.001}", "nemo.cosine_annealing"),
    ("exponential_per_step", TRAINER, "args: {_target_: nemo.core.config.schedulers."
     "ExponentialLRParams, gamma: 0.95}", "exponential"),
    ("exponential_per_epoch", EPOCHS, "name: ExponentialLR\n  args: {cls: nemo.core.config."
     "schedulers.ExponentialLRParams, params: {gamma: 0.5}}", "exponential"),
    ("step", TRAINER, "args: {_target_: nemo.core.config.schedulers.StepLRParams, "
     "step_size: 7}", "step"),
    ("cyclic", TRAINER, "args: {_target_: nemo.core.config.schedulers.CyclicLRParams, "
     "base_lr: 0.01, step_size_up: 6, cycle_momentum: false}", "cyclic"),
    ("epochs_target", EPOCHS, "_target_: nemo.core.config.schedulers.CosineAnnealingParams\n"
     "  warmup_steps: 3\n  min_lr: 0.001", "nemo.cosine_annealing"),
]


@pytest.mark.parametrize("trainer,sched,kind", [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_each_form_as_nemo_builds_it(tmp_path, trainer, sched, kind):
    path = tmp_path / "c.yaml"
    path.write_text(_config(trainer, sched))
    data = _against_nemo(path, dataset_size=95)
    assert data["curves"][0]["type"] == kind


def _config(trainer: str, sched: str) -> str:
    body = "\n".join("      " + line.removeprefix("  ") if i else "      " + line
                     for i, line in enumerate(sched.split("\n")))
    return f"{trainer}model:\n  train_ds:\n    batch_size: 10\n  optim:\n    lr: 0.1\n" \
           f"    sched:\n{body}\n"


def test_the_ignored_args_finding_and_its_clean_case(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(_config(TRAINER, "name: CosineAnnealing\n  args:\n    name: auto\n"
                                     "    warmup_steps: 5\n    min_lr: 0.0"))
    found = lint(path)
    assert found["nemo-sched-args-ignored"]["where"].startswith(f"{path}:13:9")
    assert "warmup_steps: 5" in found["nemo-sched-args-ignored"]["message"]
    assert "min_lr" not in found["nemo-sched-args-ignored"]["message"]  # its default anyway
    clean = tmp_path / "clean.yaml"
    clean.write_text(_config(TRAINER, "name: CosineAnnealing\n  args:\n    cls: nemo.core."
                                      "config.schedulers.CosineAnnealingParams\n    params:\n"
                                      "      warmup_steps: 5"))
    assert "nemo-sched-args-ignored" not in lint(clean)


HOSTILE = [
    ("_target_: nemo.core.optim.lr_scheduler.CosineAnnealing\n  warmup_steps: 2", ":10:7",
     "is a scheduler class"),
    ("_target_: torch.optim.lr_scheduler.StepLR\n  step_size: 2", ":10:7",
     "outside NeMo's allow-list"),
    ("_target_: os.system", ":10:7", "lrplot never imports"),
    ("_target_: 5", ":10:7", "must be a class path"),
    ("args: {_target_: nemo.core.config.schedulers.WarmupSchedulerParams}", ":10:"
     , "AVAILABLE_SCHEDULERS has not"),
    ("args: {_target_: nemo.core.config.schedulers.CosineAnnealingParams, warmup_step: 2}",
     ":10:", "has no field 'warmup_step'"),
    # NeMo's PolynomialHoldDecayAnnealingParams extends WarmupSchedulerParams: no hold fields
    ("_target_: nemo.core.config.schedulers.PolynomialHoldDecayAnnealingParams\n"
     "  hold_ratio: 0.3", ":11:7", "has no field 'hold_ratio'"),
    ("_target_: nemo.core.config.schedulers.StepLRParams\n  step_size: 2", ":10:7",
     "no such field"),
    ("_target_: nemo.core.config.schedulers.CosineAnnealingParams\n  _partial_: true", ":11:7",
     "_partial_ is not read"),
    ("name: ExponentialLR\n  args: {name: auto}", ":11:", "'ExponentialLRParams'"),
    ("name: CosineAnnealing\n  args: {name: CosineAnealingParams}", ":11:",
     "did you mean 'CosineAnnealingParams'"),
    ("name: CosineAnnealing\n  args: [1]", ":11:7", "expected a mapping"),
    ("name: CosineAnnealing\n  params: 3", ":11:7", "expected a mapping"),
    ("name: CosineAnnealing\n  params: {max_steps: 5}", ":11:", "max_steps under params"),
    ("args: {warmup_steps: 2}", ":9:", "no sched.name"),
    ("name: CosineAnnealing\n  args: {name: 3}", ":11:", "expected a params dataclass name"),
    ("args: {_target_: nemo.core.config.schedulers.ReduceLROnPlateauParams}", ":10:",
     "validation metric"),
]


@pytest.mark.parametrize("sched,where,message", HOSTILE, ids=[m for _, _, m in HOSTILE])
def test_hostile_forms_exit_2_located(tmp_path, sched, where, message):
    path = tmp_path / "c.yaml"
    path.write_text(_config(TRAINER, sched))
    result = CliRunner().invoke(main, ["compare", str(path), "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 2, result.output
    assert f"{path}{where}" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.output and not (tmp_path / "o.json").exists()


# -- differential fuzzing: whatever lrplot draws, NeMo builds the same ---------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PREFIX = "nemo.core.config.schedulers."
SCHED_KEYS = [("args",), ("args", "name"), ("args", "_target_"), ("args", "cls"),
              ("args", "params"), ("_target_",), ("cls",), ("params",), ("name",),
              ("args", "gamma"), ("args", "warmup_steps"), ("args", "min_lr"),
              ("params", "warmup_steps")]
SCHED_VALUES = st.one_of(
    st.none(), st.integers(-1, 5), st.sampled_from([0.5, "auto", "x", [1]]),
    st.sampled_from(["CosineAnnealing", "ExponentialLR", "WarmupPolicy", "WarmupPolicyParams",
                     PREFIX + "CosineAnnealingParams", PREFIX + "ExponentialLRParams",
                     PREFIX + "CyclicLRParams", PREFIX + "NoamHoldAnnealingParams",
                     "nemo.core.optim.lr_scheduler.CosineAnnealing"]),
    st.fixed_dictionaries({}, optional={"name": st.just("auto"), "warmup_steps": st.just(2),
                                        "_target_": st.just(PREFIX + "StepLRParams")}))


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(changes=st.lists(st.tuples(st.sampled_from(SCHED_KEYS), SCHED_VALUES), min_size=1,
                        max_size=4),
       trainer_steps=st.sampled_from([-1, 30]))
def test_what_lrplot_reads_nemo_builds_alike(changes, trainer_steps, tmp_path_factory):
    """A series lrplot draws equals NeMo's; a config lrplot refuses is one NeMo fails on or
    builds no scheduler for (a missing sched.name, args that are not a mapping), or a value
    the kind's parameter table refuses."""
    import warnings

    import numpy as np
    import yaml

    from frameworks_oracle import nemo_config_lrs
    from lrplot.problems import SpecError

    _oracle()
    sched: dict = {"name": "CosineAnnealing", "warmup_steps": 2}
    for path, value in changes:
        node = sched
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    config = tmp_path_factory.mktemp("nemo") / "c.yaml"
    config.write_text(yaml.safe_dump({
        "trainer": {"max_steps": trainer_steps, "max_epochs": 2, "devices": 1},
        "model": {"train_ds": {"batch_size": 4}, "optim": {"lr": 0.1, "sched": sched}}}))
    try:
        data = _read(config, dataset_size=40)
        got = _lrs(data)
    except SpecError as exc:
        got = None
        if "curves[0]." in str(exc):  # a value the kind's parameter table refuses (a float
            return                      # warmup_steps, which NeMo's arithmetic would take)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = nemo_config_lrs(str(config), 31 if trainer_steps == 30 else 21,
                                       dataset_size=40, steps_per_epoch=10)
    except Exception:  # noqa: BLE001 - NeMo fails to build it
        expected = None
    if got is not None:
        assert expected is not None, sched
        assert_lr_close(got, expected, rtol=RTOL_FLOAT64, context=str(sched))
    elif expected is not None and not np.all(expected == 0.1):
        pytest.fail(f"refused what NeMo builds: {sched}")
