"""The mmengine config forms beyond plain assignments: ``{{_base_.x}}`` substitutions and
``_base_.x`` references of classic configs, and the pure-Python style (``with read_base():``
imports of other config files, imported classes as ``type``, ``.update`` / ``.merge`` /
item and attribute assignments, rebinding). Each is read as data and checked against
mmengine 0.10.7's own ``Config.fromfile`` (which parses both styles here: the pure-Python
style imports nothing but the config files, its classes stay lazy) and the schedulers it
builds from what it parsed, stepped as its Runner steps them. The real configs under
tests/data/mmengine name their repository, path and commit in PROVENANCE.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_readers_mmengine import _write, compare, fail

from lrplot.readers import pyconfig

DATA = Path(__file__).resolve().parent / "data" / "mmengine"
PRETRAIN = DATA / "mmpretrain" / "mmpretrain" / "configs"
MOBILENET = PRETRAIN / "mobilenet_v3" / "mobilenet_v3_small_8xb16_cifar10.py"
CONVNEXT = PRETRAIN / "convnext" / "convnext-base_32xb128_in1k.py"
MAE = PRETRAIN / "mae" / "mae_vit_base_p16_8xb512_amp_coslr_300e_in1k.py"
ARCFACE = DATA / "mmpretrain" / "configs" / "arcface" / "resnet50-arcface_8xb32_inshop.py"
MMDET_1X = DATA / "mmdetection" / "mmdet" / "configs" / "_base_" / "schedules" / "schedule_1x.py"

KEYS = ("param_scheduler", "train_cfg", "optim_wrapper", "auto_scale_lr")


def _plain(value, key=None):
    """mmengine's to_dict() with tuples as lists and imported classes by their class name
    (``mmengine.optim.scheduler.lr_scheduler.LinearLR`` -> ``LinearLR``), as lrplot keeps them."""
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if key == "type" and isinstance(value, str):
        return value.split(".")[-1]
    return value


def _agrees(mine, theirs) -> bool:
    """lrplot's value is mmengine's, or (in part) a value lrplot refuses where it is needed
    (it follows no statement that could change it), never a different value."""
    if isinstance(mine, pyconfig.Unreadable):
        return True
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return mine.keys() == theirs.keys() and all(_agrees(mine[k], theirs[k]) for k in mine)
    if isinstance(mine, list) and isinstance(theirs, list):
        return len(mine) == len(theirs) and all(map(_agrees, mine, theirs))
    return mine == theirs


def _refuses(value) -> bool:
    if isinstance(value, dict):
        return any(map(_refuses, value.values()))
    if isinstance(value, list):
        return any(map(_refuses, value))
    return isinstance(value, pyconfig.Unreadable)


def _theirs(path: Path) -> dict:
    pytest.importorskip("mmengine")
    from mmengine.config import Config

    return _plain(Config.fromfile(str(path)).to_dict())


def _mmengine_run(path: Path, steps_per_epoch: int, lr_scale: float = 1.0) -> np.ndarray:
    """The lrs mmengine gives the config it parses: the Runner's loop and default ends, the
    real schedulers stepped for the whole run (its last value included)."""
    import mmengine_oracle

    cfg = _theirs(path)
    loop = cfg["train_cfg"]
    by_epoch = loop.get("type", "EpochBasedTrainLoop" if loop.get("by_epoch") else
                        "IterBasedTrainLoop") == "EpochBasedTrainLoop"
    max_epochs = loop["max_epochs"] if by_epoch else 1
    max_iters = max_epochs * steps_per_epoch if by_epoch else loop["max_iters"]
    schedulers = cfg["param_scheduler"]
    entries = []
    for s in schedulers if isinstance(schedulers, list) else [schedulers]:
        s = dict(s)
        s.setdefault("end", max_epochs if s.get("by_epoch", True) else max_iters)  # the Runner
        entries.append((s.pop("type"), s))
    lr = cfg["optim_wrapper"]["optimizer"]["lr"] * lr_scale
    return mmengine_oracle.run(entries, max_iters + 1, lr, steps_per_epoch)["lr"]


def _same_data(path: Path, keys=KEYS) -> dict:
    mine, theirs = _plain(pyconfig.load(str(path)).data), _theirs(path)
    for key in keys:
        assert mine.get(key) == theirs.get(key), key
    return mine


# -- the pure-Python style, on real configs ---------------------------------------------------

@pytest.mark.parametrize("path,spe", [
    (MOBILENET, 3),  # param_scheduler.merge(dict(type=MultiStepLR, ...)), train_cfg.merge(...)
    (CONVNEXT, 2),  # optim_wrapper.update(optimizer=dict(lr=4e-3)) merges into the base's
    (MAE, 2),  # rebinding, default_hooks.checkpoint = dict(...), full module paths as types
    (MMDET_1X, 50),  # mmdet/configs: LinearLR by iteration then MultiStepLR by epoch
])
def test_pure_python_configs_match_mmengine(path, spe, tmp_path):
    _same_data(path)
    lr, curve = compare(path, "--steps-per-epoch", str(spe), tmp_path=tmp_path)
    expected = _mmengine_run(path, spe)
    assert len(lr) == len(expected)
    np.testing.assert_allclose(lr, expected, rtol=1e-12, atol=0)


def test_pure_python_marks_point_at_the_file_that_wrote_each_value(tmp_path):
    doc = pyconfig.load(str(MOBILENET))
    assert doc.marks[("train_cfg", "max_epochs")].file.endswith("mobilenet_v3_small_8xb16_"
                                                                 "cifar10.py")
    assert doc.marks[("optim_wrapper", "optimizer", "lr")].file.endswith("cifar10_bs128.py")
    assert doc.data["param_scheduler"]["type"] == "MultiStepLR"


def test_mutations_follow_configdict_semantics(tmp_path):
    """Inherited dicts are ConfigDicts (update merges key by key, attribute assignment sets a
    key); the file's own dicts are dicts (update replaces); names share objects as Python's
    do; merge honours _delete_; a name imported with ``as`` is the base's value."""
    top = _write(tmp_path / "configs", {
        "exp/child.py":
            "from mmengine.config import read_base\n"
            "with read_base():\n"
            "    from .._base_.schedule import *\n"
            "    from .._base_.schedule import optim_wrapper as ow\n"
            "from mmengine.optim import CosineAnnealingLR\n"
            "param_scheduler[1].milestones = [6, 9]\n"
            "param_scheduler[0]['end'] = 40\n"
            "sched = param_scheduler\n"
            "sched.append(dict(type=CosineAnnealingLR, by_epoch=False, begin=200, end=300,\n"
            "                  eta_min=1e-4))\n"
            "train_cfg.merge(dict(_delete_=True, type=IterBasedTrainLoop, max_iters=300))\n"
            "ow.update(optimizer=dict(lr=0.04))\n"
            "mine = dict(a=dict(b=1))\n"
            "mine.update(a=dict(c=2))\n"
            "train_dataloader = dict(batch_size=2)\n"
            "train_dataloader.update(dict(num_workers=4))\n",
        "_base_/schedule.py":
            "from mmengine.optim.scheduler.lr_scheduler import LinearLR, MultiStepLR\n"
            "from mmengine.runner.loops import EpochBasedTrainLoop, IterBasedTrainLoop\n"
            "from torch.optim.sgd import SGD\n"
            "train_cfg = dict(type=EpochBasedTrainLoop, max_epochs=12, val_interval=1)\n"
            "param_scheduler = [\n"
            "    dict(type=LinearLR, start_factor=0.001, by_epoch=False, begin=0, end=20),\n"
            "    dict(type=MultiStepLR, by_epoch=False, begin=0, end=300, milestones=[8, 11],\n"
            "         gamma=0.5)]\n"
            "optim_wrapper = dict(optimizer=dict(type=SGD, lr=0.02, momentum=0.9))\n"})
    mine = _same_data(top, (*KEYS, "mine", "train_dataloader"))
    assert mine["mine"] == {"a": {"c": 2}}
    assert mine["param_scheduler"][1]["milestones"] == [6, 9]
    assert len(mine["param_scheduler"]) == 3 and mine["optim_wrapper"]["optimizer"]["lr"] == 0.04
    lr, _ = compare(top, tmp_path=tmp_path)
    np.testing.assert_allclose(lr, _mmengine_run(top, 1), rtol=1e-12, atol=0)


