"""NeMo configs read by lrplot.readers.nemo: public configs from NVIDIA/NeMo (tests/data/foreign/
nemo/SOURCES.md) as NeMo builds their schedulers (trainer.max_steps, or compute_max_steps from
the epochs), interpolations, epoch schedulers, the trainer-level findings, and hostile inputs;
the series equal to NeMo's own prepare_lr_scheduler stepped live (when nemo_toolkit's
lr_scheduler module and OmegaConf load)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lrplot import readers
from lrplot.cli import main
from test_readers_lint import lint
from lrplot.readers.run import RunFacts
from frameworks_oracle import RTOL_FLOAT64, assert_lr_close

DATA = Path(__file__).resolve().parent / "data" / "foreign" / "nemo"
GPT = DATA / "megatron_gpt_config.yaml"
CONFORMER = DATA / "conformer_ctc_bpe.yaml"
SQUEEZEFORMER = DATA / "squeezeformer_ctc_bpe.yaml"
MATCHBOXNET = DATA / "matchboxnet_3x1x64_v2.yaml"


def _read(path: Path, **facts) -> dict:
    doc, fmt = readers.load(str(path))
    figure, _ = readers.convert(doc, RunFacts(**facts), fmt)
    return figure.data


def _params(data: dict) -> dict:
    return {k: v for k, v in data["curves"][0].items() if k != "label"}


def test_the_public_gpt_config_as_nemo_builds_it():
    data = _read(GPT)
    assert data["steps"] == 100_001 and data["base_lr"] == 2e-4
    assert _params(data) == {"type": "nemo.cosine_annealing", "warmup_steps": 500,
                             "constant_steps": 0, "min_lr": 2e-5, "max_steps": 100_000}


def test_the_conformer_sizes_its_noam_schedule_from_the_epochs():
    """trainer.max_steps -1: compute_max_steps over the dataset; d_model is ${...}."""
    data = _read(CONFORMER, dataset_size=281_241, world_size=8)
    per_epoch = -(-(-(-281_241 // 8)) // 16)  # ceil(ceil(N / world) / batch)
    assert data["steps"] == per_epoch * 1000 + 1
    assert _params(data) == {"type": "nemo.noam_annealing", "d_model": 512,
                             "warmup_steps": 10_000, "warmup_ratio": None, "min_lr": 1e-6,
                             "max_steps": per_epoch * 1000}
    assert data["base_lr"] == 2.0


def test_detected_before_hydra_though_it_holds_target_nodes():
    doc, fmt = readers.load(str(CONFORMER))
    assert fmt is None and readers.detect(doc.data) == "nemo"


def test_drop_last_accumulation_and_limit_train_batches(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("trainer: {max_steps: -1, max_epochs: 3, accumulate_grad_batches: 4,\n"
                    "  limit_train_batches: 0.5, devices: 2}\n"
                    "model:\n  train_ds: {batch_size: 10, drop_last: true}\n"
                    "  optim: {lr: 0.1, sched: {name: WarmupAnnealing, warmup_ratio: 0.1}}\n")
    data = _read(path, dataset_size=1001)
    # floor(ceil(1001 / 2) / 10) = 50 batches, int(50 x 0.5) = 25, ceil(25 / 4) = 7 per epoch
    assert _params(data)["max_steps"] == 21 and data["steps"] == 22


LIVE = [
    (GPT, {"max_steps": 3000}),
    (CONFORMER, {"dataset_size": 20_000, "world_size": 2, "epochs": 20}),
    (SQUEEZEFORMER, {"dataset_size": 60_000, "world_size": 4, "epochs": 40}),
    (MATCHBOXNET, {"dataset_size": 90_000, "epochs": 30}),
]


@pytest.mark.parametrize("path,facts", LIVE, ids=[p.name for p, _ in LIVE])
def test_matches_nemo_building_the_scheduler_from_the_config(path, facts):
    """The reader's curve against NeMo's own prepare_lr_scheduler fed as ModelPT feeds it."""
    pytest.importorskip("omegaconf")
    pytest.importorskip("torch")
    from frameworks_oracle import nemo_config_lrs, nemo_lr_scheduler

    try:
        nemo_lr_scheduler()
    except ImportError as exc:
        pytest.skip(f"NeMo's lr_scheduler module cannot be loaded: {exc}")
    import lrplot

    data = _read(path, **facts)
    params = _params(data)
    lr = lrplot.schedule(params.pop("type"), steps=data["steps"], base_lr=data["base_lr"],
                         **params)
    expected = nemo_config_lrs(str(path), data["steps"], **facts)
    assert_lr_close(lr, expected, rtol=RTOL_FLOAT64, context=path.name)


def test_devices_as_a_list_and_interpolations_nobody_reads(tmp_path):
    """trainer.devices [0, 1] is two devices; a resolver in a key the schedule does not need
    (a logger's) is not run and does not matter."""
    path = tmp_path / "c.yaml"
    path.write_text("trainer: {max_steps: -1, max_epochs: 2, devices: [0, 1],\n"
                    "  logger: '${oc.env:WANDB_PROJECT}'}\n"
                    "model:\n  train_ds: {batch_size: '${model.bs}'}\n  bs: 10\n"
                    "  optim: {lr: 0.1, sched: {name: WarmupAnnealing}}\n")
    data = _read(path, dataset_size=100)
    assert _params(data)["max_steps"] == 2 * 5  # ceil(ceil(100 / 2) / 10) x 2 epochs


def test_an_epoch_scheduler_steps_once_per_epoch(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("trainer: {max_steps: -1, max_epochs: 4, devices: 1}\n"
                    "model:\n  train_ds: {batch_size: 10}\n"
                    "  optim: {lr: 0.1, sched: {name: ExponentialLR, gamma: 0.5, "
                    "last_epoch: -1}}\n")
    data = _read(path, dataset_size=25)
    assert data["interval"] == "epoch" and data["steps_per_epoch"] == 3
    assert data["steps"] == 13 and _params(data) == {"type": "exponential", "gamma": 0.5}


TORCH_SCHEDULERS = [
    ("ExponentialLR", "gamma: 0.9", {"dataset_size": 25}),
    ("StepLR", "step_size: 7\n      gamma: 0.5\n      last_epoch: -1", {"dataset_size": 25}),
    ("CyclicLR", "base_lr: 0.01\n      max_lr: 0.1\n      step_size_up: 4\n"
                 "      cycle_momentum: false", {"dataset_size": 25}),
    ("CosineAnnealing", "warmup_ratio: 0.1\n      min_lr: 0.001\n      monitor: val_loss\n"
                        "      reduce_on_plateau: false", {"dataset_size": 65}),
]


@pytest.mark.parametrize("name,args,facts", TORCH_SCHEDULERS, ids=[n for n, _, _ in
                                                                   TORCH_SCHEDULERS])
def test_torch_schedulers_and_their_interval_as_nemo_builds_them(tmp_path, name, args, facts):
    """NeMo's torch entries (ExponentialLR stepped per epoch, as NeMo's EPOCH_SCHEDULERS say)
    and the keys NeMo does not pass on, against NeMo's prepare_lr_scheduler."""
    pytest.importorskip("omegaconf")
    pytest.importorskip("torch")
    from frameworks_oracle import nemo_config_lrs, nemo_lr_scheduler

    try:
        nemo_lr_scheduler()
    except ImportError as exc:
        pytest.skip(f"NeMo's lr_scheduler module cannot be loaded: {exc}")
    import lrplot

    path = tmp_path / "c.yaml"
    path.write_text("trainer:\n  max_steps: -1\n  max_epochs: 6\n  devices: 1\n"
                    "model:\n  train_ds:\n    batch_size: 10\n  optim:\n    lr: 0.1\n"
                    f"    sched:\n      name: {name}\n      {args}\n")
    data = _read(path, **facts)
    curve = lrplot.load(data).curves[0]
    from lrplot import compute

    lr = compute.values(curve)
    spe = data.get("steps_per_epoch")
    expected = nemo_config_lrs(str(path), data["steps"], steps_per_epoch=spe, **facts)
    assert_lr_close(lr, expected, rtol=RTOL_FLOAT64, context=name)


def test_sched_max_steps_minus_one_builds_no_scheduler(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("trainer: {max_steps: -1, max_epochs: 2, devices: 1}\n"
                    "model:\n  train_ds: {batch_size: 10}\n"
                    "  optim: {lr: 0.1, sched: {name: CosineAnnealing, max_steps: -1}}\n")
    data = _read(path, dataset_size=100)
    assert _params(data) == {"type": "nemo.warmup_policy"} and data["steps"] == 21


def test_findings_max_steps_from_epochs_and_no_scheduler(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("trainer: {max_steps: -1, max_epochs: 2, devices: 1}\n"
                    "model:\n  train_ds: {batch_size: 10}\n"
                    "  optim: {lr: 0.1, sched: {name: CosineAnnealing, max_steps: -1}}\n")
    found = lint(path, "--dataset-size", "100")
    assert found["nemo-no-scheduler"]["where"].startswith(f"{path}:4:")
    assert "nemo-max-steps-from-epochs" not in found
    found = lint(MATCHBOXNET, "--dataset-size", "1000")
    assert found["nemo-max-steps-from-epochs"]["where"].startswith(f"{MATCHBOXNET}:180:3")


def test_finding_sched_max_steps_replaced_by_the_trainer(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("trainer: {max_steps: 500}\n"
                    "optim:\n  lr: 0.1\n  sched: {name: CosineAnnealing, max_steps: 800}\n")
    found = lint(path)
    assert found["nemo-sched-max-steps-ignored"]["where"].startswith(f"{path}:4:")
    assert _params(_read(path))["max_steps"] == 500
    clean = tmp_path / "clean.yaml"
    clean.write_text("trainer: {max_steps: 500}\noptim:\n  lr: 0.1\n  sched: {name: "
                     "CosineAnnealing}\n")
    assert not {r for r in lint(clean) if r.startswith("nemo-")}


HOSTILE = [
    ("optim:\n  lr: 0.1\n  sched: {name: CosineAnealing}\ntrainer: {max_steps: 10}\n",
     ":3:11", "did you mean 'CosineAnnealing'"),
    ("optim:\n  lr: 0.1\n  sched: {name: [1]}\ntrainer: {max_steps: 10}\n", ":3:11",
     "expected a name"),
    ("optim:\n  lr: ???\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: 10}\n",
     ":2:3", "expected a number"),
    ("optim:\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: 10}\n", ":1:1",
     "no optim.lr"),
    ("optim:\n  lr: ${nowhere.lr}\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: 10}\n",
     ":2:3", "cannot resolve an interpolation"),
    ("optim:\n  lr: ${oc.env:LR}\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: 10}\n",
     ":2:3", "resolver 'oc.env'"),
    ("optim:\n  lr: 0.1\n  sched: {name: CosineAnnealing, warmup_steps: 5, warmup_ratio: 0.1}\n"
     "trainer: {max_steps: 10}\n", ":3:", "not both"),
    ("optim:\n  lr: 0.1\n  sched: {name: CosineAnnealing, warmup_step: 5}\n"
     "trainer: {max_steps: 10}\n", ":3:", "warmup_steps"),
    ("optim:\n  lr: 0.1\n  sched: {name: ReduceLROnPlateau}\ntrainer: {max_steps: 10}\n",
     ":3:11", "validation metric"),
    ("optim:\n  lr: 0.1\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: -1, "
     "max_epochs: -1}\n", ":4:", "trains without end"),
    ("optim:\n  lr: 0.1\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: 10.5}\n",
     ":4:", "whole number"),
    ("optim:\n  lr: 0.1\n  sched: {name: CosineAnnealing}\ntrainer: {max_steps: -1, "
     "max_epochs: 2, devices: -1}\ntrain_ds: {batch_size: 4}\n", ":4:", "--world-size"),
]


@pytest.mark.parametrize("text,where,message", HOSTILE, ids=[m for _, _, m in HOSTILE])
def test_hostile_configs_exit_2_located(tmp_path, text, where, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["compare", str(path), "--dataset-size", "100",
                                       "-o", str(tmp_path / "o.json")])
    assert result.exit_code == 2, result.output
    assert f"{path}{where}" in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "o.json").exists()


def test_interval_epoch_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["compare", str(GPT), "--interval", "epoch",
                                       "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "--interval epoch" in result.stderr


# -- fuzzing: any value in any key the reader reads ---------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KEYS = [("trainer", "max_steps"), ("trainer", "max_epochs"), ("trainer", "devices"),
        ("trainer", "num_nodes"), ("trainer", "accumulate_grad_batches"),
        ("trainer", "limit_train_batches"), ("model", "train_ds", "batch_size"),
        ("model", "train_ds", "drop_last"), ("model", "optim", "lr"),
        ("model", "optim", "sched", "name"), ("model", "optim", "sched", "warmup_steps"),
        ("model", "optim", "sched", "warmup_ratio"), ("model", "optim", "sched", "max_steps"),
        ("model", "optim", "sched", "min_lr"), ("model", "optim", "sched", "d_model"),
        ("model", "optim", "sched", "hold_ratio"), ("model", "optim", "sched", "args"),
        ("model", "optim", "sched", "args", "name"), ("model", "optim", "sched", "_target_"),
        ("model", "optim", "sched", "args", "_target_"), ("model", "optim", "sched", "params"),
        ("model", "optim", "sched", "cls"), ("model", "optim", "sched"),
        ("model", "optim"), ("model",), ("trainer",)]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=True),
    st.sampled_from(["???", "${model.optim.lr}", "${nowhere}", "${oc.env:HOME}", "auto", "",
                     "CosineAnnealing", "NoamAnnealing", "ExponentialLR", "1e-3", "-1",
                     "nemo.core.config.schedulers.CosineAnnealingParams",
                     "nemo.core.config.schedulers.StepLRParams",
                     "nemo.core.optim.lr_scheduler.CosineAnnealing", "WarmupPolicyParams"]),
    st.lists(st.integers(0, 5), max_size=3), st.dictionaries(st.sampled_from(["a", "name"]),
                                                             st.integers(0, 3), max_size=2))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(changes=st.lists(st.tuples(st.sampled_from(KEYS), VALUES), min_size=1, max_size=4),
       facts=st.sampled_from([[], ["--dataset-size", "1000"], ["--max-steps", "50"],
                              ["--dataset-size", "10", "--world-size", "3", "--epochs", "2"]]))
def test_any_value_anywhere_exits_0_or_2_without_a_traceback(changes, facts, tmp_path_factory):
    import yaml

    data = {"trainer": {"max_steps": -1, "max_epochs": 3, "devices": 2},
            "model": {"train_ds": {"batch_size": 4},
                      "optim": {"lr": 0.1, "sched": {"name": "CosineAnnealing",
                                                     "warmup_steps": 5, "min_lr": 0.0}}}}
    for path, value in changes:
        node = data
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    folder = tmp_path_factory.mktemp("fuzz")
    config = folder / "c.yaml"
    config.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["compare", str(config), *facts, "-o",
                                       str(folder / "o.json")], env={"LRPLOT_MAX_STEPS": "20000"})
    assert result.exit_code in (0, 2), (result.output, data)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("Error:") and not (folder / "o.json").exists()