# -- classic configs: {{_base_.x}} and _base_.x ------------------------------------------------

def test_base_substitutions_and_references_match_mmengine(tmp_path):
    top = _write(tmp_path / "configs", {
        "child.py":
            "_base_ = ['./schedule.py']\n"
            "optim_wrapper = dict(optimizer=dict(type='AdamW', lr={{_base_.base_lr}}))\n"
            "warmup = {{_base_.param_scheduler}}\n"
            "param_scheduler = [\n"
            "    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=30),\n"
            "    dict(type='CosineAnnealingLR', eta_min=_base_.base_lr * 0.01,\n"
            "         begin={{_base_.warmup_epochs}}, end={{ _base_.train_cfg.max_epochs }},\n"
            "         T_max=_base_.train_cfg['max_epochs'] - _base_.warmup_epochs,\n"
            "         by_epoch=True, convert_to_iter_based=True)]\n"
            "train_dataloader = dict(batch_size=_base_.param_scheduler[0]['end'])\n",
        "schedule.py":
            "base_lr = 0.004\n"
            "warmup_epochs = 2\n"
            "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10)\n"
            "param_scheduler = [dict(type='ConstantLR', factor=0.5, end=3)]\n"
            "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))\n"})
    mine = _same_data(top, (*KEYS, "warmup", "train_dataloader"))
    assert mine["param_scheduler"][1]["T_max"] == 8 and mine["train_dataloader"]["batch_size"] == 3
    doc = pyconfig.load(str(top))
    assert doc.marks[("warmup", 0, "factor")].file.endswith("schedule.py")  # where it was written
    lr, _ = compare(top, "--steps-per-epoch", "7", tmp_path=tmp_path)
    np.testing.assert_allclose(lr, _mmengine_run(top, 7), rtol=1e-12, atol=0)


def test_a_real_classic_config_with_a_base_substitution_matches_mmengine(tmp_path):
    """mmpretrain's ArcFace config takes its model's prototype from {{_base_.gallery_dataloader}}
    and scales the lr by auto_scale_lr (enabled): 4 processes x 32 / 256 = 0.5."""
    mine = _same_data(ARCFACE, (*KEYS, "model", "train_dataloader"))
    assert mine["model"]["prototype"]["batch_size"] == 32
    lr, curve = compare(ARCFACE, "--dataset-size", "25882", "--world-size", "4",
                        tmp_path=tmp_path)
    spe = -(-(-(-25882 // 4)) // 32)  # DefaultSampler: ceil(ceil(N / world) / batch)
    assert curve["schedule"]["steps_per_epoch"] == spe == 203
    assert curve["schedule"]["base_lr"] == 0.02 * (float(4 * 32) / float(256))
    np.testing.assert_allclose(lr, _mmengine_run(ARCFACE, spe, float(4 * 32) / float(256)),
                               rtol=1e-12, atol=0)


def test_assignments_into_base_values_match_mmengine(tmp_path):
    """``_base_.a.b = v`` changes the bases' values before the file merges into them."""
    top = _write(tmp_path / "configs", {
        "child.py": "_base_ = 'base.py'\n"
                    "_base_.param_scheduler[1].eta_min = 1e-3\n"
                    "_base_.train_cfg['max_iters'] = _base_.param_scheduler[1]['end']\n"
                    "param_scheduler = _base_.param_scheduler\n"
                    "param_scheduler[0]['end'] = 5\n",
        "base.py": "train_cfg = dict(type='IterBasedTrainLoop', max_iters=10)\n"
                   "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                   "param_scheduler = [dict(type='LinearLR', by_epoch=False, end=4),\n"
                   "    dict(type='CosineAnnealingLR', by_epoch=False, begin=4, end=30,\n"
                   "         T_max=26)]\n"})
    assert "child.py:5:1" in fail(top, tmp_path=tmp_path)  # an item of a name: not followed
    (tmp_path / "configs" / "child.py").write_text(
        "_base_ = 'base.py'\n"
        "_base_.param_scheduler[1].eta_min = 1e-3\n"
        "_base_.train_cfg['max_iters'] = _base_.param_scheduler[1]['end']\n")
    mine = _same_data(top)
    assert mine["train_cfg"]["max_iters"] == 30
    lr, _ = compare(top, tmp_path=tmp_path)
    np.testing.assert_allclose(lr, _mmengine_run(top, 1), rtol=1e-12, atol=0)
    (tmp_path / "configs" / "child.py").write_text("_base_ = 'base.py'\n"
                                                   "_base_.missing.x = 1\n")
    (tmp_path / "out.json").unlink()
    assert "child.py:2:1" in fail(top, tmp_path=tmp_path)


def test_arithmetic_on_a_substitution_is_refused_where_it_is(tmp_path):
    """mmengine puts a placeholder string where {{_base_.x}} stands and substitutes whole
    values only: ``{{_base_.max_epochs}} - 1`` is not the base's number minus one there."""
    top = _write(tmp_path / "configs", {
        "child.py": "_base_ = 'base.py'\n"
                    "param_scheduler = dict(type='PolyLR', by_epoch=False,\n"
                    "                       end={{_base_.n}} - 1)\n",
        "base.py": "n = 10\ntrain_cfg = dict(type='IterBasedTrainLoop', max_iters=n)\n"
                   "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "child.py:3:28" in out and "substitution" in out


def test_a_missing_base_value_is_an_error_at_its_reference(tmp_path):
    top = _write(tmp_path / "configs", {
        "child.py": "_base_ = 'base.py'\nlr = 1\nx = dict(y={{_base_.train_cfg.max_iter}})\n",
        "base.py": "train_cfg = dict(max_iters=3)\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "child.py:3:12" in out and "_base_.train_cfg.max_iter" in out


def test_statements_not_followed_make_their_names_unreadable(tmp_path):
    """A classic config that changes a value in a way lrplot does not follow (a loop, a
    method call) gets no silent wrong value: the value is refused where it is needed."""
    top = _write(tmp_path / "configs", {
        "x.py": "train_cfg = dict(type='IterBasedTrainLoop', max_iters=10)\n"
                "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                "param_scheduler = [dict(type='LinearLR', by_epoch=False)]\n"
                "for s in param_scheduler:\n"
                "    s['end'] = 5\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "x.py:4:1" in out and "For statement" in out
    changes_base = _write(tmp_path / "b" / "configs", {
        "x.py": "_base_ = 'y.py'\n_base_.train_cfg.update(max_iters=5)\n",
        "y.py": "train_cfg = dict(max_iters=3)\n"})
    assert "x.py:2:1" in fail(changes_base, tmp_path=tmp_path)


# -- hostile and bad input, pure-Python style --------------------------------------------------

LAZY = "from mmengine.config import read_base\n"


def test_import_cycle_is_an_error_at_its_line(tmp_path):
    top = _write(tmp_path / "configs", {
        "a.py": LAZY + "with read_base():\n    from .b import *\n",
        "b.py": LAZY + "with read_base():\n    from .a import *\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "_base_ cycle: a.py -> b.py -> a.py" in out and "b.py:3:5" in out


@pytest.mark.parametrize("line,where,says", [
    ("with read_base():\n    from ...elsewhere import *\n", "x.py:3:5", "outside"),
    ("with read_base():\n    from mmdet.configs.x import *\n", "x.py:3:5", "absolute import"),
    ("with read_base():\n    from .missing import *\n", "x.py:3:5", "no such file"),
    ("with open('/etc/passwd') as f:\n    pass\n", "x.py:2:1", "only `with read_base():`"),
    ("from .y import *\n", "x.py:2:1", "inside `with read_base():` only"),
    ("from mmdet.models import *\n", "x.py:2:1", "takes * only from config files"),
])
def test_imports_that_are_not_config_files_at_hand_are_refused(tmp_path, line, where, says):
    (tmp_path / "elsewhere.py").write_text("x = 1\n")
    top = _write(tmp_path / "p" / "configs", {"x.py": LAZY + line + "train_cfg = dict()\n",
                                              "y.py": "x = 1\n"})
    out = fail(top, tmp_path=tmp_path)
    assert where in out and says in out


def test_a_classic_base_under_a_pure_python_config_is_refused(tmp_path):
    top = _write(tmp_path / "configs", {
        "x.py": LAZY + "with read_base():\n    from .y import *\n",
        "y.py": "_base_ = []\ntrain_cfg = dict()\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "y.py:1:1" in out and "mixes the two styles" in out


def test_values_that_are_not_data_are_refused_where_they_are(tmp_path):
    top = _write(tmp_path / "configs", {
        "x.py": LAZY + "from mmengine.optim import LinearLR\n"
                "import os\n"
                "train_cfg = dict(by_epoch=False, max_iters=int(os.environ['N']))\n"
                "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                "param_scheduler = [dict(type=LinearLR, by_epoch=False)]\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "x.py:4:44" in out and "not data lrplot reads" in out
    changed = _write(tmp_path / "c" / "configs", {
        "x.py": LAZY + "from mmengine.optim import LinearLR\n"
                "train_cfg = dict(by_epoch=False, max_iters=10)\n"
                "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                "param_scheduler = [dict(type=LinearLR, by_epoch=False)]\n"
                "if True:\n    param_scheduler[0].update(end=3)\n"})
    out = fail(changed, tmp_path=tmp_path)
    assert "x.py:6:1" in out and "If statement" in out


def test_self_containing_and_exploding_values_are_refused(tmp_path):
    cyclic = _write(tmp_path / "a" / "configs", {
        "x.py": LAZY + "with read_base():\n    from .y import *\n"
                "param_scheduler.append(param_scheduler)\n"
                "train_cfg.update(x=param_scheduler)\n",
        "y.py": "from mmengine.optim import LinearLR\n"
                "train_cfg = dict(by_epoch=False, max_iters=10)\n"
                "param_scheduler = [dict(type=LinearLR, by_epoch=False)]\n"})
    assert "contains itself" in fail(cyclic, tmp_path=tmp_path)
    doubling = "".join(f"a{i + 1} = [a{i}, a{i}]\n" for i in range(40))
    exploding = _write(tmp_path / "b" / "configs", {
        "x.py": LAZY + "from mmengine.optim import LinearLR\na0 = [1]\n" + doubling +
                "param_scheduler = [dict(type=LinearLR, by_epoch=False, x=a40)]\n"
                "train_cfg = dict(by_epoch=False, max_iters=10)\n"})
    assert "more than" in fail(exploding, tmp_path=tmp_path)


def test_augmented_assignment_extends_a_shared_list_as_python_does(tmp_path):
    top = _write(tmp_path / "configs", {"x.py": (
        "from mmengine.config import read_base\n"
        "from mmengine.optim import ConstantLR, LinearLR\n"
        "a = [dict(type=LinearLR, by_epoch=False, end=5)]\n"
        "param_scheduler = a\n"
        "a += [dict(type=ConstantLR, by_epoch=False, begin=5, end=8, factor=0.5)]\n"
        "n = 3\nn += 2\n"
        "train_cfg = dict(by_epoch=False, max_iters=n * 2)\n"
        "optim_wrapper = dict(optimizer=dict(lr=0.1))\n")})
    mine = _same_data(top)
    assert len(mine["param_scheduler"]) == 2 and mine["train_cfg"]["max_iters"] == 10
    lr, _ = compare(top, tmp_path=tmp_path)
    np.testing.assert_allclose(lr, _mmengine_run(top, 1), rtol=1e-12, atol=0)


# -- differential: random statements against mmengine's own parse ------------------------------

STATEMENTS = [
    "train_cfg.update(max_iters={n})",
    "train_cfg.update(dict(max_iters={n}, val_interval=1))",
    "train_cfg.merge(dict(_delete_=True, type=IterBasedTrainLoop, max_iters={n}))",
    "optim_wrapper.optimizer.lr = {f}",
    "optim_wrapper['optimizer'].update(lr={f})",
    "optim_wrapper.update(optimizer=own)",
    "optim_wrapper.merge(dict(optimizer=dict(_delete_=True, type=SGD, lr={f})))",
    "param_scheduler[0].end = {k}",
    "param_scheduler[-1]['gamma'] = {f}",
    "param_scheduler.append(dict(type=ConstantLR, by_epoch=False, factor={f}, end={k}))",
    "param_scheduler.extend([param_scheduler[0]])",
    "param_scheduler = [param_scheduler[0]]",
    "shared = param_scheduler",
    "shared += [dict(type=ConstantLR, by_epoch=False, factor={f})]",
    "shared[0].update(dict(begin=1))",
    "own = dict(type=SGD, lr={f}, momentum=0.9)",
    "own.update(lr={f})",
    "own.update(momentum=dict(x=1))",
    "optim_wrapper = dict(optimizer=own)",
    "train_cfg = dict(type=IterBasedTrainLoop, max_iters={n} * 2 - 1)",
    "optim_wrapper.optimizer = dict(**own, weight_decay={f})",
    "optim_wrapper.optimizer.type = torch.optim.AdamW",
    "param_scheduler[{k}] = dict(type=ConstantLR, by_epoch=False)",
    "param_scheduler[0].milestones.append({k})",
]


def _reads_as_mmengine_parses(factory, statements: list[str], files, keys: tuple[str, ...],
                              refusal_allowed=lambda message: False) -> None:
    """Random lists of ``statements`` written by ``files(lines)`` into a config tree: whenever
    mmengine's Config.fromfile parses the top file, lrplot reads the same ``keys``; lrplot
    refuses only what mmengine refuses too (or what ``refusal_allowed`` accepts), and never
    shows a traceback. Many sequences must be compared in full."""
    pytest.importorskip("mmengine")
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from mmengine.config import Config

    statement = st.builds(lambda t, n, f, k: t.format(n=n, f=f, k=k), st.sampled_from(statements),
                          st.integers(1, 50), st.sampled_from([0.1, 0.5, 1e-3, 2.5]),
                          st.integers(0, 9))
    compared: list = []

    @settings(max_examples=80, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(statement, max_size=8))
    def check(lines):
        top = _write(factory.mktemp("fz") / "configs", files(lines))
        try:
            theirs = _plain(Config.fromfile(str(top)).to_dict())
        except Exception:  # mmengine itself refuses the file: lrplot must only not crash
            theirs = None
        try:
            mine = _plain(pyconfig.load(str(top)).data)
        except pyconfig.SpecError as exc:
            assert theirs is None or refusal_allowed(str(exc)), lines
            return
        if theirs is not None:
            if not any(_refuses(mine.get(key)) for key in keys):
                compared.append(lines)
            for key in keys:
                assert _agrees(mine.get(key), theirs.get(key)), (key, lines)

    check()
    assert sum(len(lines) >= 3 for lines in compared) >= 15


@pytest.mark.filterwarnings("ignore")
def test_random_mutations_read_as_mmengine_parses_them(tmp_path_factory):
    """Random sequences of the statements real pure-Python configs use."""
    _reads_as_mmengine_parses(tmp_path_factory, STATEMENTS, lambda lines: {
        "x.py": LAZY + "with read_base():\n    from .base import *\n"
                "from mmengine.optim import ConstantLR\nfrom torch.optim import SGD\n"
                "import torch.optim\n"
                "own = dict(type=SGD, lr=0.3)\nshared = []\n" + "\n".join(lines) + "\n",
        "base.py": "from mmengine.optim import LinearLR, MultiStepLR\n"
                   "from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop\n"
                   "from torch.optim import SGD\n"
                   "train_cfg = dict(type=IterBasedTrainLoop, max_iters=20)\n"
                   "optim_wrapper = dict(optimizer=dict(type=SGD, lr=0.02, momentum=0.9))\n"
                   "param_scheduler = [dict(type=LinearLR, by_epoch=False, end=4),\n"
                   "    dict(type=MultiStepLR, by_epoch=False, milestones=[8], gamma=0.5)]\n"},
        ("train_cfg", "optim_wrapper", "param_scheduler", "own", "shared"))


@pytest.mark.parametrize("style", ["classic", "pure-Python"])
def test_names_nested_into_each_other_are_bounded(style, tmp_path):
    """``a = [a, a]`` forty times is 2**40 values once copied, ``a = [a]`` three thousand
    times nests past any stack: both are refused at the line that goes too far."""
    head = LAZY + "from mmengine.optim import LinearLR\n" if style == "pure-Python" else ""
    kind = "LinearLR" if style == "pure-Python" else "'LinearLR'"
    tail = ("train_cfg = dict(by_epoch=False, max_iters=10)\n"
            "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
            f"param_scheduler = dict(type={kind}, by_epoch=False, x=a)\n")
    for name, body, says in (("wide", "a = [a, a]\n" * 45, "more than 2000000 values"),
                             ("deep", "a = [a]\n" * 3000, "nested more than 100 deep")):
        top = _write(tmp_path / name / "configs", {"x.py": head + "a = [1]\n" + body + tail})
        assert says in fail(top, tmp_path=tmp_path / name)


CLASSIC_STATEMENTS = [
    "train_cfg = dict(max_iters={n})",
    "train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters={n})",
    "optim_wrapper = dict(optimizer=dict(lr={f}))",
    "optim_wrapper = dict(optimizer=dict(lr={{{{_base_.base_lr}}}}))",
    "lr = _base_.base_lr * {f}",
    "optim_wrapper = dict(optimizer=dict(lr=lr))",
    "_base_.optim_wrapper.optimizer.lr = {f}",
    "_base_.param_scheduler[-1].gamma = {f}",
    "_base_.train_cfg['max_iters'] = {n}",
    "param_scheduler = {{{{_base_.param_scheduler}}}}",
    "param_scheduler = _base_.param_scheduler + [dict(type='ConstantLR', by_epoch=False)]",
    "param_scheduler = [dict(type='LinearLR', by_epoch=False, end={k})]",
    "n = {{{{_base_.train_cfg.max_iters}}}}",
    "train_cfg = dict(max_iters=n)",
    "train_cfg = dict(max_iters=n + 1)",
    "param_scheduler[0]['end'] = {k}",
    "steps = [_base_.train_cfg.max_iters // 2, {n}]",
    "param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=steps)]",
]


@pytest.mark.filterwarnings("ignore")
def test_random_classic_statements_read_as_mmengine_parses_them(tmp_path_factory):
    """As above for classic configs: ``{{_base_.x}}``, ``_base_.x`` and ``_base_.x = v``
    mixed with the file's own assignments, merged into the base as mmengine merges them;
    lrplot may also refuse a form it says it does not follow."""
    _reads_as_mmengine_parses(tmp_path_factory, CLASSIC_STATEMENTS, lambda lines: {
        "x.py": "_base_ = ['base.py']\n" + "\n".join(lines) + "\n",
        "base.py": "base_lr = 0.02\n"
                   "train_cfg = dict(type='IterBasedTrainLoop', max_iters=20)\n"
                   "optim_wrapper = dict(optimizer=dict(type='SGD', lr=base_lr))\n"
                   "param_scheduler = [dict(type='LinearLR', by_epoch=False, end=4),\n"
                   "    dict(type='MultiStepLR', by_epoch=False, milestones=[8])]\n"},
        ("train_cfg", "optim_wrapper", "param_scheduler", "lr", "n", "steps"),
        refusal_allowed=lambda message: "lrplot does not follow" in message)


def test_a_statement_not_followed_reaches_the_names_sharing_what_it_changes(tmp_path):
    """``x = param_scheduler`` shares the list: a loop over ``x`` may change what
    ``param_scheduler`` holds, so both are refused where needed, at the loop's line."""
    top = _write(tmp_path / "configs", {
        "x.py": LAZY + "from mmengine.optim import LinearLR\n"
                "train_cfg = dict(by_epoch=False, max_iters=10)\n"
                "optim_wrapper = dict(optimizer=dict(lr=0.1))\n"
                "param_scheduler = [dict(type=LinearLR, by_epoch=False)]\n"
                "x = dict(s=param_scheduler)\n"
                "for s in x['s']:\n    s['end'] = 3\n"})
    out = fail(top, tmp_path=tmp_path)
    assert "param_scheduler" in out and "x.py:7:1" in out and "For statement" in out
